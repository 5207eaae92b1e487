// shared_lvm_volume: one LV on the shared volume group (thick or thin, empty, from a snapshot, or a
// clone of a volume). Grows in place; moves between PVs (`pv`, pvmove online) and changes VG or type
// (`volume_group`, `thin`: the agent's retype copy) in place, waiting for the agent's operation within
// the update timeout. A shrink, a size beyond the VG's free space, two sources at once and a retype of
// an attached volume are plan-time errors.
import { call, waitOperation, type AgentClient, type Volume } from '../client/agent-client.js';
import type { Diagnostics } from '../framework/diagnostics.js';
import { bool, known, num, readModel, str, strings } from '../framework/model.js';
import { requiresReplace, useStateForUnknown } from '../framework/plan-modifiers.js';
import type { OperationContext, PlanRequest, ResourceDef } from '../framework/resource.js';
import type { SchemaDef } from '../framework/schema.js';
import { timeoutsBlock } from '../framework/timeouts.js';
import { createWithFreshId } from './create.js';
import { eachString, positiveMultipleOf, setSize } from '../framework/validators.js';
import { Unknown, record, valuesEqual, type TfRecord } from '../plugin/values.js';
import { GIB, objectIdValidators, objectNameValidators, pvPathValidator, userTagValidator, vgNameValidators } from './names.js';

export const VOLUME_TYPE = 'shared_lvm_volume';

/** Request body fields -> attributes, so the agent's input errors land on the right attribute. */
const FIELDS = { name: 'name', vg: 'volume_group', size_gib: 'size_gib', type: 'thin', source_snapshot_id: 'source_snapshot_id', source_volume_id: 'source_volume_id', multiattach: 'multiattach', tags: 'tags', pv: 'pv' };

export const volumeSchema: SchemaDef = {
  version: 0,
  description:
    'A block-storage volume: one logical volume on a shared LVM volume group, created by the control agent. ' +
    '`size_gib` grows in place (`lvextend`); shrinking is refused at plan time. Attach it to hosts with `shared_lvm_attachment`. ' +
    'Each create sends a fresh id, so a create never takes over an existing volume: a second configuration (or Terraform state) ' +
    'declaring a name that a volume of the VG has already gets a `name_taken` error naming that volume\'s id, to be adopted with ' +
    '`terraform import` if that is what you want. When a create\'s outcome is unknown (the agent unreachable mid-request), its id is kept ' +
    'in the state and the resource is marked tainted: the next apply deletes that volume, if it exists, and creates a new one.',
  attributes: {
    id: { type: 'string', computed: true, description: 'The volume\'s stable id (part of its LV name), chosen fresh by the provider for each create. Use it to import.', planModifiers: [useStateForUnknown()] },
    name: { type: 'string', required: true, description:
        'Name of the volume, unique among the volumes of its volume group: a create or rename onto a name another volume has fails ' +
        '(`name_taken`, naming that volume\'s id and the `terraform import` command to adopt it). Renames happen in place.', validators: objectNameValidators },
    volume_group: {
      type: 'string',
      required: true,
      description:
        'The shared LVM volume group of the volume. Changing it retypes the volume in place: the agent copies the data into a new LV in that VG ' +
        'and removes the old one; the id stays. The volume must be detached and have no snapshots (a plan-time error otherwise).',
      validators: vgNameValidators,
    },
    size_gib: {
      type: 'number',
      optional: true,
      computed: true,
      description:
        'Size in GiB (fractions in steps of 1 MiB, e.g. `0.5`; LVM rounds up to whole extents). Growing extends the LV in place; ' +
        'shrinking is an error at plan time. Required unless a source is set, where it defaults to the source\'s size.',
      validators: [positiveMultipleOf(1 / 1024, 1048576, '1/1024 (1 MiB)')],
    },
    thin: {
      type: 'bool',
      optional: true,
      computed: true,
      default: false,
      description: 'Thin-provisioned in the VG\'s thin pool instead of thick (default `false`). Changing it retypes the volume in place by copy, like `volume_group`.',
    },
    pv: {
      type: 'string',
      optional: true,
      computed: true,
      description:
        'The physical volume of the VG that holds a thick volume\'s extents, e.g. `/dev/vdb`. Set on create, the LV is allocated there; ' +
        'changed later, the extents move there online (pvmove, run on the host holding the volume when it is attached; ' +
        'refused for multi-attached volumes). Unset, it shows where LVM put the volume (null when it spans several PVs). Thin volumes: always null.',
      validators: [pvPathValidator],
      planModifiers: [useStateForUnknown()],
    },
    source_snapshot_id: { type: 'string', optional: true, description: 'Create the volume from this `shared_lvm_snapshot`. Changing it replaces the volume. Conflicts with `source_volume_id`.', validators: objectIdValidators, planModifiers: [requiresReplace()] },
    source_volume_id: { type: 'string', optional: true, description: 'Create the volume as a clone of this volume. Changing it replaces the volume. Conflicts with `source_snapshot_id`.', validators: objectIdValidators, planModifiers: [requiresReplace()] },
    multiattach: { type: 'bool', optional: true, computed: true, default: false, description: 'Allow several attachments at once, each under a shared sanlock lease (default `false`: one host, exclusive lease). Changing it replaces the volume.', planModifiers: [requiresReplace()] },
    wipe_on_delete: { type: 'bool', optional: true, computed: true, default: false, description: 'Zero the data before the LV is removed on destroy (thick volumes only; default `false`).' },
    tags: { type: ['set', 'string'], optional: true, description: 'User tags, stored as LVM tags on the LV (at most 8; LVM tag characters only).', validators: [setSize(8), eachString(userTagValidator)] },
    lv_name: { type: 'string', computed: true, description: 'Name of the logical volume in the volume group.', planModifiers: [useStateForUnknown()] },
    lv_uuid: { type: 'string', computed: true, description: 'UUID of the logical volume (its sanlock lease is named after it).', planModifiers: [useStateForUnknown()] },
    device_path: { type: 'string', computed: true, description: 'Block device path on a host where the volume is active, e.g. `/dev/labvg/slvm-vol-<id>`.', planModifiers: [useStateForUnknown()] },
    size_bytes: { type: 'number', computed: true, description: 'Exact size in bytes after LVM\'s extent rounding.' },
  },
  blocks: { timeouts: timeoutsBlock(['create', 'update', 'delete'], { create: '10m', update: '10m', delete: '10m' }) },
};

interface VolumeModel {
  id: string | null;
  name: string | null;
  volume_group: string | null;
  size_gib: number | null;
  thin: boolean | null;
  source_snapshot_id: string | null;
  source_volume_id: string | null;
  multiattach: boolean | null;
  wipe_on_delete: boolean | null;
  tags: string[] | null;
  pv: string | null;
}

const model = (rec: TfRecord): VolumeModel =>
  readModel<VolumeModel>(rec, {
    id: str, name: str, volume_group: str, size_gib: num, thin: bool, source_snapshot_id: str,
    source_volume_id: str, multiattach: bool, wipe_on_delete: bool, tags: strings, pv: str,
  });

/** The API's volume -> state values (attributes the API does not hold come from `prior`). */
export function volumeState(v: Volume, prior: TfRecord | null): TfRecord {
  const priorTags = prior?.tags ?? null;
  return record({
    id: v.id,
    name: v.name,
    volume_group: v.vg,
    size_gib: v.size_bytes / GIB,
    size_bytes: v.size_bytes,
    thin: v.type === 'thin',
    pv: v.type === 'thick' && v.pvs?.length === 1 ? v.pvs[0]! : null,
    source_snapshot_id: v.source.kind === 'snapshot' ? (v.source.id ?? null) : null,
    source_volume_id: v.source.kind === 'volume' ? (v.source.id ?? null) : null,
    multiattach: v.multiattach,
    // A volume without tags reads as the configuration wrote it: null or [].
    tags: v.tags.length === 0 && (priorTags === null || priorTags === Unknown) ? null : [...v.tags].sort(),
    wipe_on_delete: typeof prior?.wipe_on_delete === 'boolean' ? prior.wipe_on_delete : false,
    lv_name: v.lv_name,
    lv_uuid: v.lv_uuid ?? null,
    device_path: v.path,
  });
}

function warnStatus(v: Volume, diags: Diagnostics): void {
  if (v.status !== 'available') {
    diags.warning(`Volume ${v.name} is ${v.status}`, v.status === 'creating' ? 'The agent is still copying data into it, or a crash left it half made (it can be deleted).' : 'The agent reports an error state for this volume.');
  }
}

async function readVolume(client: AgentClient, id: string, ctx: OperationContext<AgentClient>): Promise<Volume | null> {
  return call(client, 'Read volume', () => client.api.GET('/v1/volumes/{id}', { params: { path: { id }, query: { refresh: 'true' } }, signal: client.signal(ctx.signal) }), { notFound: 'null' });
}

/**
 * True when the LV is larger than the configured size only because LVM rounded it up to whole extents
 * (0.1 GiB on 4 MiB extents): that is the configured size, not drift.
 */
async function onlyExtentRounding(configured: number | null, v: Volume, ctx: OperationContext<AgentClient>): Promise<boolean> {
  if (configured === null) return false;
  const wanted = Math.round(configured * GIB);
  if (v.size_bytes <= wanted) return false;
  const { client } = ctx;
  const group = await call(client, 'Read volume group', () => client.api.GET('/v1/vgs/{vg}', { params: { path: { vg: v.vg } }, signal: client.signal(ctx.signal) }), { notFound: 'null' });
  return group !== null && Math.ceil(wanted / group.extent_size_bytes) * group.extent_size_bytes === v.size_bytes;
}

export function validateVolumeConfig(config: TfRecord, diags: Diagnostics): void {
  const snap = config.source_snapshot_id ?? null;
  const vol = config.source_volume_id ?? null;
  if (snap !== null && vol !== null) {
    diags.error('Conflicting volume sources', 'Set at most one of `source_snapshot_id` and `source_volume_id`: a volume is created from a snapshot or cloned from a volume, not both.', ['source_volume_id']);
  }
  if (config.size_gib === null && snap === null && vol === null) {
    diags.error('Missing size', '`size_gib` is required unless the volume is created from `source_snapshot_id` or `source_volume_id`.', ['size_gib']);
  }
  if (config.thin === true && typeof config.pv === 'string') {
    diags.error('pv needs a thick volume', 'A thin volume\'s data lives in the VG\'s thin pool, which is placed as a whole; `pv` places thick volumes only.', ['pv']);
  }
  if (config.thin === true && config.wipe_on_delete === true) {
    diags.error('wipe_on_delete needs a thick volume', 'A thin volume\'s blocks go back to the thin pool, which hands out zeroed blocks; `wipe_on_delete` applies to thick volumes only.', ['wipe_on_delete']);
  }
}

/** A VG or type change is a retype: the agent copies the volume, which needs it detached and without
 *  snapshots. Checked at plan time against the volume as the agent sees it now. */
async function checkRetype(prior: TfRecord, plan: TfRecord, config: TfRecord, ctx: OperationContext<AgentClient>): Promise<void> {
  const vgChanges = known(plan.volume_group) && !valuesEqual(plan.volume_group, prior.volume_group);
  const typeChanges = known(plan.thin) && !valuesEqual(plan.thin, prior.thin);
  if (!vgChanges && !typeChanges) return;
  // Where the copy lands is known after apply unless configured.
  if (config.pv === null || config.pv === undefined) plan.pv = plan.thin === true ? null : Unknown;
  const v = await readVolume(ctx.client, str(prior.id) ?? '', ctx);
  if (!v) return;
  const attribute = vgChanges ? 'volume_group' : 'thin';
  const change = [vgChanges ? `volume group ${v.vg} -> ${str(plan.volume_group)}` : '', typeChanges ? `${v.type} -> ${plan.thin ? 'thin' : 'thick'}` : ''].filter(Boolean).join(', ');
  if (v.attachments.length > 0) {
    ctx.diags.error(
      'A retype needs the volume detached',
      `Changing ${change} copies volume ${v.name} (${v.id}) into a new LV, but it is attached to ${v.attachments.map((a) => a.host).join(', ')}. ` +
        'Remove its shared_lvm_attachment resources and apply, then apply this change.',
      [attribute],
    );
  }
  if (v.snapshot_ids.length > 0) {
    ctx.diags.error(
      'A retype cannot take snapshots along',
      `Changing ${change} copies volume ${v.name} (${v.id}); its snapshots (${v.snapshot_ids.join(', ')}) would be lost. Delete them first.`,
      [attribute],
    );
  }
}

async function modifyVolumePlan({ prior, plan, config, ctx }: PlanRequest<AgentClient>): Promise<void> {
  const { diags, client } = ctx;
  if (prior) await checkRetype(prior, plan, config, ctx);
  const newSize = known(plan.size_gib) ? num(plan.size_gib) : null;
  const oldSize = prior ? num(prior.size_gib) : null;
  if (prior && newSize !== null && oldSize !== null && newSize < oldSize) {
    diags.error(
      'Volumes can only grow',
      `size_gib would shrink from ${oldSize} to ${newSize} GiB. LVM volumes are extended in place but never shrunk (that would cut off the data at the end). ` +
        `Set size_gib to ${oldSize} or more, or create a new volume and copy the data.`,
      ['size_gib'],
    );
    return;
  }
  // size_bytes stays known unless the size changes.
  if (prior && valuesEqual(plan.size_gib, prior.size_gib)) plan.size_bytes = prior.size_bytes ?? null;
  else plan.size_bytes = Unknown;

  // Space check: thick volumes take their whole size from the VG now.
  const vg = str(plan.volume_group);
  const growth = newSize === null ? 0 : newSize - (oldSize ?? 0);
  const creating = prior === null;
  if (vg === null || plan.thin !== false || (!creating && growth <= 0) || (creating && newSize === null)) return;
  const group = await call(client, 'Read volume group', () =>
    client.api.GET('/v1/vgs/{vg}', { params: { path: { vg } }, signal: client.signal(ctx.signal) }), { notFound: 'null' });
  if (group === null) {
    diags.error('No such volume group', `The agent at ${client.endpoint} manages no volume group named "${vg}".`, ['volume_group']);
    return;
  }
  const neededBytes = growth * GIB;
  if (neededBytes > group.free_bytes) {
    diags.error(
      'Not enough free space in the volume group',
      `${creating ? 'Creating' : 'Growing'} this volume needs ${growth} GiB, but volume group "${vg}" has ${(group.free_bytes / GIB).toFixed(2)} GiB free ` +
        `of ${(group.size_bytes / GIB).toFixed(2)} GiB.`,
      ['size_gib'],
    );
  }
}

async function createVolume(plan: TfRecord, ctx: OperationContext<AgentClient>): Promise<TfRecord | null> {
  const m = model(plan);
  const { client } = ctx;
  const vg = m.volume_group as string;
  const name = m.name as string;
  const body = {
    name,
    vg,
    ...(m.size_gib !== null ? { size_gib: m.size_gib } : {}),
    type: m.thin ? ('thin' as const) : ('thick' as const),
    ...(m.source_snapshot_id ? { source_snapshot_id: m.source_snapshot_id } : {}),
    ...(m.source_volume_id ? { source_volume_id: m.source_volume_id } : {}),
    multiattach: m.multiattach === true,
    ...(m.tags && m.tags.length > 0 ? { tags: m.tags } : {}),
    ...(m.pv ? { pv: m.pv } : {}),
  };
  // A fresh id per create (never derived from the name): see create.ts.
  const { object: v } = await createWithFreshId(ctx, {
    action: 'Create volume',
    subject: { typeName: VOLUME_TYPE, kind: 'volume', name },
    fields: FIELDS,
    send: (id) => client.api.POST('/v1/volumes', { body: { id, ...body }, signal: ctx.signal }),
  });
  if (!v) return null;
  warnStatus(v, ctx.diags);
  return volumeState(v, plan);
}

async function updateVolume(plan: TfRecord, prior: TfRecord, ctx: OperationContext<AgentClient>): Promise<TfRecord | null> {
  const want = model(plan);
  const had = model(prior);
  const { client } = ctx;
  const id = had.id as string;
  // Placement first (retype: VG and type, then the PV), each an agent operation waited for here.
  const retype: { vg?: string; type?: 'thick' | 'thin' } = {};
  if (want.volume_group && want.volume_group !== had.volume_group) retype.vg = want.volume_group;
  if (want.thin !== null && want.thin !== had.thin) retype.type = want.thin ? 'thin' : 'thick';
  if (Object.keys(retype).length > 0) {
    const operation = await call(client, 'Retype volume', () =>
      client.api.POST('/v1/volumes/{id}/retype', { params: { path: { id } }, body: retype, signal: ctx.signal }), { fields: FIELDS });
    if (!operation) return null;
    await waitOperation(client, 'Retype volume', operation, ctx.signal, ctx.log);
  }
  if (want.pv && !want.thin) {
    const current = await readVolume(client, id, ctx);
    if (current && !(current.pvs?.length === 1 && current.pvs[0] === want.pv)) {
      const operation = await call(client, 'Move volume', () =>
        client.api.POST('/v1/volumes/{id}/move', { params: { path: { id } }, body: { pv: want.pv as string }, signal: ctx.signal }), { fields: FIELDS });
      if (!operation) return null;
      await waitOperation(client, 'Move volume', operation, ctx.signal, ctx.log);
    }
  }
  const body: { name?: string; size_gib?: number; tags?: string[] } = {};
  if (want.name !== had.name && want.name) body.name = want.name;
  if (want.size_gib !== null && want.size_gib !== had.size_gib) body.size_gib = want.size_gib;
  if (!valuesEqual(plan.tags, prior.tags, ['set', 'string'])) body.tags = want.tags ?? [];
  let v: Volume | null;
  if (Object.keys(body).length > 0) {
    v = await call(client, 'Update volume', () =>
      client.api.PATCH('/v1/volumes/{id}', { params: { path: { id } }, body, signal: ctx.signal }),
    { fields: FIELDS, subject: { typeName: VOLUME_TYPE, kind: 'volume', name: body.name ?? had.name ?? '' } });
  } else {
    v = await readVolume(client, id, ctx); // only placement or provider-side settings (wipe_on_delete, timeouts) changed
  }
  if (!v) {
    ctx.diags.error('Volume disappeared', `Volume ${id} no longer exists on the agent.`);
    return null;
  }
  return volumeState(v, plan);
}

async function deleteVolume(prior: TfRecord, ctx: OperationContext<AgentClient>): Promise<void> {
  const m = model(prior);
  const { client } = ctx;
  const wipe = m.wipe_on_delete && !m.thin ? ('zero' as const) : ('none' as const);
  const operation = await call(client, 'Delete volume', () =>
    client.api.DELETE('/v1/volumes/{id}', { params: { path: { id: m.id as string }, query: { wipe } }, signal: ctx.signal }), { notFound: 'null' });
  // With a wipe the agent answers 202 and wipes in the background: destroy ends when the space is free.
  if (operation && typeof operation === 'object' && 'state' in operation) await waitOperation(client, 'Delete volume', operation, ctx.signal, ctx.log);
}

export const volumeResource: ResourceDef<AgentClient> = {
  typeName: VOLUME_TYPE,
  schema: volumeSchema,
  timeouts: { create: '10m', update: '10m', delete: '10m', read: '2m' },
  validateConfig: validateVolumeConfig,
  modifyPlan: modifyVolumePlan,
  create: createVolume,
  read: async (state, ctx) => {
    const v = await ctx.client.refreshedVolume(str(state.id) ?? '', ctx.signal);
    if (!v) return null;
    warnStatus(v, ctx.diags);
    const fresh = volumeState(v, state);
    if (await onlyExtentRounding(num(state.size_gib), v, ctx)) fresh.size_gib = state.size_gib ?? null;
    return fresh;
  },
  update: updateVolume,
  delete: deleteVolume,
  importState: async (id, ctx) => {
    const v = await readVolume(ctx.client, id, ctx);
    return v && volumeState(v, null);
  },
};

