// One handler per operationId of the OpenAPI document. Inputs arrive validated (http/validate.ts);
// the generated types describe them.
import type { components, operations } from '../../../../openapi/generated/types.js';
import type { VolumeService } from '../volumes/service.js';
import type { ValidatedInput } from './validate.js';

type Schemas = components['schemas'];
type Body<Op extends keyof operations> = operations[Op] extends { requestBody?: { content: { 'application/json': infer B } } } ? B : never;

export interface HandlerResult {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export type Handler = (input: ValidatedInput) => Promise<HandlerResult>;

const refresh = (input: ValidatedInput) => input.query.refresh === 'true';

/** 202 with the operation and where to poll it. */
const accepted = (operation: Schemas['Operation']): HandlerResult => ({ status: 202, body: operation, headers: { Location: `/v1/operations/${operation.id}` } });

export function apiHandlers(service: VolumeService): Record<string, Handler> {
  return {
    listVolumeGroups: async (input) => ({ status: 200, body: { items: await service.listVolumeGroups(refresh(input)) } satisfies Schemas['VolumeGroupList'] }),
    getVolumeGroup: async (input) => ({ status: 200, body: await service.getVolumeGroup(input.params.vg!, refresh(input)) }),

    listVolumes: async (input) => {
      const { vg, name, tag } = input.query;
      if (vg !== undefined) service.cacheFor(vg);
      const items = await service.listVolumes({ refresh: refresh(input), ...(vg ? { vg } : {}), ...(name ? { name } : {}), ...(tag ? { tag } : {}) });
      return { status: 200, body: { items } satisfies Schemas['VolumeList'] };
    },
    createVolume: async (input) => {
      const result = await service.createVolume(input.body as Body<'createVolume'>, input.headers['idempotency-key']);
      return { status: result.created ? 201 : 200, body: result.object, headers: { Location: `/v1/volumes/${result.object.id}` } };
    },
    manageVolume: async (input) => {
      const volume = await service.manageVolume(input.body as Body<'manageVolume'>);
      return { status: 201, body: volume, headers: { Location: `/v1/volumes/${volume.id}` } };
    },
    getVolume: async (input) => ({ status: 200, body: await service.getVolume(input.params.id!, refresh(input)) }),
    updateVolume: async (input) => ({ status: 200, body: await service.updateVolume(input.params.id!, input.body as Body<'updateVolume'>) }),
    deleteVolume: async (input) => {
      const operation = await service.deleteVolume(input.params.id!, (input.query.wipe as Schemas['WipeMode'] | undefined) ?? 'none');
      return operation ? accepted(operation) : { status: 204 };
    },
    moveVolume: async (input) => accepted(await service.moveVolume(input.params.id!, (input.body as Body<'moveVolume'>).pv)),
    retypeVolume: async (input) => accepted(await service.retypeVolume(input.params.id!, input.body as Body<'retypeVolume'>)),
    listOperations: async (input) => {
      const { volume_id, state } = input.query;
      const items = service.operations.list({ ...(volume_id ? { volumeId: volume_id } : {}), ...(state ? { state: state as Schemas['OperationState'] } : {}) });
      return { status: 200, body: { items } satisfies Schemas['OperationList'] };
    },
    getOperation: async (input) => ({ status: 200, body: service.operations.get(input.params.operation_id!) }),
    revertVolume: async (input) => ({ status: 200, body: await service.revertVolume(input.params.id!, (input.body as Body<'revertVolume'>).snapshot_id) }),
    unmanageVolume: async (input) => {
      const body = input.body as Body<'unmanageVolume'> | undefined;
      return { status: 200, body: await service.unmanageVolume(input.params.id!, body?.lv_name) };
    },

    listSnapshots: async (input) => {
      const { vg, volume_id } = input.query;
      if (vg !== undefined) service.cacheFor(vg);
      const items = await service.listSnapshots({ refresh: refresh(input), ...(vg ? { vg } : {}), ...(volume_id ? { volume_id } : {}) });
      return { status: 200, body: { items } satisfies Schemas['SnapshotList'] };
    },
    createSnapshot: async (input) => {
      const result = await service.createSnapshot(input.body as Body<'createSnapshot'>, input.headers['idempotency-key']);
      return { status: result.created ? 201 : 200, body: result.object, headers: { Location: `/v1/snapshots/${result.object.id}` } };
    },
    getSnapshot: async (input) => ({ status: 200, body: await service.getSnapshot(input.params.id!, refresh(input)) }),
    deleteSnapshot: async (input) => {
      await service.deleteSnapshot(input.params.id!);
      return { status: 204 };
    },
  };
}
