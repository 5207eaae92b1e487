// Acceptance (issue 12, item 6): the control agent is SIGKILLed while terraform applies 10 volumes.
// Creates whose outcome was lost keep their id in state, tainted; after the agent restarts, the next
// apply converges: as many LVs as volumes in state, each its own (none shared), none orphaned.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LAB_VG, labExec } from '../../lab/client.js';
import { ourLvs, TOKEN } from './helpers/lab-agent.js';
import { labSuite } from './helpers/suite.js';
import { PROVIDER_HCL, TEST_TIMEOUT } from './helpers/terraform.js';

const COUNT = 10;
const suite = labSuite();

/** The pid of the acceptance tests' agent in node a (its argv carries our token); exactly one. */
async function agentPid(): Promise<number> {
  const r = await labExec('a', ['pgrep', '-f', TOKEN]);
  const pids = r.stdout.split(/\s+/).filter(Boolean).map(Number);
  assert.equal(pids.length, 1, `one agent process with our token, found: ${r.stdout} ${r.stderr}`);
  return pids[0]!;
}

const volumeLvs = async () =>
  (await ourLvs('a')).map((lv) => lv.lv_name).filter((n) => n.startsWith('tfp-vol-')).sort();

const NAME = `SIGKILL of the control agent during an apply of ${COUNT} volumes: ` +
  'the next apply converges, nothing orphaned or shared';
test(NAME, TEST_TIMEOUT, async () => {
  const w = suite.workdir();
  w.write({ 'main.tf': `${PROVIDER_HCL}
resource "shared_lvm_volume" "many" {
  count        = ${COUNT}
  name         = "tfp-crash-\${count.index}"
  volume_group = "${LAB_VG}"
  size_gib     = 0.0625
}
` });
  await w.init();
  assert.deepEqual(await volumeLvs(), [], 'no volume LVs before');
  const pid = await agentPid();

  let killed: Promise<unknown> | null = null;
  const run = w.start(['apply', '-auto-approve', '-input=false', '-no-color'], (line) => {
    if (killed === null && /Creation complete/.test(line)) killed = labExec('a', ['kill', '-KILL', String(pid)]);
  });
  const first = await run.done;
  assert.ok(killed, `the agent was killed during the apply:\n${first.stdout}`);
  assert.equal((await (killed as Promise<{ code: number }>)).code, 0, 'kill -KILL succeeded');
  assert.notEqual(first.code, 0, `an apply that lost its agent does not succeed:\n${first.stdout}\n${first.stderr}`);
  const instances = w.state().resources?.[0]?.instances ?? [];
  const tainted = instances.filter((i) => (i as { status?: string }).status === 'tainted').length;
  const created = instances.length - tainted;
  assert.ok(created >= 1 && created < COUNT, `some creates completed before the kill (${created}), not all`);

  await suite.restartAgent(); // the killed process: nothing to stop, but its exit is awaited

  const second = await w.ok('apply', '-auto-approve', '-input=false');
  assert.match(second.stdout, /Apply complete!/);
  const state = w.state().resources?.[0]?.instances ?? [];
  assert.equal(state.length, COUNT, 'every volume in state');
  assert.ok(state.every((i) => (i as { status?: string }).status === undefined), 'none tainted any more');
  const ids = new Set(state.map((i) => i.attributes.id));
  const inState = state.map((i) => String(i.attributes.lv_name)).sort();
  assert.equal(ids.size, COUNT, 'ten different ids');
  assert.equal(new Set(inState).size, COUNT, 'ten different LVs: none shared');
  assert.deepEqual(await volumeLvs(), inState, 'the VG holds exactly the LVs in state: none orphaned, none missing');
  assert.equal((await w.plan()).code, 0, 'converged: the next plan is empty');
  console.log(`crash: ${created} created and ${tainted} tainted by the first apply ` +
    `(exit ${first.code}, ${first.ms} ms); ` +
    `second apply ${second.ms} ms`);

  await w.ok('destroy', '-auto-approve', '-input=false');
  assert.deepEqual(await volumeLvs(), [], 'destroy removed them all');
});
