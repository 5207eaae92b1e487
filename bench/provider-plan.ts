// Benchmark (issue 5, item 8), part 2: wall time of a no-op `terraform plan` of 50 shared_lvm_volume
// resources (real agent in lab node a, real LVM) divided by the same plan of 50 terraform_data.
//   make provider && node dist/bench/provider-plan.js [plans]      (needs the lab: make lab-up)
import { LAB_VG } from '../test/lab/client.js';
import { ensureProvider, PROVIDER_HCL, TfWorkdir } from '../test/acceptance/provider-cdktf/helpers/terraform.js';
import { removeOurLvs, startLabAgent } from '../test/acceptance/provider-cdktf/helpers/lab-agent.js';
import { median } from './provider-launch.js';

const COUNT = 50;

async function timedPlans(w: TfWorkdir, runs: number): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const r = await w.plan('-refresh=true');
    if (r.code !== 0) throw new Error(`plan was not a no-op (exit ${r.code}):\n${r.stdout}\n${r.stderr}`);
    times.push(r.ms);
  }
  return times;
}

async function main(): Promise<void> {
  const runs = Number(process.argv[2] ?? 5);
  const cliConfig = ensureProvider();
  const agent = await startLabAgent('a');
  const volumes = new TfWorkdir(cliConfig, { SHAREDLVM_ENDPOINT: agent.url, SHAREDLVM_TOKEN: agent.token }, 'tfbench-');
  const data = new TfWorkdir(cliConfig, {}, 'tfbench-');
  try {
    volumes.write({ 'main.tf': `${PROVIDER_HCL}
resource "shared_lvm_volume" "bench" {
  count        = ${COUNT}
  name         = "tfp-bench-\${count.index}"
  volume_group = "${LAB_VG}"
  size_gib     = 0.125
}
` });
    data.write({ 'main.tf': `resource "terraform_data" "bench" {
  count = ${COUNT}
  input = "bench-\${count.index}"
}
` });
    await volumes.init();
    await data.init();
    const created = await volumes.ok('apply', '-auto-approve', '-input=false');
    await data.ok('apply', '-auto-approve', '-input=false');
    const volumePlans = await timedPlans(volumes, runs);
    const dataPlans = await timedPlans(data, runs);
    const v = median(volumePlans);
    const d = median(dataPlans);
    console.log(JSON.stringify({
      resources: COUNT,
      runs,
      apply_50_volumes_ms: created.ms,
      noop_plan_50_volumes_ms_median: v,
      noop_plan_50_terraform_data_ms_median: d,
      ratio: +(v / d).toFixed(1),
      volume_plans_ms: volumePlans,
      terraform_data_plans_ms: dataPlans,
    }));
  } finally {
    await volumes.run('destroy', '-auto-approve', '-input=false');
    volumes.cleanup();
    data.cleanup();
    await removeOurLvs('a').catch(() => {});
    await agent.stop();
  }
}

await main();
