// Host failure and reboot on the lab: ONE kill and restart of node b for every case (the lease expiry
// and the boot cost about two minutes). Before the kill, the control agent (node a, `all` mode) has
// recorded four attachments for b, and b holds them:
//   keep   exclusive, rw                        -> restored exclusive on b
//   multi  multiattach, attached on a and on b  -> restored shared on b while a keeps its shared lock
//   ro     attached read-only                   -> restored exclusive and read-only (lv_attr R, getro 1)
//   lost   exclusive, rw; a takes it raw once b's lease expired (another host took the VM over)
//          -> b's restore fails for it, says which and why (ok: false), restores the rest, and the
//             agent starts anyway; once a lets it go, POST /v1/host/restore restores it too.
// Every lock is checked in the guests (`lvmlockctl --info`, `sanlock client status`), not only in the
// agents' answers.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  LAB_VG, checkLockspace, labExec, labKill, labRun, labStartNode, requireLab, type LabNode,
} from '../../lab/client.js';
import { LV_PREFIX, call, lvmlockdMode, removeOurLvs, sanlockLease, startAgent, type LabAgent } from './lab-agents.js';

let a: LabAgent;
let b: LabAgent | undefined;
const figures: Record<string, number> = {};
const IDS = ['keep', 'multi', 'ro', 'lost'] as const;
type Id = typeof IDS[number];
const uuid: Record<string, string> = {};
const lvOf = (id: Id) => `${LV_PREFIX}vol-${id}`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface RestoredVolume {
  volume_id: string | null; lv_name: string; lock: string; access: string; ok: boolean; error?: string;
}
interface RestoreReport { ok: boolean; volumes: RestoredVolume[]; vgs: { vg: string; started: boolean }[] }

/** `^r lvm_<vg>:<uuid>:<path>:<offset>:SH p <pid>$` for a shared lease, `...:<offset> p <pid>$` for exclusive. */
async function assertLease(node: LabNode, id: Id, mode: 'ex' | 'sh'): Promise<void> {
  const lease = (await sanlockLease(node, uuid[id]!)) ?? '(no lease)';
  const tail = mode === 'sh' ? ':SH p \\d+$' : ':\\d+ p \\d+$';
  assert.match(lease, new RegExp(`^r lvm_${LAB_VG}:${uuid[id]}:.*${tail}`), `${id} on ${node}: sanlock lease ${mode}`);
  assert.equal(await lvmlockdMode(node, uuid[id]!), mode, `${id} on ${node}: lvmlockd holds it ${mode}`);
}

/** The LV as lvm sees it on `node`: its lv_attr and whether the device is read-only there. */
async function localView(node: LabNode, id: Id): Promise<{ attr: string; readOnly: boolean }> {
  const attr = (await labRun(node, ['lvs', '--noheadings', '-o', 'lv_attr', `${LAB_VG}/${lvOf(id)}`])).trim();
  const ro = await labExec(node, ['blockdev', '--getro', `/dev/${LAB_VG}/${lvOf(id)}`]);
  return { attr, readOnly: ro.code === 0 && ro.stdout.trim() === '1' };
}

/** rw: lv_attr `-wi-a-----`, not read-only; ro: permission `R` (read-only activation) and getro 1. */
async function assertAccess(node: LabNode, id: Id, access: 'rw' | 'ro'): Promise<void> {
  const { attr, readOnly } = await localView(node, id);
  assert.equal(attr[4], 'a', `${id} is active on ${node} (lv_attr ${attr})`);
  assert.equal(readOnly, access === 'ro', `${id} on ${node}: blockdev --getro`);
  if (access === 'ro') assert.match(attr[1] ?? '', /^[Rr]$/, `${id} on ${node}: read-only (lv_attr ${attr})`);
  else assert.equal(attr[1], 'w', `${id} on ${node}: writable (lv_attr ${attr})`);
}

function item(report: RestoreReport, id: Id): RestoredVolume {
  const found = report.volumes.find((volume) => volume.volume_id === id);
  assert.ok(found, `the restore report lists ${id}: ${JSON.stringify(report)}`);
  return found;
}

/** The report restored keep, multi and ro as recorded and failed `lost` because a holds it. */
function assertRestoredButLost(report: RestoreReport): void {
  assert.equal(report.ok, false, `one attachment could not be restored: ${JSON.stringify(report)}`);
  assert.deepEqual(report.vgs.map((vg) => [vg.vg, vg.started]), [[LAB_VG, true]]);
  assert.deepEqual(report.volumes.map((volume) => volume.volume_id).sort(), [...IDS].sort());
  const want: [Id, string, string][] = [
    ['keep', 'exclusive', 'rw'], ['multi', 'shared', 'rw'], ['ro', 'exclusive', 'ro'],
  ];
  for (const [id, lock, access] of want) {
    const got = item(report, id);
    assert.deepEqual([got.lock, got.access, got.ok, got.error], [lock, access, true, undefined], id);
  }
  const lost = item(report, 'lost');
  assert.deepEqual([lost.lv_name, lost.lock, lost.access, lost.ok], [lvOf('lost'), 'exclusive', 'rw', false]);
  assert.match(lost.error ?? '', /locked by other host/, 'the reason: another host holds the lock');
}

describe('host b killed and restarted: each kind of attachment restored, one failure', { timeout: 1_200_000 }, () => {
  before(async () => {
    await requireLab('the host restart test');
    await removeOurLvs();
    b = await startAgent('b');
    a = await startAgent('a');
    for (const id of IDS) {
      const body = { id, name: id, vg: LAB_VG, size_gib: 0.0625, ...(id === 'multi' ? { multiattach: true } : {}) };
      const created = await call(a, 'POST', '/v1/volumes', body);
      assert.equal(created.status, 201, JSON.stringify(created.body));
      uuid[id] = created.body.lv_uuid;
    }
  });

  after(async () => {
    // Leave the lab healthy: b up and lock-started even if a step failed half-way.
    const alive = await labExec('b', ['true'], { timeoutMs: 5000 }).catch(() => ({ code: 1 }));
    if (alive.code !== 0) await labStartNode('b');
    const started = await labExec('b', ['sanlock', 'client', 'status']);
    if (!started.stdout.includes(`s lvm_${LAB_VG}:2:`)) {
      await labRun('b', ['vgchange', '--lock-start', LAB_VG], { timeoutMs: 300_000 });
    }
    await checkLockspace('b');
    await Promise.all([a?.stop(), b?.stop()]);
    await removeOurLvs();
    process.stderr.write(`[host-mode restart] figures (s): ${JSON.stringify(figures)}\n`);
  });

  test('before the kill: b holds keep, ro and lost exclusively (ro read-only), multi shared with a', async () => {
    const attachments: [Id, string, string][] = [
      ['keep', 'b', 'rw'], ['multi', 'a', 'rw'], ['multi', 'b', 'rw'], ['ro', 'b', 'ro'], ['lost', 'b', 'rw'],
    ];
    for (const [id, host, mode] of attachments) {
      const attached = await call(a, 'POST', '/v1/attachments', { volume_id: id, host, mode });
      assert.equal(attached.status, 201, `${id} on ${host}: ${JSON.stringify(attached.body)}`);
    }
    for (const id of ['keep', 'ro', 'lost'] as const) await assertLease('b', id, 'ex');
    for (const node of ['a', 'b'] as const) await assertLease(node, 'multi', 'sh');
    await assertAccess('b', 'keep', 'rw');
    await assertAccess('b', 'multi', 'rw');
    await assertAccess('b', 'ro', 'ro');
    await assertAccess('b', 'lost', 'rw');
  });

  test('takeover: a gets lost only after b\'s lease expired; b\'s records and a\'s shared lock stay', async () => {
    // Never pull the node from under another suite's agent (only when suites share one lab).
    for (const deadline = Date.now() + 600_000; ;) {
      const ps = await labRun('b', ['ps', '-eo', 'pid,args']);
      const foreign = ps.split('\n')
        .filter((line) => line.includes('sharedlvm-agent') && !line.trim().startsWith(`${b!.pid} `));
      if (foreign.length === 0) break;
      if (Date.now() > deadline) assert.fail(`other agents keep running on node b:\n${foreign.join('\n')}`);
      await sleep(5000);
    }
    const killedAt = Date.now();
    await labKill('b');
    b = undefined;
    const probe = await labExec('b', ['true'], { timeoutMs: 5000 }).catch(() => ({ code: 1 }));
    assert.notEqual(probe.code, 0, 'b is down');
    let attempts = 0;
    for (;;) {
      attempts += 1;
      const r = await labExec('a', ['lvchange', '-aey', `${LAB_VG}/${lvOf('lost')}`], { timeoutMs: 60_000 });
      if (r.code === 0) break;
      assert.match(r.stderr, /locked by other host|Failed to lock/, 'refused because b still holds it');
      if (Date.now() - killedAt > 240_000) assert.fail(`no takeover within 240 s (${attempts} attempts)`);
      await sleep(2000);
    }
    figures.takeover = (Date.now() - killedAt) / 1000;
    assert.ok(figures.takeover > 30, `the lease protected b's lock for ${figures.takeover} s`);
    await assertLease('a', 'lost', 'ex');
    await assertLease('a', 'multi', 'sh');
    // The records still say b: the control agent hands b's attachments to nobody else.
    for (const id of IDS) assert.equal((await call(a, 'GET', `/v1/attachments/${id}/b`)).status, 200, id);
    for (const id of ['keep', 'ro'] as const) assert.equal(await lvmlockdMode('a', uuid[id]!), undefined, id);
  });

  test('restart: before it answers, b\'s agent restores keep (ex), multi (sh, a too) and ro (read-only)', async () => {
    const bootAt = Date.now();
    await labStartNode('b');
    figures.boot = (Date.now() - bootAt) / 1000;
    const info = (await labRun('b', ['lvmlockctl', '--info'])).split('\n').filter((line) => line.includes('LK LV'));
    assert.deepEqual(info, [], 'a rebooted host holds no LV lock');
    b = await startAgent('b');
    figures.agentStartWithRestore = b.startSeconds;
    figures.restoreAfterBoot = (Date.now() - bootAt) / 1000;
    // The first answer already finds the locks held: the agent listened only after the restore.
    await assertLease('b', 'keep', 'ex');
    await assertLease('b', 'ro', 'ex');
    await assertLease('b', 'multi', 'sh');
    await assertLease('a', 'multi', 'sh');
    await assertAccess('b', 'keep', 'rw');
    await assertAccess('b', 'multi', 'rw');
    await assertAccess('b', 'ro', 'ro');
    // A raw activation on a is refused for what b holds exclusively.
    const refused = await labExec('a', ['lvchange', '-aey', `${LAB_VG}/${lvOf('keep')}`]);
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr, /locked by other host/);
  });

  test('failed restore: lost (held by a) is reported with the reason, the rest restored, the agent up', async () => {
    assert.ok(b, 'b\'s agent started');
    const status = await call(b, 'GET', '/v1/host');
    assert.equal(status.status, 200);
    figures.restoreReport = status.body.restore.seconds;
    assertRestoredButLost(status.body.restore);
    await assertLease('a', 'lost', 'ex');
    assert.equal(await lvmlockdMode('b', uuid.lost!), undefined, 'b took nothing of lost');
    assert.equal((await localView('b', 'lost')).attr[4], '-', 'lost is not active on b');
    assert.match(await b.log(), /start-up restore finished/, 'the agent logged the restore and went on');
    // Asked again through the API: the same answer (activation of the rest is idempotent).
    const again = await call(b, 'POST', '/v1/host/restore');
    assert.equal(again.status, 200, JSON.stringify(again.body));
    assertRestoredButLost(again.body);
    // Once a lets lost go, a restore takes it back.
    await labRun('a', ['lvchange', '-an', `${LAB_VG}/${lvOf('lost')}`]);
    const retried = await call(b, 'POST', '/v1/host/restore');
    assert.equal(retried.status, 200, JSON.stringify(retried.body));
    assert.equal(retried.body.ok, true, JSON.stringify(retried.body));
    assert.equal(item(retried.body, 'lost').ok, true);
    await assertLease('b', 'lost', 'ex');
    await assertAccess('b', 'lost', 'rw');
    for (const [id, host] of [['keep', 'b'], ['multi', 'a'], ['multi', 'b'], ['ro', 'b'], ['lost', 'b']]) {
      const detached = await call(a, 'DELETE', `/v1/attachments/${id}/${host}`);
      assert.equal(detached.status, 204, `${id}/${host}: ${JSON.stringify(detached.body)}`);
    }
  });
});
