// The two agents the CDKTF acceptance test deploys against, started the way the provider and host
// tests start theirs: node a in `all` mode (control + host a, with host b registered), node b in
// `host` mode. Both listen on the forwarded guest port 7480: terraform on this machine reaches a's
// agent at labAgentUrl('a'), and a reaches b's through the host (labAgentUrlFromGuest('b')).
// Everything they create is an LV named cdk-...; removeOurLvs() cleans up, also after a failure.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { GUEST_AGENT_PORT, LAB_VG, labAgentUrl, labAgentUrlFromGuest, labAwaitExit, labExec, labRun, labSpawn, projectDir, requireLab, type LabNode } from '../../../lab/client.js';
import { labHttp } from '../../../lab/http.js';

export const LV_PREFIX = 'cdk-';
export const TOKEN = 'cdktf-acceptance-token-0123456789';
const logFile = (node: LabNode) => `/tmp/cdk-agent-${node}.log`;
const configFile = (node: LabNode) => `/tmp/cdk-agent-${node}.json`;

export interface LabAgent {
  node: LabNode;
  url: string;
  pid: number;
  stop(): Promise<void>;
  log(): Promise<string>;
}

function agentEntry(): string {
  const bundle = join(projectDir, 'dist', 'agent', 'sharedlvm-agent.mjs');
  return existsSync(bundle) ? bundle : join(projectDir, 'dist', 'agent', 'src', 'main.js');
}

async function get(node: LabNode, path: string, timeoutMs = 3000): Promise<{ status: number; body: unknown }> {
  try {
    const reply = await labHttp(labAgentUrl(node) + path, { headers: { authorization: `Bearer ${TOKEN}` }, timeoutMs });
    return { status: reply.status, body: reply.body };
  } catch {
    return { status: 0, body: undefined };
  }
}

function configFor(node: LabNode): unknown {
  return {
    mode: node === 'a' ? 'all' : 'host',
    host_name: node,
    listen: `0.0.0.0:${GUEST_AGENT_PORT}`,
    tokens: [TOKEN],
    lock_type: 'sanlock',
    volume_groups: [{ name: LAB_VG }],
    lv_prefix: LV_PREFIX,
    cache_ttl_ms: 600_000,
    log_level: 'info',
    hosts: node === 'a' ? [{ name: 'b', url: labAgentUrlFromGuest('b'), token: TOKEN }] : [],
  };
}

async function startAgent(node: LabNode): Promise<LabAgent> {
  // Other suites use the same forwarded port: wait (bounded) until theirs is gone.
  const freeBy = Date.now() + 600_000;
  while ((await get(node, '/healthz')).status !== 0) {
    if (Date.now() > freeBy) throw new Error(`an agent already answers on guest port ${GUEST_AGENT_PORT} of node ${node}; stop it first`);
    await new Promise((r) => setTimeout(r, 5000));
  }
  await labRun(node, ['tee', configFile(node)], { stdin: JSON.stringify(configFor(node)) });
  await labExec(node, ['rm', '-f', logFile(node)]);
  const { pid } = await labSpawn(node, ['/usr/bin/node', agentEntry(), '--config', configFile(node)], {
    logFile: logFile(node), env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin' },
  });
  const log = async () => (await labExec(node, ['tail', '-n', '60', logFile(node)])).stdout;
  const stop = async () => {
    await labExec(node, ['kill', String(pid)]).catch(() => undefined);
    await labAwaitExit(node, pid);
  };
  const deadline = Date.now() + 300_000;
  // Ours answers /healthz and accepts our token (another suite's agent would not).
  while ((await get(node, '/healthz')).status !== 200 || (await get(node, `/v1/vgs/${LAB_VG}`, 30_000)).status !== 200) {
    if ((await labExec(node, ['kill', '-0', String(pid)])).code !== 0) throw new Error(`the agent on node ${node} exited during start-up:\n${await log()}`);
    if (Date.now() > deadline) {
      const tail = await log();
      await stop();
      throw new Error(`the agent on node ${node} did not answer within 300 s:\n${tail}`);
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
  return { node, url: labAgentUrl(node), pid, stop, log };
}

/** b (host mode) first, so that a's start-up finds its registered host. */
export async function startAgents(): Promise<{ a: LabAgent; b: LabAgent }> {
  await requireLab('the CDKTF test (it deploys against real LVM)');
  const b = await startAgent('b');
  try {
    return { a: await startAgent('a'), b };
  } catch (e) {
    await b.stop();
    throw e;
  }
}

/** Our LVs in the lab VG. */
export async function ourLvs(): Promise<{ lv_name: string; lv_attr: string; lv_uuid: string }[]> {
  const out = await labRun('a', ['lvs', '--reportformat', 'json', '-o', 'lv_name,lv_attr,lv_uuid', LAB_VG]);
  const rows = (JSON.parse(out) as { report: { lv: { lv_name: string; lv_attr: string; lv_uuid: string }[] }[] }).report[0]?.lv ?? [];
  return rows.filter((r) => r.lv_name.startsWith(LV_PREFIX));
}

/** Removes what a failed run left behind: deactivated on both nodes, snapshots before their volumes. */
export async function removeOurLvs(): Promise<void> {
  const lvs = await ourLvs();
  if (lvs.length === 0) return;
  for (const node of ['a', 'b'] as const) await labExec(node, ['lvchange', '-an', ...lvs.map((lv) => `${LAB_VG}/${lv.lv_name}`)]);
  const rank = (attr: string) => (attr[0] === 's' || attr[0] === 'S' ? 0 : 1);
  lvs.sort((x, y) => rank(x.lv_attr) - rank(y.lv_attr));
  for (const lv of lvs) await labExec('a', ['lvremove', '-y', `${LAB_VG}/${lv.lv_name}`]);
}

/** The lock lvmlockd holds for an LV on a node: 'ex', 'sh' or undefined (from `lvmlockctl --info`). */
export async function lvLock(node: LabNode, lvUuid: string): Promise<string | undefined> {
  const out = await labRun(node, ['lvmlockctl', '--info']);
  const line = out.split('\n').map((l) => l.trim()).find((l) => /^LK LV (ex|sh) /.test(l) && l.endsWith(` ${lvUuid}`));
  return line?.split(' ')[2];
}
