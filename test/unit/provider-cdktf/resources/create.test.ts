// The create contract (provider-cdktf/src/resources/create.ts) through ApplyResourceChange, against a
// local stand-in agent: a fresh UUID v4 per create sent as the body's id (no name-derived
// Idempotency-Key); the same id and body on every retry; an unknown outcome leaves the id in the new
// state with an error (terraform taints it); name_taken is an error on `name` with the existing id and
// the import command. Volumes and snapshots alike.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Snapshot, Volume } from '../../../../provider-cdktf/src/client/agent-client.js';
import type { ResourceDef } from '../../../../provider-cdktf/src/framework/resource.js';
import { Diagnostic_Severity } from '../../../../provider-cdktf/src/plugin/generated/tfplugin6.js';
import { Unknown, record, type TfValue } from '../../../../provider-cdktf/src/plugin/values.js';
import { snapshotResource } from '../../../../provider-cdktf/src/resources/snapshot.js';
import { volumeResource } from '../../../../provider-cdktf/src/resources/volume.js';
import {
  StandInAgent, problem, providerFor, type Answer, type RpcResult, type Seen,
} from '../helpers/stand-in-agent.js';

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

const volumePlan = record({
  id: Unknown, name: 'data', volume_group: 'labvg', size_gib: 1, thin: false, pv: Unknown, source_snapshot_id: null,
  source_volume_id: null, multiattach: false, wipe_on_delete: false, tags: null, lv_name: Unknown, lv_uuid: Unknown,
  device_path: Unknown, size_bytes: Unknown, timeouts: null,
});
const snapshotPlan = record({
  id: Unknown, volume_id: 'v1', name: 'before-upgrade', lv_name: Unknown, size_bytes: Unknown, timeouts: null,
});

const createdVolume = (seen: Seen): { status: number; json: Volume } => {
  const id = String(seen.body?.id);
  const lv = `slvm-vol-${id}`;
  return {
    status: 201,
    json: {
      id, name: String(seen.body?.name), vg: 'labvg', lv_name: lv, lv_uuid: 'U', path: `/dev/labvg/${lv}`,
      type: 'thick',
      size_bytes: 2 ** 30, status: 'available', multiattach: false, created_at: null, source: { kind: 'none' },
      snapshot_ids: [], attachments: [], tags: [], pvs: ['/dev/vda'],
    },
  };
};
const createdSnapshot = (seen: Seen): { status: number; json: Snapshot } => {
  const id = String(seen.body?.id);
  return {
    status: 201,
    json: {
      id, name: String(seen.body?.name), volume_id: 'v1', vg: 'labvg', lv_name: `slvm-snap-${id}`, type: 'cow',
      size_bytes: 2 ** 30, status: 'available', created_at: null,
    },
  };
};
const nameTaken = (kind: string, existing: string): Answer => problem('name_taken', 409, {
  detail: `a ${kind} named data exists in VG labvg`,
  existing_id: existing,
  errors: [{ pointer: '/body/name', message: 'taken' }],
});

const agent = new StandInAgent();
let provider: Awaited<ReturnType<typeof providerFor>>;
before(async () => {
  await agent.start();
  provider = await providerFor(agent.url, [volumeResource, snapshotResource]);
});
after(() => agent.close());

const errors = (r: RpcResult) => r.diagnostics.filter((d) => d.severity === Diagnostic_Severity.ERROR);
const posts = () => agent.seen.filter((s) => s.method === 'POST');

interface Want {
  posts: number;
  /** The new state's id: 'sent' = the id of the POSTs, null = no state. */
  stateId: 'sent' | null;
  error: RegExp | null;
  errorPath?: string;
}
interface Case {
  resource: ResourceDef<never>;
  plan: typeof volumePlan;
  given: Answer[];
  want: Want;
}

const volume = { resource: volumeResource as never, plan: volumePlan };
const snapshot = { resource: snapshotResource as never, plan: snapshotPlan };
const retried = 'connection lost, retried with the same id and body';
const lost4: Answer[] = ['drop', 'drop', 'drop', 'drop'];
const ok = (posts: number): Want => ({ posts, stateId: 'sent', error: null });
const tainted = (posts: number, error: RegExp): Want => ({ posts, stateId: 'sent', error });
const refused = (error: RegExp, errorPath?: string): Want =>
  ({ posts: 1, stateId: null, error, ...(errorPath ? { errorPath } : {}) });
const existing1 = 'e0e0e0e0-0000-4000-8000-000000000001';
const existing2 = 'e0e0e0e0-0000-4000-8000-000000000002';
const volumeImport = new RegExp(`volume ${existing1}.*terraform import shared_lvm_volume\\.data ${existing1}`, 's');
const snapshotImport = new RegExp(`terraform import shared_lvm_snapshot\\.before-upgrade ${existing2}`);

const cases: [string, Case][] = [
  ['volume created at the first attempt', { ...volume, given: [createdVolume], want: ok(1) }],
  [`volume: ${retried}`, { ...volume, given: ['drop', createdVolume], want: ok(2) }],
  [
    'volume: 502 then 200 (the same id+parameters made already)',
    {
      ...volume,
      given: [problem('host_unreachable', 502), (s) => ({ ...createdVolume(s), status: 200 })],
      want: ok(2),
    },
  ],
  [
    'volume: outcome unknown on every attempt -> id in state with an error',
    { ...volume, given: lost4, want: tainted(4, /may or may not have created volume "data" with id .*tainted/s) },
  ],
  [
    'volume: 500 on every attempt -> id in state with an error',
    { ...volume, given: Array<Answer>(4).fill(problem('lvm_failed', 500)), want: tainted(4, /lvm_failed/) },
  ],
  [
    'volume: lost, then a definite 400 -> id kept (the first attempt may have made it)',
    { ...volume, given: ['drop', problem('bad_request', 400)], want: tainted(2, /tainted/) },
  ],
  [
    'volume: a definite refusal (507) -> no state, no retry',
    { ...volume, given: [problem('insufficient_space', 507)], want: refused(/insufficient_space/) },
  ],
  [
    'volume: name_taken -> error on name with the existing id and the import command, no state',
    { ...volume, given: [nameTaken('volume', existing1)], want: refused(volumeImport, 'name') },
  ],
  ['snapshot created at the first attempt', { ...snapshot, given: [createdSnapshot], want: ok(1) }],
  [`snapshot: ${retried}`, { ...snapshot, given: ['drop', createdSnapshot], want: ok(2) }],
  [
    'snapshot: outcome unknown -> id in state with an error',
    { ...snapshot, given: lost4, want: tainted(4, /may or may not have created snapshot "before-upgrade"/) },
  ],
  [
    'snapshot: name_taken -> error on name with the import command',
    { ...snapshot, given: [nameTaken('snapshot', existing2)], want: refused(snapshotImport, 'name') },
  ],
];

for (const [name, { resource, plan, given, want }] of cases) {
  test(`create contract: ${name}`, async () => {
    agent.answer(...given);
    const r = await provider.apply(resource, null, plan);
    const sent = posts();
    assert.equal(sent.length, want.posts, 'POST attempts');
    const id = sent[0]?.body?.id;
    assert.match(String(id), UUID_V4, 'a UUID v4 in the body');
    for (const s of sent) {
      assert.deepEqual(s.body, sent[0]!.body, 'every attempt sends the same id and body');
      assert.equal(s.headers['idempotency-key'], undefined, 'no name-derived Idempotency-Key');
    }
    const errs = errors(r);
    if (want.error === null) assert.deepEqual(errs.map((d) => d.detail), []);
    else {
      assert.equal(errs.length, 1, JSON.stringify(r.diagnostics));
      assert.match(`${errs[0]!.summary}\n${errs[0]!.detail}`, want.error);
      const path = (errs[0]!.attribute?.steps ?? []).map((s) => s.attributeName);
      if (want.errorPath) assert.deepEqual(path, [want.errorPath]);
    }
    if (want.stateId === null) assert.equal(r.state, null, 'nothing recorded');
    else {
      assert.equal(r.state?.id, id, 'the state holds the id that was sent');
      assert.equal(r.state?.name, plan.name, 'with the planned values');
      for (const [k, v] of Object.entries(r.state ?? {})) {
        assert.notEqual(v as TfValue, Unknown, `${k} is known (null or a value)`);
      }
    }
  });
}

test('create contract: two creates of the same name send two different ids', async () => {
  agent.answer(createdVolume);
  const first = await provider.apply(volumeResource, null, volumePlan);
  agent.answer(createdVolume);
  const second = await provider.apply(volumeResource, null, volumePlan);
  assert.match(String(first.state?.id), UUID_V4);
  assert.match(String(second.state?.id), UUID_V4);
  assert.notEqual(first.state?.id, second.state?.id);
});

test('create contract: a rename onto a taken name is an error on name with the import command', async () => {
  const prior = record({
    ...volumePlan, id: 'v1', name: 'old', pv: null, lv_name: 'slvm-vol-v1', lv_uuid: 'U',
    device_path: '/dev/labvg/slvm-vol-v1', size_bytes: 2 ** 30,
  });
  agent.answer(nameTaken('volume', 'e0e0e0e0-0000-4000-8000-000000000003'));
  const r = await provider.apply(volumeResource, prior, record({ ...prior, name: 'data' }));
  const errs = errors(r);
  assert.equal(errs.length, 1);
  assert.deepEqual((errs[0]!.attribute?.steps ?? []).map((s) => s.attributeName), ['name']);
  assert.match(errs[0]!.detail ?? '', /terraform import shared_lvm_volume\.data e0e0e0e0-0000-4000-8000-000000000003/);
  assert.equal(r.state?.name, 'old', 'the prior state stands');
});

test('create contract: a refused connection (nothing sent) records nothing', async () => {
  const closed = new StandInAgent();
  await closed.start();
  const endpoint = closed.url;
  closed.close(); // nothing listens on that port any more
  const r = await (await providerFor(endpoint, [volumeResource])).apply(volumeResource, null, volumePlan);
  const errs = errors(r);
  assert.equal(errs.length, 1);
  assert.match(errs[0]!.summary ?? '', /cannot reach the shared-lvm agent/);
  assert.doesNotMatch(errs[0]!.detail ?? '', /tainted/);
  assert.equal(r.state, null);
});
