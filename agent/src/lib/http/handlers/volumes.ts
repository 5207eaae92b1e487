// The volume, snapshot, VG and long-operation handlers over the VolumeService (every mode; host mode
// refuses the writes before they get here). A new volume operation in the contract is one line here.
import type { components } from '../../../../../openapi/generated/types.js';
import type { VolumeService } from '../../volumes/service.js';
import type { VolumeOperationId } from './groups.js';
import { ok, type Handlers, type Input } from './types.js';

type Operation = components['schemas']['Operation'];

const refresh = (input: { query: { refresh?: 'true' | 'false' } }) => input.query.refresh === 'true';

/** 202 with the operation and where to poll it. */
const accepted = (operation: Operation) => ({
  status: 202 as const,
  body: operation,
  headers: { Location: `/v1/operations/${operation.id}` },
});

/** The volume filter of a list, from the query (an unknown VG is a 404 before any lvm call). */
function volumeFilter(service: VolumeService, input: Input<'listVolumes'>) {
  const { vg, name, tag } = input.query;
  if (vg !== undefined) service.cacheFor(vg);
  return { refresh: refresh(input), ...(vg ? { vg } : {}), ...(name ? { name } : {}), ...(tag ? { tag } : {}) };
}

function snapshotFilter(service: VolumeService, input: Input<'listSnapshots'>) {
  const { vg, volume_id } = input.query;
  if (vg !== undefined) service.cacheFor(vg);
  return { refresh: refresh(input), ...(vg ? { vg } : {}), ...(volume_id ? { volume_id } : {}) };
}

export function volumeHandlers(service: VolumeService): Handlers<VolumeOperationId> {
  return {
    listVolumeGroups: async (input) => ok({ items: await service.listVolumeGroups(refresh(input)) }),
    getVolumeGroup: async (input) => ok(await service.getVolumeGroup(input.params.vg, refresh(input))),

    listVolumes: async (input) => ok({ items: await service.listVolumes(volumeFilter(service, input)) }),
    createVolume: async (input) => {
      const result = await service.createVolume(input.body, input.headers['idempotency-key']);
      const headers = { Location: `/v1/volumes/${result.object.id}` };
      return { status: result.created ? 201 : 200, body: result.object, headers };
    },
    manageVolume: async (input) => {
      const volume = await service.manageVolume(input.body);
      return { status: 201, body: volume, headers: { Location: `/v1/volumes/${volume.id}` } };
    },
    getVolume: async (input) => ok(await service.getVolume(input.params.id, refresh(input))),
    updateVolume: async (input) => ok(await service.updateVolume(input.params.id, input.body)),
    deleteVolume: async (input) => {
      const operation = await service.deleteVolume(input.params.id, input.query.wipe ?? 'none');
      return operation ? accepted(operation) : { status: 204 };
    },
    moveVolume: async (input) => accepted(await service.moveVolume(input.params.id, input.body.pv)),
    retypeVolume: async (input) => accepted(await service.retypeVolume(input.params.id, input.body)),
    revertVolume: async (input) => ({
      status: 200,
      body: await service.revertVolume(input.params.id, input.body.snapshot_id),
    }),
    unmanageVolume: async (input) => ({
      status: 200,
      body: await service.unmanageVolume(input.params.id, input.body?.lv_name),
    }),

    listOperations: async (input) => {
      const { volume_id, state } = input.query;
      const filter = { ...(volume_id ? { volumeId: volume_id } : {}), ...(state ? { state } : {}) };
      return { status: 200, body: { items: service.operations.list(filter) } };
    },
    getOperation: async (input) => ok(service.operations.get(input.params.operation_id)),
    reconcile: async () => ok(await service.reconcile()),

    listSnapshots: async (input) => ({
      status: 200,
      body: { items: await service.listSnapshots(snapshotFilter(service, input)) },
    }),
    createSnapshot: async (input) => {
      const result = await service.createSnapshot(input.body, input.headers['idempotency-key']);
      const headers = { Location: `/v1/snapshots/${result.object.id}` };
      return { status: result.created ? 201 : 200, body: result.object, headers };
    },
    getSnapshot: async (input) => ok(await service.getSnapshot(input.params.id, refresh(input))),
    deleteSnapshot: async (input) => {
      await service.deleteSnapshot(input.params.id);
      return { status: 204 };
    },
  };
}
