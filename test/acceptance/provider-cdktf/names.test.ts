// Acceptance (issue 12, items 5 and 6): a create never adopts a volume that another state owns. Two
// working directories declaring the same volume name: the second apply fails with name_taken, naming
// the id and `terraform import`; a rename in place followed by a new resource with the old name makes
// a new LV with a new id. The real terraform, the provider from the mirror, the agent in lab node a.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LAB_VG } from '../../lab/client.js';
import { ourLvs } from './helpers/lab-agent.js';
import { labSuite } from './helpers/suite.js';
import { PROVIDER_HCL, TEST_TIMEOUT } from './helpers/terraform.js';

const suite = labSuite();
const workdir = () => suite.workdir();

const volume = (resource: string, name: string) => `
resource "shared_lvm_volume" "${resource}" {
  name         = "${name}"
  volume_group = "${LAB_VG}"
  size_gib     = 0.25
}
`;

const lvNames = async () => new Set((await ourLvs('a')).map((lv) => lv.lv_name));

const TWO_DIRS = 'two working directories, one volume name: ' +
  'the second apply fails with name_taken, the id and terraform import';
test(TWO_DIRS, TEST_TIMEOUT, async () => {
  const first = workdir();
  const second = workdir();
  for (const w of [first, second]) {
    w.write({ 'main.tf': PROVIDER_HCL + volume('v', 'tfp-same') });
    await w.init();
  }
  await first.ok('apply', '-auto-approve', '-input=false');
  const owned = first.attributes('shared_lvm_volume', 'v');
  assert.ok(owned?.id, 'the first directory owns a volume');
  const before = await lvNames();

  const refused = await second.run('apply', '-auto-approve', '-input=false');
  assert.equal(refused.code, 1, `the second apply must fail:\n${refused.stdout}\n${refused.stderr}`);
  const text = refused.stderr.replace(/[\s│]+/g, ' '); // however terraform wraps and frames it
  assert.match(text, /Error: Create volume: the name "tfp-same" is taken/);
  assert.match(text, new RegExp(`volume ${owned.id}`), 'names the existing id');
  assert.match(text, new RegExp(`terraform import shared_lvm_volume\\.tfp-same ${owned.id}`), 'says how to adopt it');
  assert.match(text, /code name_taken/);
  assert.match(text, /with shared_lvm_volume\.v/, 'terraform shows the resource at fault');
  assert.equal(second.state().resources?.length ?? 0, 0, 'the second state holds nothing');
  assert.deepEqual(await lvNames(), before, 'no LV made');

  // The first directory still owns an unchanged volume.
  assert.equal((await first.plan()).code, 0, 'the owner\'s plan stays empty');

  // Adopting it is explicit: import by the id the error named; then hand it back.
  await second.ok('import', '-input=false', 'shared_lvm_volume.v', String(owned.id));
  assert.equal(second.attributes('shared_lvm_volume', 'v')?.id, owned.id);
  assert.equal((await second.plan()).code, 0, 'the imported volume matches the configuration');
  await second.ok('state', 'rm', 'shared_lvm_volume.v');

  await first.ok('destroy', '-auto-approve', '-input=false');
  assert.ok(!(await lvNames()).has(String(owned.lv_name)), 'destroy removed the owner\'s LV');
});

test('rename in place, then a new resource with the old name: a new LV with a new id', TEST_TIMEOUT, async () => {
  const w = workdir();
  w.write({ 'main.tf': PROVIDER_HCL + volume('old', 'tfp-reuse') });
  await w.init();
  await w.ok('apply', '-auto-approve', '-input=false');
  const original = w.attributes('shared_lvm_volume', 'old');
  assert.ok(original?.id);

  w.write({ 'main.tf': PROVIDER_HCL + volume('old', 'tfp-reused-renamed') });
  const renamed = await w.ok('apply', '-auto-approve', '-input=false');
  assert.match(renamed.stdout, /0 added, 1 changed, 0 destroyed/);
  assert.equal(w.attributes('shared_lvm_volume', 'old')?.id, original.id, 'renamed in place');
  const before = await lvNames();

  w.write({ 'main.tf': PROVIDER_HCL + volume('old', 'tfp-reused-renamed') + volume('fresh', 'tfp-reuse') });
  const third = await w.ok('apply', '-auto-approve', '-input=false');
  assert.match(third.stdout, /1 added, 0 changed, 0 destroyed/);
  const fresh = w.attributes('shared_lvm_volume', 'fresh');
  const old = w.attributes('shared_lvm_volume', 'old');
  assert.ok(fresh?.id && old?.id);
  assert.notEqual(fresh.id, original.id, 'a new id, not the renamed volume\'s');
  assert.notEqual(fresh.lv_name, old.lv_name, 'a new LV');
  assert.equal(old.name, 'tfp-reused-renamed', 'the renamed volume keeps its new name');
  const after = await lvNames();
  const added = [...after].filter((n) => !before.has(n));
  assert.deepEqual(added, [fresh.lv_name], 'exactly one new LV, the new resource\'s');
  assert.ok(after.has(String(old.lv_name)), 'the renamed volume\'s LV is still there');
  assert.equal((await w.plan()).code, 0, 'no rename back and forth: the next plan is empty');
  await w.ok('destroy', '-auto-approve', '-input=false');
});
