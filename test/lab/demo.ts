// `make demo`: the main job end to end. With the lab up and the provider in its filesystem mirror,
// start the agents (a: all mode, b: host mode), `terraform init && terraform apply` examples/basic,
// then show the outputs and each node's sanlock leases. `demo.js down` destroys and stops.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { labAgentUrl, labRun, projectDir } from './client.js';
import { startAgents, stopAgents } from './agents.js';

const work = join(projectDir, '.demo');
const token = 'demo-token-please-change-0123456789';
const env = {
  ...process.env,
  TF_CLI_CONFIG_FILE: join(projectDir, '.terraform-mirror', 'terraformrc'),
  TF_IN_AUTOMATION: '1',
  SHAREDLVM_ENDPOINT: labAgentUrl('a'),
  SHAREDLVM_TOKEN: token,
};
const terraform = (...args: string[]) => execFileSync('terraform', args, { cwd: work, env, stdio: 'inherit' });
const say = (s: string) => process.stdout.write(`\n\x1b[1m== ${s}\x1b[0m\n`);

async function up(): Promise<void> {
  say('agents: node a (all mode: control + host a), node b (host mode)');
  await stopAgents();
  const agents = await startAgents({ token, lvPrefix: 'demo-' });
  console.log(`control agent ${agents.a.url} (dashboard: ${agents.a.url}/dashboard#token=${token})`);
  mkdirSync(work, { recursive: true });
  for (const f of ['main.tf', 'outputs.tf']) cpSync(join(projectDir, 'examples', 'basic', f), join(work, f));
  say('terraform init (offline, from the filesystem mirror)');
  terraform('init', '-input=false', '-no-color');
  say('terraform apply -auto-approve');
  terraform('apply', '-auto-approve', '-input=false', '-no-color');
  say('terraform output');
  terraform('output', '-no-color');
  for (const node of ['a', 'b'] as const) {
    say(`node ${node}: sanlock client status (r lines: LV leases; ":1" exclusive, ":SH" shared)`);
    process.stdout.write(await labRun(node, ['sanlock', 'client', 'status']));
    say(`node ${node}: lvmlockctl --info`);
    process.stdout.write(await labRun(node, ['lvmlockctl', '--info']));
  }
  console.log('\nmake demo-down destroys it all (terraform destroy, agents, lab).');
}

async function down(): Promise<void> {
  if (existsSync(join(work, 'terraform.tfstate'))) {
    say('terraform destroy');
    try { terraform('destroy', '-auto-approve', '-input=false', '-no-color'); } catch { console.error('terraform destroy failed; the lab goes down anyway'); }
  }
  await stopAgents();
}

(process.argv[2] === 'down' ? down() : up()).catch((e: Error) => { console.error(e.message); process.exitCode = 1; });
