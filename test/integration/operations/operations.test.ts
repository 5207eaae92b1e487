// Long operations on the lab's real shared VG (lvm2 + lvmlockd + sanlock + lvmpolld): an online pvmove
// of a volume attached to node a while a reader checks its data, a move that survives the agent (and
// lvmpolld) being killed, a thick -> thin retype that keeps the data, and a wipe on delete that leaves
// zeros on the PV, and a move of a volume attached to node b that b's agent runs (it holds the LV lock).
// Agents: node a in `all` mode (control + host a), node b in `host` mode. One sequence of steps.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { LAB_VG, labAwaitExit, labExec, labRun, labSpawn, requireLab, type LabNode } from '../../lab/client.js';
import { startAgent, startAgents, type LabAgent } from '../../lab/agents.js';
import { labHttp } from '../../lab/http.js';

const TOKEN = 'operations-test-token-0123456789';
const PREFIX = 'opx-';
const MiB = 2 ** 20;
let agent: LabAgent;
let hostB: LabAgent | undefined;
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

/** Polls until the copy has begun (percent > 0), within a deadline: the moment to kill things. Fails
 *  when the operation ended first or never reported progress: a kill then would interrupt nothing. */
async function waitCopyBegun(id: string, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const op = (await api('GET', `/v1/operations/${id}`)).body;
    assert.equal(op.state, 'running', `the move ended before the copy was seen to begin: ${JSON.stringify(op)}`);
    if (op.percent > 0) return;
    assert.ok(Date.now() < deadline, `no progress within ${timeoutMs} ms: ${JSON.stringify(op)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** The devices of each segment of an LV (hidden ones too) on `node`, as `lvs -a -o devices` gives them:
 *  `pvmoveN(0)` while a move maps it through pvmoveN. */
async function devicesOf(node: LabNode, lv: string): Promise<string> {
  const out = await labRun(node, ['lvs', '-a', '--reportformat', 'json', '-o', 'lv_name,devices', LAB_VG]);
  const rows = (JSON.parse(out) as { report: { lv: { lv_name: string; devices: string }[] }[] }).report[0]!.lv;
  return rows.filter((row) => row.lv_name.replace(/^\[(.*)\]$/, '$1') === lv).map((row) => row.devices).join(',');
}

/** Waits (10 s at most) until no lvmpolld and none of its `lvm lvpoll --polloperation` children run on `node`. */
async function noPoller(node: LabNode): Promise<void> {
  for (const deadline = Date.now() + 10_000; ;) {
    const left = await labExec(node, ['pgrep', '-a', '-f', 'lvmpolld|polloperation']);
    if (left.code === 1) return;
    assert.ok(Date.now() < deadline, `still polling the move on ${node}: ${left.stdout}${left.stderr}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

const dev = (lv: string) => `/dev/mapper/${LAB_VG}-${lv.replaceAll('-', '--')}`;
const lvOf = (id: string) => `${PREFIX}vol-${id}`;

async function fill(lv: string, mib: number, node: LabNode = 'a'): Promise<string> {
  await labRun(node, ['dd', 'if=/dev/urandom', `of=${dev(lv)}`, 'bs=4M', `count=${mib / 4}`, 'oflag=direct', 'status=none'], { timeoutMs: 300_000 });
  return md5(lv, node);
}

async function md5(lv: string, node: LabNode = 'a'): Promise<string> {
  return (await labRun(node, ['md5sum', dev(lv)], { timeoutMs: 300_000 })).split(' ')[0]!;
}

/** Starts a loop on `node` that checksums the first 32 MiB of the LV (O_DIRECT) into /tmp/opx-reads;
 *  returns the checksum before. */
async function startReader(node: LabNode, lv: string): Promise<string> {
  await labRun(node, ['rm', '-f', '/tmp/opx-reads']);
  const head = (await labRun(node, ['sh', '-c', `dd if=${dev(lv)} bs=1M count=32 iflag=direct status=none | md5sum`])).split(' ')[0]!;
  await labSpawn(node, ['sh', '-c', `echo opx-reader >/dev/null; while :; do dd if=${dev(lv)} bs=1M count=32 iflag=direct status=none | md5sum >>/tmp/opx-reads; done`], { logFile: '/tmp/opx-reader.log' });
  return head;
}

/** Stops the reader; returns the checksums it saw. */
async function stopReader(node: LabNode): Promise<string[]> {
  await labExec(node, ['pkill', '-f', 'opx-reader']);
  return (await labRun(node, ['cat', '/tmp/opx-reads'])).trim().split('\n').filter(Boolean).map((line) => line.split(' ')[0]!);
}

async function removeOurLvs(): Promise<void> {
  const out = await labRun('a', ['lvs', '--reportformat', 'json', '-o', 'lv_name', LAB_VG]);
  const names = (JSON.parse(out) as { report: { lv: { lv_name: string }[] }[] }).report[0]!.lv.map((row) => row.lv_name).filter((name) => name.startsWith(PREFIX));
  for (const name of names) await labExec('a', ['lvchange', '-an', `${LAB_VG}/${name}`]);
  for (const name of names) await labExec('a', ['lvremove', '-y', `${LAB_VG}/${name}`]);
}

describe('long operations on the lab VG', { timeout: 1_800_000 }, () => {
  before(async () => {
    await requireLab('the long-operation tests');
    await removeOurLvs();
    ({ a: agent, b: hostB } = await startAgents({ token: TOKEN, lvPrefix: PREFIX, thinPool: `${PREFIX}pool` }));
  });

  after(async () => {
    for (const node of ['a', 'b'] as const) await labExec(node, ['pkill', '-f', 'opx-reader']).catch(() => undefined);
    await agent?.stop();
    await hostB?.stop();
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
    const head = await startReader('a', lvOf('mv'));
    const started = Date.now();
    const moved = await api('POST', '/v1/volumes/mv/move', { pv: target });
    assert.equal(moved.status, 202, JSON.stringify(moved.body));
    assert.equal(moved.body.kind, 'move');
    const { op, seen } = await waitOperation(moved.body.id);
    const seconds = (Date.now() - started) / 1000;
    const reads = await stopReader('a');
    assert.equal(op.state, 'succeeded', JSON.stringify(op));
    const after = (await api('GET', '/v1/volumes/mv?refresh=true')).body;
    assert.deepEqual(after.pvs, [target]);
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

  test('a volume attached to b moves on b (the LV lock holder) with a reader on b checking; control agent and b\'s lvmpolld killed, the restarted agent completes it', async () => {
    await createVolume('mb', 1024);
    const attach = await api('POST', '/v1/attachments', { volume_id: 'mb', host: 'b' });
    assert.equal(attach.status, 201, JSON.stringify(attach.body));
    const sum = await fill(lvOf('mb'), 1024, 'b');
    const from = (await api('GET', '/v1/volumes/mb?refresh=true')).body.pvs[0];
    const target = from === '/dev/vda' ? '/dev/vdb' : '/dev/vda';
    const head = await startReader('b', lvOf('mb'));
    const started = Date.now();
    const moved = await api('POST', '/v1/volumes/mb/move', { pv: target });
    assert.equal(moved.status, 202, JSON.stringify(moved.body));
    assert.equal(moved.body.host, 'b', 'the move runs on the holder');
    // The control agent dies once the copy has begun; the move goes on on b (its lvmpolld polls it).
    await waitCopyBegun(moved.body.id);
    await labExec('a', ['kill', '-9', String(agent.pid)]);
    await labAwaitExit('a', agent.pid);
    // b's lvmpolld dies too: nobody finishes the move until the restarted control agent, watching it
    // on b, sees it stall and has b hand it to lvmpolld again.
    await labExec('b', ['pkill', '-9', 'lvmpolld']);
    await labExec('b', ['pkill', '-9', '-f', 'polloperation']);
    await labRun('b', ['lvmpolld', '-t', '0']);
    assert.match(await labRun('b', ['lvs', '-a', '-o', 'lv_name', LAB_VG]), /pvmove/, 'the move is left unfinished on b');
    const restartedAt = Date.now();
    agent = await startAgent('a', { token: TOKEN, lvPrefix: PREFIX, thinPool: `${PREFIX}pool` });
    const op = (await api('GET', '/v1/operations?volume_id=mb')).body.items[0];
    assert.ok(op, 'the restarted agent lists the move');
    assert.equal(op.id, moved.body.id, 'under the id the client was given');
    assert.equal(op.resumed, true);
    assert.equal(op.state, 'running', 'watched on b');
    assert.equal(op.host, 'b');
    const { op: done } = await waitOperation(op.id);
    figures.remote_resume_seconds = (Date.now() - restartedAt) / 1000;
    assert.equal(done.state, 'succeeded', JSON.stringify(done));
    assert.equal(done.host, 'b');
    figures.remote_move_1GiB_seconds = (Date.now() - started) / 1000;
    const reads = await stopReader('b');
    assert.ok(reads.length >= 1, 'the reader on b read the device during the move');
    assert.deepEqual([...new Set(reads)], [head], 'every read on b during the move saw the same data');
    figures.remote_move_reads_during = reads.length;
    assert.deepEqual((await api('GET', '/v1/volumes/mb?refresh=true')).body.pvs, [target]);
    assert.doesNotMatch(await labRun('b', ['lvs', '-a', '-o', 'lv_name', LAB_VG]), /pvmove/);
    assert.equal(await md5(lvOf('mb'), 'b'), sum, 'data unchanged');
    assert.equal((await api('DELETE', '/v1/attachments/mb/b')).status, 204);
    assert.equal((await api('DELETE', '/v1/volumes/mb')).status, 204);
  });

  test('tracking overhead: the same 256 MiB move as a bare pvmove and as an agent operation', async () => {
    await createVolume('ov', 256, { pv: '/dev/vda' });
    const lv = `${LAB_VG}/${lvOf('ov')}`;
    assert.match(await labRun('a', ['lvs', '--noheadings', '-o', 'devices', lv]), /\/dev\/vda\(/, 'created on the PV asked for');
    // Bare: a foreground pvmove of the active LV (lvmpolld polls it every 2 s, as for the agent's).
    await labRun('a', ['lvchange', '-aey', lv]);
    let started = Date.now();
    await labRun('a', ['pvmove', '-i', '2', '-n', lv, '/dev/vda', '/dev/vdb'], { timeoutMs: 600_000 });
    const bare = (Date.now() - started) / 1000;
    await labRun('a', ['lvchange', '-an', lv]);
    // The agent: the same move back, with its tag, activation, polling and clean-up, as a client sees it.
    started = Date.now();
    const moved = await api('POST', '/v1/volumes/ov/move', { pv: '/dev/vda' });
    assert.equal(moved.status, 202, JSON.stringify(moved.body));
    const { op } = await waitOperation(moved.body.id);
    const tracked = (Date.now() - started) / 1000;
    assert.equal(op.state, 'succeeded', JSON.stringify(op));
    assert.deepEqual((await api('GET', '/v1/volumes/ov?refresh=true')).body.pvs, ['/dev/vda']);
    figures.overhead_256MiB = { bare_pvmove_s: bare, agent_operation_s: tracked, overhead_s: Math.round((tracked - bare) * 10) / 10 };
    assert.equal((await api('DELETE', '/v1/volumes/ov')).status, 204);
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
    await waitCopyBegun(moved.body.id);
    await labExec('a', ['kill', '-9', String(agent.pid)]);
    await labAwaitExit('a', agent.pid);
    await labExec('a', ['pkill', '-9', 'lvmpolld']);
    await labExec('a', ['pkill', '-9', '-f', 'polloperation']); // lvmpolld's poller of this move
    // Precondition: the move really was interrupted. Nothing polls it any more, and the volume still
    // maps through the pvmove LV (only a poller's last step would put it back on its own extents).
    await noPoller('a');
    const midway = await devicesOf('a', lvOf('kl'));
    const through = midway.split(',').every((device) => /^pvmove\d+\(\d+\)$/.test(device));
    assert.ok(through, `killed while ${lvOf('kl')} mapped through a pvmove LV (its devices: ${midway || 'none'})`);
    const pvmoveLv = /^(pvmove\d+)/.exec(midway)![1]!;
    assert.match(await devicesOf('a', pvmoveLv), /\/dev\/vd[ab]/, `${pvmoveLv} is there, on the PVs`);
    figures.kill_left_pvmove = midway;
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
