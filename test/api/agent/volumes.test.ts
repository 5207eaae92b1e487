// The volume and snapshot endpoints over the fake lvm: status codes, bodies and the lvm commands run.
import assert from 'node:assert/strict';
import { after, beforeEach, test } from 'node:test';
import request from 'supertest';
import { FakeLvm, GIB, MIB } from '../../helpers/fake-lvm.js';
import { AUTH, testApp } from '../../helpers/agent-app.js';

const fake = new FakeLvm();
after(() => fake.cleanup());

let app: ReturnType<typeof testApp>['app'];
beforeEach(() => {
  fake.setState({ labvg: { lvs: { root: { attr: '-wi-ao----', size: 64 * MIB } } } });
  fake.clearFailures();
  app = testApp().app;
});

const lvmCalls = (sub: string) => fake.calls().filter((argv) => argv[0] === sub);

async function createVolume(body: Record<string, unknown>, headers: Record<string, string> = {}) {
  return request(app).post('/v1/volumes').set(AUTH).set(headers).send({ vg: 'labvg', ...body });
}

test('create a thick volume: one atomic lvcreate, inactive, tags, exact size after extent rounding', async () => {
  const response = await createVolume({ id: 'v1', name: 'db', size_gib: 0.001, tags: ['env=prod'] });
  assert.equal(response.status, 201);
  assert.equal(response.headers.location, '/v1/volumes/v1');
  assert.equal(response.body.size_bytes, 4 * MIB, '1.07 MB rounds up to one 4 MiB extent');
  assert.equal(response.body.lv_name, 'vol-v1');
  assert.equal(response.body.type, 'thick');
  assert.deepEqual(response.body.tags, ['env=prod']);
  const creates = lvmCalls('lvcreate');
  assert.equal(creates.length, 1);
  const argv = creates[0]!;
  for (const flag of ['-an', '--setautoactivation', '--addtag']) assert.ok(argv.includes(flag), flag);
  assert.ok(argv.includes('slvm.name=db'));
  assert.ok(argv.includes('slvm.tag.env=prod'));
});

test('a retried create (same id, same body) returns the volume with 200 and makes no second LV', async () => {
  await createVolume({ id: 'v1', name: 'db', size_gib: 1 });
  const retry = await createVolume({ id: 'v1', name: 'db', size_gib: 1 });
  assert.equal(retry.status, 200);
  assert.equal(lvmCalls('lvcreate').length, 1);
});

test('the same Idempotency-Key gives the same volume; a different body under it is a 409', async () => {
  const first = await createVolume({ name: 'db', size_gib: 1 }, { 'Idempotency-Key': 'k-1' });
  const second = await createVolume({ name: 'db', size_gib: 1 }, { 'Idempotency-Key': 'k-1' });
  assert.equal(first.status, 201);
  assert.equal(second.status, 200);
  assert.equal(second.body.id, first.body.id);
  const conflict = await createVolume({ name: 'db', size_gib: 2 }, { 'Idempotency-Key': 'k-1' });
  assert.equal(conflict.status, 409);
  assert.equal(conflict.body.code, 'idempotency_conflict');
  assert.equal(lvmCalls('lvcreate').length, 1);
});

test('concurrent identical creates make one LV', async () => {
  const responses = await Promise.all([1, 2, 3].map(() => createVolume({ id: 'race', name: 'db', size_gib: 1 })));
  assert.deepEqual(responses.map((r) => r.status).sort(), [200, 200, 201]);
  assert.equal(lvmCalls('lvcreate').length, 1);
});

test('a volume left half-made by a crash (creating tag) is removed and re-created by the retry', async () => {
  const first = await createVolume({ id: 'v1', name: 'db', size_gib: 1 });
  assert.equal(first.status, 201);
  const state = fake.state();
  state.vgs.labvg!.lvs['vol-v1']!.tags!.push('slvm.creating');
  fake.setState(state.vgs);
  app = testApp().app;
  const retry = await createVolume({ id: 'v1', name: 'db', size_gib: 1 });
  assert.equal(retry.status, 201);
  assert.equal(retry.body.status, 'available');
  assert.equal(lvmCalls('lvremove').length, 1);
});

test('a thin volume creates the configured pool once, then thin LVs in it', async () => {
  const a = await createVolume({ id: 't1', name: 'a', size_gib: 2, type: 'thin' });
  const b = await createVolume({ id: 't2', name: 'b', size_gib: 2, type: 'thin' });
  assert.equal(a.status, 201);
  assert.equal(b.status, 201);
  assert.equal(a.body.thin_pool, 'pool0');
  const creates = lvmCalls('lvcreate');
  assert.equal(creates.filter((argv) => argv.includes('thin-pool')).length, 1);
  assert.equal(creates.filter((argv) => argv.includes('--thinpool')).length, 2);
  const vg = await request(app).get('/v1/vgs/labvg').set(AUTH);
  assert.equal(vg.body.thin_pool.name, 'pool0');
  assert.equal(vg.body.thin_pool.provisioned_bytes, 4 * GIB);
});

test('thin on a VG without a configured pool is a 422 before any lvcreate', async () => {
  app = testApp({ volume_groups: [{ name: 'labvg' }] }).app;
  const response = await createVolume({ name: 'a', size_gib: 1, type: 'thin' });
  assert.equal(response.status, 422);
  assert.equal(lvmCalls('lvcreate').length, 0);
});

test('more than the VG holds is a 507 without any lvcreate', async () => {
  const response = await createVolume({ name: 'big', size_gib: 100 });
  assert.equal(response.status, 507);
  assert.equal(response.body.code, 'insufficient_space');
  assert.equal(lvmCalls('lvcreate').length, 0);
});

test('lvm refusing (exit 5) becomes the matching problem', async () => {
  fake.failNext('lvcreate', 5, '  Cannot access VG labvg due to failed lock.\n');
  const response = await createVolume({ name: 'x', size_gib: 1 });
  assert.equal(response.status, 503);
  assert.equal(response.body.code, 'lock_unavailable');
  assert.equal(response.body.lvm.exit_code, 5);
  assert.equal(response.body.lvm.command[1], 'lvcreate');
});

test('list filters by vg, name and tag; get answers from the cache without lvm', async () => {
  await createVolume({ id: 'a', name: 'alpha', size_gib: 1, tags: ['env=prod'] });
  await createVolume({ id: 'b', name: 'beta', size_gib: 1 });
  fake.clearCalls();
  const all = await request(app).get('/v1/volumes').set(AUTH);
  assert.deepEqual(all.body.items.map((v: { id: string }) => v.id).sort(), ['a', 'b'], 'the unmanaged LV root is not listed');
  const byName = await request(app).get('/v1/volumes?name=beta').set(AUTH);
  assert.deepEqual(byName.body.items.map((v: { id: string }) => v.id), ['b']);
  const byTag = await request(app).get('/v1/volumes?tag=env=prod&vg=labvg').set(AUTH);
  assert.deepEqual(byTag.body.items.map((v: { id: string }) => v.id), ['a']);
  const one = await request(app).get('/v1/volumes/a').set(AUTH);
  assert.equal(one.body.name, 'alpha');
  assert.equal(fake.calls().length, 0, 'reads are served from the cache');
  await request(app).get('/v1/volumes/a?refresh=true').set(AUTH);
  assert.equal(lvmCalls('lvs').length, 1);
});

test('rename and grow in one PATCH; shrink is a 409 naming the current size, without lvm', async () => {
  await createVolume({ id: 'v1', name: 'db', size_gib: 1 });
  const grown = await request(app).patch('/v1/volumes/v1').set(AUTH).send({ name: 'db2', size_gib: 2, tags: ['x'] });
  assert.equal(grown.status, 200);
  assert.equal(grown.body.name, 'db2');
  assert.equal(grown.body.size_bytes, 2 * GIB);
  assert.deepEqual(grown.body.tags, ['x']);
  assert.equal(lvmCalls('lvextend').length, 1);
  fake.clearCalls();
  const shrink = await request(app).patch('/v1/volumes/v1').set(AUTH).send({ size_gib: 1 });
  assert.equal(shrink.status, 409);
  assert.equal(shrink.body.code, 'shrink_not_supported');
  assert.equal(shrink.body.errors[0].pointer, '/body/size_gib');
  assert.deepEqual(fake.calls().filter((argv) => argv[0] !== 'lvs'), []);
  const same = await request(app).patch('/v1/volumes/v1').set(AUTH).send({ size_gib: 2 });
  assert.equal(same.status, 200);
  assert.equal(lvmCalls('lvextend').length, 0, 'same size: nothing to do');
});

test('snapshots: COW for thick, refused delete while they exist, revert, delete', async () => {
  await createVolume({ id: 'v1', name: 'db', size_gib: 1 });
  const snap = await request(app).post('/v1/snapshots').set(AUTH).send({ id: 's1', volume_id: 'v1', name: 'before' });
  assert.equal(snap.status, 201);
  assert.equal(snap.body.type, 'cow');
  assert.equal(snap.body.volume_id, 'v1');
  assert.equal(snap.body.cow_size_bytes, GIB, 'COW store defaults to the origin size');
  const volume = await request(app).get('/v1/volumes/v1').set(AUTH);
  assert.deepEqual(volume.body.snapshot_ids, ['s1']);
  const refused = await request(app).delete('/v1/volumes/v1').set(AUTH);
  assert.equal(refused.status, 409);
  assert.equal(refused.body.code, 'has_snapshots');
  assert.equal(lvmCalls('lvremove').length, 0);
  const listed = await request(app).get('/v1/snapshots?volume_id=v1').set(AUTH);
  assert.equal(listed.body.items.length, 1);
  const reverted = await request(app).post('/v1/volumes/v1/revert').set(AUTH).send({ snapshot_id: 's1' });
  assert.equal(reverted.status, 200);
  assert.deepEqual(reverted.body.snapshot_ids, []);
  const merge = lvmCalls('lvconvert')[0]!;
  assert.deepEqual(merge.slice(0, 2), ['lvconvert', '--merge']);
  const gone = await request(app).get('/v1/snapshots/s1').set(AUTH);
  assert.equal(gone.status, 404);
  const deleted = await request(app).delete('/v1/volumes/v1').set(AUTH);
  assert.equal(deleted.status, 204);
  const after = await request(app).get('/v1/volumes/v1').set(AUTH);
  assert.equal(after.status, 404, 'a deleted volume is never served from the cache');
});

test('deleting a COW snapshot first takes the origin exclusively (proves no other host has it)', async () => {
  await createVolume({ id: 'v1', name: 'db', size_gib: 1 });
  await request(app).post('/v1/snapshots').set(AUTH).send({ id: 's1', volume_id: 'v1', name: 'x' });
  fake.clearCalls();
  const deleted = await request(app).delete('/v1/snapshots/s1').set(AUTH);
  assert.equal(deleted.status, 204);
  const sequence = fake.calls().filter((argv) => argv[0] !== 'lvs').map((argv) => `${argv[0]} ${argv[1]}`);
  assert.deepEqual(sequence, ['lvchange -aey', 'lvremove -y', 'lvchange -an']);
});

test('a COW snapshot delete whose origin is held elsewhere is a 409 and removes nothing', async () => {
  await createVolume({ id: 'v1', name: 'db', size_gib: 1 });
  await request(app).post('/v1/snapshots').set(AUTH).send({ id: 's1', volume_id: 'v1', name: 'x' });
  const state = fake.state();
  state.vgs.labvg!.lvs['vol-v1']!.locked_by_other_host = true;
  fake.setState(state.vgs);
  const response = await request(app).delete('/v1/snapshots/s1').set(AUTH);
  assert.equal(response.status, 409);
  assert.equal(response.body.code, 'locked_by_other_host');
  assert.equal(lvmCalls('lvremove').length, 0);
});

test('clone and create-from-snapshot copy the data with dd between activated LVs, then deactivate', async () => {
  await createVolume({ id: 'v1', name: 'db', size_gib: 1 });
  await request(app).post('/v1/snapshots').set(AUTH).send({ id: 's1', volume_id: 'v1', name: 'x' });
  fake.clearCalls();
  const clone = await createVolume({ id: 'c1', name: 'copy', source_volume_id: 'v1' });
  assert.equal(clone.status, 201);
  assert.deepEqual(clone.body.source, { kind: 'volume', id: 'v1' });
  assert.equal(clone.body.status, 'available');
  assert.equal(clone.body.size_bytes, GIB);
  const steps = fake.calls().filter((argv) => argv[0] !== 'lvs').map((argv) => argv[0]);
  assert.deepEqual(steps, ['lvcreate', 'lvchange', 'lvchange', 'dd', 'lvchange', 'lvchange']);
  const dd = fake.calls().find((argv) => argv[0] === 'dd')!;
  assert.ok(dd.includes('if=/dev/mapper/labvg-vol--v1'));
  assert.ok(dd.includes('of=/dev/mapper/labvg-vol--c1'));
  const fromSnap = await createVolume({ id: 'c2', name: 'restored', source_snapshot_id: 's1', size_gib: 2 });
  assert.equal(fromSnap.status, 201);
  assert.equal(fromSnap.body.size_bytes, 2 * GIB);
  assert.deepEqual(fromSnap.body.source, { kind: 'snapshot', id: 's1' });
});

test('thin clones and thin snapshots are lvm thin snapshots, no copy', async () => {
  await createVolume({ id: 't1', name: 'a', size_gib: 1, type: 'thin' });
  const snap = await request(app).post('/v1/snapshots').set(AUTH).send({ id: 'ts', volume_id: 't1', name: 'x' });
  assert.equal(snap.body.type, 'thin');
  const clone = await createVolume({ id: 't2', name: 'b', source_volume_id: 't1' });
  assert.equal(clone.status, 201);
  assert.equal(clone.body.type, 'thin');
  assert.equal(fake.calls().filter((argv) => argv[0] === 'dd').length, 0);
  const cowSize = await request(app).post('/v1/snapshots').set(AUTH).send({ volume_id: 't1', name: 'y', cow_size_gib: 1 });
  assert.equal(cowSize.status, 422);
});

test('delete with wipe=zero zeroes the activated thick LV first; wipe on thin is a 422', async () => {
  await createVolume({ id: 'v1', name: 'db', size_gib: 1 });
  fake.clearCalls();
  const deleted = await request(app).delete('/v1/volumes/v1?wipe=zero').set(AUTH);
  assert.equal(deleted.status, 202, JSON.stringify(deleted.body));
  assert.equal(deleted.body.kind, 'wipe');
  assert.equal(deleted.headers.location, `/v1/operations/${deleted.body.id}`);
  assert.equal((await request(app).get('/v1/volumes/v1').set(AUTH)).status, 404, 'gone from the API at once');
  let op = deleted.body;
  for (let i = 0; i < 600 && op.state === 'running'; i++) {
    await new Promise((r) => setTimeout(r, 50));
    op = (await request(app).get(`/v1/operations/${op.id}`).set(AUTH)).body;
  }
  assert.equal(op.state, 'succeeded', JSON.stringify(op));
  assert.equal(op.percent, 100);
  // The wipe runs in chunks (progress after each): consecutive blkdiscard calls counted as one step.
  const steps = fake.calls().filter((argv) => argv[0] !== 'lvs').map((argv) => argv.slice(0, 2).join(' ')).filter((step, i, all) => step !== all[i - 1]);
  assert.deepEqual(steps, ['lvchange --addtag', 'lvrename labvg', 'lvchange -aey', 'blkdiscard --zeroout', 'lvchange -an', 'lvremove -y']);
  await createVolume({ id: 't1', name: 'a', size_gib: 1, type: 'thin' });
  const thin = await request(app).delete('/v1/volumes/t1?wipe=discard').set(AUTH);
  assert.equal(thin.status, 422);
});

test('delete is refused while the volume has attachments (recorded as tags)', async () => {
  await createVolume({ id: 'v1', name: 'db', size_gib: 1 });
  const state = fake.state();
  state.vgs.labvg!.lvs['vol-v1']!.tags!.push('slvm.att=node-b:rw');
  fake.setState(state.vgs);
  const response = await request(app).delete('/v1/volumes/v1').set(AUTH);
  assert.equal(response.status, 409);
  assert.equal(response.body.code, 'has_attachments');
  assert.match(response.body.detail, /node-b/);
});

test('manage adopts an LV keeping it (rename + tags); unmanage gives it back', async () => {
  const adopted = await request(app).post('/v1/volumes/manage').set(AUTH).send({ vg: 'labvg', lv_name: 'root', id: 'r1', name: 'rootfs' });
  assert.equal(adopted.status, 201);
  assert.equal(adopted.body.lv_name, 'vol-r1');
  assert.equal(adopted.body.size_bytes, 64 * MIB);
  assert.deepEqual(adopted.body.source, { kind: 'adopted', id: 'root' });
  const again = await request(app).post('/v1/volumes/manage').set(AUTH).send({ vg: 'labvg', lv_name: 'vol-r1' });
  assert.equal(again.status, 409);
  const missing = await request(app).post('/v1/volumes/manage').set(AUTH).send({ vg: 'labvg', lv_name: 'nope' });
  assert.equal(missing.status, 404);
  const released = await request(app).post('/v1/volumes/r1/unmanage').set(AUTH).send({ lv_name: 'root2' });
  assert.equal(released.status, 200);
  assert.deepEqual(released.body, { vg: 'labvg', lv_name: 'root2', path: '/dev/labvg/root2' });
  const lv = fake.state().vgs.labvg!.lvs.root2!;
  assert.deepEqual(lv.tags!.filter((tag) => tag.startsWith('slvm.')), []);
  assert.equal((await request(app).get('/v1/volumes/r1').set(AUTH)).status, 404);
});

test('volume groups report capacity, counts and lock type', async () => {
  await createVolume({ id: 'v1', name: 'db', size_gib: 1 });
  const response = await request(app).get('/v1/vgs').set(AUTH);
  assert.equal(response.status, 200);
  const [vg] = response.body.items;
  assert.equal(vg.name, 'labvg');
  assert.equal(vg.lock_type, 'sanlock');
  assert.equal(vg.volume_count, 1);
  assert.equal(vg.size_bytes, 10 * GIB);
  assert.equal(vg.allocated_bytes, GIB + 64 * MIB);
  assert.equal(vg.free_bytes + vg.allocated_bytes, vg.size_bytes);
  assert.equal(vg.thin_pool, null);
});

test('reread_after_create=async: the create answers from the committed lvcreate, the queued re-read follows', async () => {
  const { app: asyncApp, service } = testApp({ reread_after_create: 'async' });
  await request(asyncApp).get('/v1/vgs').set(AUTH);
  fake.clearCalls();
  const created = await request(asyncApp).post('/v1/volumes').set(AUTH).send({ id: 'a1', vg: 'labvg', name: 'db', size_gib: 0.001 });
  assert.equal(created.status, 201);
  assert.equal(created.body.size_bytes, 4 * MIB);
  assert.equal(created.body.lv_uuid, undefined, 'not known before the re-read');
  // The re-read is queued behind the create in the VG's queue: a later mutation sees its result.
  await service.updateVolume('a1', { name: 'db2' });
  const one = await request(asyncApp).get('/v1/volumes/a1').set(AUTH);
  assert.equal(one.body.lv_uuid, fake.state().vgs.labvg!.lvs['vol-a1']!.uuid);
  const sequence = fake.calls().map((argv) => argv[0]);
  assert.deepEqual(sequence.slice(0, 2), ['lvcreate', 'lvs']);
});

test('placement: pv puts a thick volume on that PV; a PV outside the VG is a 400 and thin + pv a 422, both before any lvcreate', async () => {
  const cases: [string, { given: Record<string, unknown>; want: [number, string?] }][] = [
    ['thick on /dev/vdb', { given: { id: 'p1', name: 'p1', size_gib: 0.01, pv: '/dev/vdb' }, want: [201] }],
    ['not a PV of the VG', { given: { id: 'p2', name: 'p2', size_gib: 0.01, pv: '/dev/sdz' }, want: [400, 'bad_request'] }],
    ['thin', { given: { id: 'p3', name: 'p3', size_gib: 0.01, type: 'thin', pv: '/dev/vdb' }, want: [422, 'not_applicable'] }],
  ];
  for (const [name, { given, want }] of cases) {
    fake.clearCalls();
    const response = await createVolume(given);
    assert.deepEqual([response.status, ...(want[1] ? [response.body.code] : [])], want, `${name}: ${JSON.stringify(response.body)}`);
    if (want[0] === 201) {
      assert.equal(lvmCalls('lvcreate')[0]!.at(-1), '/dev/vdb', 'the PV is lvcreate\'s last argument');
      assert.deepEqual(response.body.pvs, ['/dev/vdb']);
    } else {
      assert.equal(lvmCalls('lvcreate').length, 0, `${name}: no lvcreate`);
      assert.equal(response.body.errors[0].pointer, '/body/pv');
    }
  }
});

test('move of a detached thick volume: pvmove here (LV activated exclusively for it, released after), id recorded as a tag meanwhile', async () => {
  await createVolume({ id: 'm1', name: 'm1', size_gib: 0.01, pv: '/dev/vda' });
  fake.clearCalls();
  const started = await request(app).post('/v1/volumes/m1/move').set(AUTH).send({ pv: '/dev/vdb' });
  assert.equal(started.status, 202, JSON.stringify(started.body));
  assert.equal(started.headers.location, `/v1/operations/${started.body.id}`);
  let op = started.body;
  for (let i = 0; i < 600 && op.state === 'running'; i++) {
    await new Promise((r) => setTimeout(r, 50));
    op = (await request(app).get(`/v1/operations/${op.id}`).set(AUTH)).body;
  }
  assert.equal(op.state, 'succeeded', JSON.stringify(op));
  const steps = fake.calls().filter((argv) => !['lvs', 'pvs'].includes(argv[0]!)).map((argv) => argv.slice(0, 2).join(' '));
  assert.deepEqual(steps, ['lvchange --addtag', 'lvchange -aey', 'pvmove -b', 'lvchange -an', 'lvchange --deltag']);
  const volume = (await request(app).get('/v1/volumes/m1?refresh=true').set(AUTH)).body;
  assert.deepEqual(volume.pvs, ['/dev/vdb']);
  assert.equal(volume.operation_id, null);
  const listed = (await request(app).get('/v1/operations?volume_id=m1').set(AUTH)).body.items;
  assert.deepEqual(listed.map((item: { id: string }) => item.id), [op.id]);
});
