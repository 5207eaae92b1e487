// Runs the agent inside a lab guest (node a by default) against the real shared VG, for integration
// tests and the benchmark. Everything it creates starts with LV_PREFIX, and it cleans up after itself.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { LAB_VG, labAgentUrl, labAwaitExit, labExec, labRun, labSpawn, projectDir, requireLab as requireOwnLab, type LabNode } from '../../lab/client.js';
import { labHttpStatus } from '../../lab/http.js';

export const LV_PREFIX = 'agt-';
export const THIN_POOL = `${LV_PREFIX}pool`;
export const TOKEN = 'integration-token-0123456789abcdef';
export const AUTH = { authorization: `Bearer ${TOKEN}` };
const LOG_FILE = '/tmp/agt-agent.log';

/** The lab is started and stopped by `make` (the lead's targets), never by these tests; it must be this
 *  checkout's lab with 4 KiB sectors (test/lab/client.ts requireLab). */
export async function requireLab(): Promise<void> {
  await requireOwnLab('the agent integration tests');
}

/** The esbuild bundle starts in about 10 s in a TCG guest instead of 40 s for the module tree. */
export function agentEntry(): string {
  const bundle = join(projectDir, 'dist', 'agent', 'sharedlvm-agent.mjs');
  return existsSync(bundle) ? bundle : join(projectDir, 'dist', 'agent', 'src', 'main.js');
}

export interface LabAgent {
  node: LabNode;
  /** From the host; only when the agent listens on the forwarded port 7480. */
  url: string;
  /** From inside the guest. */
  guestUrl: string;
  pid: number;
  stop(): Promise<void>;
  log(): Promise<string>;
}

async function healthy(url: string): Promise<boolean> {
  return (await labHttpStatus(`${url}/healthz`, { timeoutMs: 3000 })) === 200;
}

/** The guest the agent runs in: a, unless AGENT_LAB_NODE=b (port 7480 of a may be taken by another suite). */
export const AGENT_NODE: LabNode = process.env.AGENT_LAB_NODE === 'b' ? 'b' : 'a';
/** Guest port; only 7480 is forwarded to the host, another port serves in-guest clients (the bench). */
export const AGENT_PORT = Number(process.env.AGENT_LAB_PORT ?? 7480);

export async function startLabAgent(options: { node?: LabNode; mode?: 'control' | 'host' | 'all'; args?: string[] } = {}): Promise<LabAgent> {
  const node = options.node ?? AGENT_NODE;
  const forwarded = AGENT_PORT === 7480;
  const url = labAgentUrl(node);
  const guestUrl = `http://127.0.0.1:${AGENT_PORT}`;
  const inGuestHealthy = async () => (await labExec(node, ['/usr/bin/curl', '-sf', '-m', '3', `${guestUrl}/healthz`])).code === 0;
  const isHealthy = forwarded ? () => healthy(url) : inGuestHealthy;
  if (await isHealthy()) throw new Error(`an agent already answers on guest port ${AGENT_PORT} of node ${node}; stop it first (or set AGENT_LAB_NODE / AGENT_LAB_PORT)`);
  await labExec(node, ['rm', '-f', LOG_FILE]);
  const { pid } = await labSpawn(node, [
    '/usr/bin/node', agentEntry(), '--mode', options.mode ?? 'control', '--vg', LAB_VG, '--thin-pool', THIN_POOL,
    '--thin-pool-size-gib', '0.25', '--lv-prefix', LV_PREFIX, '--token', TOKEN, '--listen', `0.0.0.0:${AGENT_PORT}`,
    '--cache-ttl-ms', '600000', ...(options.args ?? []),
  ], { logFile: LOG_FILE, env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin' } });
  const log = async () => (await labExec(node, ['tail', '-n', '40', LOG_FILE])).stdout;
  const deadline = Date.now() + 150_000;
  while (!(await isHealthy())) {
    const alive = await labExec(node, ['kill', '-0', String(pid)]);
    if (alive.code !== 0) throw new Error(`the agent exited during start-up:\n${await log()}`);
    if (Date.now() > deadline) throw new Error(`the agent did not answer /healthz within 150 s:\n${await log()}`);
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  return {
    node,
    url,
    guestUrl,
    pid,
    log,
    async stop() {
      await labExec(node, ['kill', String(pid)]);
      await labAwaitExit(node, pid);
    },
  };
}

/** Removes every LV of this test suite (prefix) from the lab VG, snapshots first, pool last. */
export async function removeOurLvs(node: LabNode = 'a'): Promise<void> {
  const out = await labRun(node, ['lvs', '--reportformat', 'json', '-o', 'lv_name,lv_attr', LAB_VG]);
  const rows = (JSON.parse(out) as { report: { lv: { lv_name: string; lv_attr: string }[] }[] }).report[0]!.lv;
  const ours = rows.filter((row) => row.lv_name.startsWith(LV_PREFIX));
  const rank = (attr: string) => (attr[0] === 's' || attr[0] === 'S' ? 0 : attr[0] === 't' ? 2 : 1);
  ours.sort((a, b) => rank(a.lv_attr) - rank(b.lv_attr));
  for (const row of ours) await labExec(node, ['lvremove', '-y', `${LAB_VG}/${row.lv_name}`]);
}

/** The lab VG's LVs as lvm sees them right now (raw `lvs` in the guest). */
export async function rawLvs(node: LabNode = 'a'): Promise<Map<string, { lv_attr: string; lv_size: string; lv_tags: string; lv_uuid: string }>> {
  const out = await labRun(node, ['lvs', '--reportformat', 'json', '--units', 'b', '--nosuffix', '-o', 'lv_name,lv_attr,lv_size,lv_tags,lv_uuid', LAB_VG]);
  const rows = (JSON.parse(out) as { report: { lv: { lv_name: string; lv_attr: string; lv_size: string; lv_tags: string; lv_uuid: string }[] }[] }).report[0]!.lv;
  return new Map(rows.map((row) => [row.lv_name, row]));
}

/** LV locks this node holds (from lvmlockctl --info: `LK LV ex <uuid>`). */
export async function heldLocks(node: LabNode = 'a'): Promise<string[]> {
  const out = await labRun(node, ['lvmlockctl', '--info']);
  return out.split('\n').filter((line) => /^LK LV (ex|sh) /.test(line.trim())).map((line) => line.trim());
}

export function mapperPath(lvName: string): string {
  return `/dev/mapper/${LAB_VG.replaceAll('-', '--')}-${lvName.replaceAll('-', '--')}`;
}

/** Writes `marker` into the first 4 KiB of an LV (activating it on `node` for the write). */
export async function writeMarker(node: LabNode, lvName: string, marker: string): Promise<void> {
  await labRun(node, ['lvchange', '-aey', `${LAB_VG}/${lvName}`]);
  try {
    await labRun(node, ['dd', `of=${mapperPath(lvName)}`, 'bs=4096', 'count=1', 'conv=sync', 'oflag=direct', 'status=none'], { stdin: marker });
  } finally {
    await labRun(node, ['lvchange', '-an', `${LAB_VG}/${lvName}`]);
  }
}

export async function readMarker(node: LabNode, lvName: string, length: number): Promise<string> {
  await labRun(node, ['lvchange', '-aey', `${LAB_VG}/${lvName}`]);
  try {
    const out = await labRun(node, ['dd', `if=${mapperPath(lvName)}`, 'bs=4096', 'count=1', 'iflag=direct', 'status=none']);
    return out.slice(0, length);
  } finally {
    await labRun(node, ['lvchange', '-an', `${LAB_VG}/${lvName}`]);
  }
}
