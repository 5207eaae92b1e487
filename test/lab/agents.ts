// Agents in the lab guests, for the demo and the browser test: node a in `all` mode (control +
// host a, host b registered), node b in `host` mode, both on the forwarded guest port 7480, so
// terraform or a browser on this machine reach a's agent, and a reaches b's through 10.0.2.2.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { GUEST_AGENT_PORT, LAB_VG, labAgentUrl, labAgentUrlFromGuest, labAwaitExit, labExec, labRun, labSpawn, projectDir, requireLab, type LabNode } from './client.js';
import { labHttpStatus } from './http.js';

export interface AgentOptions { token: string; lvPrefix: string; thinPool?: string }
export interface LabAgent { node: LabNode; url: string; pid: number; stop(): Promise<void>; log(): Promise<string> }

const logFile = (node: LabNode) => `/tmp/sharedlvm-agent-${node}.log`;
const configFile = (node: LabNode) => `/tmp/sharedlvm-agent-${node}.json`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The esbuild bundle (npm run bundle:agent) starts several times faster in a TCG guest. */
function agentEntry(): string {
  const bundle = join(projectDir, 'dist', 'agent', 'sharedlvm-agent.mjs');
  return existsSync(bundle) ? bundle : join(projectDir, 'dist', 'agent', 'src', 'main.js');
}

function status(node: LabNode, path: string, token: string, timeoutMs = 3000): Promise<number> {
  return labHttpStatus(labAgentUrl(node) + path, { headers: { authorization: `Bearer ${token}` }, timeoutMs });
}

export async function startAgent(node: LabNode, opts: AgentOptions): Promise<LabAgent> {
  if ((await status(node, '/healthz', opts.token)) !== 0) throw new Error(`an agent already answers on guest port ${GUEST_AGENT_PORT} of node ${node}: stop it first`);
  const config = {
    mode: node === 'a' ? 'all' : 'host',
    host_name: node,
    listen: `0.0.0.0:${GUEST_AGENT_PORT}`,
    tokens: [opts.token],
    lock_type: 'sanlock',
    volume_groups: [{ name: LAB_VG, ...(opts.thinPool ? { thin_pool: { name: opts.thinPool, size_gib: 1 } } : {}) }],
    lv_prefix: opts.lvPrefix,
    hosts: node === 'a' ? [{ name: 'b', url: labAgentUrlFromGuest('b'), token: opts.token }] : [],
  };
  await labRun(node, ['tee', configFile(node)], { stdin: JSON.stringify(config) });
  await labExec(node, ['rm', '-f', logFile(node)]);
  const { pid } = await labSpawn(node, ['/usr/bin/node', agentEntry(), '--config', configFile(node)], { logFile: logFile(node), env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin' } });
  const log = async () => (await labExec(node, ['tail', '-n', '60', logFile(node)])).stdout;
  const stop = async () => {
    await labExec(node, ['kill', String(pid)]).catch(() => undefined);
    await labAwaitExit(node, pid);
  };
  const deadline = Date.now() + 300_000;
  while ((await status(node, `/v1/vgs/${LAB_VG}`, opts.token, 30_000)) !== 200) {
    if ((await labExec(node, ['kill', '-0', String(pid)])).code !== 0) throw new Error(`the agent on node ${node} exited during start-up:\n${await log()}`);
    if (Date.now() > deadline) { const tail = await log(); await stop(); throw new Error(`the agent on node ${node} did not answer within 300 s:\n${tail}`); }
    await sleep(1000);
  }
  return { node, url: labAgentUrl(node), pid, stop, log };
}

/** b first, so that a's start-up finds its registered host. */
export async function startAgents(opts: AgentOptions): Promise<{ a: LabAgent; b: LabAgent }> {
  await requireLab('the lab agents');
  const b = await startAgent('b', opts);
  try { return { a: await startAgent('a', opts), b }; } catch (e) { await b.stop(); throw e; }
}

/** Stops whatever agent answers on a node's 7480 that was started from this file (by its config path). */
export async function stopAgents(): Promise<void> {
  for (const node of ['a', 'b'] as const) await labExec(node, ['pkill', '-f', configFile(node)]).catch(() => undefined);
}
