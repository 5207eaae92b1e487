// Acceptance tests: the real terraform binary, the provider from the offline filesystem mirror, and
// the control agent in lab node a on the real shared VG (lvmlockd + sanlock). Issue 5, item 7.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LAB_VG, labRun } from '../../lab/client.js';
import { PROVIDER_HCL, TEST_TIMEOUT } from './helpers/terraform.js';
import { ourLvs } from './helpers/lab-agent.js';
import { labSuite } from './helpers/suite.js';

const suite = labSuite();
const workdir = () => suite.workdir();

function volumeWithSnapshot(name: string, size: number): string {
  return `${PROVIDER_HCL}
resource "shared_lvm_volume" "v" {
  name         = "${name}"
  volume_group = "${LAB_VG}"
  size_gib     = ${size}
  tags         = ["acceptance", "owner=tfp"]
}

resource "shared_lvm_snapshot" "s" {
  volume_id = shared_lvm_volume.v.id
  name      = "tfp-life-snap"
}
`;
}

function assertPlanError(r: { code: number; stdout: string; stderr: string }, summary: string, attribute: string): void {
  assert.equal(r.code, 1, `plan should fail:\n${r.stdout}\n${r.stderr}`);
  assert.match(r.stderr, new RegExp(`Error: ${summary}`));
  assert.match(r.stderr, new RegExp(`${attribute}\\s+=`), 'the diagnostic points at the attribute at fault');
}

test('lifecycle: create, empty second plan, extend + rename in place, import round trip, destroy', TEST_TIMEOUT, async () => {
  const w = workdir();
  const baseline = (await ourLvs('a')).length;
  w.write({ 'main.tf': volumeWithSnapshot('tfp-life', 1) });
  await w.init();

  const created = await w.ok('apply', '-auto-approve', '-input=false');
  assert.match(created.stdout, /Apply complete! Resources: 2 added, 0 changed, 0 destroyed/);
  const vol = w.attributes('shared_lvm_volume', 'v');
  assert.ok(vol, 'volume in state');
  assert.equal(vol.size_bytes, 1024 ** 3);
  assert.match(String(vol.device_path), new RegExp(`^/dev/${LAB_VG}/tfp-vol-`));
  const lvs = await ourLvs('a');
  assert.ok(lvs.some((lv) => lv.lv_name === vol.lv_name && Number(lv.lv_size) === 1024 ** 3), 'the LV exists in the real VG');

  const second = await w.plan();
  assert.equal(second.code, 0, `second plan must be empty:\n${second.stdout}`);

  w.write({ 'main.tf': volumeWithSnapshot('tfp-life-renamed', 2) });
  const planned = await w.plan();
  assert.equal(planned.code, 2);
  assert.match(planned.stdout, /shared_lvm_volume\.v will be updated in-place/);
  assert.doesNotMatch(planned.stdout, /must be replaced/);
  await w.ok('apply', '-auto-approve', '-input=false');
  const grown = w.attributes('shared_lvm_volume', 'v');
  assert.equal(grown?.id, vol.id, 'same volume, changed in place');
  assert.equal(grown?.size_bytes, 2 * 1024 ** 3);
  assert.equal(grown?.name, 'tfp-life-renamed');
  const lv = (await ourLvs('a')).find((l) => l.lv_name === vol.lv_name);
  assert.equal(Number(lv?.lv_size), 2 * 1024 ** 3, 'lvextend really happened');
  assert.equal((await w.plan()).code, 0, 'empty plan after the update');

  // Import round trip: forget both, import by id, and the plan is empty again.
  const snapId = String(w.attributes('shared_lvm_snapshot', 's')?.id);
  await w.ok('state', 'rm', 'shared_lvm_snapshot.s', 'shared_lvm_volume.v');
  await w.ok('import', '-input=false', 'shared_lvm_volume.v', String(vol.id));
  await w.ok('import', '-input=false', 'shared_lvm_snapshot.s', snapId);
  const afterImport = await w.plan();
  assert.equal(afterImport.code, 0, `plan after import must be empty:\n${afterImport.stdout}`);

  const destroyed = await w.ok('destroy', '-auto-approve', '-input=false');
  assert.match(destroyed.stdout, /Destroy complete! Resources: 2 destroyed/);
  assert.equal((await ourLvs('a')).length, baseline, 'no LV left behind');
});

test('plan-time errors (shrink, larger than the free space, two sources) and the data sources', TEST_TIMEOUT, async () => {
  const w = workdir();
  w.write({ 'main.tf': `${PROVIDER_HCL}
resource "shared_lvm_volume" "v" {
  name         = "tfp-errors"
  volume_group = "${LAB_VG}"
  size_gib     = 2
}
` });
  await w.init();
  await w.ok('apply', '-auto-approve', '-input=false');
  const lvCount = (await ourLvs('a')).length;

  w.write({ 'main.tf': `${PROVIDER_HCL}
resource "shared_lvm_volume" "v" {
  name         = "tfp-errors"
  volume_group = "${LAB_VG}"
  size_gib     = 1
}
` });
  const shrink = await w.plan();
  assertPlanError(shrink, 'Volumes can only grow', 'size_gib');
  assert.match(shrink.stderr, /from 2 to 1 GiB/);

  const keep = `${PROVIDER_HCL}
resource "shared_lvm_volume" "v" {
  name         = "tfp-errors"
  volume_group = "${LAB_VG}"
  size_gib     = 2
}
`;
  w.write({ 'main.tf': `${keep}
resource "shared_lvm_volume" "huge" {
  name         = "tfp-huge"
  volume_group = "${LAB_VG}"
  size_gib     = 4096
}
` });
  assertPlanError(await w.plan(), 'Not enough free space in the volume group', 'size_gib');

  w.write({ 'main.tf': `${keep}
resource "shared_lvm_volume" "two_sources" {
  name               = "tfp-two"
  volume_group       = "${LAB_VG}"
  source_volume_id   = shared_lvm_volume.v.id
  source_snapshot_id = "some-snapshot"
}
` });
  assertPlanError(await w.plan(), 'Conflicting volume sources', 'source_volume_id');
  assert.equal((await ourLvs('a')).length, lvCount, 'a failed plan changes nothing');

  // The data sources read what exists.
  w.write({ 'main.tf': `${keep}
data "shared_lvm_volume_group" "vg" {
  name = "${LAB_VG}"
  # read after the volume exists, so that the free space it reports is current
  depends_on = [shared_lvm_volume.v]
}
data "shared_lvm_volume" "by_name" {
  name         = shared_lvm_volume.v.name
  volume_group = "${LAB_VG}"
}
output "lock_type" { value = data.shared_lvm_volume_group.vg.lock_type }
output "by_name" { value = { id = data.shared_lvm_volume.by_name.id, size_gib = data.shared_lvm_volume.by_name.size_gib } }
output "volume_id" { value = shared_lvm_volume.v.id }
` });
  await w.ok('apply', '-auto-approve', '-input=false');
  const outputs = JSON.parse((await w.ok('output', '-json')).stdout) as Record<string, { value: unknown }>;
  assert.equal(outputs.lock_type?.value, 'sanlock');
  assert.deepEqual(outputs.by_name?.value, { id: outputs.volume_id?.value, size_gib: 2 });
  const vg = w.state().resources?.find((r) => r.type === 'shared_lvm_volume_group')?.instances[0]?.attributes ?? {};
  assert.ok(Number(vg.free_bytes) > 0 && Number(vg.free_bytes) <= Number(vg.size_bytes), 'free space within the VG size');
  // (capacity figures are not outputs here: other suites share the lab VG and move them between runs)
  const again = await w.plan();
  assert.equal(again.code, 0, `data sources cause no diff:\n${again.stdout}`);
  w.write({ 'main.tf': keep });
  await w.ok('destroy', '-auto-approve', '-input=false');
});

test('drift: an LV removed behind terraform\'s back is planned again; a resize shows in the plan', TEST_TIMEOUT, async () => {
  const w = workdir();
  const hcl = (size: number) => `${PROVIDER_HCL}
resource "shared_lvm_volume" "v" {
  name         = "tfp-drift"
  volume_group = "${LAB_VG}"
  size_gib     = ${size}
}
`;
  w.write({ 'main.tf': hcl(1) });
  await w.init();
  await w.ok('apply', '-auto-approve', '-input=false');
  const lvName = String(w.attributes('shared_lvm_volume', 'v')?.lv_name);

  await labRun('a', ['lvextend', '-L', '+1g', `${LAB_VG}/${lvName}`]);
  const resized = await w.plan();
  assertPlanError(resized, 'Volumes can only grow', 'size_gib');
  assert.match(resized.stderr, /from 2 to 1 GiB/, 'the out-of-band size is what terraform sees');
  w.write({ 'main.tf': hcl(2) });
  assert.equal((await w.plan()).code, 0, 'config caught up with the resize: no diff');

  await labRun('a', ['lvremove', '-y', `${LAB_VG}/${lvName}`]);
  const refreshed = await w.run('plan', '-refresh-only', '-input=false');
  assert.match(refreshed.stdout, /shared_lvm_volume\.v has been deleted/, refreshed.stdout);
  const gone = await w.plan();
  assert.equal(gone.code, 2, gone.stdout);
  assert.match(gone.stdout, /shared_lvm_volume\.v will be created/);
  await w.ok('apply', '-auto-approve', '-input=false');
  assert.equal((await w.plan()).code, 0);
  await w.ok('destroy', '-auto-approve', '-input=false');
});

test('an apply interrupted with SIGINT leaves state that a second apply completes', TEST_TIMEOUT, async () => {
  const w = workdir();
  w.write({ 'main.tf': `${PROVIDER_HCL}
resource "shared_lvm_volume" "many" {
  count        = 3
  name         = "tfp-int-\${count.index}"
  volume_group = "${LAB_VG}"
  size_gib     = 1
}
` });
  await w.init();
  const baseline = (await ourLvs('a')).length;
  let interrupted = false;
  const run = w.start(['apply', '-auto-approve', '-input=false', '-parallelism=1', '-no-color'], (line, child) => {
    if (!interrupted && /Creation complete/.test(line)) {
      interrupted = true;
      child.kill('SIGINT');
    }
  });
  const first = await run.done;
  assert.ok(interrupted, `apply was interrupted:\n${first.stdout}`);
  assert.notEqual(first.code, 0, 'an interrupted apply does not report success');
  const inState = w.state().resources?.[0]?.instances.length ?? 0;
  assert.ok(inState >= 1 && inState < 3, `some volumes were created before the interrupt (${inState})`);

  const second = await w.ok('apply', '-auto-approve', '-input=false');
  assert.match(second.stdout, /Apply complete!/);
  assert.equal(w.state().resources?.[0]?.instances.length, 3);
  assert.equal((await ourLvs('a')).length, baseline + 3, 'exactly three new LVs: nothing orphaned, nothing doubled');
  assert.equal((await w.plan()).code, 0);
  await w.ok('destroy', '-auto-approve', '-input=false');
});

// Attachments (exclusive, multi-attach, the multiattach plan-time error): attachments.test.ts.

function placedVolume(placement: string): string {
  return `${PROVIDER_HCL}
resource "shared_lvm_volume" "p" {
  name         = "tfp-place"
  volume_group = "${LAB_VG}"
  size_gib     = 0.25
${placement}
}
`;
}

/** The PVs an LV maps to, as lvm reports them in the lab. */
async function devicesOf(lvName: string): Promise<string> {
  return (await labRun('a', ['lvs', '--noheadings', '-o', 'devices', `${LAB_VG}/${lvName}`])).trim();
}

test('placement in place: pv on create, a pv change moves the extents (pvmove), thin = true retypes keeping the id', TEST_TIMEOUT, async () => {
  const w = workdir();
  w.write({ 'main.tf': placedVolume('  pv = "/dev/vda"') });
  await w.init();
  await w.ok('apply', '-auto-approve', '-input=false');
  const created = w.attributes('shared_lvm_volume', 'p');
  assert.equal(created?.pv, '/dev/vda');
  assert.match(await devicesOf(String(created?.lv_name)), /^\/dev\/vda\(/, 'lvcreate allocated on /dev/vda');
  assert.equal((await w.plan()).code, 0, 'empty plan after create');

  w.write({ 'main.tf': placedVolume('  pv = "/dev/vdb"') });
  const planned = await w.plan();
  assert.equal(planned.code, 2);
  assert.match(planned.stdout, /shared_lvm_volume\.p will be updated in-place/);
  assert.doesNotMatch(planned.stdout, /must be replaced/);
  await w.ok('apply', '-auto-approve', '-input=false');
  const moved = w.attributes('shared_lvm_volume', 'p');
  assert.equal(moved?.id, created?.id, 'same volume');
  assert.equal(moved?.pv, '/dev/vdb');
  assert.match(await devicesOf(String(moved?.lv_name)), /^\/dev\/vdb\(/, 'pvmove really moved it');
  const log = readFileSync(join(w.dir, 'terraform.log'), 'utf8');
  assert.match(log, /Move volume: move done/, 'the provider logs the operation');
  assert.equal((await w.plan()).code, 0, 'empty plan after the move');

  w.write({ 'main.tf': placedVolume('  thin = true') });
  const retypePlan = await w.plan();
  assert.equal(retypePlan.code, 2);
  assert.match(retypePlan.stdout, /shared_lvm_volume\.p will be updated in-place/);
  assert.doesNotMatch(retypePlan.stdout, /must be replaced/);
  await w.ok('apply', '-auto-approve', '-input=false');
  const thin = w.attributes('shared_lvm_volume', 'p');
  assert.equal(thin?.id, created?.id, 'the retype keeps the id');
  assert.equal(thin?.thin, true);
  assert.equal(thin?.pv, null, 'a thin volume has no PV of its own');
  const lv = (await ourLvs('a')).find((row) => row.lv_name === thin?.lv_name);
  assert.equal(lv?.lv_attr[0], 'V', 'the LV is now a thin volume');
  assert.equal((await w.plan()).code, 0, 'empty plan after the retype');

  w.write({ 'main.tf': placedVolume('  thin = true\n  pv   = "/dev/vda"') });
  assertPlanError(await w.plan(), 'pv needs a thick volume', 'pv');
  w.write({ 'main.tf': placedVolume('  thin = true') });
  await w.ok('destroy', '-auto-approve', '-input=false');
});
