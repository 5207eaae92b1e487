// The agent as main.ts assembles it (buildAgent), per mode: which groups of routes each mode serves,
// and that the services behind them are the production ones (all mode activates through its own
// HostService; control mode reaches a configured host over HTTP).
import assert from 'node:assert/strict';
import { after, beforeEach, test } from 'node:test';
import request from 'supertest';
import { handlerSet } from '../../../agent/src/lib/assemble/handler-set.js';
import { AUTH, TEST_HOST, testAgent, testApp } from '../../helpers/agent-app.js';
import { FakeLvm, MIB } from '../../helpers/fake-lvm.js';

const fake = new FakeLvm();
after(() => fake.cleanup());
beforeEach(() => {
  fake.setState({ labvg: { lvs: { 'vol-one': { attr: '-wi-------', size: 64 * MIB } } } });
  fake.clearFailures();
});

const tagsOf = (lv: string) => fake.state().vgs.labvg!.lvs[lv]!.tags ?? [];
/** lvchange calls that (de)activate (not the ones that tag). */
const activations = () =>
  fake.calls().filter((argv) => argv[0] === 'lvchange' && argv.some((arg) => /^-a(ey|sy|n|y)$/.test(arg)));

type Probe = [string, { method: 'get' | 'post'; path: string; body?: object }];
const probes: Probe[] = [
  ['a host route', { method: 'get', path: '/v1/host/locks' }],
  ['an attachment route', { method: 'get', path: '/v1/hosts' }],
  ['a volume read', { method: 'get', path: '/v1/volumes' }],
  ['a volume write', { method: 'post', path: '/v1/volumes', body: { vg: 'labvg', name: 'db', size_gib: 0.01 } }],
];
const modeCases: [string, { given: 'control' | 'host' | 'all'; want: number[] }][] = [
  ['control serves volumes and attachments, refuses host routes', { given: 'control', want: [403, 200, 200, 201] }],
  ['host serves host routes and volume reads, refuses the rest', { given: 'host', want: [200, 403, 200, 403] }],
  ['all serves everything', { given: 'all', want: [200, 200, 200, 201] }],
];
for (const [name, { given, want }] of modeCases) {
  test(`mode ${given}: ${name}`, async () => {
    const { app } = testApp({ mode: given });
    const got: number[] = [];
    for (const [, probe] of probes) {
      const pending = request(app)[probe.method](probe.path).set(AUTH);
      got.push((await (probe.body ? pending.send(probe.body) : pending)).status);
    }
    assert.deepEqual(got, want, probes.map(([what]) => what).join(', '));
  });
}

test('the app serves the handler set of its mode (the one chosen in assemble/handler-set.ts)', () => {
  for (const mode of ['control', 'host', 'all'] as const) {
    const agent = testAgent({ mode });
    const again = handlerSet(agent.parts, { logger: agent.logger, copyTimeoutMs: agent.config.copy_timeout_ms });
    assert.deepEqual(Object.keys(agent.handlers).sort(), Object.keys(again).sort(), mode);
    assert.equal(agent.host === undefined, mode === 'control', mode);
    assert.equal(agent.attachments === undefined, mode === 'host', mode);
  }
});

test('all mode: an attachment to its own host is activated by its HostService, released on detach', async () => {
  const { app } = testApp({ mode: 'all' });
  const attached = await request(app).post('/v1/attachments').set(AUTH).send({ volume_id: 'one', host: TEST_HOST });
  assert.equal(attached.status, 201, JSON.stringify(attached.body));
  assert.equal(attached.body.lock_mode, 'exclusive');
  assert.deepEqual(tagsOf('vol-one'), [`slvm.att=${TEST_HOST}:rw`]);
  assert.deepEqual(activations(), [['lvchange', '-aey', 'labvg/vol-one']]);
  const here = await request(app).get('/v1/host/volumes').set(AUTH);
  const held = here.body.items.map((v: { lv_name: string; lock_mode: string }) => [v.lv_name, v.lock_mode]);
  assert.deepEqual(held, [['vol-one', 'exclusive']]);
  assert.equal((await request(app).delete(`/v1/attachments/one/${TEST_HOST}`).set(AUTH)).status, 204);
  assert.deepEqual(activations().at(-1), ['lvchange', '-an', 'labvg/vol-one']);
  assert.deepEqual(tagsOf('vol-one'), []);
});

test('control mode: a configured host is reached over HTTP; unreachable: 502, the record rolled back', async () => {
  const { app } = testApp({
    hosts: [{ name: 'b', url: 'http://127.0.0.1:9', token: 'host-token-0123456789' }],
    host_agent: { call_timeout_ms: 5000 },
  });
  const hosts = await request(app).get('/v1/hosts').set(AUTH);
  assert.deepEqual(hosts.body.items, [{ name: 'b', url: 'http://127.0.0.1:9', local: false }]);
  const attached = await request(app).post('/v1/attachments').set(AUTH).send({ volume_id: 'one', host: 'b' });
  assert.deepEqual([attached.status, attached.body.code], [502, 'host_unreachable'], JSON.stringify(attached.body));
  assert.match(attached.body.detail, /host b/);
  assert.deepEqual(tagsOf('vol-one'), [], 'the record is gone again');
});
