// The control agent of the chaos run: node a in `all` mode (control + host a; node b's agent is not
// started: attachments go to a), on the forwarded port 7480, optionally with the test-only fault hook
// (SHAREDLVM_TEST_KILL_AFTER_WRITES=k: it SIGKILLs itself after its kth lvm write once start-up is over).
import { LAB_VG, labAgentUrl, labExec, labRun, labSpawn } from '../../lab/client.js';
import { labHttp, labHttpStatus } from '../../lab/http.js';
import { agentEntry } from '../agent/lab-agent.js';

export const PREFIX = 'chx-';
export const POOL = `${PREFIX}pool`;
const TOKEN = 'chaos-test-token-0123456789abcdef';
const CONFIG_FILE = '/tmp/chaos-agent-a.json';
const URL = labAgentUrl('a');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface ChaosAgent {
  pid: number;
  /** The fault hook's k, when this run of the agent has it. */
  hook: number | undefined;
  logFile: string;
}

/** Thrown by `api` when the agent process is gone (killed): the caller restarts it. */
export class AgentDied extends Error {}

let starts = 0;

export async function startChaosAgent(hook?: number): Promise<ChaosAgent> {
  await portFree();
  const config = {
    mode: 'all', host_name: 'a', listen: '0.0.0.0:7480', tokens: [TOKEN], lock_type: 'sanlock',
    volume_groups: [{ name: LAB_VG, thin_pool: { name: POOL, size_gib: 0.5 } }], lv_prefix: PREFIX, hosts: [],
  };
  await labRun('a', ['tee', CONFIG_FILE], { stdin: JSON.stringify(config) });
  starts += 1;
  const logFile = `/tmp/chaos-agent-${starts}.log`;
  const env: Record<string, string> = { PATH: '/usr/sbin:/usr/bin:/sbin:/bin' };
  if (hook !== undefined) env.SHAREDLVM_TEST_KILL_AFTER_WRITES = String(hook);
  const { pid } = await labSpawn('a', ['/usr/bin/node', agentEntry(), '--config', CONFIG_FILE], { logFile, env });
  const agent = { pid, hook, logFile };
  const deadline = Date.now() + 300_000;
  while ((await labHttpStatus(`${URL}/v1/vgs/${LAB_VG}`, { headers: auth(), timeoutMs: 30_000 })) !== 200) {
    if (!(await isAlive(pid))) throw new Error(`the chaos agent exited during start-up:\n${await logTail(agent)}`);
    if (Date.now() > deadline) throw new Error(`the chaos agent did not answer within 300 s:\n${await logTail(agent)}`);
    await sleep(500);
  }
  return agent;
}

/** A chaos agent left by an earlier run is stopped; another suite's agent on 7480 gets 30 s to go. */
async function portFree(): Promise<void> {
  const ps = (await labRun('a', ['ps', '-eo', 'pid,args'])).split('\n');
  for (const line of ps.filter((l) => l.includes(CONFIG_FILE) && l.includes('sharedlvm-agent'))) {
    await killNine(Number(line.trim().split(/\s+/)[0]));
  }
  const deadline = Date.now() + 30_000;
  while ((await labHttpStatus(`${URL}/healthz`, { timeoutMs: 3000 })) !== 0) {
    if (Date.now() > deadline) {
      const agents = ps.filter((l) => l.includes('sharedlvm-agent')).join('\n');
      throw new Error(`an agent of another suite answers on port 7480 of node a: stop it first\n${agents}`);
    }
    await sleep(1000);
  }
}

export async function isAlive(pid: number): Promise<boolean> {
  return (await labExec('a', ['kill', '-0', String(pid)])).code === 0;
}

export async function killNine(pid: number): Promise<void> {
  await labExec('a', ['kill', '-9', String(pid)]);
}

/** Waits until the process is gone (it was killed, or is being killed). */
export async function awaitGone(pid: number, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (await isAlive(pid)) {
    if (Date.now() > deadline) throw new Error(`agent ${pid} still alive ${timeoutMs} ms after its kill`);
    await sleep(200);
  }
}

export async function stopChaosAgent(agent: ChaosAgent): Promise<void> {
  await labExec('a', ['kill', String(agent.pid)]);
  await awaitGone(agent.pid, 60_000).catch(() => killNine(agent.pid));
}

export async function logTail(agent: ChaosAgent, lines = 40): Promise<string> {
  return (await labExec('a', ['tail', '-n', String(lines), agent.logFile])).stdout;
}

function auth(): Record<string, string> {
  return { authorization: `Bearer ${TOKEN}` };
}

export interface Reply { status: number; body: any } // eslint-disable-line @typescript-eslint/no-explicit-any

/** One API call to the agent; AgentDied when it failed because the process is gone. */
export async function api(agent: ChaosAgent, method: string, path: string, body?: unknown): Promise<Reply> {
  try {
    const reply = await labHttp(URL + path, { method, headers: auth(), body, timeoutMs: 240_000 });
    return { status: reply.status, body: reply.body };
  } catch (error) {
    if (!(await isAlive(agent.pid))) throw new AgentDied(`${method} ${path}: the agent is gone (${(error as Error).message})`);
    throw error;
  }
}

/** Waits until the agent runs no operation (a restarted agent's resumed wipes and retypes included). */
export async function settle(agent: ChaosAgent, timeoutMs = 240_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const running = await api(agent, 'GET', '/v1/operations?state=running');
    if (running.status !== 200) throw new Error(`GET /v1/operations: ${running.status} ${JSON.stringify(running.body)}`);
    if (running.body.items.length === 0) return;
    if (Date.now() > deadline) throw new Error(`operations still running after ${timeoutMs} ms: ${JSON.stringify(running.body.items)}`);
    await sleep(300);
  }
}

/** Polls one operation until it ends; its final state. */
export async function waitOperation(agent: ChaosAgent, id: string, timeoutMs = 240_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const reply = await api(agent, 'GET', `/v1/operations/${id}`);
    if (reply.status !== 200) throw new Error(`GET /v1/operations/${id}: ${reply.status} ${JSON.stringify(reply.body)}`);
    if (reply.body.state !== 'running') return reply.body.state;
    if (Date.now() > deadline) throw new Error(`operation ${id} still running after ${timeoutMs} ms`);
    await sleep(300);
  }
}

/** Removes every LV of the chaos run from the lab VG (deactivated first; snapshots, volumes, pool). */
export async function removeChaosLvs(): Promise<void> {
  const out = await labRun('a', ['lvs', '--reportformat', 'json', '-o', 'lv_name,lv_attr', LAB_VG]);
  const rows = (JSON.parse(out) as { report: { lv: { lv_name: string; lv_attr: string }[] }[] }).report[0]!.lv
    .filter((row) => row.lv_name.startsWith(PREFIX));
  const rank = (attr: string) => (attr[0] === 's' || attr[0] === 'S' ? 0 : attr[0] === 't' ? 2 : 1);
  rows.sort((a, b) => rank(a.lv_attr) - rank(b.lv_attr));
  for (const row of rows) await labExec('a', ['lvchange', '-an', `${LAB_VG}/${row.lv_name}`]);
  for (const row of rows) await labExec('a', ['lvremove', '-y', `${LAB_VG}/${row.lv_name}`]);
}
