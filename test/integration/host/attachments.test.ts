// Host mode and attachments on the lab's real shared VG (lvm2 + lvmlockd + sanlock): node a runs the
// agent in `all` mode (control + host a), node b in `host` mode. Lock modes are checked with raw
// `sanlock client status` / `lvmlockctl --info` in the guests, data with dd. One sequence of steps.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { LAB_VG, labExec, labRun, requireLab } from '../../lab/client.js';
import {
  LV_PREFIX, call, lvmlockdMode, readAt, removeOurLvs, sanlockLease, startAgent, writeAt, type LabAgent, type Reply,
} from './lab-agents.js';

let a: LabAgent;
let b: LabAgent;
const timings: Record<string, number[]> = {};
const time = (what: string, reply: Reply) => { (timings[what] ??= []).push(reply.seconds); return reply; };
const control = (method: string, path: string, body?: unknown) => call(a, method, path, body);
const hostApi = (node: 'a' | 'b', method: string, path: string, body?: unknown) => call(node === 'a' ? a : b, method, path, body);
const lvOf = (id: string) => `${LV_PREFIX}vol-${id}`;
const MiB = 2 ** 20;

async function createVolume(id: string, extra: Record<string, unknown> = {}): Promise<{ uuid: string }> {
  const reply = await control('POST', '/v1/volumes', { id, name: id, vg: LAB_VG, size_gib: 0.0625, ...extra });
  assert.equal(reply.status, 201, JSON.stringify(reply.body));
  return { uuid: reply.body.lv_uuid };
}

async function attach(volume: string, host: string, mode = 'rw'): Promise<Reply> {
  return time('attach', await control('POST', '/v1/attachments', { volume_id: volume, host, mode }));
}

async function detach(volume: string, host: string): Promise<Reply> {
  return time('detach', await control('DELETE', `/v1/attachments/${volume}/${host}`));
}

describe('host mode and attachments on the lab VG', { timeout: 1_800_000 }, () => {
  const uuids: Record<string, string> = {};

  before(async () => {
    await requireLab('the host attachment tests');
    await removeOurLvs();
    b = await startAgent('b');
    a = await startAgent('a');
    for (const id of ['one', 'multi', 'mig']) uuids[id] = (await createVolume(id, id === 'multi' ? { multiattach: true } : {})).uuid;
  });

  after(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await removeOurLvs();
    process.stderr.write(`[host-mode] timings (s): ${JSON.stringify(timings)}\n`);
  });

  test('health names the modes; each agent refuses the other mode\'s routes with 403', async () => {
    assert.equal((await hostApi('a', 'GET', '/healthz')).body.mode, 'all');
    assert.equal((await hostApi('b', 'GET', '/healthz')).body.mode, 'host');
    const refused = await hostApi('b', 'POST', '/v1/attachments', { volume_id: 'one', host: 'b' });
    assert.equal(refused.status, 403);
    assert.equal(refused.body.code, 'forbidden_in_mode');
    const hosts = await control('GET', '/v1/hosts');
    assert.deepEqual(hosts.body.items.map((h: { name: string }) => h.name).sort(), ['a', 'b']);
  });

  test('attach on b: b holds the exclusive lease (sanlock), a\'s activation is refused', async () => {
    const reply = await attach('one', 'b');
    assert.equal(reply.status, 201, JSON.stringify(reply.body));
    assert.equal(reply.body.lock_mode, 'exclusive');
    assert.equal(reply.body.id, 'one/b');
    const lease = await sanlockLease('b', uuids.one!);
    assert.match(lease ?? '', new RegExp(`^r lvm_${LAB_VG}:${uuids.one}:.*:\\d+ p \\d+$`), 'exclusive lease (trailing version, not SH)');
    assert.equal(await lvmlockdMode('b', uuids.one!), 'ex');
    const view = await hostApi('b', 'GET', `/v1/host/volumes/${LAB_VG}/${lvOf('one')}`);
    assert.equal(view.body.active, true);
    assert.equal(view.body.lock_mode, 'exclusive');
    assert.equal(view.body.sanlock, lease);
    const locks = await hostApi('b', 'GET', '/v1/host/locks');
    const entry = locks.body.volumes.find((v: { lv_uuid: string }) => v.lv_uuid === uuids.one);
    assert.deepEqual(entry.volume_ids, ['one']);
    assert.equal(entry.sanlock, lease);
    // a: raw lvm and the host endpoint of a's own agent are both refused.
    const raw = await labExec('a', ['lvchange', '-aey', `${LAB_VG}/${lvOf('one')}`]);
    assert.notEqual(raw.code, 0);
    assert.match(raw.stderr, /locked by other host/);
    const viaAgent = await hostApi('a', 'POST', `/v1/host/volumes/${LAB_VG}/${lvOf('one')}/activate`, { lock: 'exclusive' });
    assert.equal(viaAgent.status, 409);
    assert.equal(viaAgent.body.code, 'locked_by_other_host');
    // Repeating the attach is idempotent.
    const again = await attach('one', 'b');
    assert.equal(again.status, 200);
    assert.equal((await control('GET', '/v1/attachments?volume_id=one')).body.items.length, 1);
  });

  test('refused while attached: delete (409), a second host without multiattach (409)', async () => {
    const del = await control('DELETE', '/v1/volumes/one');
    assert.equal(del.status, 409);
    assert.equal(del.body.code, 'has_attachments');
    const second = await attach('one', 'a');
    assert.equal(second.status, 409);
    assert.equal(second.body.code, 'not_multiattach');
    const unknown = await attach('one', 'nohost');
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body.errors[0].pointer, '/body/host');
    assert.equal(await sanlockLease('a', uuids.one!), undefined);
  });

  test('extend while attached on b runs on b: b sees the new size at once, lock kept', async () => {
    const reply = time('extend-attached', await control('PATCH', '/v1/volumes/one', { size_gib: 0.125 }));
    assert.equal(reply.status, 200, JSON.stringify(reply.body));
    assert.equal(reply.body.size_bytes, 128 * MiB);
    assert.equal((await labRun('b', ['blockdev', '--getsize64', `/dev/${LAB_VG}/${lvOf('one')}`])).trim(), String(128 * MiB));
    assert.equal(await lvmlockdMode('b', uuids.one!), 'ex');
    const shrink = await control('PATCH', '/v1/volumes/one', { size_gib: 0.0625 });
    assert.equal(shrink.status, 409);
    assert.equal(shrink.body.code, 'shrink_not_supported');
  });

  test('snapshot create, delete and revert while attached on b run on b', async () => {
    await writeAt('b', lvOf('one'), 'before-snapshot');
    const snap = time('snapshot-attached', await control('POST', '/v1/snapshots', { id: 'one-s1', volume_id: 'one', name: 's1', cow_size_gib: 0.0625 }));
    assert.equal(snap.status, 201, JSON.stringify(snap.body));
    assert.equal(snap.body.volume_id, 'one');
    const retry = await control('POST', '/v1/snapshots', { id: 'one-s1', volume_id: 'one', name: 's1', cow_size_gib: 0.0625 });
    assert.equal(retry.status, 200, 'a retried create returns the snapshot');
    const rows = await labRun('a', ['lvs', '--noheadings', '-o', 'lv_name,origin', LAB_VG]);
    assert.match(rows, new RegExp(`${LV_PREFIX}snap-one-s1\\s+${lvOf('one')}`));
    assert.equal(await lvmlockdMode('b', uuids.one!), 'ex');
    await writeAt('b', lvOf('one'), 'after-snapshot!');
    assert.equal(await readAt('b', `${LV_PREFIX}snap-one-s1`, 15), 'before-snapshot', 'the snapshot keeps the old data');
    const del = time('snapshot-delete-attached', await control('DELETE', '/v1/snapshots/one-s1'));
    assert.equal(del.status, 204, JSON.stringify(del.body));
    assert.doesNotMatch(await labRun('a', ['lvs', '--noheadings', '-o', 'lv_name', LAB_VG]), /snap-one-s1/);
    assert.equal(await readAt('b', lvOf('one'), 15), 'after-snapshot!');
    // Revert runs on b too (the LV is held there and not open): the merge keeps b's exclusive lock.
    assert.equal((await control('POST', '/v1/snapshots', { id: 'one-s2', volume_id: 'one', name: 's2', cow_size_gib: 0.0625 })).status, 201);
    await writeAt('b', lvOf('one'), 'after-second-sn');
    const reverted = time('revert-attached', await control('POST', '/v1/volumes/one/revert', { snapshot_id: 'one-s2' }));
    assert.equal(reverted.status, 200, JSON.stringify(reverted.body));
    assert.deepEqual(reverted.body.snapshot_ids, []);
    assert.equal(await readAt('b', lvOf('one'), 15), 'after-snapshot!');
    assert.equal(await lvmlockdMode('b', uuids.one!), 'ex');
  });

  test('multi-attach: a ex -> sh in place when b joins; data written on one is read on the other', async () => {
    const first = await attach('multi', 'a');
    assert.equal(first.status, 201, JSON.stringify(first.body));
    assert.equal(await lvmlockdMode('a', uuids.multi!), 'ex');
    const second = await attach('multi', 'b');
    assert.equal(second.status, 201, JSON.stringify(second.body));
    assert.equal(second.body.lock_mode, 'shared');
    for (const node of ['a', 'b'] as const) {
      assert.equal(await lvmlockdMode(node, uuids.multi!), 'sh', `lvmlockd on ${node}`);
      assert.match((await sanlockLease(node, uuids.multi!)) ?? '', /:SH p \d+$/, `sanlock on ${node}`);
      const view = await hostApi(node, 'GET', `/v1/host/volumes/${LAB_VG}/${lvOf('multi')}`);
      assert.equal(view.body.lock_mode, 'shared');
    }
    await writeAt('b', lvOf('multi'), 'written-on-b');
    assert.equal(await readAt('a', lvOf('multi'), 12), 'written-on-b');
    await writeAt('a', lvOf('multi'), 'written-on-a');
    assert.equal(await readAt('b', lvOf('multi'), 12), 'written-on-a');
    // Operations needing the exclusive LV lock are refused while several hosts hold it.
    for (const [method, path, body] of [['PATCH', '/v1/volumes/multi', { size_gib: 0.125 }], ['POST', '/v1/snapshots', { volume_id: 'multi', name: 'x' }]] as const) {
      const reply = await control(method, path, body);
      assert.equal(reply.status, 409, `${method} ${path}`);
      assert.equal(reply.body.code, 'multi_attached');
    }
  });

  test('detach b: released on b, a returns to exclusive (sh -> ex in place)', async () => {
    const reply = await detach('multi', 'b');
    assert.equal(reply.status, 204, JSON.stringify(reply.body));
    assert.equal(await lvmlockdMode('b', uuids.multi!), undefined);
    assert.equal(await sanlockLease('b', uuids.multi!), undefined);
    assert.equal(await lvmlockdMode('a', uuids.multi!), 'ex');
    assert.equal((await control('GET', '/v1/attachments/multi/a')).body.lock_mode, 'exclusive');
    assert.equal((await control('GET', '/v1/attachments/multi/b')).status, 404);
  });

  test('refused: shared activation of a COW origin or snapshot (agent-side, lvm2 would allow it)', async () => {
    const snap = await control('POST', '/v1/snapshots', { id: 'multi-s1', volume_id: 'multi', name: 's1', cow_size_gib: 0.0625 });
    assert.equal(snap.status, 201, JSON.stringify(snap.body));
    const second = await attach('multi', 'b');
    assert.equal(second.status, 409);
    assert.equal(second.body.code, 'shared_activation_refused');
    assert.match(second.body.detail, /COW/);
    for (const lv of [lvOf('multi'), `${LV_PREFIX}snap-multi-s1`]) {
      const direct = await hostApi('b', 'POST', `/v1/host/volumes/${LAB_VG}/${lv}/activate`, { lock: 'shared' });
      assert.equal(direct.status, 409, lv);
      assert.equal(direct.body.code, 'shared_activation_refused');
    }
    assert.equal(await lvmlockdMode('b', uuids.multi!), undefined, 'nothing was activated on b');
    assert.equal((await control('DELETE', '/v1/snapshots/multi-s1')).status, 204);
    assert.equal((await detach('multi', 'a')).status, 204);
    assert.equal(await lvmlockdMode('a', uuids.multi!), undefined);
  });

  test('refused: a thin volume on a second host while its pool is active on the first', async () => {
    for (const id of ['thin1', 'thin2']) {
      const reply = await control('POST', '/v1/volumes', { id, name: id, vg: LAB_VG, size_gib: 0.0625, type: 'thin' });
      assert.equal(reply.status, 201, JSON.stringify(reply.body));
    }
    assert.equal((await attach('thin1', 'a')).status, 201);
    const other = await attach('thin2', 'b');
    assert.equal(other.status, 409);
    assert.equal(other.body.code, 'thin_pool_busy');
    assert.match(other.body.detail, /host a/);
    const direct = await hostApi('b', 'POST', `/v1/host/volumes/${LAB_VG}/${lvOf('thin2')}/activate`, { lock: 'exclusive' });
    assert.equal(direct.status, 409);
    assert.equal(direct.body.code, 'locked_by_other_host');
    const shared = await hostApi('a', 'POST', `/v1/host/volumes/${LAB_VG}/${lvOf('thin1')}/activate`, { lock: 'shared' });
    assert.equal(shared.body.code, 'shared_activation_refused');
    assert.equal((await detach('thin1', 'a')).status, 204);
    // The pool lock went with the last thin volume: b may now take the pool.
    assert.equal((await attach('thin2', 'b')).status, 201);
    assert.equal((await detach('thin2', 'b')).status, 204);
  });

  test('read-only attachment: the device is read-only on that host only', async () => {
    const reply = await attach('mig', 'b', 'ro');
    assert.equal(reply.status, 201, JSON.stringify(reply.body));
    assert.equal((await labRun('b', ['blockdev', '--getro', `/dev/${LAB_VG}/${lvOf('mig')}`])).trim(), '1');
    const view = await hostApi('b', 'GET', `/v1/host/volumes/${LAB_VG}/${lvOf('mig')}`);
    assert.equal(view.body.access, 'ro');
    assert.equal((await attach('mig', 'b', 'rw')).body.code, 'already_exists', 'changing the mode needs a detach');
    assert.equal((await detach('mig', 'b')).status, 204);
  });

  test('live migration hand-off a -> b: shared on both during the move, exclusive on b after', async () => {
    assert.equal((await attach('mig', 'a')).status, 201);
    await writeAt('a', lvOf('mig'), 'before-move');
    const start = time('migration-start', await control('POST', '/v1/migrations', { volume_id: 'mig', to_host: 'b' }));
    assert.equal(start.status, 201, JSON.stringify(start.body));
    assert.equal(start.body.from_host, 'a');
    assert.equal(start.body.lock_mode, 'shared');
    for (const node of ['a', 'b'] as const) assert.equal(await lvmlockdMode(node, uuids.mig!), 'sh', node);
    assert.equal(await readAt('b', lvOf('mig'), 11), 'before-move');
    assert.equal((await control('GET', '/v1/migrations')).body.items.length, 1);
    assert.equal((await detach('mig', 'a')).body.code, 'migration_in_progress');
    const done = time('migration-complete', await control('POST', '/v1/migrations/mig/complete'));
    assert.equal(done.status, 200, JSON.stringify(done.body));
    assert.equal(done.body.host, 'b');
    assert.equal(done.body.lock_mode, 'exclusive');
    assert.equal(await lvmlockdMode('a', uuids.mig!), undefined);
    assert.equal(await lvmlockdMode('b', uuids.mig!), 'ex');
    assert.deepEqual((await control('GET', '/v1/attachments?volume_id=mig')).body.items.map((i: { host: string }) => i.host), ['b']);
    // And back with abort: the source keeps it.
    const back = await control('POST', '/v1/migrations', { volume_id: 'mig', to_host: 'a' });
    assert.equal(back.status, 201);
    const aborted = await control('POST', '/v1/migrations/mig/abort');
    assert.equal(aborted.body.host, 'b');
    assert.equal(await lvmlockdMode('b', uuids.mig!), 'ex');
    assert.equal(await lvmlockdMode('a', uuids.mig!), undefined);
    assert.equal((await detach('mig', 'b')).status, 204);
  });

  test('detach the rest; deleting works once detached', async () => {
    assert.equal((await detach('one', 'b')).status, 204);
    assert.equal(await sanlockLease('b', uuids.one!), undefined);
    for (const id of ['one', 'multi', 'mig', 'thin1', 'thin2']) assert.equal((await control('DELETE', `/v1/volumes/${id}`)).status, 204, id);
  });
});
