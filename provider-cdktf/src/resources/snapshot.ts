// shared_lvm_snapshot: a point-in-time snapshot of a volume (COW for thick volumes, thin snapshot for
// thin ones). The agent runs it where the volume's lock is held, so attached volumes are safe.
import { call, type AgentClient, type Snapshot } from '../client/agent-client.js';
import { str } from '../framework/model.js';
import { requiresReplace, useStateForUnknown } from '../framework/plan-modifiers.js';
import type { OperationContext, ResourceDef } from '../framework/resource.js';
import type { SchemaDef } from '../framework/schema.js';
import { timeoutsBlock } from '../framework/timeouts.js';
import { record, type TfRecord } from '../plugin/values.js';
import { createWithFreshId } from './create.js';
import { objectIdValidators, objectNameValidators } from './names.js';

export const SNAPSHOT_TYPE = 'shared_lvm_snapshot';

const FIELDS = { volume_id: 'volume_id', name: 'name' };

export const snapshotSchema: SchemaDef = {
  version: 0,
  description:
    'A snapshot of a `shared_lvm_volume`: copy-on-write for thick volumes, a thin snapshot for thin ones. ' +
    'Use its `id` as a volume\'s `source_snapshot_id` to make a new volume from it. Destroyed before its volume.',
  attributes: {
    id: { type: 'string', computed: true, description: 'The snapshot\'s stable id, chosen fresh by the provider for each create. Use it to import.', planModifiers: [useStateForUnknown()] },
    volume_id: { type: 'string', required: true, description: 'Id of the volume to snapshot. Changing it replaces the snapshot.', validators: objectIdValidators, planModifiers: [requiresReplace()] },
    name: { type: 'string', required: true, description:
        'Name of the snapshot, unique among the snapshots of its volume group: a taken name fails (`name_taken`, naming the ' +
        'existing snapshot\'s id and the `terraform import` command). Changing it replaces the snapshot (snapshots are not renamed).', validators: objectNameValidators, planModifiers: [requiresReplace()] },
    lv_name: { type: 'string', computed: true, description: 'Name of the snapshot\'s logical volume.', planModifiers: [useStateForUnknown()] },
    size_bytes: { type: 'number', computed: true, description: 'Size of the volume as it was snapshotted, in bytes.', planModifiers: [useStateForUnknown()] },
  },
  blocks: { timeouts: timeoutsBlock(['create', 'delete'], { create: '10m', delete: '10m' }) },
};

export function snapshotState(s: Snapshot, fallbackVolumeId: string | null): TfRecord {
  return record({ id: s.id, volume_id: s.volume_id ?? fallbackVolumeId, name: s.name, lv_name: s.lv_name, size_bytes: s.size_bytes });
}

async function readSnapshot(id: string, ctx: OperationContext<AgentClient>): Promise<Snapshot | null> {
  const { client } = ctx;
  return call(client, 'Read snapshot', () => client.api.GET('/v1/snapshots/{id}', { params: { path: { id }, query: { refresh: 'true' } }, signal: client.signal(ctx.signal) }), { notFound: 'null' });
}

export const snapshotResource: ResourceDef<AgentClient> = {
  typeName: SNAPSHOT_TYPE,
  schema: snapshotSchema,
  timeouts: { create: '10m', delete: '10m', read: '2m' },
  async create(plan, ctx) {
    const { client } = ctx;
    const body = { volume_id: str(plan.volume_id) as string, name: str(plan.name) as string };
    // A fresh id per create (never derived from the name): see create.ts.
    const { object: s } = await createWithFreshId(ctx, {
      action: 'Create snapshot',
      subject: { typeName: SNAPSHOT_TYPE, kind: 'snapshot', name: body.name },
      fields: FIELDS,
      send: (id) => client.api.POST('/v1/snapshots', { body: { id, ...body }, signal: ctx.signal }),
    });
    return s && snapshotState(s, body.volume_id);
  },
  async read(state, ctx) {
    const s = await readSnapshot(str(state.id) ?? '', ctx);
    if (s && s.status !== 'available') ctx.diags.warning(`Snapshot ${s.name} is ${s.status}`, s.status === 'invalid' ? 'Its copy-on-write store overflowed; the snapshot no longer holds a usable copy.' : 'It is being merged back into its volume.');
    return s && snapshotState(s, str(state.volume_id));
  },
  async update(plan) {
    return plan; // every configurable attribute forces replacement; only timeouts change in place
  },
  async delete(prior, ctx) {
    const { client } = ctx;
    await call(client, 'Delete snapshot', () =>
      client.api.DELETE('/v1/snapshots/{id}', { params: { path: { id: str(prior.id) as string } }, signal: ctx.signal }), { notFound: 'null' });
  },
  async importState(id, ctx) {
    const s = await readSnapshot(id, ctx);
    return s && snapshotState(s, null);
  },
};
