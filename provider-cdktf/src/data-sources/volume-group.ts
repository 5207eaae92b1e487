// data "shared_lvm_volume_group": capacity and lock type of a volume group the agent manages.
import { call, type AgentClient } from '../client/agent-client.js';
import { DiagnosticError } from '../framework/diagnostics.js';
import { str } from '../framework/model.js';
import type { DataSourceDef } from '../framework/resource.js';
import type { SchemaDef } from '../framework/schema.js';
import { record } from '../plugin/values.js';
import { GIB, vgNameValidators } from '../resources/names.js';

export const volumeGroupSchema: SchemaDef = {
  version: 0,
  description: 'Capacity and lock type of a shared LVM volume group managed by the control agent.',
  attributes: {
    name: { type: 'string', required: true, description: 'Name of the volume group.', validators: vgNameValidators },
    size_bytes: { type: 'number', computed: true, description: 'Total size in bytes.' },
    free_bytes: { type: 'number', computed: true, description: 'Unallocated space in bytes.' },
    free_gib: { type: 'number', computed: true, description: 'Unallocated space in GiB, rounded down to a whole number: the largest `size_gib` a new thick volume can have.' },
    allocated_bytes: { type: 'number', computed: true, description: 'Allocated space in bytes.' },
    extent_size_bytes: { type: 'number', computed: true, description: 'Extent size in bytes (sizes are rounded up to whole extents).' },
    lock_type: { type: 'string', computed: true, description: 'Lock type of the VG: `sanlock`, `dlm` or `none`.' },
    volume_count: { type: 'number', computed: true, description: 'Number of volumes the agent manages in it.' },
    snapshot_count: { type: 'number', computed: true, description: 'Number of snapshots the agent manages in it.' },
    thin_pool: { type: 'string', computed: true, description: 'Name of the thin pool thin volumes are created in, or null when there is none.' },
  },
};

export const volumeGroupDataSource: DataSourceDef<AgentClient> = {
  typeName: 'shared_lvm_volume_group',
  schema: volumeGroupSchema,
  async read(config, ctx) {
    const { client } = ctx;
    const vg = str(config.name) as string;
    const g = await call(client, 'Read volume group', () =>
      client.api.GET('/v1/vgs/{vg}', { params: { path: { vg }, query: { refresh: 'true' } }, signal: client.signal(ctx.signal) }), { notFound: 'null' });
    if (!g) throw new DiagnosticError('No such volume group', `The agent at ${client.endpoint} manages no volume group named "${vg}".`, ['name']);
    return record({
      name: g.name,
      size_bytes: g.size_bytes,
      free_bytes: g.free_bytes,
      free_gib: Math.floor(g.free_bytes / GIB),
      allocated_bytes: g.allocated_bytes,
      extent_size_bytes: g.extent_size_bytes,
      lock_type: g.lock_type,
      volume_count: g.volume_count,
      snapshot_count: g.snapshot_count,
      thin_pool: g.thin_pool?.name ?? null,
    });
  },
};
