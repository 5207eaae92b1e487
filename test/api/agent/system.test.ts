// Auth, modes, health, metrics, the served contract and docs.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import request from 'supertest';
import { FakeLvm } from '../../helpers/fake-lvm.js';
import { AUTH, testApp } from '../../helpers/agent-app.js';
import { listOperations, loadSpec } from '../../../agent/src/lib/openapi/spec.js';

const fake = new FakeLvm();
after(() => fake.cleanup());

test('/healthz needs no token and names the mode', async () => {
  const response = await request(testApp({ mode: 'host' }).app).get('/healthz');
  assert.equal(response.status, 200);
  assert.equal(response.body.mode, 'host');
});

const authCases: [string, { given: Record<string, string>; want: number }][] = [
  ['no token', { given: {}, want: 401 }],
  ['wrong token', { given: { Authorization: 'Bearer wrong-token-0123456789' }, want: 401 }],
  ['right token', { given: AUTH, want: 200 }],
];
for (const [name, { given, want }] of authCases) {
  test(`auth: ${name} -> ${want}`, async () => {
    const response = await request(testApp().app).get('/v1/vgs').set(given);
    assert.equal(response.status, want);
    if (want === 401) {
      assert.equal(response.body.code, 'unauthorized');
      assert.match(String(response.headers['www-authenticate']), /^Bearer/);
    }
  });
}

test('an anonymous oversize body gets 401, not a parse', async () => {
  const response = await request(testApp().app).post('/v1/volumes').send({ name: 'x'.repeat(100_000) });
  assert.equal(response.status, 401);
});

test('host mode refuses every metadata-changing operation with 403 naming the mode, before validation and lvm', async () => {
  const { app } = testApp({ mode: 'host' });
  fake.clearCalls();
  const writes = listOperations(loadSpec()).filter((op) => op.mutates);
  assert.equal(writes.length, 16); // 11 volume/snapshot writes (move, retype, reconcile included) + 5 attachment/migration writes
  for (const op of writes) {
    const path = op.path.replace('{id}', 'v1');
    const response = await request(app)[op.method as 'post'](path).set(AUTH).send({});
    assert.equal(response.status, 403, `${op.method} ${op.path}`);
    assert.equal(response.body.code, 'forbidden_in_mode');
    assert.match(response.body.detail, /host mode/);
  }
  assert.deepEqual(fake.calls(), []);
  const read = await request(app).get('/v1/volumes').set(AUTH);
  assert.equal(read.status, 200, 'reads stay allowed in host mode');
});

test('/openapi.json serves the document; /docs renders every operation', async () => {
  const { app } = testApp();
  const spec = await request(app).get('/openapi.json').set(AUTH);
  assert.equal(spec.status, 200);
  assert.equal(spec.body.openapi, '3.1.0');
  const docs = await request(app).get('/docs').set(AUTH);
  assert.equal(docs.status, 200);
  assert.match(String(docs.headers['content-type']), /text\/html/);
  for (const op of listOperations(loadSpec())) assert.ok(docs.text.includes(`id="${op.operationId}"`), op.operationId);
  assert.ok(!docs.text.includes('<script'), 'no scripts');
});

test('/metrics has per-operation latency and lvm call counts and durations', async () => {
  const { app } = testApp();
  await request(app).get('/v1/volumes?refresh=true').set(AUTH);
  const response = await request(app).get('/metrics').set(AUTH);
  assert.equal(response.status, 200);
  assert.match(response.text, /sharedlvm_http_request_duration_seconds_count\{operation="listVolumes",method="GET",status="200"\} 1/);
  assert.match(response.text, /sharedlvm_lvm_calls_total\{command="lvs",result="ok"\} \d+/);
  assert.match(response.text, /sharedlvm_lvm_call_duration_seconds_count\{command="lvs"\} \d+/);
});
