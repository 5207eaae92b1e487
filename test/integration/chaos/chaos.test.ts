// A seeded chaos run against the lab's real lvm2 + lvmlockd + sanlock: CHAOS_OPS operations (default
// 40) picked by a PRNG seeded from CHAOS_SEED (create thick and thin, clone, snapshot, extend,
// attach/detach to a, retype, delete with and without a wipe) on a small pool of volumes, while the
// control agent (node a, `all` mode) is SIGKILLed at random points: by its own fault hook
// (SHAREDLVM_TEST_KILL_AFTER_WRITES=k, k small and random) or by a kill -9 from here at a random delay
// into a request. After each kill the agent is restarted (its start-up reconcile runs), running
// operations end, and the invariants are checked on the real VG (invariants.ts). Figures are printed
// as diagnostics and, with CHAOS_FIGURES=<file>, appended to that file as one JSON line.
import assert from 'node:assert/strict';
import { appendFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { requireLab } from '../../lab/client.js';
import {
  AgentDied, awaitGone, isAlive, killNine, logTail, removeChaosLvs, startChaosAgent, stopChaosAgent, type ChaosAgent,
} from './chaos-agent.js';
import { checkInvariants, listing, type Listing, type Model } from './invariants.js';
import { deleteEverything, pickOp, runOp, type Outcome } from './operations.js';
import { prng, seedFrom } from './prng.js';

const SEED_TEXT = process.env.CHAOS_SEED ?? '20261130';
const OPS = Number(process.env.CHAOS_OPS ?? 40);
/** A restarted agent gets the fault hook this often; without it, an operation gets a kill -9 this often. */
const HOOK_CHANCE = 0.3;
const SIGKILL_CHANCE = 0.12;

const rng = prng(seedFrom(SEED_TEXT));
const model: Model = { mustExist: new Set(), askedMiB: new Map() };
const figures = {
  seed: SEED_TEXT, ops: 0, answered: {} as Record<string, number>, refused: 0, server_errors: 0,
  kills: { hook: 0, sigkill_in_flight: 0, sigkill_idle: 0 }, restarts: 0, checks: 0, violations: 0, seconds: 0,
};
const violations: string[] = [];
const serverErrors: string[] = [];
const history: string[] = [];
let agent: ChaosAgent | undefined;

const chooseHook = () => (rng.chance(HOOK_CHANCE) ? rng.int(1, 5) : undefined);

/** After a kill: restart (reconcile), settle, check; a hook that fires during the check is one more kill. */
async function restartAndCheck(index: number, why: string): Promise<Listing> {
  for (let attempt = 0; ; attempt += 1) {
    agent = await startChaosAgent(chooseHook());
    figures.restarts += 1;
    try {
      const { violations: found, seen } = await checkInvariants(agent, model);
      figures.checks += 1;
      for (const violation of found) violations.push(`seed ${SEED_TEXT}, op #${index} (${why}): ${violation}`);
      // What a restarted agent lists as available is reported done: from now on it must not be lost.
      for (const volume of seen.volumes.values()) if (volume.status === 'available') model.mustExist.add(volume.id);
      return seen;
    } catch (error) {
      if (!(error instanceof AgentDied) || attempt >= 5) throw error;
      figures.kills.hook += 1;
      history.push(`#${index}: the hook fired during the check after the restart (k=${agent.hook})`);
      await awaitGone(agent.pid);
    }
  }
}

function record(index: number, outcome: Outcome, kill: string): void {
  const key = `${outcome.op.kind} ${outcome.status}${outcome.operation ? `/${outcome.operation}` : ''}`;
  figures.answered[key] = (figures.answered[key] ?? 0) + 1;
  if (typeof outcome.status === 'number' && outcome.status >= 400 && outcome.status < 500) figures.refused += 1;
  if (typeof outcome.status === 'number' && outcome.status >= 500) {
    figures.server_errors += 1;
    serverErrors.push(`op #${index} ${outcome.op.method} ${outcome.op.path}: ${outcome.status} ${outcome.detail}`);
  }
  history.push(`#${index} ${outcome.op.kind} ${outcome.op.target}: ${key}${kill}${outcome.detail ? ` (${outcome.detail})` : ''}`);
}

before(async () => {
  await requireLab('the chaos run');
  await removeChaosLvs();
});

after(async () => {
  if (agent && (await isAlive(agent.pid))) {
    await deleteEverything(agent, await listing(agent, true)).catch(() => undefined);
    await stopChaosAgent(agent);
  }
  await removeChaosLvs();
});

/** The operations, kills, restarts and checks; violations are collected, not thrown. */
async function run(): Promise<void> {
  agent = await startChaosAgent(chooseHook());
  let seen = await listing(agent);
  for (let index = 0; index < OPS; index += 1) {
    const op = pickOp(rng, seen);
    const hooked = agent.hook !== undefined;
    const delay = !hooked && rng.chance(SIGKILL_CHANCE) ? rng.int(0, 2500) : undefined;
    let pending = true;
    let killKind = '';
    const target = agent;
    const killing = delay === undefined ? undefined : new Promise<void>((resolve) => setTimeout(() => {
      killKind = pending ? 'sigkill_in_flight' : 'sigkill_idle';
      killNine(target.pid).then(resolve, resolve);
    }, delay));
    const outcome = await runOp(agent, op, model, seen);
    pending = false;
    await killing;
    figures.ops += 1;
    let died = killing !== undefined || outcome.status === 'killed' || outcome.operation === 'killed';
    if (!died && hooked) died = !(await isAlive(agent.pid));
    if (!died) {
      record(index, outcome, '');
      seen = await listing(agent).catch(async (error) => {
        if (!(error instanceof AgentDied)) throw error;
        figures.kills.hook += 1;
        history.push(`#${index}: the hook fired after the answer (k=${target.hook})`);
        await awaitGone(target.pid);
        return restartAndCheck(index, `hook k=${target.hook} after the answer`);
      });
      continue;
    }
    const kind = killKind || 'hook';
    figures.kills[kind as keyof typeof figures.kills] += 1;
    record(index, outcome, ` — killed (${kind}${kind === 'hook' ? ` k=${target.hook}` : ` after ${delay} ms`})`);
    await awaitGone(target.pid);
    seen = await restartAndCheck(index, `${op.kind} ${op.target}, ${kind}`);
  }
}

test(`chaos: ${OPS} seeded operations with SIGKILLs of the control agent, invariants after each kill`, { timeout: 3_600_000 }, async (t) => {
  const started = Date.now();
  try {
    await run();
  } catch (error) {
    t.diagnostic(`figures so far: ${JSON.stringify(figures)}`);
    t.diagnostic(`history (seed ${SEED_TEXT}):`);
    for (const line of history) t.diagnostic(line);
    throw error;
  }
  if (!agent) throw new Error('no agent');
  // A last check without a kill: the end state too must hold (on an agent without the hook).
  if (agent.hook !== undefined) {
    await stopChaosAgent(agent);
    agent = await startChaosAgent();
  }
  const { violations: found } = await checkInvariants(agent, model);
  figures.checks += 1;
  for (const violation of found) violations.push(`seed ${SEED_TEXT}, end: ${violation}`);
  figures.violations = violations.length;
  figures.seconds = Math.round((Date.now() - started) / 1000);
  t.diagnostic(`figures: ${JSON.stringify(figures)}`);
  for (const line of serverErrors) t.diagnostic(`5xx: ${line}`);
  if (process.env.CHAOS_FIGURES) appendFileSync(process.env.CHAOS_FIGURES, `${JSON.stringify({ ...figures, at: new Date().toISOString() })}\n`);
  t.diagnostic(`history (seed ${SEED_TEXT}):`);
  for (const line of history) t.diagnostic(line);
  if (violations.length > 0) t.diagnostic(`agent log:\n${await logTail(agent, 80)}`);
  assert.deepEqual(violations, [], `invariant violations (seed ${SEED_TEXT}):\n${violations.join('\n')}`);
});
