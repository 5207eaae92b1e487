import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Volume } from '../../../../provider-cdktf/src/client/agent-client.js';
import { Diagnostics } from '../../../../provider-cdktf/src/framework/diagnostics.js';
import { validateAttributes } from '../../../../provider-cdktf/src/framework/server.js';
import { validateVolumeConfig, volumeSchema, volumeState } from '../../../../provider-cdktf/src/resources/volume.js';
import { Unknown, record, type TfValue } from '../../../../provider-cdktf/src/plugin/values.js';

const config = (o: Record<string, TfValue>) =>
  record({ name: 'v', volume_group: 'labvg', size_gib: 1, thin: null, source_snapshot_id: null, source_volume_id: null, multiattach: null, wipe_on_delete: null, tags: null, pv: null, timeouts: null, ...o });

const cases: [string, { given: Record<string, TfValue>; want: { summary: string; path: string }[] }][] = [
  ['plain volume', { given: {}, want: [] }],
  ['both sources', { given: { size_gib: null, source_snapshot_id: 's1', source_volume_id: 'v1' }, want: [{ summary: 'Conflicting volume sources', path: 'source_volume_id' }] }],
  ['no size and no source', { given: { size_gib: null }, want: [{ summary: 'Missing size', path: 'size_gib' }] }],
  ['size from an unknown value is fine at validate time', { given: { size_gib: Unknown }, want: [] }],
  ['from a snapshot without size', { given: { size_gib: null, source_snapshot_id: 's1' }, want: [] }],
  ['wipe a thin volume', { given: { thin: true, wipe_on_delete: true }, want: [{ summary: 'wipe_on_delete needs a thick volume', path: 'wipe_on_delete' }] }],
  ['half a GiB', { given: { size_gib: 0.5 }, want: [] }],
  ['size below 1 MiB steps', { given: { size_gib: 0.0001 }, want: [{ summary: 'Invalid value for "size_gib"', path: 'size_gib' }] }],
  ['zero size', { given: { size_gib: 0 }, want: [{ summary: 'Invalid value for "size_gib"', path: 'size_gib' }] }],
  ['bad name', { given: { name: '-x' }, want: [{ summary: 'Invalid value for "name"', path: 'name' }] }],
  ['bad tag', { given: { tags: ['ok', 'no spaces'] }, want: [{ summary: 'Invalid value for "tags"', path: 'tags' }] }],
  ['thick on a PV', { given: { pv: '/dev/vdb' }, want: [] }],
  ['pv on a thin volume', { given: { thin: true, pv: '/dev/vdb' }, want: [{ summary: 'pv needs a thick volume', path: 'pv' }] }],
  ['pv not a device path', { given: { pv: 'vdb' }, want: [{ summary: 'Invalid value for "pv"', path: 'pv' }] }],
  ['bad timeout', { given: { timeouts: record({ create: 'soon', update: null, delete: null }) }, want: [{ summary: 'Invalid value for "create"', path: 'timeouts.create' }] }],
];

for (const [name, { given, want }] of cases) {
  test(`volume config validation: ${name}`, () => {
    const diags = new Diagnostics();
    const c = config(given);
    validateAttributes(volumeSchema, c, diags);
    validateVolumeConfig(c, diags);
    assert.deepEqual(diags.items.map((d) => ({ summary: d.summary, path: (d.path ?? []).join('.') })), want);
  });
}

const apiVolume: Volume = {
  id: 'abc', name: 'data', vg: 'labvg', lv_name: 'vol-abc', lv_uuid: 'U', path: '/dev/labvg/vol-abc', type: 'thick',
  size_bytes: 2 * 1024 ** 3, status: 'available', multiattach: true, created_at: null, source: { kind: 'snapshot', id: 's1' },
  snapshot_ids: [], attachments: [], tags: ['b', 'a'], pvs: ['/dev/vdb'],
};

test('volumeState: maps the API volume onto the schema', () => {
  const s = volumeState(apiVolume, null);
  assert.deepEqual({ ...s }, {
    id: 'abc', name: 'data', volume_group: 'labvg', size_gib: 2, size_bytes: 2 * 1024 ** 3, thin: false,
    source_snapshot_id: 's1', source_volume_id: null, multiattach: true, tags: ['a', 'b'], wipe_on_delete: false,
    lv_name: 'vol-abc', lv_uuid: 'U', device_path: '/dev/labvg/vol-abc', pv: '/dev/vdb',
  });
});

const pvCases: [string, { given: Partial<Volume>; want: string | null }][] = [
  ['thick on one PV', { given: { pvs: ['/dev/vda'] }, want: '/dev/vda' }],
  ['thick across two PVs', { given: { pvs: ['/dev/vda', '/dev/vdb'] }, want: null }],
  ['thin (lives in the pool)', { given: { type: 'thin', pvs: [] }, want: null }],
  ['mid-move (maps through pvmove)', { given: { pvs: [] }, want: null }],
];
for (const [name, { given, want }] of pvCases) {
  test(`volumeState pv: ${name}`, () => {
    assert.equal(volumeState({ ...apiVolume, ...given }, null).pv, want);
  });
}

const tagCases: [string, { prior: TfValue; want: TfValue }][] = [
  ['no tags, config had none -> null', { prior: null, want: null }],
  ['no tags, config had [] -> []', { prior: [], want: [] }],
];
for (const [name, { prior, want }] of tagCases) {
  test(`volumeState tags: ${name}`, () => {
    const s = volumeState({ ...apiVolume, tags: [] }, record({ tags: prior, wipe_on_delete: true }));
    assert.deepEqual(s.tags, want);
    assert.equal(s.wipe_on_delete, true, 'provider-side setting carried over');
  });
}
