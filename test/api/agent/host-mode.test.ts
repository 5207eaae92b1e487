// The host-mode routes over the fake lvm and fake lock tools: the lvm commands an activation runs
// (read-only through activation/read_only_volume_list, never --permission), the refusals that must
// happen before any lvm call (shared COW/thin), lock type none, and the mode guards. The real
// behaviour (lvmlockd, sanlock) is tested in the lab: test/integration/host/.
import assert from 'node:assert/strict';
import { after, beforeEach, test } from 'node:test';
import request from 'supertest';
import type { AgentConfigInput } from '../../../agent/src/lib/config/schema.js';
import { AUTH, testApp } from '../../helpers/agent-app.js';
import { FakeLvm, MIB } from '../../helpers/fake-lvm.js';

const fake = new FakeLvm();
after(() => fake.cleanup());

/** A host-mode agent called b, assembled as main.ts assembles it. */
function hostApp(overrides: Partial<AgentConfigInput> = {}) {
  return testApp({ mode: 'host', host_name: 'b', volume_groups: [{ name: 'labvg' }], ...overrides }).app;
}

let app: ReturnType<typeof hostApp>;
beforeEach(() => {
  fake.setState({
    labvg: {
      lvs: {
        'vol-x': { attr: '-wi-------', size: 64 * MIB },
        'vol-open': { attr: '-wi-ao----', size: 64 * MIB },
        'vol-origin': { attr: 'owi-------', size: 64 * MIB },
        'snap-s1': { attr: 'swi-------', size: 64 * MIB, origin: 'vol-origin' },
        pool0: { attr: 'twi---tz--', size: 256 * MIB },
        'vol-thin': { attr: 'Vwi---tz--', size: 64 * MIB, pool: 'pool0' },
      },
    },
  });
  fake.clearFailures();
  app = hostApp();
});

const lvchanges = () => fake.calls().filter((argv) => argv[0] === 'lvchange');
const activate = (lv: string, body: Record<string, unknown>) => request(app).post(`/v1/host/volumes/labvg/${lv}/activate`).set(AUTH).send(body);

test('exclusive activation: lvchange -aey, answered with the lock lvmlockd holds and its sanlock line', async () => {
  const response = await activate('vol-x', { lock: 'exclusive' });
  assert.equal(response.status, 200, JSON.stringify(response.body));
  assert.deepEqual(lvchanges(), [['lvchange', '-aey', 'labvg/vol-x']]);
  assert.equal(response.body.active, true);
  assert.equal(response.body.volume_id, 'x');
  assert.equal(response.body.lock_mode, 'exclusive');
  assert.match(response.body.sanlock, /^r lvm_labvg:uuid-vol-x:\/dev\/mapper\/labvg-lvmlock:\d+:1 p 143$/);
  const listed = await request(app).get('/v1/host/volumes').set(AUTH);
  assert.deepEqual(listed.body.items.map((v: { lv_name: string; lock_mode: string }) => [v.lv_name, v.lock_mode]), [['vol-x', 'exclusive'], ['vol-open', 'unknown']]);
});

test('read-only is a per-host activation setting (read_only_volume_list), never --permission', async () => {
  await activate('vol-x', { lock: 'shared', access: 'ro' });
  const [first] = lvchanges();
  assert.deepEqual(first, ['lvchange', '--config', 'activation { read_only_volume_list = [ "labvg/vol-x" ] }', '-asy', 'labvg/vol-x']);
  assert.ok(!fake.calls().flat().includes('--permission'));
});

test('shared activation of COW origins, COW snapshots, thin LVs and pools is refused before any lvm call', async () => {
  for (const lv of ['vol-origin', 'snap-s1', 'vol-thin', 'pool0']) {
    const response = await activate(lv, { lock: 'shared' });
    assert.deepEqual([response.status, response.body.code], [409, 'shared_activation_refused'], lv);
  }
  assert.deepEqual(lvchanges(), []);
});

test('deactivating an open LV is a 409 that leaves it active; an inactive one is a no-op', async () => {
  const open = await request(app).post('/v1/host/volumes/labvg/vol-open/deactivate').set(AUTH);
  assert.deepEqual([open.status, open.body.code], [409, 'in_use']);
  const idle = await request(app).post('/v1/host/volumes/labvg/vol-x/deactivate').set(AUTH);
  assert.equal(idle.status, 200);
  assert.equal(idle.body.active, false);
  assert.deepEqual(lvchanges(), []);
});

test('lock status: the held leases with their sanlock lines and the volumes they cover', async () => {
  await activate('vol-x', { lock: 'exclusive' });
  const response = await request(app).get('/v1/host/locks').set(AUTH);
  assert.equal(response.status, 200);
  assert.deepEqual(response.body.vgs, [{ vg: 'labvg', lock_type: 'sanlock', started: true, host_id: 2, sanlock: 's lvm_labvg:2:/dev/mapper/labvg-lvmlock:0' }]);
  assert.equal(response.body.volumes.length, 1);
  assert.deepEqual(response.body.volumes[0].volume_ids, ['x']);
  assert.equal(response.body.volumes[0].lock_mode, 'exclusive');
  assert.match(response.body.sanlock, /^daemon /);
});

test('lock type none: plain -ay, after a --refresh when already active here', async () => {
  app = hostApp({ lock_type: 'none' });
  const response = await activate('vol-open', { lock: 'exclusive' });
  assert.equal(response.status, 200);
  assert.deepEqual(lvchanges(), [['lvchange', '--refresh', 'labvg/vol-open'], ['lvchange', '-ay', 'labvg/vol-open']]);
  assert.equal(response.body.lock_mode, 'none');
  const start = await request(app).post('/v1/host/vgs/labvg/lock-start').set(AUTH);
  assert.deepEqual(start.body, { vg: 'labvg', lock_type: 'none', started: false, host_id: null, sanlock: null });
});

test('bad input never reaches lvm: unknown VG, LV names with / or .., wrong body', async () => {
  const cases: [string, { given: [string, unknown]; want: number }][] = [
    ['unknown VG', { given: ['/v1/host/volumes/othervg/vol-x/activate', { lock: 'exclusive' }], want: 404 }],
    ['dot-dot LV', { given: ['/v1/host/volumes/labvg/../activate', { lock: 'exclusive' }], want: 400 }],
    ['shell in LV name', { given: ['/v1/host/volumes/labvg/$(reboot)/activate', { lock: 'exclusive' }], want: 400 }],
    ['unknown lock mode', { given: ['/v1/host/volumes/labvg/vol-x/activate', { lock: 'both' }], want: 400 }],
    ['--permission smuggled in', { given: ['/v1/host/volumes/labvg/vol-x/activate', { lock: 'exclusive', permission: 'r' }], want: 400 }],
  ];
  for (const [name, { given, want }] of cases) {
    const response = await request(app).post(given[0]).set(AUTH).send(given[1] as object);
    assert.equal(response.status, want, name);
    assert.match(String(response.headers['content-type']), /problem\+json/, name);
  }
  assert.deepEqual(lvchanges(), []);
});

test('each mode refuses the other\'s routes with 403', async () => {
  const refusedAttach = await request(app).post('/v1/attachments').set(AUTH).send({ volume_id: 'x', host: 'b' });
  assert.deepEqual([refusedAttach.status, refusedAttach.body.code], [403, 'forbidden_in_mode']);
  app = hostApp({ mode: 'control' });
  const refusedHost = await activate('vol-x', { lock: 'exclusive' });
  assert.deepEqual([refusedHost.status, refusedHost.body.code], [403, 'forbidden_in_mode']);
  assert.match(refusedHost.body.detail, /control mode/);
  assert.deepEqual(lvchanges(), []);
});

test('POST /v1/host/restore with a non-JSON body is a 415 and restores nothing; with no body it runs', async () => {
  const refused = await request(app).post('/v1/host/restore').set(AUTH).set('Content-Type', 'text/plain').send('now please');
  assert.deepEqual([refused.status, refused.body.code], [415, 'unsupported_media_type']);
  assert.match(String(refused.headers['content-type']), /^application\/problem\+json/);
  assert.deepEqual(fake.calls(), [], 'no lvm call');
  const restored = await request(app).post('/v1/host/restore').set(AUTH);
  assert.equal(restored.status, 200, JSON.stringify(restored.body));
  assert.equal(restored.body.ok, true);
});

test('concurrent restores run one at a time: each pass starts after the one before it ended', async () => {
  const recorded = (host: string) => ({ attr: '-wi-------', size: 64 * MIB, tags: [`slvm.att=${host}:rw`] });
  fake.setState({ labvg: { lvs: { 'vol-r1': recorded('b'), 'vol-a': recorded('a') } } });
  const replies = await Promise.all([1, 2, 3].map(() => request(app).post('/v1/host/restore').set(AUTH)));
  for (const reply of replies) {
    assert.equal(reply.status, 200, JSON.stringify(reply.body));
    assert.equal(reply.body.ok, true, JSON.stringify(reply.body));
    assert.deepEqual(reply.body.volumes.map((v: { lv_name: string }) => v.lv_name).sort(), ['vol-r1'], 'only b\'s records');
  }
  const spans = replies
    .map((reply) => ({ start: Date.parse(reply.body.started_at), ms: Math.round(reply.body.seconds * 1000) }))
    .sort((x, y) => x.start - y.start);
  for (let i = 1; i < spans.length; i++) {
    const before = spans[i - 1]!;
    assert.ok(spans[i]!.start >= before.start + before.ms, `pass ${i} started before pass ${i - 1} ended: ${JSON.stringify(spans)}`);
  }
  const activations = lvchanges().map((argv) => argv.at(-1));
  assert.deepEqual(activations, ['labvg/vol-r1', 'labvg/vol-r1', 'labvg/vol-r1'], 'three whole passes');
});
