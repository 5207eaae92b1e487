// Handlers of the host-mode routes (/v1/host/...) and the attachment routes (/v1/hosts,
// /v1/attachments, /v1/migrations), plus the volume routes whose work moves to the holding host when a
// volume is attached (extend, snapshot create/delete, revert). Each group answers 403 in the mode that
// does not serve it.
import type { components, operations } from '../../../../openapi/generated/types.js';
import type { AttachmentService } from '../attachments/orchestrator.js';
import { AgentError } from '../errors.js';
import type { HostService } from '../host/activation.js';
import { createSnapshotOfHeld, deleteSnapshotOfHeld, extendHeld, revertHeld, startMoveHeld } from '../host/holder-ops.js';
import { restoreHost } from '../host/restore.js';
import type { AgentMode } from './app.js';
import type { Handler } from './handlers.js';
import type { Logger } from 'pino';

type Schemas = components['schemas'];
type Body<Op extends keyof operations> = operations[Op] extends { requestBody?: { content: { 'application/json': infer B } } } ? B : never;

export interface HostHandlerOptions {
  mode: AgentMode;
  host?: HostService;
  attachments?: AttachmentService;
  logger: Logger;
  copyTimeoutMs: number;
}

const HOST_OPERATIONS = [
  'getHostStatus', 'listHostVolumes', 'getHostVolume', 'activateHostVolume', 'deactivateHostVolume', 'refreshHostVolume',
  'extendHostVolume', 'createHostSnapshot', 'deleteHostSnapshot', 'revertHostVolume', 'lockStartHostVg', 'lockStopHostVg',
  'getHostLocks', 'restoreHost', 'startHostMove', 'getHostMove',
] as const;
const CONTROL_OPERATIONS = [
  'listHosts', 'listAttachments', 'createAttachment', 'getAttachment', 'deleteAttachment', 'listMigrations', 'startMigration',
  'completeMigration', 'abortMigration',
] as const;

function refused(mode: AgentMode, what: string): Handler {
  return async () => {
    throw new AgentError('forbidden_in_mode', `this agent runs in ${mode} mode, which does not serve ${what}`);
  };
}

export function hostHandlers(options: HostHandlerOptions): Record<string, Handler> {
  const { host, attachments } = options;
  const handlers: Record<string, Handler> = {};
  if (!host) for (const op of HOST_OPERATIONS) handlers[op] = refused(options.mode, 'host-mode routes (activation, locks): send them to a host agent');
  if (!attachments) for (const op of CONTROL_OPERATIONS) handlers[op] = refused(options.mode, 'attachments: send them to the control agent');

  if (host) {
    const p = (input: { params: Record<string, string> }) => [input.params.vg!, input.params.lv!] as const;
    Object.assign(handlers, {
      getHostStatus: async () => {
        const locks = await host.readLocks();
        const body: Schemas['HostStatus'] = {
          name: host.hostName,
          mode: options.mode,
          lock_type: host.lockType,
          vgs: await Promise.all(host.vgNames.map((vg) => host.vgLock(vg, locks))),
          volumes: await host.listVolumes(),
          restore: host.lastRestore,
        };
        return { status: 200, body };
      },
      listHostVolumes: async (input) => ({ status: 200, body: { items: await host.listVolumes(input.query.vg) } satisfies Schemas['HostVolumeList'] }),
      getHostVolume: async (input) => ({ status: 200, body: await host.getVolume(...p(input)) }),
      activateHostVolume: async (input) => ({ status: 200, body: await host.activate(...p(input), input.body as Body<'activateHostVolume'>) }),
      deactivateHostVolume: async (input) => ({ status: 200, body: await host.deactivate(...p(input)) }),
      refreshHostVolume: async (input) => ({ status: 200, body: await host.refresh(...p(input)) }),
      extendHostVolume: async (input) => ({ status: 200, body: await extendHeld(host, ...p(input), (input.body as Body<'extendHostVolume'>).size_bytes) }),
      createHostSnapshot: async (input) => ({ status: 201, body: await createSnapshotOfHeld(host, ...p(input), input.body as Body<'createHostSnapshot'>) }),
      deleteHostSnapshot: async (input) => {
        await deleteSnapshotOfHeld(host, ...p(input), input.params.snapshot!);
        return { status: 204 };
      },
      revertHostVolume: async (input) => ({ status: 200, body: await revertHeld(host, ...p(input), (input.body as Body<'revertHostVolume'>).snapshot_lv_name, options.copyTimeoutMs) }),
      lockStartHostVg: async (input) => ({ status: 200, body: await host.lockStart(input.params.vg!) }),
      lockStopHostVg: async (input) => ({ status: 200, body: await host.lockStop(input.params.vg!) }),
      getHostLocks: async () => ({ status: 200, body: await host.lockStatus() }),
      restoreHost: async () => ({ status: 200, body: await restoreHost(host, options.logger) }),
      startHostMove: async (input) => ({ status: 202, body: await startMoveHeld(host, ...p(input), input.body as Body<'startHostMove'>) }),
      getHostMove: async (input) => ({ status: 200, body: await host.moveStatus(...p(input)) }),
    } satisfies Record<(typeof HOST_OPERATIONS)[number], Handler>);
  }

  if (attachments) {
    Object.assign(handlers, {
      listHosts: async () => ({ status: 200, body: { items: attachments.hosts.list() } satisfies Schemas['HostList'] }),
      listAttachments: async (input) => {
        const { volume_id, host: hostName } = input.query;
        const items = await attachments.list({ refresh: input.query.refresh === 'true', ...(volume_id ? { volume_id } : {}), ...(hostName ? { host: hostName } : {}) });
        return { status: 200, body: { items } satisfies Schemas['AttachmentList'] };
      },
      createAttachment: async (input) => {
        const result = await attachments.attach(input.body as Body<'createAttachment'>);
        return { status: result.created ? 201 : 200, body: result.object, headers: { Location: `/v1/attachments/${result.object.id}` } };
      },
      getAttachment: async (input) => ({ status: 200, body: await attachments.get(input.params.volume_id!, input.params.host!, input.query.refresh === 'true') }),
      deleteAttachment: async (input) => {
        await attachments.detach(input.params.volume_id!, input.params.host!, input.query.force === 'true');
        return { status: 204 };
      },
      listMigrations: async () => ({ status: 200, body: { items: await attachments.listMigrations() } satisfies Schemas['MigrationList'] }),
      startMigration: async (input) => ({ status: 201, body: await attachments.startMigration(input.body as Body<'startMigration'>) }),
      completeMigration: async (input) => ({ status: 200, body: await attachments.finishMigration(input.params.volume_id!, 'complete') }),
      abortMigration: async (input) => ({ status: 200, body: await attachments.finishMigration(input.params.volume_id!, 'abort') }),
      // Volume routes that must run where an attached volume's lock is held.
      updateVolume: async (input) => ({ status: 200, body: await attachments.updateVolume(input.params.id!, input.body as Body<'updateVolume'>) }),
      createSnapshot: async (input) => {
        const result = await attachments.createSnapshot(input.body as Body<'createSnapshot'>, input.headers['idempotency-key']);
        return { status: result.created ? 201 : 200, body: result.object, headers: { Location: `/v1/snapshots/${result.object.id}` } };
      },
      deleteSnapshot: async (input) => {
        await attachments.deleteSnapshot(input.params.id!);
        return { status: 204 };
      },
      revertVolume: async (input) => ({ status: 200, body: await attachments.revertVolume(input.params.id!, (input.body as Body<'revertVolume'>).snapshot_id) }),
    } satisfies Record<(typeof CONTROL_OPERATIONS)[number] | 'updateVolume' | 'createSnapshot' | 'deleteSnapshot' | 'revertVolume', Handler>);
  }
  return handlers;
}
