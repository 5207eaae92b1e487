// Crash consistency, proven at every step boundary: for each multi-command change, the real agent
// process (over the fake lvm, which keeps its state on disk) is SIGKILLed right after its 1st, 2nd, ...
// lvm write (SHAREDLVM_TEST_KILL_AFTER_WRITES), restarted (its start-up reconcile runs), and the VG is
// checked: every LV is a listed volume or snapshot or the thin pool, no data LV is lost, nothing
// half-made is reported done, and the control node holds no activation and no pool lock. N grows
// until the change completes without being killed, so a new step is covered without editing this file.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encodeTags } from '../../../agent/src/lib/lvm/tags.js';
import { call, startAgentProcess, type AgentProcess, type ApiVolume } from '../../helpers/agent-process.js';
import { FakeLvm, GIB, MIB, type FakeLv, type FakeVg } from '../../helpers/fake-lvm.js';


const volumeTags = (name: string, extra: string[] = []) => [...encodeTags({ name, createdAt: '2026-11-30T00:00:00.000Z', requestHash: 'x' }), ...extra];
const thick = (name: string, extra: Partial<FakeLv> = {}): FakeLv => ({ attr: '-wi-------', size: GIB, pv: '/dev/vda', tags: volumeTags(name), ...extra });
const pool: FakeLv = { attr: 'twi---tz--', size: GIB, data_percent: '0.00' };
const thin = (name: string): FakeLv => ({ attr: 'Vwi---tz--', size: GIB, pool: 'pool0', tags: volumeTags(name) });

interface Scenario {
  name: string;
  lvs: Record<string, FakeLv>;
  request: { method: string; path: string; body?: unknown };
  /** Volume ids that must exist afterwards whatever happened (no data LV is lost). */
  keep: string[];
  /** LVs outside the naming scheme that may stay (an LV being adopted or handed back). */
  userLvs?: string[];
  /** What must hold of the result when the change reports success (nothing half-made is "done"). */
  whenDone?: (volumes: Map<string, ApiVolume>) => void;
}

const SCENARIOS: Scenario[] = [
  {
    name: 'clone of a thick volume (copy)', lvs: { 'vol-src': thick('src') }, keep: ['src'],
    request: { method: 'POST', path: '/v1/volumes', body: { id: 'new', vg: 'labvg', name: 'copy', source_volume_id: 'src' } },
    whenDone: (volumes) => assert.equal(volumes.get('new')?.status, 'available'),
  },
  {
    name: 'thin clone grown on create', lvs: { pool0: pool, 'vol-tsrc': thin('tsrc') }, keep: ['tsrc'],
    request: { method: 'POST', path: '/v1/volumes', body: { id: 'tnew', vg: 'labvg', name: 'tcopy', source_volume_id: 'tsrc', size_gib: 2 } },
    whenDone: (volumes) => assert.equal(volumes.get('tnew')?.size_bytes, 2 * GIB),
  },
  {
    name: 'first thin volume (pool created)', lvs: {}, keep: [],
    request: { method: 'POST', path: '/v1/volumes', body: { id: 'thin1', vg: 'labvg', name: 'thin1', size_gib: 1, type: 'thin' } },
  },
  {
    name: 'delete with wipe', lvs: { 'vol-doomed': thick('doomed') }, keep: [],
    request: { method: 'DELETE', path: '/v1/volumes/doomed?wipe=zero' },
  },
  {
    name: 'retype thick to thin', lvs: { pool0: pool, 'vol-rt': thick('rt') }, keep: ['rt'],
    request: { method: 'POST', path: '/v1/volumes/rt/retype', body: { type: 'thin' } },
    whenDone: (volumes) => assert.equal(volumes.get('rt')?.type, 'thin'),
  },
  {
    name: 'move to another PV', lvs: { 'vol-mv': thick('mv') }, keep: ['mv'],
    request: { method: 'POST', path: '/v1/volumes/mv/move', body: { pv: '/dev/vdb' } },
    whenDone: (volumes) => assert.deepEqual(volumes.get('mv')?.pvs, ['/dev/vdb']),
  },
  {
    name: 'COW snapshot removal', keep: ['orig'],
    lvs: { 'vol-orig': thick('orig', { attr: 'owi-------' }), 'snap-s1': { attr: 'swi-------', size: 256 * MIB, origin: 'vol-orig', tags: encodeTags({ name: 's1', source: 'volume:orig' }) } },
    request: { method: 'DELETE', path: '/v1/snapshots/s1' },
  },
  {
    name: 'manage an existing LV', lvs: { legacy: { attr: '-wi-------', size: GIB, pv: '/dev/vda', tags: [] } }, keep: [], userLvs: ['legacy'],
    request: { method: 'POST', path: '/v1/volumes/manage', body: { vg: 'labvg', lv_name: 'legacy', id: 'adopted', name: 'legacy' } },
  },
  {
    name: 'unmanage a volume', lvs: { 'vol-handback': thick('handback') }, keep: [], userLvs: ['handback'],
    request: { method: 'POST', path: '/v1/volumes/handback/unmanage', body: {} },
  },
];

function vgWith(lvs: Record<string, FakeLv>): Record<string, Partial<FakeVg>> {
  return { labvg: { size: 20 * GIB, lvs: structuredClone(lvs) } };
}

async function settle(agent: AgentProcess): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const running = await call(agent.url, 'GET', '/v1/operations?state=running');
    if (running.body.items.length === 0) return;
    if (Date.now() > deadline) throw new Error(`operations still running after 30 s: ${JSON.stringify(running.body.items)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The invariants that must hold after any crash and restart. */
async function checkInvariants(fake: FakeLvm, agent: AgentProcess, scenario: Scenario, where: string): Promise<Map<string, ApiVolume>> {
  await settle(agent);
  const volumes = new Map<string, ApiVolume>((await call(agent.url, 'GET', '/v1/volumes?refresh=true')).body.items.map((v) => [v.id, v]));
  const snapshots = new Set<string>((await call(agent.url, 'GET', '/v1/snapshots')).body.items.map((s) => s.id));
  const lvs = fake.state().vgs.labvg!.lvs;
  for (const [name, lv] of Object.entries(lvs)) {
    const ours = /^(vol|snap)-(.+)$/.exec(name);
    if (ours?.[1] === 'vol') assert.ok(volumes.has(ours[2]!), `${where}: LV ${name} is not a listed volume`);
    else if (ours?.[1] === 'snap') assert.ok(snapshots.has(ours[2]!), `${where}: LV ${name} is not a listed snapshot`);
    else if (name !== 'pool0') {
      assert.ok(scenario.userLvs?.includes(name), `${where}: LV ${name} is neither a volume, a snapshot, nor the pool`);
      assert.deepEqual((lv.tags ?? []).filter((tag) => tag.startsWith('slvm.')), [], `${where}: user LV ${name} kept agent tags`);
    }
    const inFlight = (lv.tags ?? []).filter((tag) => /^slvm\.(creating|op=|wipe=|moveto=)/.test(tag));
    assert.deepEqual(inFlight, [], `${where}: LV ${name} still carries in-flight tags`);
    assert.equal(fake.locks('labvg', name).a, undefined, `${where}: the control node still holds ${name} (${JSON.stringify(fake.locks('labvg', name))})`);
    assert.ok(!(lv.active ?? []).includes('a'), `${where}: ${name} still active on the control node`);
  }
  for (const id of scenario.keep) assert.ok(volumes.has(id), `${where}: volume ${id} was lost`);
  return volumes;
}

// Scenarios run three at a time, each on its own fake VG (the agents are separate processes).
describe('fault injection', { concurrency: 3 }, () => {
  for (const scenario of SCENARIOS) {
    it(`${scenario.name} survives a SIGKILL after every lvm write`, { timeout: 300_000 }, async (t) => {
      const fake = new FakeLvm();
      try {
        await killAtEveryStep(fake, scenario, (message) => t.diagnostic(message));
      } finally {
        fake.cleanup();
      }
    });
  }
});

/** Kills the agent after its 1st, 2nd, ... write of the scenario's change until the change completes
 *  unharmed; after each kill a restarted agent must leave the VG passing the invariant check. */
async function killAtEveryStep(fake: FakeLvm, scenario: Scenario, report: (message: string) => void): Promise<void> {
  let killedAt = 0;
  for (let n = 1; n <= 20; n += 1) {
    fake.setState(vgWith(scenario.lvs));
    const doomed = await startAgentProcess({ fake, env: { SHAREDLVM_TEST_KILL_AFTER_WRITES: String(n) } });
    const { method, path, body } = scenario.request;
    const answer = await call(doomed.url, method, path, body).catch(() => undefined);
    if (answer) assert.ok(answer.status < 500, `write ${n}: ${JSON.stringify(answer)}`);
    // A long operation goes on after the answer: wait for it to end or for the kill. A call that
    // fails because the agent died is the kill, not a failure of the change.
    const outcome = await Promise.race([
      doomed.exited.then(() => 'killed' as const),
      settle(doomed).then(() => 'done' as const, () => doomed.exited.then(() => 'killed' as const)),
    ]);
    if (outcome === 'done') {
      const volumes = await checkInvariants(fake, doomed, scenario, `uninterrupted (${n - 1} writes)`);
      const ops = (await call(doomed.url, 'GET', '/v1/operations')).body.items;
      assert.ok(ops.every((op) => op.state === 'succeeded'), JSON.stringify(ops));
      scenario.whenDone?.(volumes);
      await doomed.stop();
      break;
    }
    const { signal } = await doomed.exited;
    assert.equal(signal, 'SIGKILL', `write ${n}: the agent ended otherwise:\n${doomed.stderr()}`);
    killedAt = n;
    const restarted = await startAgentProcess({ fake });
    try {
      const volumes = await checkInvariants(fake, restarted, scenario, `killed after write ${n}`);
      const ops = (await call(restarted.url, 'GET', '/v1/operations')).body.items;
      // An operation reported succeeded really is done.
      if (ops.some((op) => op.state === 'succeeded')) scenario.whenDone?.(volumes);
    } finally {
      await restarted.stop();
    }
  }
  assert.ok(killedAt >= 1, 'the change was never interrupted: the hook did not fire');
  report(`killed after each of writes 1..${killedAt}; every restart passed the invariant check`);
}
