// What a tainted resource's next apply relies on, against a local stand-in agent: a read of an id the
// agent does not have (its problem+json not_found) removes the resource from state; any other 404
// (a proxy, a wrong endpoint) is an error that keeps the state; a delete of a missing id succeeds.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { ResourceDef } from '../../../../provider-cdktf/src/framework/resource.js';
import { Diagnostic_Severity } from '../../../../provider-cdktf/src/plugin/generated/tfplugin6.js';
import { record } from '../../../../provider-cdktf/src/plugin/values.js';
import { snapshotResource } from '../../../../provider-cdktf/src/resources/snapshot.js';
import { volumeResource } from '../../../../provider-cdktf/src/resources/volume.js';
import { StandInAgent, problem, providerFor, type Answer } from '../helpers/stand-in-agent.js';

const id = 'e0e0e0e0-0000-4000-8000-00000000000a';
// A tainted state as an unknown-outcome create leaves it: the id and the planned values, the rest null.
const volumeState = record({
  id, name: 'data', volume_group: 'labvg', size_gib: 1, thin: false, pv: null, source_snapshot_id: null,
  source_volume_id: null, multiattach: false, wipe_on_delete: false, tags: null, lv_name: null, lv_uuid: null,
  device_path: null, size_bytes: null, timeouts: null,
});
const snapshotState = record({ id, volume_id: 'v1', name: 'snap', lv_name: null, size_bytes: null, timeouts: null });

const notFound = problem('not_found', 404);
const foreign404: Answer = { status: 404, json: '<html>not here</html>', type: 'text/html' };
const emptyList: Answer = { status: 200, json: { items: [] } };

const agent = new StandInAgent();
before(() => agent.start());
after(() => agent.close());

interface Case {
  resource: ResourceDef<never>;
  state: typeof volumeState;
  op: 'read' | 'delete';
  given: Answer[];
  want: { gone: boolean; error: RegExp | null };
}
const volume = { resource: volumeResource as never, state: volumeState };
const snapshot = { resource: snapshotResource as never, state: snapshotState };
const gone = { gone: true, error: null };
const kept = { gone: false, error: /HTTP 404/ };
const foreign = 'a 404 that is not the agent\'s -> error, state kept';

const cases: [string, Case][] = [
  // The volume read looks in the (refreshed) listing first, then asks for the id itself.
  ['volume read: not_found -> removed from state', { ...volume, op: 'read', given: [emptyList, notFound], want: gone }],
  [`volume read: ${foreign}`, { ...volume, op: 'read', given: [emptyList, foreign404], want: kept }],
  ['snapshot read: not_found -> removed from state', { ...snapshot, op: 'read', given: [notFound], want: gone }],
  ['volume delete: not_found -> success', { ...volume, op: 'delete', given: [notFound], want: gone }],
  [`volume delete: ${foreign}`, { ...volume, op: 'delete', given: [foreign404], want: kept }],
  ['snapshot delete: not_found -> success', { ...snapshot, op: 'delete', given: [notFound], want: gone }],
];

for (const [name, { resource, state, op, given, want }] of cases) {
  test(`missing object: ${name}`, async () => {
    // A provider (and client) per case: the client's volume listing must not carry over.
    const provider = await providerFor(agent.url, [volumeResource, snapshotResource]);
    agent.answer(...given);
    const r = op === 'read' ? await provider.read(resource, state) : await provider.apply(resource, state, null);
    const errs = r.diagnostics.filter((d) => d.severity === Diagnostic_Severity.ERROR);
    if (want.error === null) assert.deepEqual(errs.map((d) => d.detail), []);
    else assert.match(errs.map((d) => d.detail).join('\n'), want.error);
    assert.equal(r.state === null, want.gone, want.gone ? 'removed from state' : 'state kept');
    if (!want.gone) assert.equal(r.state?.id, id);
  });
}
