// The control agent in lab node a for the provider's acceptance tests: started here when none
// answers, stopped again afterwards. Volumes it makes are LVs named tfp-vol-<id> (our prefix).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { LAB_VG, labAgentUrl, labAwaitExit, labExec, labRun, labSpawn, projectDir, requireLab, type LabNode } from '../../../lab/client.js';
import { labHttpStatus } from '../../../lab/http.js';

export const LV_PREFIX = 'tfp-';
export const TOKEN = 'provider-acceptance-token-0123456789';
const LOG_FILE = '/tmp/tfp-agent.log';

export interface LabAgent {
  url: string;
  token: string;
  stop(): Promise<void>;
}

function answers(url: string, path = '/healthz', token?: string): Promise<number> {
  return labHttpStatus(url + path, { headers: token ? { authorization: `Bearer ${token}` } : {}, timeoutMs: 3000 });
}

export async function startLabAgent(node: LabNode = 'a'): Promise<LabAgent> {
  await requireLab('the provider acceptance tests (they run against real LVM)');
  const url = labAgentUrl(node);
  // Guest port 7480 is shared by every suite that runs an agent: wait a while for another one to finish.
  for (const deadline = Date.now() + 180_000; (await answers(url)) === 200; ) {
    if ((await answers(url, `/v1/vgs/${LAB_VG}`, TOKEN)) === 200) return { url, token: TOKEN, stop: async () => {} };
    if (Date.now() > deadline) throw new Error(`another agent answers on ${url} and does not accept the acceptance tests' token; stop it first`);
    await new Promise((r) => setTimeout(r, 5000));
  }
  const bundle = join(projectDir, 'dist', 'agent', 'sharedlvm-agent.mjs');
  const entry = existsSync(bundle) ? bundle : join(projectDir, 'dist', 'agent', 'src', 'main.js');
  await labExec(node, ['rm', '-f', LOG_FILE]);
  const { pid } = await labSpawn(node, [
    '/usr/bin/node', entry, '--mode', 'all', '--vg', LAB_VG, '--lv-prefix', LV_PREFIX, '--token', TOKEN,
    '--listen', '0.0.0.0:7480', '--cache-ttl-ms', '600000', '--thin-pool', `${LV_PREFIX}pool`, '--thin-pool-size-gib', '1',
  ], { logFile: LOG_FILE, env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin' } });
  const deadline = Date.now() + 150_000;
  while ((await answers(url)) !== 200) {
    if ((await labExec(node, ['kill', '-0', String(pid)])).code !== 0) {
      throw new Error(`the agent exited during start-up:\n${(await labExec(node, ['tail', '-n', '40', LOG_FILE])).stdout}`);
    }
    if (Date.now() > deadline) throw new Error('the agent did not answer /healthz within 150 s');
    await new Promise((r) => setTimeout(r, 1000));
  }
  if ((await answers(url, `/v1/vgs/${LAB_VG}`, TOKEN)) !== 200) {
    await labExec(node, ['kill', String(pid)]);
    throw new Error(`an agent answers on ${url} but not ours (another suite's agent took guest port 7480); run the suites one after another`);
  }
  return {
    url,
    token: TOKEN,
    async stop() {
      await labExec(node, ['kill', String(pid)]);
      await labAwaitExit(node, pid);
    },
  };
}

/** LVs in the lab VG whose names start with our prefix. */
export async function ourLvs(node: LabNode = 'a'): Promise<{ lv_name: string; lv_attr: string; lv_size: string }[]> {
  const out = await labRun(node, ['lvs', '--reportformat', 'json', '--units', 'b', '--nosuffix', '-o', 'lv_name,lv_attr,lv_size', LAB_VG]);
  const rows = (JSON.parse(out) as { report: { lv: { lv_name: string; lv_attr: string; lv_size: string }[] }[] }).report[0]?.lv ?? [];
  return rows.filter((r) => r.lv_name.startsWith(LV_PREFIX));
}

/** Removes what a failed test left behind: snapshots first, then volumes. */
export async function removeOurLvs(node: LabNode = 'a'): Promise<void> {
  const lvs = await ourLvs(node);
  lvs.sort((a, b) => (a.lv_attr[0] === 's' ? 0 : 1) - (b.lv_attr[0] === 's' ? 0 : 1));
  for (const lv of lvs) await labExec(node, ['lvremove', '-y', `${LAB_VG}/${lv.lv_name}`]);
}
