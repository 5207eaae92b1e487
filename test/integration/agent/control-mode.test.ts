// Every control-mode endpoint against the lab's real shared VG (lvm2 + lvmlockd + sanlock): the agent
// runs inside guest a; results are checked with raw lvm commands in the guests. One agent and one
// sequence of steps, so that the whole file stays at a few dozen lvm calls.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { LAB_VG, labExec, labRun } from '../../lab/client.js';
import { labHttp } from '../../lab/http.js';
import {
  AUTH, LV_PREFIX, THIN_POOL, heldLocks, rawLvs, readMarker, removeOurLvs, requireLab, startLabAgent, writeMarker, type LabAgent,
} from './lab-agent.js';

let agent: LabAgent;

interface Reply {
  status: number;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  type: string;
}

async function api(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Reply> {
  const reply = await labHttp(`${agent.url}${path}`, { method, headers: { ...AUTH, ...headers }, body, timeoutMs: 300_000 });
  return { status: reply.status, body: reply.body, type: String(reply.headers['content-type'] ?? '') };
}

/** Total external commands the agent has run, from its own /metrics. */
async function commandsRun(): Promise<number> {
  const { body } = await api('GET', '/metrics');
  let total = 0;
  for (const match of String(body).matchAll(/^sharedlvm_lvm_calls_total\{[^}]*\} (\d+)/gm)) total += Number(match[1]);
  return total;
}

const lv = (kind: 'vol' | 'snap', id: string) => `${LV_PREFIX}${kind}-${id}`;
const MARK_A = 'marker-A-original-data';
const MARK_B = 'marker-B-overwritten!!';

describe('agent in control mode on the lab VG', { timeout: 1_500_000 }, () => {
  before(async () => {
    await requireLab();
    await removeOurLvs();
    agent = await startLabAgent();
  });
  after(async () => {
    if (agent) {
      await agent.stop();
    }
    await removeOurLvs();
  });

  test('system endpoints: health without a token, 401 without one elsewhere, contract, docs, metrics', async () => {
    const health = await labHttp(`${agent.url}/healthz`);
    assert.deepEqual(health.body, { status: 'ok', mode: 'control', version: '0.1.0' });
    const anonymous = await labHttp(`${agent.url}/v1/vgs`);
    assert.equal(anonymous.status, 401);
    assert.match(String(anonymous.headers['content-type'] ?? ''), /application\/problem\+json/);
    assert.equal((await api('GET', '/openapi.json')).body.openapi, '3.1.0');
    assert.match((await api('GET', '/docs')).type, /text\/html/);
    assert.match(String((await api('GET', '/metrics')).body), /sharedlvm_lvm_call_duration_seconds/);
  });

  test('volume groups: capacity and lock type match raw vgs', async () => {
    const out = await labRun('a', ['vgs', '--reportformat', 'json', '--units', 'b', '--nosuffix', '-o', 'vg_size,vg_free,vg_lock_type,vg_extent_size', LAB_VG]);
    const raw = JSON.parse(out).report[0].vg[0];
    const list = await api('GET', '/v1/vgs?refresh=true');
    assert.equal(list.status, 200);
    const vg = list.body.items[0];
    assert.equal(vg.name, LAB_VG);
    assert.equal(vg.lock_type, 'sanlock');
    assert.equal(vg.size_bytes, Number(raw.vg_size));
    assert.equal(vg.free_bytes, Number(raw.vg_free));
    assert.equal(vg.extent_size_bytes, Number(raw.vg_extent_size));
    assert.equal(vg.pv_count, 2);
    assert.ok(vg.metadata_free_bytes > 0);
    assert.equal((await api('GET', `/v1/vgs/${LAB_VG}`)).body.name, LAB_VG);
  });

  test('bad input is refused with 4xx problem+json and no lvm command', async () => {
    const before = await commandsRun();
    const valid = { name: 'x', vg: LAB_VG, size_gib: 0.01 };
    const cases: [string, unknown, number][] = [
      ['wrong type', { ...valid, size_gib: '1' }, 400],
      ['huge size', { ...valid, size_gib: 1e15 }, 400],
      ['size above the VG', { ...valid, size_gib: 100_000 }, 507],
      ['slash', { ...valid, name: 'a/b' }, 400],
      ['dot dot', { ...valid, name: '..' }, 400],
      ['space', { ...valid, name: 'a b' }, 400],
      ['command substitution', { ...valid, name: '$(touch /tmp/pwned)' }, 400],
      ['unknown VG', { ...valid, vg: 'novg' }, 404],
      ['oversize body', { ...valid, name: 'x'.repeat(100_000) }, 413],
    ];
    for (const [name, body, status] of cases) {
      const reply = await api('POST', '/v1/volumes', body);
      assert.equal(reply.status, status, name);
      assert.match(reply.type, /application\/problem\+json/, name);
      assert.equal(reply.body.status, status, name);
    }
    assert.equal((await api('GET', '/v1/volumes/..')).status, 404, 'normalised away by the URL parser, never reaches lvm');
    assert.equal((await api('DELETE', '/v1/volumes/a%20b')).status, 400);
    assert.equal(await commandsRun(), before, 'no lvm command ran');
    assert.equal((await labExec('a', ['test', '-e', '/tmp/pwned'])).code, 1);
  });

  test('create a thick volume: one LV, inactive, no lock held, tags; retries make no second LV', async () => {
    const created = await api('POST', '/v1/volumes', { id: 'v1', name: 'db', vg: LAB_VG, size_gib: 0.01, tags: ['env=test'] });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.equal(created.body.size_bytes, 12 * 1024 * 1024, '10.24 MiB rounds up to three 4 MiB extents');
    const raw = await rawLvs();
    const row = raw.get(lv('vol', 'v1'))!;
    assert.ok(row, 'the LV exists');
    assert.equal(Number(row.lv_size), created.body.size_bytes);
    assert.equal(row.lv_attr[4], '-', 'inactive');
    assert.match(row.lv_tags, /slvm.name=db/);
    assert.match(row.lv_tags, /slvm.tag.env=test/);
    assert.equal(created.body.lv_uuid, row.lv_uuid);
    assert.deepEqual((await heldLocks()).filter((line) => line.includes(row.lv_uuid)), [], 'the control node keeps no lock');
    const retry = await api('POST', '/v1/volumes', { id: 'v1', name: 'db', vg: LAB_VG, size_gib: 0.01, tags: ['env=test'] });
    assert.equal(retry.status, 200);
    const keyed = await api('POST', '/v1/volumes', { name: 'keyed', vg: LAB_VG, size_gib: 0.01 }, { 'idempotency-key': 'integration-key-1' });
    const keyedAgain = await api('POST', '/v1/volumes', { name: 'keyed', vg: LAB_VG, size_gib: 0.01 }, { 'idempotency-key': 'integration-key-1' });
    assert.equal(keyed.status, 201);
    assert.equal(keyedAgain.status, 200);
    assert.equal(keyedAgain.body.id, keyed.body.id);
    const after = await rawLvs();
    assert.equal([...after.keys()].filter((name) => name.startsWith(`${LV_PREFIX}vol-`)).length, 2);
    assert.equal((await api('DELETE', `/v1/volumes/${keyed.body.id}`)).status, 204);
  });

  test('get and list answer from the cache; out-of-band changes show with refresh=true', async () => {
    const one = await api('GET', '/v1/volumes/v1');
    assert.equal(one.status, 200);
    assert.equal(one.body.name, 'db');
    assert.deepEqual((await api('GET', '/v1/volumes?name=db')).body.items.map((v: { id: string }) => v.id), ['v1']);
    assert.deepEqual((await api('GET', '/v1/volumes?tag=env=test')).body.items.map((v: { id: string }) => v.id), ['v1']);
    assert.deepEqual((await api('GET', '/v1/volumes?tag=nope')).body.items, []);
    await labRun('b', ['lvchange', '--addtag', 'slvm.tag.oob', `${LAB_VG}/${lv('vol', 'v1')}`]);
    const fresh = await api('GET', '/v1/volumes/v1?refresh=true');
    assert.deepEqual(fresh.body.tags.sort(), ['env=test', 'oob']);
  });

  test('rename and extend (PATCH); shrink is a 409 with the current size', async () => {
    const patched = await api('PATCH', '/v1/volumes/v1', { name: 'db-renamed', size_gib: 0.02 });
    assert.equal(patched.status, 200, JSON.stringify(patched.body));
    assert.equal(patched.body.name, 'db-renamed');
    assert.equal(patched.body.size_bytes, 24 * 1024 * 1024);
    assert.equal(Number((await rawLvs()).get(lv('vol', 'v1'))!.lv_size), 24 * 1024 * 1024);
    const shrink = await api('PATCH', '/v1/volumes/v1', { size_gib: 0.01 });
    assert.equal(shrink.status, 409);
    assert.equal(shrink.body.code, 'shrink_not_supported');
    assert.match(shrink.body.detail, /only grow/);
  });

  test('an LV held by another host: extend and delete are a 409 "locked by other host"', async () => {
    await labRun('b', ['lvchange', '-aey', `${LAB_VG}/${lv('vol', 'v1')}`]);
    try {
      const extend = await api('PATCH', '/v1/volumes/v1', { size_gib: 0.03 });
      assert.equal(extend.status, 409, JSON.stringify(extend.body));
      assert.equal(extend.body.code, 'locked_by_other_host');
      assert.equal(extend.body.lvm.exit_code, 5);
      const remove = await api('DELETE', '/v1/volumes/v1');
      assert.equal(remove.status, 409);
      assert.equal(remove.body.code, 'locked_by_other_host');
    } finally {
      await labRun('b', ['lvchange', '-an', `${LAB_VG}/${lv('vol', 'v1')}`]);
    }
    assert.ok((await rawLvs()).has(lv('vol', 'v1')), 'nothing was removed');
  });

  test('COW snapshot, delete refused while it exists, clone, create from snapshot, revert: data checked', async () => {
    await writeMarker('a', lv('vol', 'v1'), MARK_A);
    const snap = await api('POST', '/v1/snapshots', { id: 's1', volume_id: 'v1', name: 'before' });
    assert.equal(snap.status, 201, JSON.stringify(snap.body));
    assert.equal(snap.body.type, 'cow');
    assert.equal((await rawLvs()).get(lv('snap', 's1'))!.lv_attr[0], 's');
    assert.deepEqual((await api('GET', '/v1/volumes/v1')).body.snapshot_ids, ['s1']);
    assert.equal((await api('GET', '/v1/snapshots?volume_id=v1')).body.items.length, 1);
    assert.equal((await api('GET', '/v1/snapshots/s1')).body.name, 'before');
    const refused = await api('DELETE', '/v1/volumes/v1');
    assert.equal(refused.status, 409);
    assert.equal(refused.body.code, 'has_snapshots');

    await writeMarker('a', lv('vol', 'v1'), MARK_B);
    const clone = await api('POST', '/v1/volumes', { id: 'c1', name: 'clone', vg: LAB_VG, source_volume_id: 'v1' });
    assert.equal(clone.status, 201, JSON.stringify(clone.body));
    assert.equal(clone.body.status, 'available');
    assert.equal(await readMarker('a', lv('vol', 'c1'), MARK_B.length), MARK_B, 'the clone has the current data');
    const restored = await api('POST', '/v1/volumes', { id: 'r1', name: 'restored', vg: LAB_VG, source_snapshot_id: 's1' });
    assert.equal(restored.status, 201, JSON.stringify(restored.body));
    assert.equal(await readMarker('a', lv('vol', 'r1'), MARK_A.length), MARK_A, 'the volume from the snapshot has the old data');

    const reverted = await api('POST', '/v1/volumes/v1/revert', { snapshot_id: 's1' });
    assert.equal(reverted.status, 200, JSON.stringify(reverted.body));
    assert.deepEqual(reverted.body.snapshot_ids, []);
    assert.equal(await readMarker('a', lv('vol', 'v1'), MARK_A.length), MARK_A, 'reverted to the snapshot data');
    assert.equal((await api('GET', '/v1/snapshots/s1')).status, 404, 'the merge consumed the snapshot');
    assert.deepEqual(await heldLocks(), [], 'no LV lock left on the control node');
  });

  test('deleting a COW snapshot (origin held here briefly), then the volume with wipe=zero', async () => {
    assert.equal((await api('POST', '/v1/snapshots', { id: 's2', volume_id: 'c1', name: 'tmp', cow_size_gib: 0.01 })).status, 201);
    assert.equal((await api('DELETE', '/v1/snapshots/s2')).status, 204);
    assert.equal((await rawLvs()).has(lv('snap', 's2')), false);
    const wiped = await api('DELETE', '/v1/volumes/c1?wipe=zero');
    assert.equal(wiped.status, 202, JSON.stringify(wiped.body));
    assert.equal(wiped.body.kind, 'wipe');
    assert.equal((await rawLvs()).has(lv('vol', 'c1')), false, 'renamed out of the way at once');
    assert.equal((await api('GET', '/v1/volumes/c1')).status, 404, 'never served from the cache after delete');
    let operation = wiped.body;
    for (let i = 0; i < 600 && operation.state === 'running'; i++) {
      await new Promise((r) => setTimeout(r, 500));
      operation = (await api('GET', `/v1/operations/${operation.id}`)).body;
    }
    assert.equal(operation.state, 'succeeded', JSON.stringify(operation));
    assert.equal([...(await rawLvs()).keys()].some((name) => name.includes('c1')), false, 'removed once wiped');
    assert.deepEqual(await heldLocks(), []);
  });

  test('thin: pool created on demand, thin volume, thin snapshot, thin clone, revert; the pool lock is released', async () => {
    const thin = await api('POST', '/v1/volumes', { id: 't1', name: 'thin', vg: LAB_VG, size_gib: 0.05, type: 'thin' });
    assert.equal(thin.status, 201, JSON.stringify(thin.body));
    assert.equal(thin.body.type, 'thin');
    assert.equal(thin.body.thin_pool, THIN_POOL);
    const raw = await rawLvs();
    assert.equal(raw.get(THIN_POOL)!.lv_attr[0], 't');
    assert.equal(raw.get(lv('vol', 't1'))!.lv_attr[0], 'V');
    assert.deepEqual(await heldLocks(), [], 'the thin pool lock is given back');
    await writeMarker('a', lv('vol', 't1'), MARK_A);
    const snap = await api('POST', '/v1/snapshots', { id: 'ts1', volume_id: 't1', name: 'thin-before' });
    assert.equal(snap.status, 201, JSON.stringify(snap.body));
    assert.equal(snap.body.type, 'thin');
    await writeMarker('a', lv('vol', 't1'), MARK_B);
    const clone = await api('POST', '/v1/volumes', { id: 't2', name: 'thin-clone', vg: LAB_VG, source_volume_id: 't1' });
    assert.equal(clone.status, 201, JSON.stringify(clone.body));
    assert.equal(await readMarker('a', lv('vol', 't2'), MARK_B.length), MARK_B);
    const reverted = await api('POST', '/v1/volumes/t1/revert', { snapshot_id: 'ts1' });
    assert.equal(reverted.status, 200, JSON.stringify(reverted.body));
    assert.equal(await readMarker('a', lv('vol', 't1'), MARK_A.length), MARK_A);
    const vg = (await api('GET', `/v1/vgs/${LAB_VG}`)).body;
    assert.equal(vg.thin_pool.name, THIN_POOL);
    assert.ok(vg.thin_pool.provisioned_bytes >= 2 * thin.body.size_bytes);
    assert.equal((await api('DELETE', '/v1/volumes/t2?wipe=zero')).status, 422, 'wipe is for thick volumes');
    assert.equal((await api('DELETE', '/v1/volumes/t2')).status, 204);
    assert.equal((await api('DELETE', '/v1/volumes/t1')).status, 204);
    assert.deepEqual(await heldLocks(), []);
  });

  test('manage adopts an existing LV keeping its data; unmanage hands it back', async () => {
    const legacy = `${LV_PREFIX}legacy`;
    await labRun('a', ['lvcreate', '-y', '-an', '-L', '8m', '-n', legacy, LAB_VG]);
    await writeMarker('a', legacy, MARK_A);
    const adopted = await api('POST', '/v1/volumes/manage', { vg: LAB_VG, lv_name: legacy, id: 'm1', name: 'legacy' });
    assert.equal(adopted.status, 201, JSON.stringify(adopted.body));
    assert.deepEqual(adopted.body.source, { kind: 'adopted', id: legacy });
    assert.equal(await readMarker('a', lv('vol', 'm1'), MARK_A.length), MARK_A);
    const released = await api('POST', '/v1/volumes/m1/unmanage', { lv_name: `${LV_PREFIX}legacy2` });
    assert.equal(released.status, 200, JSON.stringify(released.body));
    const raw = await rawLvs();
    assert.ok(raw.has(`${LV_PREFIX}legacy2`));
    assert.doesNotMatch(raw.get(`${LV_PREFIX}legacy2`)!.lv_tags, /slvm\./);
    assert.equal((await api('GET', '/v1/volumes/m1')).status, 404);
  });

  test('a restarted agent lists exactly what exists (state lives in LVM only)', async () => {
    const before = (await api('GET', '/v1/volumes?refresh=true')).body.items;
    await agent.stop();
    agent = await startLabAgent();
    const after = (await api('GET', '/v1/volumes')).body.items;
    assert.deepEqual(after, before);
    assert.deepEqual(after.map((v: { id: string }) => v.id).sort(), ['r1', 'v1']);
  });

  test('cleanup through the API leaves none of our volumes', async () => {
    for (const id of ['v1', 'r1']) assert.equal((await api('DELETE', `/v1/volumes/${id}`)).status, 204);
    assert.deepEqual((await api('GET', '/v1/volumes?refresh=true')).body.items, []);
  });
});
