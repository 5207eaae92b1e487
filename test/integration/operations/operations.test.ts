// Long operations on the lab's real shared VG (lvm2 + lvmlockd + sanlock + lvmpolld): an online pvmove
// of a volume attached to node a while a reader checks its data, a move that survives the agent (and
// lvmpolld) being killed, a thick -> thin retype that keeps the data, and a wipe on delete that leaves
// zeros on the PV. The agent runs on node a in `all` mode. One sequence of steps.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { LAB_VG, labExec, labRun, labSpawn, labUp } from '../../lab/client.js';
import { startAgent, type LabAgent } from '../../lab/agents.js';
import { labHttp } from '../../lab/http.js';

const TOKEN = 'operations-test-token-0123456789';
const PREFIX = 'opx-';
const MiB = 2 ** 20;
let agent: LabAgent;
const figures: Record<string, unknown> = {};

async function api(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const reply = await labHttp(agent.url + path, { method, headers: { authorization: `Bearer ${TOKEN}` }, body, timeoutMs: 300_000 });
  return { status: reply.status, body: reply.body };
}

async function createVolume(id: string, mib: number, extra: Record<string, unknown> = {}): Promise<void> {
  const reply = await api('POST', '/v1/volumes', { id, name: id, vg: LAB_VG, size_gib: mib / 1024, ...extra });
  assert.equal(reply.status, 201, JSON.stringify(reply.body));
}

/** Polls the operation until it ends; returns it with the percentages seen on the way. */
async function waitOperation(id: string, timeoutMs = 300_000): Promise<{ op: any; seen: number[] }> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const seen: number[] = [];
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const reply = await api('GET', `/v1/operations/${id}`);
    assert.equal(reply.status, 200, JSON.stringify(reply.body));
    seen.push(reply.body.percent);
    if (reply.body.state !== 'running') return { op: reply.body, seen };
    assert.ok(Date.now() < deadline, `operation ${id} still running after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

const dev = (lv: string) => `/dev/mapper/${LAB_VG}-${lv.replaceAll('-', '--')}`;
const lvOf = (id: string) => `${PREFIX}vol-${id}`;

async function fill(lv: string, mib: number): Promise<string> {
  await labRun('a', ['dd', 'if=/dev/urandom', `of=${dev(lv)}`, 'bs=4M', `count=${mib / 4}`, 'oflag=direct', 'status=none'], { timeoutMs: 300_000 });
  return md5(lv);
}

async function md5(lv: string): Promise<string> {
  return (await labRun('a', ['md5sum', dev(lv)], { timeoutMs: 300_000 })).split(' ')[0]!;
}

async function removeOurLvs(): Promise<void> {
  const out = await labRun('a', ['lvs', '--reportformat', 'json', '-o', 'lv_name', LAB_VG]);
  const names = (JSON.parse(out) as { report: { lv: { lv_name: string }[] }[] }).report[0]!.lv.map((row) => row.lv_name).filter((name) => name.startsWith(PREFIX));
  for (const name of names) await labExec('a', ['lvchange', '-an', `${LAB_VG}/${name}`]);
  for (const name of names) await labExec('a', ['lvremove', '-y', `${LAB_VG}/${name}`]);
}

describe('long operations on the lab VG', { timeout: 1_800_000 }, () => {
  before(async () => {
    await labUp();
    await removeOurLvs();
    agent = await startAgent('a', { token: TOKEN, lvPrefix: PREFIX, thinPool: `${PREFIX}pool` });
  });

  after(async () => {
    await labExec('a', ['pkill', '-f', 'opx-reader']).catch(() => undefined);
    await agent?.stop();
    await removeOurLvs();
    process.stderr.write(`[operations] figures: ${JSON.stringify(figures)}\n`);
  });

  test('online move of a volume attached to a while a reader checks the data; a PV outside the VG is a 400', async () => {
    await createVolume('mv', 512);
    const attach = await api('POST', '/v1/attachments', { volume_id: 'mv', host: 'a' });
    assert.equal(attach.status, 201, JSON.stringify(attach.body));
    const sum = await fill(lvOf('mv'), 512);
    const before = (await api('GET', '/v1/volumes/mv?refresh=true')).body;
    assert.equal(before.pvs.length, 1);
    const target = before.pvs[0] === '/dev/vda' ? '/dev/vdb' : '/dev/vda';

    const badPv = await api('POST', '/v1/volumes/mv/move', { pv: '/dev/nope' });
    assert.equal(badPv.status, 400);
    assert.match(badPv.body.detail, /not a physical volume of volume group/);

    // The reader checksums the device over and over during the move.
    await labRun('a', ['rm', '-f', '/tmp/opx-reads']);
    const head = (await labRun('a', ['sh', '-c', `dd if=${dev(lvOf('mv'))} bs=1M count=32 iflag=direct status=none | md5sum`])).split(' ')[0];
    await labSpawn('a', ['sh', '-c', `echo opx-reader >/dev/null; while :; do dd if=${dev(lvOf('mv'))} bs=1M count=32 iflag=direct status=none | md5sum >>/tmp/opx-reads; done`], { logFile: '/tmp/opx-reader.log' });
    const started = Date.now();
    const moved = await api('POST', '/v1/volumes/mv/move', { pv: target });
    assert.equal(moved.status, 202, JSON.stringify(moved.body));
    assert.equal(moved.body.kind, 'move');
    const { op, seen } = await waitOperation(moved.body.id);
    const seconds = (Date.now() - started) / 1000;
    await labExec('a', ['pkill', '-f', 'opx-reader']);
    assert.equal(op.state, 'succeeded', JSON.stringify(op));
    const after = (await api('GET', '/v1/volumes/mv?refresh=true')).body;
    assert.deepEqual(after.pvs, [target]);
    const reads = (await labRun('a', ['cat', '/tmp/opx-reads'])).trim().split('\n').filter(Boolean).map((line) => line.split(' ')[0]);
    assert.ok(reads.length >= 1, 'the reader read the device during the move');
    assert.deepEqual([...new Set(reads)], [head], 'every read during the move saw the same data');
    assert.equal(await md5(lvOf('mv')), sum);
    figures.move_512MiB_seconds = seconds;
    figures.move_MiB_per_s = Math.round((512 / seconds) * 10) / 10;
    figures.move_percent_samples = seen;
    figures.move_reads_during = reads.length;

    const detach = await api('DELETE', '/v1/attachments/mv/a');
    assert.equal(detach.status, 204, JSON.stringify(detach.body));
  });

  test('agent and lvmpolld killed during a move: the restarted agent resumes it and reports it', async () => {
    await createVolume('kl', 1024);
    await labRun('a', ['lvchange', '-aey', `${LAB_VG}/${lvOf('kl')}`]);
    const sum = await fill(lvOf('kl'), 1024);
    await labRun('a', ['lvchange', '-an', `${LAB_VG}/${lvOf('kl')}`]);
    const from = (await api('GET', '/v1/volumes/kl?refresh=true')).body.pvs[0];
    const target = from === '/dev/vda' ? '/dev/vdb' : '/dev/vda';
    const moved = await api('POST', '/v1/volumes/kl/move', { pv: target });
    assert.equal(moved.status, 202, JSON.stringify(moved.body));
    // Kill once the copy has begun: the agent, then lvmpolld (nobody polls the move any more).
    for (let i = 0; i < 200; i++) {
      const op = (await api('GET', `/v1/operations/${moved.body.id}`)).body;
      if (op.percent > 0 || op.state !== 'running') break;
      await new Promise((r) => setTimeout(r, 200));
    }
    await labExec('a', ['kill', '-9', String(agent.pid)]);
    await labExec('a', ['pkill', '-9', 'lvmpolld']);
    await labExec('a', ['pkill', '-9', '-f', 'polloperation']); // lvmpolld's poller of this move
    const midway = await labRun('a', ['lvs', '-a', '--reportformat', 'json', '-o', 'lv_name,devices', LAB_VG]);
    figures.kill_left_pvmove = /pvmove/.test(midway);
    await labRun('a', ['lvmpolld', '-t', '0']); // as its systemd socket would after a crash
    const restartedAt = Date.now();
    agent = await startAgent('a', { token: TOKEN, lvPrefix: PREFIX, thinPool: `${PREFIX}pool` });
    const list = await api('GET', '/v1/operations?volume_id=kl');
    assert.equal(list.status, 200);
    const op = list.body.items[0];
    assert.ok(op, 'the restarted agent lists the interrupted move');
    assert.equal(op.id, moved.body.id, 'under the id the client was given');
    assert.equal(op.resumed, true);
    const { op: done } = await waitOperation(op.id);
    assert.equal(done.state, 'succeeded', JSON.stringify(done));
    figures.resume_seconds = (Date.now() - restartedAt) / 1000;
    const volume = (await api('GET', '/v1/volumes/kl?refresh=true')).body;
    assert.deepEqual(volume.pvs, [target], 'the move completed');
    assert.doesNotMatch(await labRun('a', ['lvs', '-a', '-o', 'lv_name', LAB_VG]), /pvmove/);
    await labRun('a', ['lvchange', '-aey', `${LAB_VG}/${lvOf('kl')}`]);
    assert.equal(await md5(lvOf('kl')), sum, 'data unchanged');
    await labRun('a', ['lvchange', '-an', `${LAB_VG}/${lvOf('kl')}`]);
    assert.equal((await api('DELETE', '/v1/volumes/kl')).status, 204);
  });

  test('retype thick -> thin keeps the id and the data; refused while attached', async () => {
    await createVolume('rt', 64);
    await labRun('a', ['lvchange', '-aey', `${LAB_VG}/${lvOf('rt')}`]);
    const sum = await fill(lvOf('rt'), 64);
    await labRun('a', ['lvchange', '-an', `${LAB_VG}/${lvOf('rt')}`]);
    assert.equal((await api('POST', '/v1/attachments', { volume_id: 'rt', host: 'a' })).status, 201);
    const refused = await api('POST', '/v1/volumes/rt/retype', { type: 'thin' });
    assert.equal(refused.status, 409);
    assert.equal(refused.body.code, 'has_attachments');
    assert.equal((await api('DELETE', '/v1/attachments/rt/a')).status, 204);
    const started = Date.now();
    const retyped = await api('POST', '/v1/volumes/rt/retype', { type: 'thin' });
    assert.equal(retyped.status, 202, JSON.stringify(retyped.body));
    const { op } = await waitOperation(retyped.body.id);
    assert.equal(op.state, 'succeeded', JSON.stringify(op));
    figures.retype_64MiB_seconds = (Date.now() - started) / 1000;
    const volume = (await api('GET', '/v1/volumes/rt?refresh=true')).body;
    assert.equal(volume.id, 'rt');
    assert.equal(volume.type, 'thin');
    assert.equal(volume.name, 'rt');
    await labRun('a', ['lvchange', '-aey', `${LAB_VG}/${lvOf('rt')}`]);
    assert.equal(await md5(lvOf('rt')), sum, 'checksum unchanged after the retype');
    await labRun('a', ['lvchange', '-an', `${LAB_VG}/${lvOf('rt')}`, `${LAB_VG}/${PREFIX}pool`]);
    assert.equal((await api('DELETE', '/v1/volumes/rt')).status, 204);
  });

  test('delete with wipe=zero: gone from the API at once, zeros on the PV where it was, space free after', async () => {
    await createVolume('wp', 64);
    await labRun('a', ['lvchange', '-aey', `${LAB_VG}/${lvOf('wp')}`]);
    await fill(lvOf('wp'), 64);
    await labRun('a', ['lvchange', '-an', `${LAB_VG}/${lvOf('wp')}`]);
    const seg = JSON.parse(await labRun('a', ['lvs', '--reportformat', 'json', '--units', 'b', '--nosuffix', '-o', 'seg_pe_ranges,vg_extent_size', `${LAB_VG}/${lvOf('wp')}`])).report[0].lv[0];
    const [, pv, first, last] = /^(\/dev\/\w+):(\d+)-(\d+)/.exec(seg.seg_pe_ranges)!;
    const peStart = Number(JSON.parse(await labRun('a', ['pvs', '--reportformat', 'json', '--units', 'b', '--nosuffix', '-o', 'pe_start', pv!])).report[0].pv[0].pe_start);
    const extent = Number(seg.vg_extent_size);
    const offsetMiB = (peStart + Number(first) * extent) / MiB;
    const lengthMiB = ((Number(last) - Number(first) + 1) * extent) / MiB;
    const nonZero = async () => Number((await labRun('a', ['sh', '-c', `dd if=${pv} bs=1M skip=${offsetMiB} count=${lengthMiB} iflag=direct status=none | tr -d '\\000' | wc -c`])).trim());
    assert.ok((await nonZero()) > 0, 'the PV holds the data before');
    const freeBefore = (await api('GET', `/v1/vgs/${LAB_VG}?refresh=true`)).body.free_bytes;
    const deleted = await api('DELETE', '/v1/volumes/wp?wipe=zero');
    assert.equal(deleted.status, 202, JSON.stringify(deleted.body));
    assert.equal((await api('GET', '/v1/volumes/wp')).status, 404, 'gone from the API at once');
    const { op } = await waitOperation(deleted.body.id);
    assert.equal(op.state, 'succeeded', JSON.stringify(op));
    assert.equal(await nonZero(), 0, 'zeros where the volume was');
    const freeAfter = (await api('GET', `/v1/vgs/${LAB_VG}?refresh=true`)).body.free_bytes;
    assert.equal(freeAfter - freeBefore, lengthMiB * MiB, 'the space is free once wiped');
  });
});
