// The attachment orchestration over the fake lvm, with in-memory host agents that record what they
// were asked: the order of lock conversions, the records (tags), the refusals and the roll-backs.
// The same flows run against real lvmlockd/sanlock in test/integration/host/.
import assert from 'node:assert/strict';
import { after, beforeEach, test } from 'node:test';
import request from 'supertest';
import { AgentError } from '../../../agent/src/lib/errors.js';
import type { ActivateRequest, HostVolume } from '../../../agent/src/lib/host/activation.js';
import type { HostAgent } from '../../../agent/src/lib/hosts/client.js';
import { Runner } from '../../../agent/src/lib/lvm/runner.js';
import { pvmoveArgs, readMoveStatus } from '../../../agent/src/lib/operations/work.js';
import { AUTH, testApp } from '../../helpers/agent-app.js';
import { FAKE_LVM, FakeLvm, MIB } from '../../helpers/fake-lvm.js';

/** A host agent in memory: which LV it holds in which mode, and every call in order. */
class FakeHost implements HostAgent {
  readonly held = new Map<string, ActivateRequest>();
  failActivate: AgentError | undefined;
  constructor(readonly name: string, private readonly log: string[], private readonly runner?: Runner) {}
  private view(lv: string): HostVolume {
    const held = this.held.get(lv);
    return {
      vg: 'labvg', lv_name: lv, lv_uuid: `uuid-${lv}`, volume_id: null, kind: 'linear', path: `/dev/labvg/${lv}`, size_bytes: 0,
      active: Boolean(held), lock_mode: held?.lock ?? null, lock_uuid: `uuid-${lv}`, access: held?.access ?? null, open: false, sanlock: null,
    };
  }
  async activate(_vg: string, lv: string, request: ActivateRequest) {
    this.log.push(`${this.name} activate ${lv} ${request.lock} ${request.access ?? 'rw'}`);
    if (this.failActivate) throw this.failActivate;
    this.held.set(lv, request);
    return this.view(lv);
  }
  async deactivate(_vg: string, lv: string) {
    this.log.push(`${this.name} deactivate ${lv}`);
    this.held.delete(lv);
    return this.view(lv);
  }
  async refresh(_vg: string, lv: string) { this.log.push(`${this.name} refresh ${lv}`); return this.view(lv); }
  async extend(_vg: string, lv: string, size: number) { this.log.push(`${this.name} extend ${lv} ${size}`); return this.view(lv); }
  async createSnapshot(_vg: string, lv: string, body: { snapshot_lv_name: string }) { this.log.push(`${this.name} snapshot ${lv} ${body.snapshot_lv_name}`); return this.view(lv); }
  async deleteSnapshot(_vg: string, lv: string, snapshot: string) { this.log.push(`${this.name} delete-snapshot ${lv} ${snapshot}`); }
  async revert(_vg: string, lv: string, snapshot: string) { this.log.push(`${this.name} revert ${lv} ${snapshot}`); return this.view(lv); }
  // pvmove as a host agent runs it: through the (fake) lvm, which completes a move at once.
  async startMove(vg: string, lv: string, body: { from: string; to?: string }) {
    this.log.push(`${this.name} pvmove ${lv} ${body.from} ${body.to ?? '(resume)'}`);
    await this.runner!.lvm('pvmove', pvmoveArgs(vg, lv, body));
    return this.moveStatus(vg, lv);
  }
  async moveStatus(vg: string, lv: string) {
    const status = (await readMoveStatus(this.runner!, vg, lv))!;
    return { vg, lv_name: lv, moving: status.moving, percent: status.percent, move_pv: status.movePv, pvs: status.pvs };
  }
  async lockStatus() { return { host: this.name, vgs: [], volumes: [], lvmlockctl: '', sanlock: '' }; }
}

const fake = new FakeLvm();
after(() => fake.cleanup());

let app: ReturnType<typeof testApp>['app'];
let log: string[];
let hostA: FakeHost;
let hostB: FakeHost;

beforeEach(() => {
  fake.setState({
    labvg: {
      lvs: {
        'vol-one': { attr: '-wi-------', size: 64 * MIB, pv: '/dev/vda' },
        'vol-multi': { attr: '-wi-------', size: 64 * MIB, tags: ['slvm.multiattach'] },
        'vol-origin': { attr: 'owi-------', size: 64 * MIB, tags: ['slvm.multiattach'] },
        'snap-s1': { attr: 'swi-------', size: 64 * MIB, origin: 'vol-origin' },
        pool0: { attr: 'twi---tz--', size: 256 * MIB },
        'vol-t1': { attr: 'Vwi---tz--', size: 64 * MIB, pool: 'pool0' },
        'vol-t2': { attr: 'Vwi---tz--', size: 64 * MIB, pool: 'pool0' },
      },
    },
  });
  fake.clearFailures();
  log = [];
  // The control agent exactly as main.ts assembles it; only the two remote hosts are in memory.
  const runner = new Runner({ lvmPath: FAKE_LVM, timeoutMs: 10_000 });
  hostA = new FakeHost('a', log, runner);
  hostB = new FakeHost('b', log, runner);
  app = testApp({ volume_groups: [{ name: 'labvg', thin_pool: { name: 'pool0' } }] }, { hostAgents: [hostA, hostB], movePollMs: 10 }).app;
});

const tagsOf = (lv: string) => fake.state().vgs.labvg!.lvs[lv]!.tags ?? [];
const attach = (volume_id: string, host: string, mode?: string) => request(app).post('/v1/attachments').set(AUTH).send({ volume_id, host, ...(mode ? { mode } : {}) });

test('attach: the record is written, then the host activates exclusively; a repeat answers 200', async () => {
  const first = await attach('one', 'b');
  assert.equal(first.status, 201, JSON.stringify(first.body));
  assert.deepEqual(first.body, { id: 'one/b', volume_id: 'one', vg: 'labvg', lv_name: 'vol-one', host: 'b', mode: 'rw', lock_mode: 'exclusive', path: '/dev/labvg/vol-one', migration: null });
  assert.deepEqual(tagsOf('vol-one'), ['slvm.att=b:rw']);
  assert.deepEqual(log, ['b activate vol-one exclusive rw']);
  const again = await attach('one', 'b');
  assert.equal(again.status, 200);
  assert.deepEqual(tagsOf('vol-one'), ['slvm.att=b:rw'], 'no second record');
  const volume = await request(app).get('/v1/volumes/one').set(AUTH);
  assert.deepEqual(volume.body.attachments, [{ host: 'b', mode: 'rw' }]);
});

test('refusals change nothing: unknown host, not multiattach, COW origin, thin pool held elsewhere, mode change', async () => {
  const cases: [string, { given: [string, string, string?]; want: [number, string] }][] = [
    ['unknown host', { given: ['one', 'zz'], want: [404, 'not_found'] }],
    ['unknown volume', { given: ['nope', 'a'], want: [404, 'not_found'] }],
    ['second host without multiattach', { given: ['one', 'a'], want: [409, 'not_multiattach'] }],
    ['second host of a COW origin', { given: ['origin', 'a'], want: [409, 'shared_activation_refused'] }],
    ['thin volume whose pool is held by b', { given: ['t2', 'a'], want: [409, 'thin_pool_busy'] }],
    ['same host, other mode', { given: ['one', 'b', 'ro'], want: [409, 'already_exists'] }],
  ];
  for (const setup of [['one', 'b'], ['origin', 'b'], ['t1', 'b']] as const) assert.equal((await attach(setup[0], setup[1])).status, 201);
  log.length = 0;
  for (const [name, { given, want }] of cases) {
    const response = await attach(...given);
    assert.deepEqual([response.status, response.body.code], want, name);
  }
  assert.deepEqual(log, [], 'no host was asked anything');
  assert.deepEqual(tagsOf('vol-t2'), []);
  assert.deepEqual(tagsOf('vol-one'), ['slvm.att=b:rw']);
});

test('multi-attach converts the first holder to shared before the second host joins; detach returns it to exclusive', async () => {
  assert.equal((await attach('multi', 'a')).status, 201);
  const second = await attach('multi', 'b', 'ro');
  assert.equal(second.status, 201);
  assert.equal(second.body.lock_mode, 'shared');
  assert.deepEqual(log, ['a activate vol-multi exclusive rw', 'a activate vol-multi shared rw', 'b activate vol-multi shared ro']);
  for (const [method, path, body] of [['patch', '/v1/volumes/multi', { size_gib: 1 }], ['post', '/v1/snapshots', { volume_id: 'multi', name: 's' }]] as const) {
    const refused = await request(app)[method](path).set(AUTH).send(body);
    assert.deepEqual([refused.status, refused.body.code], [409, 'multi_attached'], path);
  }
  log.length = 0;
  assert.equal((await request(app).delete('/v1/attachments/multi/b').set(AUTH)).status, 204);
  assert.deepEqual(log, ['b deactivate vol-multi', 'a activate vol-multi exclusive rw']);
  assert.deepEqual(tagsOf('vol-multi'), ['slvm.multiattach', 'slvm.att=a:rw']);
  const deleted = await request(app).delete('/v1/volumes/multi').set(AUTH);
  assert.deepEqual([deleted.status, deleted.body.code], [409, 'has_attachments']);
});

test('a failed activation rolls back: the record goes and the first holder returns to exclusive', async () => {
  assert.equal((await attach('multi', 'a')).status, 201);
  hostB.failActivate = new AgentError('host_unreachable', 'host b: connection refused');
  const response = await attach('multi', 'b');
  assert.deepEqual([response.status, response.body.code], [502, 'host_unreachable']);
  assert.deepEqual(tagsOf('vol-multi'), ['slvm.multiattach', 'slvm.att=a:rw']);
  assert.deepEqual(log, [
    'a activate vol-multi exclusive rw', 'a activate vol-multi shared rw', 'b activate vol-multi shared rw',
    'b deactivate vol-multi', 'a activate vol-multi exclusive rw',
  ]);
  assert.deepEqual(hostA.held.get('vol-multi'), { lock: 'exclusive', access: 'rw' });
});

test('extend and snapshot of a volume attached to one host run on that host', async () => {
  assert.equal((await attach('one', 'b')).status, 201);
  log.length = 0;
  fake.clearCalls();
  const extended = await request(app).patch('/v1/volumes/one').set(AUTH).send({ size_gib: 0.125 });
  assert.equal(extended.status, 200, JSON.stringify(extended.body));
  assert.deepEqual(log, [`b extend vol-one ${128 * MIB}`]);
  assert.deepEqual(fake.calls().filter((argv) => argv[0] === 'lvextend'), [], 'the control agent never extends it itself');
  const shrink = await request(app).patch('/v1/volumes/one').set(AUTH).send({ size_gib: 0.01 });
  assert.deepEqual([shrink.status, shrink.body.code], [409, 'shrink_not_supported']);
  log.length = 0;
  const snap = await request(app).post('/v1/snapshots').set(AUTH).send({ id: 's9', volume_id: 'one', name: 's9' });
  // The fake host made no LV, so the control agent cannot find the snapshot afterwards: what matters
  // here is where the command went.
  assert.deepEqual(log, ['b snapshot vol-one snap-s9']);
  assert.notEqual(snap.status, 201);
});

test('migration hand-off: shared on both while moving, then the source leaves and the target goes exclusive', async () => {
  assert.equal((await attach('one', 'a')).status, 201);
  log.length = 0;
  const started = await request(app).post('/v1/migrations').set(AUTH).send({ volume_id: 'one', to_host: 'b' });
  assert.equal(started.status, 201, JSON.stringify(started.body));
  assert.deepEqual([started.body.from_host, started.body.to_host, started.body.lock_mode], ['a', 'b', 'shared']);
  assert.deepEqual(log, ['a activate vol-one shared rw', 'b activate vol-one shared rw']);
  assert.deepEqual(tagsOf('vol-one').sort(), ['slvm.att=a:rw', 'slvm.att=b:rw', 'slvm.mig=a:b']);
  const blocked = await request(app).delete('/v1/attachments/one/a').set(AUTH);
  assert.deepEqual([blocked.status, blocked.body.code], [409, 'migration_in_progress']);
  log.length = 0;
  const done = await request(app).post('/v1/migrations/one/complete').set(AUTH);
  assert.equal(done.status, 200);
  assert.deepEqual([done.body.host, done.body.lock_mode, done.body.migration], ['b', 'exclusive', null]);
  assert.deepEqual(log, ['a deactivate vol-one', 'b activate vol-one exclusive rw']);
  assert.deepEqual(tagsOf('vol-one'), ['slvm.att=b:rw']);
  const none = await request(app).post('/v1/migrations/one/abort').set(AUTH);
  assert.equal(none.status, 404);
});

test('a COW origin or a thin volume cannot move live (the hand-off needs shared locks)', async () => {
  assert.equal((await attach('origin', 'a')).status, 201);
  const response = await request(app).post('/v1/migrations').set(AUTH).send({ volume_id: 'origin', to_host: 'b' });
  assert.deepEqual([response.status, response.body.code], [409, 'shared_activation_refused']);
  assert.deepEqual(tagsOf('vol-origin'), ['slvm.multiattach', 'slvm.att=a:rw']);
});

test('a move of a volume attached to one host runs on that host (it holds the LV lock); multi-attached is refused', async () => {
  assert.equal((await attach('one', 'b')).status, 201);
  log.length = 0;
  const started = await request(app).post('/v1/volumes/one/move').set(AUTH).send({ pv: '/dev/vdb' });
  assert.equal(started.status, 202, JSON.stringify(started.body));
  assert.equal(started.body.host, 'b');
  // A deadline, not a poll count: under load 100 x 20 ms was not always enough.
  let operation = started.body;
  for (const deadline = Date.now() + 10_000; operation.state === 'running' && Date.now() < deadline;) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    operation = (await request(app).get(`/v1/operations/${started.body.id}`).set(AUTH)).body;
  }
  assert.notEqual(operation.state, 'running', `the move operation still runs after 10 s: ${JSON.stringify(operation)}`);
  assert.equal(operation.state, 'succeeded', JSON.stringify(operation));
  assert.deepEqual(log, ['b pvmove vol-one /dev/vda /dev/vdb'], 'the holder ran the pvmove, nothing was (de)activated');
  assert.deepEqual((await request(app).get('/v1/volumes/one?refresh=true').set(AUTH)).body.pvs, ['/dev/vdb']);
  assert.deepEqual(tagsOf('vol-one'), ['slvm.att=b:rw'], 'the operation record is cleared');

  assert.equal((await attach('multi', 'a')).status, 201);
  assert.equal((await attach('multi', 'b')).status, 201);
  const refused = await request(app).post('/v1/volumes/multi/move').set(AUTH).send({ pv: '/dev/vdb' });
  assert.deepEqual([refused.status, refused.body.code], [409, 'multi_attached']);
  assert.match(refused.body.detail, /attached to a and b/);
});
