// Names are unique per VG (volumes among volumes, snapshots among snapshots): a second object with a
// taken name is a 409 name_taken naming the holder, never a second LV with the same name and never
// someone else's volume answered as if it were the caller's.
import assert from 'node:assert/strict';
import { after, beforeEach, test } from 'node:test';
import request from 'supertest';
import { FakeLvm } from '../../helpers/fake-lvm.js';
import { AUTH, testApp } from '../../helpers/agent-app.js';

const fake = new FakeLvm();
after(() => fake.cleanup());
beforeEach(() => fake.setState({ labvg: {} }));

const CASES: [string, { first: object; second: object; path: string; want: { status: number; code?: string } }][] = [
  ['same name, another id: name_taken', {
    path: '/v1/volumes', first: { id: 'aaa', vg: 'labvg', name: 'data', size_gib: 1 }, second: { id: 'bbb', vg: 'labvg', name: 'data', size_gib: 1 },
    want: { status: 409, code: 'name_taken' },
  }],
  ['same name, no id (a fresh one): name_taken', {
    path: '/v1/volumes', first: { id: 'aaa', vg: 'labvg', name: 'data', size_gib: 1 }, second: { vg: 'labvg', name: 'data', size_gib: 2 },
    want: { status: 409, code: 'name_taken' },
  }],
  ['same id and body again: the retry answers 200 with it', {
    path: '/v1/volumes', first: { id: 'aaa', vg: 'labvg', name: 'data', size_gib: 1 }, second: { id: 'aaa', vg: 'labvg', name: 'data', size_gib: 1 },
    want: { status: 200 },
  }],
  ['another name: created', {
    path: '/v1/volumes', first: { id: 'aaa', vg: 'labvg', name: 'data', size_gib: 1 }, second: { id: 'bbb', vg: 'labvg', name: 'logs', size_gib: 1 },
    want: { status: 201 },
  }],
];

for (const [name, { path, first, second, want }] of CASES) {
  test(`create: ${name}`, async () => {
    const { app } = testApp();
    assert.equal((await request(app).post(path).set(AUTH).send(first)).status, 201);
    const answer = await request(app).post(path).set(AUTH).send(second);
    assert.equal(answer.status, want.status, JSON.stringify(answer.body));
    if (want.code) {
      assert.equal(answer.body.code, want.code);
      assert.equal(answer.body.existing_id, 'aaa');
      assert.match(answer.body.detail, /terraform import shared_lvm_volume\.<name> aaa/);
      assert.deepEqual(answer.body.errors.map((error: { pointer: string }) => error.pointer), ['/body/name']);
    }
    const lvs = Object.keys(fake.state().vgs.labvg!.lvs).sort();
    assert.deepEqual(lvs, want.status === 201 ? ['vol-aaa', 'vol-bbb'] : ['vol-aaa']);
  });
}

test('rename onto a taken name is a 409; renaming away frees the name for a new volume', async () => {
  const { app } = testApp();
  await request(app).post('/v1/volumes').set(AUTH).send({ id: 'aaa', vg: 'labvg', name: 'data', size_gib: 1 });
  await request(app).post('/v1/volumes').set(AUTH).send({ id: 'bbb', vg: 'labvg', name: 'logs', size_gib: 1 });
  const clash = await request(app).patch('/v1/volumes/bbb').set(AUTH).send({ name: 'data' });
  assert.equal(clash.status, 409);
  assert.equal(clash.body.existing_id, 'aaa');
  // Renaming to its own name is no change.
  assert.equal((await request(app).patch('/v1/volumes/aaa').set(AUTH).send({ name: 'data' })).status, 200);
  assert.equal((await request(app).patch('/v1/volumes/aaa').set(AUTH).send({ name: 'data-old' })).status, 200);
  const reuse = await request(app).post('/v1/volumes').set(AUTH).send({ id: 'ccc', vg: 'labvg', name: 'data', size_gib: 1 });
  assert.equal(reuse.status, 201);
  assert.equal(reuse.body.id, 'ccc');
});

test('snapshot names are unique per VG among snapshots', async () => {
  const { app } = testApp();
  await request(app).post('/v1/volumes').set(AUTH).send({ id: 'aaa', vg: 'labvg', name: 'data', size_gib: 1 });
  await request(app).post('/v1/volumes').set(AUTH).send({ id: 'bbb', vg: 'labvg', name: 'logs', size_gib: 1 });
  assert.equal((await request(app).post('/v1/snapshots').set(AUTH).send({ id: 's1', volume_id: 'aaa', name: 'nightly' })).status, 201);
  const clash = await request(app).post('/v1/snapshots').set(AUTH).send({ id: 's2', volume_id: 'bbb', name: 'nightly' });
  assert.equal(clash.status, 409);
  assert.equal(clash.body.code, 'name_taken');
  assert.equal(clash.body.existing_id, 's1');
  // A snapshot may share a name with a volume (another kind of object).
  assert.equal((await request(app).post('/v1/snapshots').set(AUTH).send({ id: 's3', volume_id: 'bbb', name: 'data' })).status, 201);
});
