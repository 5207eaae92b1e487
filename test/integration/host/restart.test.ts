// Host failure and reboot on the lab (run once: the takeover alone takes about 90 s). Node b holds
// one attached volume (`keep`) and, outside any attachment, one exclusively activated LV (`take`).
// b is killed (kill -9 of its qemu): a gets `take` only after b's lease expired (takeover time) and the
// control agent never touches `keep`. b boots again; its agent lock-starts the VG and re-acquires
// `keep` exclusively before it answers at all (restore before ready).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { LAB_VG, checkLockspace, labExec, labKill, labRun, labStartNode, labUp } from '../../lab/client.js';
import { LV_PREFIX, call, lvmlockdMode, removeOurLvs, sanlockLease, startAgent, type LabAgent } from './lab-agents.js';

let a: LabAgent;
let b: LabAgent | undefined;
const keep = `${LV_PREFIX}vol-keep`;
const take = `${LV_PREFIX}take`;
const figures: Record<string, number> = {};

describe('host b killed and restarted', { timeout: 1_200_000 }, () => {
  let keepUuid = '';

  before(async () => {
    await labUp();
    await removeOurLvs();
    b = await startAgent('b');
    a = await startAgent('a');
    const created = await call(a, 'POST', '/v1/volumes', { id: 'keep', name: 'keep', vg: LAB_VG, size_gib: 0.0625 });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    keepUuid = created.body.lv_uuid;
    await labRun('a', ['lvcreate', '-q', '-an', '-L', '8m', '-n', take, LAB_VG]);
  });

  after(async () => {
    // Leave the lab healthy: b up and lock-started even if a step failed half-way.
    if ((await labExec('b', ['true'], { timeoutMs: 5000 }).catch(() => ({ code: 1 }))).code !== 0) await labStartNode('b');
    const started = await labExec('b', ['sanlock', 'client', 'status']);
    if (!started.stdout.includes(`s lvm_${LAB_VG}:2:`)) await labRun('b', ['vgchange', '--lock-start', LAB_VG], { timeoutMs: 300_000 });
    await checkLockspace('b');
    if (a) await call(a, 'DELETE', '/v1/attachments/keep/b');
    await Promise.all([a?.stop(), b?.stop()]);
    await removeOurLvs();
    process.stderr.write(`[host-mode restart] figures (s): ${JSON.stringify(figures)}\n`);
  });

  test('takeover: a gets the LV b held only after b\'s lease expired; the attached one stays untouched', async () => {
    const attached = await call(a, 'POST', '/v1/attachments', { volume_id: 'keep', host: 'b' });
    assert.equal(attached.status, 201, JSON.stringify(attached.body));
    await labRun('b', ['lvchange', '-aey', `${LAB_VG}/${take}`]);
    assert.equal(await lvmlockdMode('b', keepUuid), 'ex');

    // Never pull the node from under another suite's agent (only when suites share one lab).
    for (const deadline = Date.now() + 600_000; ;) {
      const ps = await labRun('b', ['ps', '-eo', 'pid,args']);
      const foreign = ps.split('\n').filter((line) => line.includes('sharedlvm-agent') && !line.trim().startsWith(`${b!.pid} `));
      if (foreign.length === 0) break;
      if (Date.now() > deadline) assert.fail(`other agents keep running on node b:\n${foreign.join('\n')}`);
      await new Promise((resolve) => setTimeout(resolve, 5000));
    }
    const killedAt = Date.now();
    await labKill('b');
    b = undefined;
    let attempts = 0;
    for (;;) {
      attempts += 1;
      const r = await labExec('a', ['lvchange', '-aey', `${LAB_VG}/${take}`], { timeoutMs: 60_000 });
      if (r.code === 0) break;
      assert.match(r.stderr, /locked by other host|Failed to lock/, 'refused because b still holds it');
      if (Date.now() - killedAt > 240_000) assert.fail(`no takeover within 240 s (${attempts} attempts)`);
      await new Promise((resolve) => setTimeout(resolve, 2000));
    }
    figures.takeover = (Date.now() - killedAt) / 1000;
    assert.ok(figures.takeover > 30, `the lease protected b's lock for ${figures.takeover} s`);
    await labRun('a', ['lvchange', '-an', `${LAB_VG}/${take}`]);
    // The record still says b: the control agent does not hand b's attachment to anyone else.
    const record = await call(a, 'GET', '/v1/attachments/keep/b');
    assert.equal(record.status, 200);
    assert.equal(await lvmlockdMode('a', keepUuid), undefined);
  });

  test('restart: b\'s agent lock-starts and re-acquires its attachment exclusively before it answers', async () => {
    const bootAt = Date.now();
    await labStartNode('b');
    figures.boot = (Date.now() - bootAt) / 1000;
    assert.equal((await labExec('b', ['lvmlockctl', '--info'])).stdout.includes(`LK LV ex ${keepUuid}`), false, 'a rebooted host holds nothing');
    b = await startAgent('b');
    figures.agentStartWithRestore = b.startSeconds;
    figures.restoreAfterBoot = (Date.now() - bootAt) / 1000;
    // The first answer already finds the lock held: the agent listened only after the restore.
    const lease = await sanlockLease('b', keepUuid);
    assert.match(lease ?? '', new RegExp(`^r lvm_${LAB_VG}:${keepUuid}:.*:\\d+ p \\d+$`));
    assert.equal(await lvmlockdMode('b', keepUuid), 'ex');
    const status = await call(b, 'GET', '/v1/host');
    assert.equal(status.body.restore.ok, true, JSON.stringify(status.body.restore));
    assert.deepEqual(status.body.restore.volumes.map((v: { volume_id: string; lock: string }) => [v.volume_id, v.lock]), [['keep', 'exclusive']]);
    figures.restoreReport = status.body.restore.seconds;
    const refused = await labExec('a', ['lvchange', '-aey', `${LAB_VG}/${keep}`]);
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr, /locked by other host/);
    const detached = await call(a, 'DELETE', '/v1/attachments/keep/b');
    assert.equal(detached.status, 204, JSON.stringify(detached.body));
  });
});
