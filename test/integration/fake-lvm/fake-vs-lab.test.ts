// The fake lvm's lock model against the real thing: ONE list of lvm commands, each run as node a or b,
// goes once through the fake (hosts a and b sharing one state file) and once through the lab's real
// lvm2 + lvmlockd + sanlock on the shared VG. Every step's outcome ('ok', or the agent's error class
// for a failure: classifyLvmError) must be the same on both, and the one written here. Run it under
// the lab lock: flock /tmp/sharedlvm-lab.lock node --test dist/test/integration/fake-lvm/
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { classifyLvmError, LvmError } from '../../../agent/src/lib/lvm/errors.js';
import { FakeLvm } from '../../helpers/fake-lvm.js';
import { LAB_NODES, LAB_VG, labExec, labIsUp, type LabNode } from '../../lab/client.js';

const PREFIX = 'fvl';
const run = `${PREFIX}${process.pid % 100_000}`;
// One thick LV (later a COW origin), its snapshot, a thin pool with thin LVs.
const X = `${run}x`;
const X2 = `${run}x2`;
const S = `${run}s`;
const P = `${run}p`;
const T1 = `${run}t1`;
const T2 = `${run}t2`;
const T3 = `${run}t3`;
const lv = (name: string) => `${LAB_VG}/${name}`;
const MIB = 1024 * 1024;
const size = (mib: number) => `${mib * MIB}b`;

type Outcome = 'ok' | ReturnType<typeof classifyLvmError>;
interface Step { node: LabNode; argv: string[]; want: Outcome }
const on = (node: LabNode, want: Outcome, ...argv: string[]): Step => ({ node, argv, want });
const LOCKED = 'locked_by_other_host';

// The argv the agent sends (agent/src/lib/lvm/commands.ts) where it has one for the operation.
const STEPS: Step[] = [
  on('a', 'ok', 'lvcreate', '-y', '-an', '-Zn', '-Wn', '--setautoactivation', 'n', '-L', size(8), '-n', X, LAB_VG, '/dev/vda'),
  on('a', 'ok', 'lvchange', '-aey', lv(X)),
  on('b', LOCKED, 'lvchange', '-aey', lv(X)),
  on('b', LOCKED, 'lvchange', '-ay', lv(X)),
  on('b', LOCKED, 'lvextend', '-L', size(12), lv(X)),
  on('b', LOCKED, 'lvrename', LAB_VG, X, X2),
  on('b', LOCKED, 'lvremove', '-y', lv(X)),
  on('b', LOCKED, 'pvmove', '-i', '1', '-n', lv(X), '/dev/vda', '/dev/vdb'),
  on('b', LOCKED, 'lvcreate', '-y', '-s', '-n', S, '-L', size(4), lv(X)),
  on('b', 'ok', 'lvchange', '--setautoactivation', 'n', '--addtag', 'fvl.probe=1', lv(X)),
  on('b', 'ok', 'lvchange', '-an', lv(X)),
  on('a', 'ok', 'lvextend', '-L', size(12), lv(X)),
  on('a', 'ok', 'lvchange', '-asy', lv(X)),
  on('b', 'ok', 'lvchange', '-asy', lv(X)),
  on('a', 'lock_conflict', 'lvextend', '-L', size(16), lv(X)),
  on('b', 'lock_conflict', 'lvrename', LAB_VG, X, X2),
  on('a', LOCKED, 'lvchange', '-aey', lv(X)),
  on('b', 'ok', 'lvchange', '-an', lv(X)),
  on('a', 'ok', 'lvchange', '-aey', lv(X)),
  on('b', LOCKED, 'lvchange', '-asy', lv(X)), // lvmlockd retries: about 5.5 s
  on('a', 'ok', 'lvchange', '-an', lv(X)),
  on('b', 'ok', 'lvextend', '-L', size(16), lv(X)),
  on('b', 'ok', 'lvrename', LAB_VG, X, X2),
  on('a', 'ok', 'lvrename', LAB_VG, X2, X),
  on('a', 'ok', 'lvcreate', '-y', '-s', '-n', S, '--addtag', 'fvl.probe=1', '-L', size(4), lv(X)),
  on('a', 'lvm_failed', 'lvchange', '-aey', lv(S)),
  on('b', 'ok', 'lvremove', '-y', lv(S)),
  on('a', 'ok', 'lvcreate', '-y', '-an', '--type', 'thin-pool', '-L', size(16), '-n', P, LAB_VG),
  on('a', 'ok', 'lvcreate', '-y', '-an', '--type', 'thin', '-V', size(8), '--thinpool', P, '-n', T1, LAB_VG),
  on('b', LOCKED, 'lvchange', '-aey', lv(T1)), // the create left the pool's lock on a
  on('a', 'ok', 'lvchange', '-an', lv(P)),
  on('b', 'ok', 'lvchange', '-aey', lv(T1)),
  on('a', LOCKED, 'lvcreate', '-y', '-an', '--type', 'thin', '-V', size(8), '--thinpool', P, '-n', T2, LAB_VG),
  on('a', LOCKED, 'lvcreate', '-y', '-an', '-kn', '-s', '-n', T2, lv(T1)),
  on('a', 'lvm_failed', 'lvchange', '-asy', lv(T1)),
  on('a', LOCKED, 'lvremove', '-y', lv(T1)),
  on('a', LOCKED, 'lvextend', '-L', size(12), lv(T1)),
  on('b', 'ok', 'lvchange', '-an', lv(T1)), // its last thin LV: the pool's lock may stay (lab: 2 of 5)
  on('b', 'ok', 'lvchange', '-an', lv(P)), // this releases it in any case
  on('a', 'ok', 'lvcreate', '-y', '-an', '-kn', '-s', '-n', T2, lv(T1)),
  on('b', LOCKED, 'lvchange', '-aey', lv(T2)), // the thin snapshot left the pool's lock on a
  on('a', 'ok', 'lvchange', '-an', lv(P)),
  on('b', 'ok', 'lvremove', '-y', lv(T2)),
  on('a', LOCKED, 'lvcreate', '-y', '-an', '--type', 'thin', '-V', size(8), '--thinpool', P, '-n', T3, LAB_VG),
  on('b', 'ok', 'lvchange', '-an', lv(P)),
  on('a', 'ok', 'lvchange', '-aey', lv(T1)),
  on('a', 'ok', 'lvchange', '-an', lv(T1)),
  on('a', 'ok', 'lvchange', '-an', lv(P)),
  on('b', 'ok', 'lvremove', '-y', lv(P)),
];

interface Result { outcome: Outcome; stderr: string; seconds: number }

function outcomeOf(argv: string[], code: number, stderr: string): Outcome {
  return code === 0 ? 'ok' : classifyLvmError(new LvmError({ argv, exitCode: code, stderr }));
}

async function onLab(step: Step): Promise<Result> {
  const started = Date.now();
  const reply = await labExec(step.node, step.argv, { timeoutMs: 60_000 });
  return { outcome: outcomeOf(step.argv, reply.code, reply.stderr), stderr: reply.stderr.trim(), seconds: (Date.now() - started) / 1000 };
}

function onFake(fake: FakeLvm, step: Step): Result {
  const started = Date.now();
  const reply = fake.run(step.node, step.argv);
  return { outcome: outcomeOf(step.argv, reply.code, reply.stderr), stderr: reply.stderr.trim(), seconds: (Date.now() - started) / 1000 };
}

/** Deactivates on both nodes and removes every LV this test makes (this run's and any left by an
 *  earlier, interrupted run: they all start with PREFIX followed by digits). */
async function removeOurLvs(): Promise<void> {
  const listed = await labExec('a', ['lvs', '--reportformat', 'json', '-o', 'lv_name,pool_lv,origin', LAB_VG]);
  assert.equal(listed.code, 0, listed.stderr);
  const rows = (JSON.parse(listed.stdout) as { report: { lv: { lv_name: string; pool_lv: string; origin: string }[] }[] }).report[0]!.lv;
  const ours = rows.filter((row) => new RegExp(`^${PREFIX}\\d+`).test(row.lv_name));
  if (ours.length === 0) return;
  const names = ours.map((row) => lv(row.lv_name));
  for (const node of LAB_NODES) await labExec(node, ['lvchange', '-an', ...names], { timeoutMs: 60_000 });
  // Snapshots and thin LVs first, then origins and pools.
  const dependants = ours.filter((row) => row.pool_lv || row.origin).map((row) => lv(row.lv_name));
  const rest = names.filter((name) => !dependants.includes(name));
  for (const batch of [dependants, rest]) {
    if (batch.length === 0) continue;
    const removed = await labExec('a', ['lvremove', '-y', ...batch], { timeoutMs: 60_000 });
    assert.equal(removed.code, 0, `cleanup: ${removed.stderr}`);
  }
}

describe('fake lvm vs the lab: one command list, the same outcomes', { timeout: 300_000 }, () => {
  const fake = new FakeLvm({ labvg: {} });

  before(async () => {
    if (!(await labIsUp()) && !(await labIsUp())) throw new Error('the lab is not up: run `flock /tmp/sharedlvm-lab.lock make lab-up` first');
    await removeOurLvs();
  });

  after(async () => {
    fake.cleanup();
    await removeOurLvs();
  });

  test(`${STEPS.length} steps as nodes a and b: fake and lab agree, and say what the list says`, async () => {
    const rows: string[] = [];
    const disagreements: string[] = [];
    let agreements = 0;
    for (const [index, step] of STEPS.entries()) {
      const lab = await onLab(step);
      const faked = onFake(fake, step);
      const command = `${step.node}: ${step.argv.join(' ')}`.replaceAll(run, '');
      rows.push(`${String(index + 1).padStart(2)} ${command.padEnd(70)} want ${step.want.padEnd(20)} fake ${faked.outcome.padEnd(20)} lab ${lab.outcome} (${lab.seconds.toFixed(2)} s)`);
      if (lab.outcome === faked.outcome) agreements++;
      if (lab.outcome !== faked.outcome || lab.outcome !== step.want) {
        disagreements.push(`step ${index + 1} ${command}: want ${step.want}, fake ${faked.outcome} (${faked.stderr}), lab ${lab.outcome} (${lab.stderr})`);
      }
    }
    process.stderr.write(`[fake-vs-lab] ${agreements}/${STEPS.length} steps agree\n${rows.join('\n')}\n`);
    assert.deepEqual(disagreements, []);
  });
});
