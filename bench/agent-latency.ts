// Benchmark (not a timed test): in the lab, the agent's create-volume latency divided by raw lvcreate
// with the same arguments (goal <= 1.05 at the median), and GET of one volume divided by raw lvs of it
// (goal <= 0.02). Both sides are measured inside guest a. Run: npm run bench:agent (lab up, built,
// bundle made with npm run bundle:agent). Options: BENCH_ITERATIONS (default 9), BENCH_MODES
// (default "sync,async": the agent's reread_after_create setting), AGENT_LAB_NODE (a or b, default a).
import { LAB_VG, labExec, projectDir } from '../test/lab/client.js';
import { AGENT_NODE, AGENT_PORT, LV_PREFIX, TOKEN, removeOurLvs, requireLab, startLabAgent } from '../test/integration/agent/lab-agent.js';
import { join } from 'node:path';

interface Result {
  create: { raw_ms: number[]; agent_ms: number[]; raw_median_ms: number; agent_median_ms: number; ratio: number };
  get: { agent_ms: number[]; lvs_ms: number[]; agent_median_ms: number; lvs_median_ms: number; ratio: number };
  get_from_host?: { agent_ms: number[]; agent_median_ms: number; ratio: number };
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

/** GETs of one volume from the host (a client outside the guest, as in production), keep-alive. */
async function getsFromHost(url: string, count: number): Promise<number[]> {
  const headers = { authorization: `Bearer ${TOKEN}` };
  const times: number[] = [];
  for (let i = 0; i < count + 5; i++) {
    const started = performance.now();
    const response = await fetch(`${url}/v1/volumes/bench-get`, { headers });
    await response.arrayBuffer();
    if (response.status !== 200) throw new Error(`GET answered ${response.status}`);
    if (i >= 5) times.push(performance.now() - started);
  }
  return times;
}

async function main(): Promise<void> {
  await requireLab();
  await removeOurLvs();
  const iterations = Number(process.env.BENCH_ITERATIONS ?? 9);
  const modes = (process.env.BENCH_MODES ?? 'sync,async').split(',');
  const vgs = JSON.parse((await labExec(AGENT_NODE, ['vgs', '--reportformat', 'json', '--units', 'b', '--nosuffix', '-o', 'vg_extent_size', LAB_VG])).stdout);
  const extentBytes = Number(vgs.report[0].vg[0].vg_extent_size);
  const results: Record<string, Result> = {};
  for (const mode of modes) {
    const agent = await startLabAgent({ args: ['--cache-ttl-ms', '5000', '--reread-after-create', mode, '--log-level', 'warn'] });
    try {
      const runnerOptions = {
        url: agent.guestUrl, token: TOKEN, vg: LAB_VG, prefix: LV_PREFIX, iterations, getIterations: 50, lvsIterations: 9,
        sizeGib: 0.01, extentBytes,
      };
      const reply = await labExec(AGENT_NODE, ['/usr/bin/node', join(projectDir, 'dist', 'bench', 'guest-runner.js'), JSON.stringify(runnerOptions)], { timeoutMs: 900_000 });
      if (reply.code !== 0) throw new Error(`guest runner failed: ${reply.stderr}\n${await agent.log()}`);
      const result = JSON.parse(reply.stdout) as Result;
      if (AGENT_PORT === 7480) {
        const fromHost = await getsFromHost(agent.url, 50);
        result.get_from_host = { agent_ms: fromHost, agent_median_ms: median(fromHost), ratio: median(fromHost) / result.get.lvs_median_ms };
      }
      results[mode] = result;
    } finally {
      await agent.stop();
      await removeOurLvs(AGENT_NODE);
    }
  }
  const round = (value: number) => Math.round(value * 1000) / 1000;
  for (const [mode, result] of Object.entries(results)) {
    console.log(`reread_after_create=${mode}`);
    console.log(`  create: agent median ${round(result.create.agent_median_ms)} ms / raw lvcreate median ${round(result.create.raw_median_ms)} ms = ${round(result.create.ratio)} (goal <= 1.05)`);
    console.log(`     agent ${result.create.agent_ms.map(Math.round).join(' ')} | raw ${result.create.raw_ms.map(Math.round).join(' ')}`);
    console.log(`  get:    agent median ${round(result.get.agent_median_ms)} ms / raw lvs median ${round(result.get.lvs_median_ms)} ms = ${round(result.get.ratio)} (goal <= 0.02)`);
    console.log(`     lvs ${result.get.lvs_ms.map(Math.round).join(' ')}`);
    const host = result.get_from_host;
    if (host) console.log(`  get from the host: agent median ${round(host.agent_median_ms)} ms / raw lvs (in the guest) = ${round(host.ratio)} (goal <= 0.02)`);
  }
  console.log(JSON.stringify(results));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
