// data "shared_lvm_volume": an existing volume, by id or by name in a volume group.
import { call, type AgentClient, type Volume } from '../client/agent-client.js';
import { DiagnosticError, type Diagnostics } from '../framework/diagnostics.js';
import { str } from '../framework/model.js';
import type { DataSourceDef } from '../framework/resource.js';
import type { SchemaDef } from '../framework/schema.js';
import { record, type TfRecord } from '../plugin/values.js';
import { GIB, objectIdValidators, objectNameValidators, vgNameValidators } from '../resources/names.js';

export const volumeDataSourceSchema: SchemaDef = {
  version: 0,
  description: 'Looks up an existing volume, by `id` or by `name` and `volume_group`.',
  attributes: {
    id: { type: 'string', optional: true, computed: true, description: 'Id of the volume. Set either this or `name` + `volume_group`.', validators: objectIdValidators },
    name: { type: 'string', optional: true, computed: true, description: 'Name of the volume (with `volume_group`).', validators: objectNameValidators },
    volume_group: { type: 'string', optional: true, computed: true, description: 'Volume group of the volume.', validators: vgNameValidators },
    size_gib: { type: 'number', computed: true, description: 'Size in GiB.' },
    size_bytes: { type: 'number', computed: true, description: 'Exact size in bytes.' },
    thin: { type: 'bool', computed: true, description: 'Whether the volume is thin-provisioned.' },
    multiattach: { type: 'bool', computed: true, description: 'Whether the volume may be attached to several hosts at once.' },
    tags: { type: ['set', 'string'], computed: true, description: 'User tags.' },
    lv_name: { type: 'string', computed: true, description: 'Name of the logical volume.' },
    lv_uuid: { type: 'string', computed: true, description: 'UUID of the logical volume.' },
    device_path: { type: 'string', computed: true, description: 'Block device path on a host where the volume is active.' },
    status: { type: 'string', computed: true, description: '`available`, `creating` or `error`.' },
    attached_hosts: { type: ['list', 'string'], computed: true, description: 'Hosts the volume is attached to.' },
    lock_modes: { type: ['map', 'string'], computed: true, description: 'Lease per attached host as the attachment records call for it: `exclusive` (the only attachment) or `shared`.' },
    pvs: { type: ['list', 'string'], computed: true, description: 'Physical volumes the LV\'s extents are on (empty for thin volumes, and while a move switches over).' },
    operation_id: { type: 'string', computed: true, description: 'The long operation (move, retype) running on the volume, if any: `GET /v1/operations/{id}` on the agent.' },
  },
};

function validate(config: TfRecord, diags: Diagnostics): void {
  const byId = config.id !== null;
  const byName = config.name !== null || config.volume_group !== null;
  if (byId === byName || (!byId && (config.name === null || config.volume_group === null))) {
    diags.error('Ambiguous volume lookup', 'Set either `id`, or both `name` and `volume_group`.', byId ? ['name'] : ['id']);
  }
}

function stateOf(v: Volume, lockModes: Record<string, string>): TfRecord {
  return record({
    id: v.id, name: v.name, volume_group: v.vg, size_gib: v.size_bytes / GIB, size_bytes: v.size_bytes,
    thin: v.type === 'thin', multiattach: v.multiattach, tags: [...v.tags].sort(), lv_name: v.lv_name,
    lv_uuid: v.lv_uuid ?? null, device_path: v.path, status: v.status, attached_hosts: v.attachments.map((a) => a.host),
    lock_modes: lockModes, pvs: v.pvs ?? [], operation_id: v.operation_id ?? null,
  });
}

async function lockModesOf(v: Volume, ctx: { client: AgentClient; signal: AbortSignal }): Promise<Record<string, string>> {
  if (v.attachments.length === 0) return {};
  const { client } = ctx;
  const list = await call(client, 'List attachments', () => client.api.GET('/v1/attachments', { params: { query: { volume_id: v.id } }, signal: client.signal(ctx.signal) }));
  return Object.fromEntries((list?.items ?? []).map((r) => [r.host, r.lock_mode]));
}

export const volumeDataSource: DataSourceDef<AgentClient> = {
  typeName: 'shared_lvm_volume',
  schema: volumeDataSourceSchema,
  validateConfig: validate,
  async read(config, ctx) {
    const { client } = ctx;
    const id = str(config.id);
    if (id !== null) {
      const v = await call(client, 'Read volume', () => client.api.GET('/v1/volumes/{id}', { params: { path: { id } }, signal: client.signal(ctx.signal) }), { notFound: 'null' });
      if (!v) throw new DiagnosticError('No such volume', `The agent has no volume with id "${id}".`, ['id']);
      return stateOf(v, await lockModesOf(v, ctx));
    }
    const name = str(config.name) as string;
    const vg = str(config.volume_group) as string;
    const list = await call(client, 'List volumes', () => client.api.GET('/v1/volumes', { params: { query: { vg, name } }, signal: client.signal(ctx.signal) }));
    const matches = (list?.items ?? []).filter((v) => v.name === name && v.vg === vg);
    if (matches.length !== 1) {
      throw new DiagnosticError(matches.length === 0 ? 'No such volume' : 'Several volumes match', `${matches.length} volumes named "${name}" in volume group "${vg}".`, ['name']);
    }
    return stateOf(matches[0] as Volume, await lockModesOf(matches[0] as Volume, ctx));
  },
};
