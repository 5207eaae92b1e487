// The two agents of the host-mode tests, inside the lab guests: node a in `all` mode (control + host a),
// node b in `host` mode; a reaches b's agent through the host (10.0.2.2). Everything they create
// starts with LV_PREFIX; removeOurLvs() cleans up.
import { copyFileSync, existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { GUEST_AGENT_PORT, LAB_VG, labAgentUrl, labAgentUrlFromGuest, labAwaitExit, labExec, labRun, labSpawn, projectDir, type LabNode } from '../../lab/client.js';
import { labHttp } from '../../lab/http.js';

export const LV_PREFIX = 'hm-';
export const THIN_POOL = `${LV_PREFIX}pool`;
export const TOKEN = 'host-mode-token-0123456789abcdef';
export const AUTH = { authorization: `Bearer ${TOKEN}` };
const logFile = (node: LabNode) => `/tmp/hm-agent-${node}.log`;
const configFile = (node: LabNode) => `/tmp/hm-agent-${node}.json`;

/** The esbuild bundle starts in about 10 s in a TCG guest instead of 40 s for the module tree. It is
 *  run under a name that changes with every build: when this checkout is not one of the lab's
 *  uncached 9p shares, a guest would keep serving a file it read before from its page cache. */
export function agentEntry(): string {
  const bundle = join(projectDir, 'dist', 'agent', 'sharedlvm-agent.mjs');
  if (!existsSync(bundle)) return join(projectDir, 'dist', 'agent', 'src', 'main.js');
  const { size, mtimeMs } = statSync(bundle);
  const copy = join(projectDir, 'dist', 'agent', `sharedlvm-agent-${size}-${Math.round(mtimeMs)}.mjs`);
  if (!existsSync(copy)) copyFileSync(bundle, copy);
  return copy;
}

export interface LabAgent {
  node: LabNode;
  /** Guest port the agent listens on: 7480 is forwarded to the host (labAgentUrl) and so reachable
   *  from the other guest; any other port only from inside its guest (the tests then call through
   *  curl in the guest, which keeps them off a port other suites may be using). */
  port: number;
  url: string;
  pid: number;
  /** Seconds from spawn to the first healthy answer (the agent listens only after its restore). */
  startSeconds: number;
  stop(): Promise<void>;
  log(): Promise<string>;
}

export interface Reply {
  status: number;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  /** Time of the HTTP exchange itself (curl's time_total when called inside the guest). */
  seconds: number;
}

const forwarded = (port: number) => port === GUEST_AGENT_PORT;

async function request(node: LabNode, port: number, method: string, path: string, body?: unknown, timeoutMs = 300_000): Promise<Reply> {
  const payload = body !== undefined ? JSON.stringify(body) : undefined;
  if (forwarded(port)) {
    const reply = await labHttp(`${labAgentUrl(node)}${path}`, { method, headers: AUTH, body: payload, timeoutMs });
    return { status: reply.status, body: reply.body, seconds: reply.seconds };
  }
  const argv = ['curl', '-sS', '-X', method, '-H', `authorization: ${AUTH.authorization}`, '-w', '\n%{http_code} %{time_total}', '--max-time', String(timeoutMs / 1000)];
  if (payload !== undefined) argv.push('-H', 'content-type: application/json', '--data-binary', '@-');
  argv.push(`http://127.0.0.1:${port}${path}`);
  const result = await labExec(node, argv, { timeoutMs: timeoutMs + 5000, ...(payload !== undefined ? { stdin: payload } : {}) });
  const lines = result.stdout.split('\n');
  const [code, total] = (lines.pop() ?? '').split(' ');
  if (result.code !== 0 || !code) return { status: 0, body: result.stderr, seconds: 0 };
  return { status: Number(code), body: parse(lines.join('\n')), seconds: Number(total) };
}

function parse(text: string): unknown {
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return text;
  }
}

export async function healthy(node: LabNode, port: number): Promise<boolean> {
  try {
    return (await request(node, port, 'GET', '/healthz', undefined, 3000)).status === 200;
  } catch {
    return false;
  }
}

/** Our agent (our token, our host name) answers on that port, not another suite's. */
async function ours(node: LabNode, port: number): Promise<boolean> {
  try {
    const reply = await request(node, port, 'GET', '/v1/host', undefined, 60_000);
    return reply.status === 200 && (reply.body as { name?: string }).name === node;
  } catch {
    return false;
  }
}

export function call(agent: LabAgent, method: string, path: string, body?: unknown): Promise<Reply> {
  return request(agent.node, agent.port, method, path, body);
}

function configFor(node: LabNode, port: number): unknown {
  return {
    mode: node === 'a' ? 'all' : 'host',
    host_name: node,
    listen: `0.0.0.0:${port}`,
    tokens: [TOKEN],
    lock_type: 'sanlock',
    volume_groups: [{ name: LAB_VG, thin_pool: { name: THIN_POOL, size_gib: 0.25 } }],
    lv_prefix: LV_PREFIX,
    cache_ttl_ms: 600_000,
    log_level: 'info',
    hosts: node === 'a' ? [{ name: 'b', url: labAgentUrlFromGuest('b'), token: TOKEN }] : [],
  };
}

/** Node a's agent (all mode) on a private guest port; node b's (host mode) on the forwarded 7480,
 *  which a's agent reaches through the host. */
export const AGENT_PORTS: Record<LabNode, number> = { a: 7490, b: GUEST_AGENT_PORT };

/** Starts the agent of `node` and waits until it answers (after its start-up restore). */
export async function startAgent(node: LabNode, timeoutMs = 300_000): Promise<LabAgent> {
  const port = AGENT_PORTS[node];
  // Other suites run their agents on the same forwarded guest port: wait (bounded) until it is free,
  // and start again when one of them took it meanwhile (EADDRINUSE).
  const freeBy = Date.now() + 900_000;
  for (;;) {
    while (await healthy(node, port)) {
      if (Date.now() > freeBy) throw new Error(`an agent already answers on guest port ${port} of node ${node}; stop it first`);
      await new Promise((resolve) => setTimeout(resolve, 5000));
    }
    const agent = await spawnAgent(node, port, timeoutMs);
    if (agent !== 'port-taken') return agent;
    if (Date.now() > freeBy) throw new Error(`guest port ${port} of node ${node} stays taken by another agent`);
  }
}

async function spawnAgent(node: LabNode, port: number, timeoutMs: number): Promise<LabAgent | 'port-taken'> {
  await labRun(node, ['tee', configFile(node)], { stdin: JSON.stringify(configFor(node, port)) });
  await labExec(node, ['rm', '-f', logFile(node)]);
  const started = Date.now();
  const { pid } = await labSpawn(node, ['/usr/bin/node', agentEntry(), '--config', configFile(node)], {
    logFile: logFile(node), env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin' },
  });
  const log = async () => (await labExec(node, ['tail', '-n', '60', logFile(node)])).stdout;
  const deadline = Date.now() + timeoutMs;
  while (!(await healthy(node, port)) || !(await ours(node, port))) {
    if ((await labExec(node, ['kill', '-0', String(pid)])).code !== 0) {
      const text = await log();
      if (text.includes('EADDRINUSE')) return 'port-taken';
      throw new Error(`the agent on ${node} exited during start-up:\n${text}`);
    }
    if (Date.now() > deadline) throw new Error(`the agent on ${node} did not answer /healthz within ${timeoutMs / 1000} s:\n${await log()}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  return {
    node, port, pid, log,
    url: forwarded(port) ? labAgentUrl(node) : `http://127.0.0.1:${port} (inside node ${node})`,
    startSeconds: (Date.now() - started) / 1000,
    async stop() {
      await labExec(node, ['kill', String(pid)]).catch(() => undefined);
      await labAwaitExit(node, pid);
    },
  };
}

/** Removes every LV of these tests from the lab VG (deactivating them on both nodes first). */
export async function removeOurLvs(nodes: LabNode[] = ['a', 'b']): Promise<void> {
  const out = await labRun('a', ['lvs', '--reportformat', 'json', '-o', 'lv_name,lv_attr', LAB_VG]);
  const rows = (JSON.parse(out) as { report: { lv: { lv_name: string; lv_attr: string }[] }[] }).report[0]!.lv;
  const ours = rows.filter((row) => row.lv_name.startsWith(LV_PREFIX));
  if (ours.length === 0) return;
  for (const node of nodes) await labExec(node, ['lvchange', '-an', ...ours.map((row) => `${LAB_VG}/${row.lv_name}`)]);
  const rank = (attr: string) => (attr[0] === 's' || attr[0] === 'S' ? 0 : attr[0] === 't' ? 2 : 1);
  ours.sort((x, y) => rank(x.lv_attr) - rank(y.lv_attr));
  for (const row of ours) await labExec('a', ['lvremove', '-y', `${LAB_VG}/${row.lv_name}`]);
}

/** The `r lvm_<vg>:<uuid>:...` line of `sanlock client status` on `node`, or undefined. */
export async function sanlockLease(node: LabNode, uuid: string): Promise<string | undefined> {
  const out = await labRun(node, ['sanlock', 'client', 'status']);
  return out.split('\n').map((line) => line.trim()).find((line) => line.startsWith(`r lvm_${LAB_VG}:${uuid}:`));
}

/** The lock lvmlockd holds for `uuid` on `node` (ex, sh) or undefined. */
export async function lvmlockdMode(node: LabNode, uuid: string): Promise<string | undefined> {
  const out = await labRun(node, ['lvmlockctl', '--info']);
  return /^LK LV (ex|sh) (\S+)/.exec(out.split('\n').map((l) => l.trim()).find((l) => l.endsWith(` ${uuid}`) && /^LK LV (ex|sh) /.test(l)) ?? '')?.[1];
}

export const devicePath = (lv: string) => `/dev/${LAB_VG}/${lv}`;

export async function writeAt(node: LabNode, lv: string, marker: string): Promise<void> {
  await labRun(node, ['dd', `of=${devicePath(lv)}`, 'bs=4096', 'count=1', 'conv=sync,notrunc', 'oflag=direct', 'status=none'], { stdin: marker });
}

export async function readAt(node: LabNode, lv: string, length: number): Promise<string> {
  return (await labRun(node, ['dd', `if=${devicePath(lv)}`, 'bs=4096', 'count=1', 'iflag=direct', 'status=none'])).slice(0, length);
}
