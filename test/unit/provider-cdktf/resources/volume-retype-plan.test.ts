// Plan-time checks of a retype (volume_group or thin change) against a local stand-in of the agent's
// GET /v1/volumes/{id}: attached or snapshotted volumes are errors on the changed attribute; where the
// copy lands (pv) becomes unknown unless configured. The retype itself runs in the lab acceptance test.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { createAgentClient, type Volume } from '../../../../provider-cdktf/src/client/agent-client.js';
import { Diagnostics } from '../../../../provider-cdktf/src/framework/diagnostics.js';
import { Unknown, record, type TfValue } from '../../../../provider-cdktf/src/plugin/values.js';
import { volumeResource } from '../../../../provider-cdktf/src/resources/volume.js';

const volume: Volume = {
  id: 'v1', name: 'data', vg: 'labvg', lv_name: 'vol-v1', lv_uuid: 'U', path: '/dev/labvg/vol-v1', type: 'thick', size_bytes: 2 ** 30,
  status: 'available', multiattach: false, created_at: null, source: { kind: 'none' }, snapshot_ids: [], attachments: [], tags: [], pvs: ['/dev/vda'],
};
let served: Volume = volume;
const server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(served)));
let url = '';
before(async () => { await new Promise<void>((r) => server.listen(0, '127.0.0.1', r)); url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`; });
after(() => server.close());

const prior = record({ id: 'v1', name: 'data', volume_group: 'labvg', size_gib: 1, size_bytes: 2 ** 30, thin: false, pv: '/dev/vda', tags: null, source_snapshot_id: null, source_volume_id: null, multiattach: false, wipe_on_delete: false });

const cases: [string, { served: Partial<Volume>; change: Record<string, TfValue>; config?: Record<string, TfValue>; want: { errors: string[]; pv: TfValue } }][] = [
  ['detached thick -> thin: no error, pv null', { served: {}, change: { thin: true }, want: { errors: [], pv: null } }],
  ['detached, other VG: no error, pv known after apply', { served: {}, change: { volume_group: 'vg2' }, want: { errors: [], pv: Unknown } }],
  ['other VG with pv configured: pv as configured', { served: {}, change: { volume_group: 'vg2', pv: '/dev/sdc' }, config: { pv: '/dev/sdc' }, want: { errors: [], pv: '/dev/sdc' } }],
  ['attached: error on volume_group', { served: { attachments: [{ host: 'b', mode: 'rw' }] }, change: { volume_group: 'vg2' }, want: { errors: ['A retype needs the volume detached @ volume_group'], pv: Unknown } }],
  ['with snapshots: error on thin', { served: { snapshot_ids: ['s1'] }, change: { thin: true }, want: { errors: ['A retype cannot take snapshots along @ thin'], pv: null } }],
  ['no VG or type change: no read, pv kept', { served: { attachments: [{ host: 'b', mode: 'rw' }] }, change: {}, want: { errors: [], pv: '/dev/vda' } }],
];

for (const [name, { served: given, change, config, want }] of cases) {
  test(`retype plan: ${name}`, async () => {
    served = { ...volume, ...given };
    const plan = record({ ...prior, ...change });
    const diags = new Diagnostics();
    const client = createAgentClient({ endpoint: url, token: 't0ken', caBundle: null, requestTimeoutMs: 5000, userAgent: 'test' });
    const ctx = { client, diags, signal: AbortSignal.timeout(5000), log: { info: () => undefined, warn: () => undefined, debug: () => undefined, error: () => undefined } } as never;
    await volumeResource.modifyPlan!({ config: record({ ...prior, pv: null, ...config }), prior, plan, ctx });
    assert.deepEqual(diags.items.map((d) => `${d.summary} @ ${(d.path ?? []).join('.')}`), want.errors);
    assert.equal(plan.pv, want.pv);
  });
}
