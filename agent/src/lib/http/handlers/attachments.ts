// The attachment handlers (/v1/hosts, /v1/attachments, /v1/migrations) and the volume operations that
// run where an attached volume's lock is held (extend, snapshot create/delete, revert), over the
// AttachmentService (control and all mode).
import type { AttachmentService } from '../../attachments/orchestrator.js';
import type { AttachmentOperationId, HolderOperationId } from './groups.js';
import { ok, type Handlers } from './types.js';

export function attachmentHandlers(attachments: AttachmentService): Handlers<AttachmentOperationId> {
  return {
    listHosts: async () => ok({ items: attachments.hosts.list() }),
    listAttachments: async (input) => {
      const { volume_id, host } = input.query;
      const filter = {
        refresh: input.query.refresh === 'true',
        ...(volume_id ? { volume_id } : {}),
        ...(host ? { host } : {}),
      };
      return { status: 200, body: { items: await attachments.list(filter) } };
    },
    createAttachment: async (input) => {
      const result = await attachments.attach(input.body);
      const headers = { Location: `/v1/attachments/${result.object.id}` };
      return { status: result.created ? 201 : 200, body: result.object, headers };
    },
    getAttachment: async (input) => ({
      status: 200,
      body: await attachments.get(input.params.volume_id, input.params.host, input.query.refresh === 'true'),
    }),
    deleteAttachment: async (input) => {
      await attachments.detach(input.params.volume_id, input.params.host, input.query.force === 'true');
      return { status: 204 };
    },
    listMigrations: async () => ok({ items: await attachments.listMigrations() }),
    startMigration: async (input) => ({ status: 201, body: await attachments.startMigration(input.body) }),
    completeMigration: async (input) => ({
      status: 200,
      body: await attachments.finishMigration(input.params.volume_id, 'complete'),
    }),
    abortMigration: async (input) => ok(await attachments.finishMigration(input.params.volume_id, 'abort')),
  };
}

export function holderHandlers(attachments: AttachmentService): Handlers<HolderOperationId> {
  return {
    updateVolume: async (input) => ok(await attachments.updateVolume(input.params.id, input.body)),
    createSnapshot: async (input) => {
      const result = await attachments.createSnapshot(input.body, input.headers['idempotency-key']);
      const headers = { Location: `/v1/snapshots/${result.object.id}` };
      return { status: result.created ? 201 : 200, body: result.object, headers };
    },
    deleteSnapshot: async (input) => {
      await attachments.deleteSnapshot(input.params.id);
      return { status: 204 };
    },
    revertVolume: async (input) => ({
      status: 200,
      body: await attachments.revertVolume(input.params.id, input.body.snapshot_id),
    }),
  };
}
