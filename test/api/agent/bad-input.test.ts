// Bad input never reaches lvm: every case is a 4xx problem+json naming what was wrong, and the fake
// lvm's call log stays empty.
import assert from 'node:assert/strict';
import { after, before, beforeEach, test } from 'node:test';
import request from 'supertest';
import { FakeLvm } from '../../helpers/fake-lvm.js';
import { AUTH, testApp } from '../../helpers/agent-app.js';
import { listOperations, loadSpec } from '../../../agent/src/lib/openapi/spec.js';

const fake = new FakeLvm();
after(() => fake.cleanup());
let app: ReturnType<typeof testApp>['app'];
before(async () => {
  app = testApp().app;
  // Warm the cache so that only the request under test could call lvm.
  await request(app).get('/v1/vgs').set(AUTH);
});
beforeEach(() => fake.clearCalls());

type Case = [string, { given: { method: 'post' | 'patch' | 'get' | 'delete'; path: string; body?: unknown; raw?: string; type?: string; headers?: Record<string, string> }; want: { status: number; pointer?: string; code?: string } }];

const valid = { name: 'db', vg: 'labvg', size_gib: 1 };
const cases: Case[] = [
  ['size as a string', { given: { method: 'post', path: '/v1/volumes', body: { ...valid, size_gib: '1' } }, want: { status: 400, pointer: '/body/size_gib' } }],
  ['negative size', { given: { method: 'post', path: '/v1/volumes', body: { ...valid, size_gib: -1 } }, want: { status: 400, pointer: '/body/size_gib' } }],
  ['zero size', { given: { method: 'post', path: '/v1/volumes', body: { ...valid, size_gib: 0 } }, want: { status: 400, pointer: '/body/size_gib' } }],
  ['huge size', { given: { method: 'post', path: '/v1/volumes', body: { ...valid, size_gib: 1e12 } }, want: { status: 400, pointer: '/body/size_gib' } }],
  ['size above the VG (schema-valid)', { given: { method: 'post', path: '/v1/volumes', body: { ...valid, size_gib: 1024 } }, want: { status: 507, code: 'insufficient_space' } }],
  ['name with a slash', { given: { method: 'post', path: '/v1/volumes', body: { ...valid, name: 'a/b' } }, want: { status: 400, pointer: '/body/name' } }],
  ['name ..', { given: { method: 'post', path: '/v1/volumes', body: { ...valid, name: '..' } }, want: { status: 400, pointer: '/body/name' } }],
  ['name with a space', { given: { method: 'post', path: '/v1/volumes', body: { ...valid, name: 'a b' } }, want: { status: 400, pointer: '/body/name' } }],
  ['name with $(...)', { given: { method: 'post', path: '/v1/volumes', body: { ...valid, name: '$(reboot)' } }, want: { status: 400, pointer: '/body/name' } }],
  ['name starting with -', { given: { method: 'post', path: '/v1/volumes', body: { ...valid, name: '-an' } }, want: { status: 400, pointer: '/body/name' } }],
  ['id with upper case', { given: { method: 'post', path: '/v1/volumes', body: { ...valid, id: 'ABC' } }, want: { status: 400, pointer: '/body/id' } }],
  ['unknown field', { given: { method: 'post', path: '/v1/volumes', body: { ...valid, colour: 'red' } }, want: { status: 400, pointer: '/body/colour' } }],
  ['missing vg', { given: { method: 'post', path: '/v1/volumes', body: { name: 'db', size_gib: 1 } }, want: { status: 400, pointer: '/body/vg' } }],
  ['unknown VG', { given: { method: 'post', path: '/v1/volumes', body: { ...valid, vg: 'othervg' } }, want: { status: 404, code: 'not_found' } }],
  ['VG name with a slash', { given: { method: 'post', path: '/v1/volumes', body: { ...valid, vg: '../etc' } }, want: { status: 400, pointer: '/body/vg' } }],
  ['empty volume without size', { given: { method: 'post', path: '/v1/volumes', body: { name: 'db', vg: 'labvg' } }, want: { status: 400, pointer: '/body/size_gib' } }],
  ['two sources', { given: { method: 'post', path: '/v1/volumes', body: { ...valid, source_volume_id: 'a', source_snapshot_id: 'b' } }, want: { status: 400 } }],
  ['bad tag', { given: { method: 'post', path: '/v1/volumes', body: { ...valid, tags: ['a,b'] } }, want: { status: 400, pointer: '/body/tags/0' } }],
  ['array body', { given: { method: 'post', path: '/v1/volumes', body: [valid] }, want: { status: 400, pointer: '/body' } }],
  ['malformed JSON', { given: { method: 'post', path: '/v1/volumes', raw: '{"name":', type: 'application/json' }, want: { status: 400, code: 'bad_request' } }],
  ['form-encoded body', { given: { method: 'post', path: '/v1/volumes', raw: 'name=db&vg=labvg', type: 'application/x-www-form-urlencoded' }, want: { status: 415, code: 'unsupported_media_type' } }],
  ['form-encoded PATCH', { given: { method: 'patch', path: '/v1/volumes/v1', raw: 'size_gib=2', type: 'application/x-www-form-urlencoded' }, want: { status: 415, code: 'unsupported_media_type' } }],
  ['JSON sent as text/plain', { given: { method: 'post', path: '/v1/snapshots', raw: '{"volume_id":"v1","name":"s"}', type: 'text/plain' }, want: { status: 415, code: 'unsupported_media_type' } }],
  ['JSON in a charset the parser cannot read', { given: { method: 'post', path: '/v1/volumes', raw: '{}', type: 'application/json; charset=iso-8859-1' }, want: { status: 415, code: 'unsupported_media_type' } }],
  ['oversize body', { given: { method: 'post', path: '/v1/volumes', body: { ...valid, name: 'x'.repeat(70_000) } }, want: { status: 413, code: 'body_too_large' } }],
  ['empty PATCH', { given: { method: 'patch', path: '/v1/volumes/v1', body: {} }, want: { status: 400, pointer: '/body' } }],
  ['PATCH with a string size', { given: { method: 'patch', path: '/v1/volumes/v1', body: { size_gib: 'big' } }, want: { status: 400, pointer: '/body/size_gib' } }],
  ['volume id with ..', { given: { method: 'get', path: '/v1/volumes/..%2F..' }, want: { status: 400, pointer: '/path/id' } }],
  ['volume id with $(...)', { given: { method: 'delete', path: '/v1/volumes/$(reboot)' }, want: { status: 400, pointer: '/path/id' } }],
  ['unknown wipe mode', { given: { method: 'delete', path: '/v1/volumes/v1?wipe=shred' }, want: { status: 400, pointer: '/query/wipe' } }],
  ['misspelt query parameter', { given: { method: 'delete', path: '/v1/volumes/v1?wpie=zero' }, want: { status: 400, pointer: '/query/wpie' } }],
  ['repeated query parameter', { given: { method: 'get', path: '/v1/volumes?vg=labvg&vg=x' }, want: { status: 400, pointer: '/query/vg' } }],
  ['unknown VG filter', { given: { method: 'get', path: '/v1/volumes?vg=othervg' }, want: { status: 404 } }],
  ['VG path with a space', { given: { method: 'get', path: '/v1/vgs/a%20b' }, want: { status: 400, pointer: '/path/vg' } }],
  ['unknown VG path', { given: { method: 'get', path: '/v1/vgs/othervg' }, want: { status: 404 } }],
  ['missing volume', { given: { method: 'get', path: '/v1/volumes/nope' }, want: { status: 404 } }],
  ['too long idempotency key', { given: { method: 'post', path: '/v1/volumes', body: valid, headers: { 'Idempotency-Key': 'k'.repeat(300) } }, want: { status: 400, pointer: '/header/idempotency-key' } }],
  ['manage with a reserved LV name', { given: { method: 'post', path: '/v1/volumes/manage', body: { vg: 'labvg', lv_name: 'x_tdata' } }, want: { status: 400, pointer: '/body/lv_name' } }],
  ['snapshot without volume_id', { given: { method: 'post', path: '/v1/snapshots', body: { name: 's' } }, want: { status: 400, pointer: '/body/volume_id' } }],
  ['revert without snapshot_id', { given: { method: 'post', path: '/v1/volumes/v1/revert', body: {} }, want: { status: 400, pointer: '/body/snapshot_id' } }],
  ['body on a GET-like delete', { given: { method: 'delete', path: '/v1/snapshots/s1', body: { force: true } }, want: { status: 400, pointer: '/body' } }],
  ['unknown route', { given: { method: 'get', path: '/v1/nothing' }, want: { status: 404 } }],
];

for (const [name, { given, want }] of cases) {
  test(`bad input: ${name} -> ${want.status}, no lvm call`, async () => {
    let pending = request(app)[given.method](given.path).set(AUTH).set(given.headers ?? {});
    if (given.raw !== undefined) pending = pending.set('Content-Type', given.type!).send(given.raw);
    else if (given.body !== undefined) pending = pending.send(given.body as object);
    const response = await pending;
    assert.equal(response.status, want.status, JSON.stringify(response.body));
    assert.match(String(response.headers['content-type']), /^application\/problem\+json/);
    assert.equal(response.body.status, want.status);
    assert.ok(response.body.title);
    assert.ok(response.body.type);
    if (want.code) assert.equal(response.body.code, want.code);
    if (want.pointer) assert.ok(response.body.errors.some((e: { pointer: string }) => e.pointer === want.pointer), JSON.stringify(response.body.errors));
    assert.deepEqual(fake.calls(), [], 'no lvm call');
  });
}

/** A valid value for each path parameter of the contract. */
const PATH_VALUES: Record<string, string> = { id: 'v1', vg: 'labvg', lv: 'vol-v1', snapshot: 'snap-s1', volume_id: 'v1', host: 'b', operation_id: 'op1' };
const BODY_METHODS = new Set(['post', 'put', 'patch']);

test('every POST/PUT/PATCH of the contract refuses a non-JSON body with 415 problem+json, before any lvm call', async () => {
  const operations = listOperations(loadSpec()).filter((op) => BODY_METHODS.has(op.method));
  assert.ok(operations.some((op) => op.operationId === 'restoreHost'), 'POST /v1/host/restore is among them');
  for (const op of operations) {
    const path = op.path.replace(/\{(\w+)\}/g, (_, name: string) => PATH_VALUES[name] ?? 'x');
    const response = await request(app)[op.method as 'post'](path).set(AUTH).set('Content-Type', 'text/plain').send('{"a":1}');
    const where = `${op.method.toUpperCase()} ${op.path}`;
    assert.equal(response.status, 415, `${where}: ${JSON.stringify(response.body)}`);
    assert.equal(response.body.code, 'unsupported_media_type', where);
    assert.match(String(response.headers['content-type']), /^application\/problem\+json/, where);
  }
  assert.deepEqual(fake.calls(), [], 'no lvm call');
});
