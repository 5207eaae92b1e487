// Acceptance tests of shared_lvm_attachment: the real terraform binary against both lab agents
// (node a: all mode with host b registered, node b: host mode), leases checked with lvmlockctl.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { LAB_VG, labExec, labRun, type LabNode } from '../../lab/client.js';
import { startAgents, type LabAgent } from '../../lab/agents.js';
import { ensureProvider, PROVIDER_HCL, TfWorkdir, HOOK_TIMEOUT, TEST_TIMEOUT } from './helpers/terraform.js';
import { LV_PREFIX, ourLvs, removeOurLvs } from './helpers/lab-agent.js';

const TOKEN = 'provider-attach-token-0123456789ab';
let agents: { a: LabAgent; b: LabAgent } | undefined;
let cliConfig: string;
const workdirs: TfWorkdir[] = [];

function workdir(): TfWorkdir {
  const w = new TfWorkdir(cliConfig, { SHAREDLVM_ENDPOINT: agents?.a.url ?? '', SHAREDLVM_TOKEN: TOKEN });
  workdirs.push(w);
  return w;
}

/** The lock lvmlockd holds for an LV on a node: 'ex', 'sh' or undefined. */
async function lvLock(node: LabNode, lvUuid: string): Promise<string | undefined> {
  const out = await labRun(node, ['lvmlockctl', '--info']);
  return out.split('\n').map((l) => l.trim()).find((l) => /^LK LV (ex|sh) /.test(l) && l.endsWith(` ${lvUuid}`))?.split(' ')[2];
}

async function deactivateOurs(): Promise<void> {
  const lvs = await ourLvs('a');
  if (lvs.length > 0) for (const node of ['a', 'b'] as const) await labExec(node, ['lvchange', '-an', ...lvs.map((lv) => `${LAB_VG}/${lv.lv_name}`)]);
}

before(async () => {
  cliConfig = ensureProvider();
  await deactivateOurs();
  await removeOurLvs('a');
  agents = await startAgents({ token: TOKEN, lvPrefix: LV_PREFIX });
}, HOOK_TIMEOUT);

after(async () => {
  for (const w of workdirs) {
    if (w.state().resources?.length) await w.run('destroy', '-auto-approve', '-input=false');
    w.cleanup();
  }
  await deactivateOurs().catch(() => {});
  await removeOurLvs('a').catch(() => {});
  await agents?.a.stop();
  await agents?.b.stop();
}, HOOK_TIMEOUT);

test('exclusive attachment to node b; a second host for a volume not created multiattach is a plan-time error', TEST_TIMEOUT, async () => {
  const w = workdir();
  const base = `${PROVIDER_HCL}
resource "shared_lvm_volume" "single" {
  name         = "tfp-single"
  volume_group = "${LAB_VG}"
  size_gib     = 0.25
}
resource "shared_lvm_attachment" "on_b" {
  volume_id = shared_lvm_volume.single.id
  host      = "b"
}
`;
  w.write({ 'main.tf': base });
  await w.init();
  await w.ok('apply', '-auto-approve', '-input=false');
  const att = w.attributes('shared_lvm_attachment', 'on_b');
  const vol = w.attributes('shared_lvm_volume', 'single');
  assert.equal(att?.lock_mode, 'exclusive');
  assert.match(String(att?.device_path), new RegExp(`^/dev/${LAB_VG}/${LV_PREFIX}`));
  assert.equal(await lvLock('b', String(vol?.lv_uuid)), 'ex', 'node b holds the exclusive lease');
  assert.equal(await lvLock('a', String(vol?.lv_uuid)), undefined, 'node a holds nothing');
  const second = await w.plan();
  assert.equal(second.code, 0, `second plan must be empty:\n${second.stdout}`);

  w.write({ 'main.tf': `${base}
resource "shared_lvm_attachment" "on_a" {
  volume_id = shared_lvm_volume.single.id
  host      = "a"
}
` });
  const refused = await w.plan();
  assert.equal(refused.code, 1, refused.stdout);
  assert.match(refused.stderr, /Error: Volume is not multi-attachable/);
  assert.match(refused.stderr, /volume_id\s+=/, 'on the attribute at fault');

  w.write({ 'main.tf': base });
  const destroyed = await w.ok('destroy', '-auto-approve', '-input=false');
  assert.match(destroyed.stdout, /Destroy complete! Resources: 2 destroyed/, 'the attachment goes before its volume');
  assert.equal(await lvLock('b', String(vol?.lv_uuid)), undefined, 'detached: lease released');
});

test('a multiattach volume on both nodes holds shared leases; import round trip; destroy detaches first', TEST_TIMEOUT, async () => {
  const w = workdir();
  w.write({ 'main.tf': `${PROVIDER_HCL}
resource "shared_lvm_volume" "multi" {
  name         = "tfp-multi"
  volume_group = "${LAB_VG}"
  size_gib     = 0.25
  multiattach  = true
}
resource "shared_lvm_attachment" "on_a" {
  volume_id = shared_lvm_volume.multi.id
  host      = "a"
}
resource "shared_lvm_attachment" "on_b" {
  volume_id  = shared_lvm_volume.multi.id
  host       = "b"
  depends_on = [shared_lvm_attachment.on_a]
}
` });
  await w.init();
  await w.ok('apply', '-auto-approve', '-input=false');
  await w.ok('apply', '-auto-approve', '-input=false', '-refresh-only');
  const vol = w.attributes('shared_lvm_volume', 'multi');
  assert.equal(w.attributes('shared_lvm_attachment', 'on_a')?.lock_mode, 'shared');
  assert.equal(w.attributes('shared_lvm_attachment', 'on_b')?.lock_mode, 'shared');
  assert.equal(await lvLock('a', String(vol?.lv_uuid)), 'sh');
  assert.equal(await lvLock('b', String(vol?.lv_uuid)), 'sh');
  assert.equal((await w.plan()).code, 0, 'no diff');

  const id = String(w.attributes('shared_lvm_attachment', 'on_b')?.id);
  await w.ok('state', 'rm', 'shared_lvm_attachment.on_b');
  await w.ok('import', '-input=false', 'shared_lvm_attachment.on_b', id);
  const afterImport = await w.plan();
  assert.equal(afterImport.code, 0, `plan after import must be empty:\n${afterImport.stdout}`);

  const destroyed = await w.ok('destroy', '-auto-approve', '-input=false');
  assert.match(destroyed.stdout, /Destroy complete! Resources: 3 destroyed/);
  assert.equal(await lvLock('a', String(vol?.lv_uuid)), undefined);
  assert.equal(await lvLock('b', String(vol?.lv_uuid)), undefined);
});
