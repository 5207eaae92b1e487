// Issue 6: the CDKTF app in examples/cdktf, synthesized offline by the real cdktf CLI (0.21), then
// applied by the real terraform binary (provider from the filesystem mirror) against the lab's agents:
// create, a second plan is empty, destroy. LVs it makes are named cdk-... and removed even on failure.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { LAB_VG, projectDir } from '../../lab/client.js';
import { ensureProvider, TfWorkdir } from '../provider-cdktf/helpers/terraform.js';
import { LV_PREFIX, TOKEN, lvLock, ourLvs, removeOurLvs, startAgents, type LabAgent } from './helpers/lab-agents.js';

const exampleDir = join(projectDir, 'examples/cdktf');
const cdktfCli = join(projectDir, 'provider-cdktf/cdktf-cli/node_modules/.bin/cdktf');
const STACK = 'shared-lvm-demo';

let cliConfig: string;
let agents: { a: LabAgent; b: LabAgent } | undefined;
let synthDir: string | undefined;
let workdir: TfWorkdir | undefined;
let stackJson: string | undefined;

before(async () => {
  if (!existsSync(cdktfCli)) throw new Error(`${cdktfCli} is missing: run \`make test-cdktf\` (it installs the cdktf tool package with npm ci)`);
  cliConfig = ensureProvider();
});

after(async () => {
  if (workdir?.state().resources?.some((r) => r.type.startsWith('shared_lvm_'))) await workdir.run('destroy', '-auto-approve', '-input=false');
  workdir?.cleanup();
  if (synthDir) rmSync(synthDir, { recursive: true, force: true });
  if (agents) await removeOurLvs().catch((e: unknown) => console.error('cleanup of cdk- LVs failed:', e));
  await agents?.a.stop();
  await agents?.b.stop();
});

test('cdktf synth (offline) writes the stack: provider "shared" from sharedlvm/shared-lvm ~> 0.1, values passed as references', async () => {
  synthDir = mkdtempSync(join(tmpdir(), 'cdktf-synth-'));
  const started = Date.now();
  try {
    await promisify(execFile)(cdktfCli, ['synth', '--output', join(synthDir, 'cdktf.out')], {
      cwd: exampleDir,
      timeout: 300_000,
      maxBuffer: 16 << 20,
      // No registry, no update check, no crash reports: the machine is offline.
      env: { ...process.env, CHECKPOINT_DISABLE: '1', DISABLE_VERSION_CHECK: '1', CI: '1', NO_COLOR: '1', TF_CLI_CONFIG_FILE: cliConfig },
    });
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string; message: string };
    throw new Error(`cdktf synth failed: ${err.message}\n${err.stdout ?? ''}\n${err.stderr ?? ''}`);
  }
  console.log(`cdktf synth: ${Date.now() - started} ms`);
  const manifest = JSON.parse(readFileSync(join(synthDir, 'cdktf.out/manifest.json'), 'utf8')) as { stacks: Record<string, { synthesizedStackPath: string }> };
  const stackPath = manifest.stacks[STACK]?.synthesizedStackPath;
  assert.ok(stackPath, `stack ${STACK} in the manifest`);
  stackJson = readFileSync(join(synthDir, 'cdktf.out', stackPath), 'utf8');
  const stack = JSON.parse(stackJson) as {
    terraform: { required_providers: Record<string, { source: string; version: string }> };
    resource: Record<string, Record<string, Record<string, unknown>>>;
    output: Record<string, { value: unknown }>;
  };
  assert.deepEqual(stack.terraform.required_providers, { shared: { source: 'sharedlvm/shared-lvm', version: '~> 0.1' } });
  assert.deepEqual(Object.keys(stack.resource).sort(), ['shared_lvm_attachment', 'shared_lvm_snapshot', 'shared_lvm_volume']);
  // Tokens became references, so terraform orders the graph itself.
  assert.equal(stack.resource.shared_lvm_snapshot?.app_before_upgrade?.volume_id, '${shared_lvm_volume.app.id}');
  assert.equal(stack.resource.shared_lvm_volume?.app?.volume_group, '${data.shared_lvm_volume_group.vg.name}');
  assert.equal(stack.output.shared_lock_modes?.value, '${data.shared_lvm_volume.shared_now.lock_modes}');
});

test('terraform applies the synthesized stack against the lab, a second plan is empty, destroy leaves nothing', async () => {
  assert.ok(stackJson, 'synth ran first');
  await removeOurLvs(); // what an interrupted earlier run left
  agents = await startAgents();
  const w = new TfWorkdir(cliConfig, { SHAREDLVM_ENDPOINT: agents.a.url, SHAREDLVM_TOKEN: TOKEN, TF_VAR_name_prefix: 'cdk' }, 'cdktf-');
  workdir = w;
  w.write({ 'cdk.tf.json': stackJson });
  // The stack's local backend points into the example folder; keep the state in the scratch folder.
  await w.ok('init', '-input=false', `-backend-config=path=${join(w.dir, 'terraform.tfstate')}`);

  const timings: Record<string, number> = {};
  const applied = await w.ok('apply', '-auto-approve', '-input=false');
  timings.apply = applied.ms;
  assert.match(applied.stdout, /Apply complete! Resources: 6 added, 0 changed, 0 destroyed/);

  const outputs = JSON.parse((await w.ok('output', '-json')).stdout) as Record<string, { value: unknown }>;
  const devicePath = new RegExp(`^/dev/${LAB_VG}/${LV_PREFIX}vol-`);
  assert.match(String(outputs.app_device_path_on_b?.value), devicePath);
  assert.equal(outputs.vg_lock_type?.value, 'sanlock');
  assert.equal(outputs.app_lock_mode_on_b?.value, 'exclusive');
  assert.deepEqual(outputs.shared_lock_modes?.value, { a: 'shared', b: 'shared' });
  const paths = outputs.shared_device_paths?.value as { a: string; b: string };
  assert.match(paths.a, devicePath);
  assert.equal(paths.a, paths.b, 'one LV, the same path on both hosts');

  // What terraform reports is what LVM holds: 2 volumes + 1 snapshot, and the lock modes on each node.
  const app = w.attributes('shared_lvm_volume', 'app');
  const shared = w.attributes('shared_lvm_volume', 'shared_volume');
  assert.ok(app && shared);
  assert.equal((await ourLvs()).length, 3, 'two volumes and one snapshot in the VG');
  assert.equal(await lvLock('b', String(app.lv_uuid)), 'ex', 'app is active exclusively on b');
  assert.equal(await lvLock('a', String(app.lv_uuid)), undefined, 'and not on a');
  assert.equal(await lvLock('a', String(shared.lv_uuid)), 'sh', 'the multiattach volume is shared on a');
  assert.equal(await lvLock('b', String(shared.lv_uuid)), 'sh', 'and on b');

  const second = await w.plan();
  timings.plan = second.ms;
  assert.equal(second.code, 0, `the second plan must be empty:\n${second.stdout}\n${second.stderr}`);

  const destroyed = await w.ok('destroy', '-auto-approve', '-input=false');
  timings.destroy = destroyed.ms;
  assert.match(destroyed.stdout, /Destroy complete! Resources: 6 destroyed/);
  assert.deepEqual(await ourLvs(), [], 'no cdk- LV left');
  console.log(`terraform: ${JSON.stringify(timings)} ms`);
});
