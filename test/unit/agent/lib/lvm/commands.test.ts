// The argv of every Lvm command, exactly, through a real Runner and a tiny recording `lvm` (it logs
// its argv and LC_ALL, prints an empty or scripted report, fails on demand); the conversion of a
// failure into an AgentError with the lvm details; the write observer (writes, ok or not; no reports).
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, beforeEach, test } from 'node:test';
import { AgentError } from '../../../../../agent/src/lib/errors.js';
import { Lvm, readOnlyConfig, type WriteObserver } from '../../../../../agent/src/lib/lvm/commands.js';
import { LV_FIELDS, PV_FIELDS, VG_FIELDS } from '../../../../../agent/src/lib/lvm/report.js';
import { Runner } from '../../../../../agent/src/lib/lvm/runner.js';

const dir = mkdtempSync(join(tmpdir(), 'lvm-commands-'));
const LOG = join(dir, 'calls.log');
const LVM = join(dir, 'lvm');
writeFileSync(LVM, `#!/usr/bin/env node
const fs = require('node:fs');
const argv = process.argv.slice(2);
fs.appendFileSync(${JSON.stringify(LOG)}, JSON.stringify({ argv, lcAll: process.env.LC_ALL }) + '\\n');
if (process.env.RECORD_FAIL === argv[0]) {
  process.stderr.write('  LV locked by other host: labvg/vol-a\\n');
  process.exit(5);
}
if (/^(lv|vg|pv)s$/.test(argv[0])) process.stdout.write(process.env.RECORD_REPORT || '{"report":[{}]}');
`);
chmodSync(LVM, 0o755);
after(() => rmSync(dir, { recursive: true, force: true }));

function calls(): { argv: string[]; lcAll: string }[] {
  const lines = readFileSync(LOG, 'utf8').split('\n').filter(Boolean);
  return lines.map((line) => JSON.parse(line) as { argv: string[]; lcAll: string });
}

beforeEach(() => {
  writeFileSync(LOG, '');
  delete process.env.RECORD_FAIL;
  delete process.env.RECORD_REPORT;
});

const REPORT = ['--reportformat', 'json', '--units', 'b', '--nosuffix'];
const LV = LV_FIELDS.join(',');
const COMBINED = [...LV_FIELDS, ...VG_FIELDS.filter((field) => field !== 'vg_name')].join(',');
const RO = 'activation { read_only_volume_list = [ "labvg/vol-a" ] }';
const TAGS = ['slvm.name=a', 'slvm.creating'];

/** given: one call on an Lvm; want: the argv of each lvm run it made (none for a no-op). */
const cases: [string, { given: (lvm: Lvm) => Promise<unknown>; want: string[][] }][] = [
  ['lvs: visible LVs', { given: (lvm) => lvm.lvs('labvg'), want: [['lvs', ...REPORT, '-o', LV, 'labvg']] }],
  ['lvs all: hidden LVs too', {
    given: (lvm) => lvm.lvs('labvg', { all: true }),
    want: [['lvs', ...REPORT, '-o', LV, '-a', 'labvg']],
  }],
  ['vgReport: one lvs -a with the VG fields', {
    given: (lvm) => lvm.vgReport('labvg'),
    want: [['lvs', ...REPORT, '-o', COMBINED, '-a', 'labvg']],
  }],
  ['vgs', { given: (lvm) => lvm.vgs('labvg'), want: [['vgs', ...REPORT, '-o', VG_FIELDS.join(','), 'labvg']] }],
  ['pvs: selected by VG', {
    given: (lvm) => lvm.pvs('labvg'),
    want: [['pvs', ...REPORT, '-o', PV_FIELDS.join(','), '-S', 'vg_name=labvg']],
  }],
  ['createThick: inactive, not zeroed, no auto-activation, tags', {
    given: (lvm) => lvm.createThick({ vg: 'labvg', name: 'vol-a', bytes: 8_388_608, tags: TAGS }),
    want: [['lvcreate', '-y', '-an', '-Zn', '-Wn', '--setautoactivation', 'n', '-L', '8388608b', '-n', 'vol-a',
      '--addtag', 'slvm.name=a', '--addtag', 'slvm.creating', 'labvg']],
  }],
  ['createThick on one PV', {
    given: (lvm) => lvm.createThick({ vg: 'labvg', name: 'vol-a', bytes: 4096, tags: [], pv: '/dev/vdb' }),
    want: [['lvcreate', '-y', '-an', '-Zn', '-Wn', '--setautoactivation', 'n', '-L', '4096b', '-n', 'vol-a', 'labvg',
      '/dev/vdb']],
  }],
  ['createThinPool', {
    given: (lvm) => lvm.createThinPool({ vg: 'labvg', name: 'pool0', bytes: 4096 }),
    want: [['lvcreate', '-y', '-an', '--type', 'thin-pool', '-L', '4096b', '-n', 'pool0', 'labvg']],
  }],
  ['createThin', {
    given: (lvm) => lvm.createThin({ vg: 'labvg', pool: 'pool0', name: 'vol-t', bytes: 4096, tags: ['slvm.name=t'] }),
    want: [['lvcreate', '-y', '-an', '--type', 'thin', '-V', '4096b', '--thinpool', 'pool0', '-n', 'vol-t',
      '--addtag', 'slvm.name=t', 'labvg']],
  }],
  ['createThinSnapshot activatable (a clone): -kn', {
    given: (lvm) => lvm.createThinSnapshot({ vg: 'labvg', origin: 'vol-t', name: 'vol-c', tags: [],
      activatable: true }),
    want: [['lvcreate', '-y', '-an', '-kn', '-s', '-n', 'vol-c', 'labvg/vol-t']],
  }],
  ['createThinSnapshot not activatable (a snapshot): keeps the skip flag', {
    given: (lvm) => lvm.createThinSnapshot({ vg: 'labvg', origin: 'vol-t', name: 'snap-s', tags: ['x'],
      activatable: false }),
    want: [['lvcreate', '-y', '-an', '-s', '-n', 'snap-s', '--addtag', 'x', 'labvg/vol-t']],
  }],
  ['createCowSnapshot: COW store size', {
    given: (lvm) => lvm.createCowSnapshot({ vg: 'labvg', origin: 'vol-a', name: 'snap-s', tags: ['x'],
      cowBytes: 4096 }),
    want: [['lvcreate', '-y', '-s', '-n', 'snap-s', '--addtag', 'x', '-L', '4096b', 'labvg/vol-a']],
  }],
  ['activate exclusive', {
    given: (lvm) => lvm.activate('labvg', ['vol-a'], 'exclusive'),
    want: [['lvchange', '-aey', 'labvg/vol-a']],
  }],
  ['activate shared', {
    given: (lvm) => lvm.activate('labvg', ['vol-a'], 'shared'),
    want: [['lvchange', '-asy', 'labvg/vol-a']],
  }],
  ['activate local (no lvmlockd)', {
    given: (lvm) => lvm.activate('labvg', ['vol-a'], 'local'),
    want: [['lvchange', '-ay', 'labvg/vol-a']],
  }],
  ['activate several in one command', {
    given: (lvm) => lvm.activate('labvg', ['vol-a', 'vol-b'], 'exclusive'),
    want: [['lvchange', '-aey', 'labvg/vol-a', 'labvg/vol-b']],
  }],
  ['activate read-only: the read_only_volume_list config, the permission untouched', {
    given: (lvm) => lvm.activate('labvg', ['vol-a'], 'shared', { readOnly: true }),
    want: [['lvchange', '--config', RO, '-asy', 'labvg/vol-a']],
  }],
  ['activate read-only, several LVs', {
    given: (lvm) => lvm.activate('labvg', ['vol-a', 'vol-b'], 'local', { readOnly: true }),
    want: [['lvchange', '--config', 'activation { read_only_volume_list = [ "labvg/vol-a", "labvg/vol-b" ] }', '-ay',
      'labvg/vol-a', 'labvg/vol-b']],
  }],
  ['activate nothing: no command', { given: (lvm) => lvm.activate('labvg', [], 'exclusive'), want: [] }],
  ['deactivate', {
    given: (lvm) => lvm.deactivate('labvg', ['vol-a', 'pool0']),
    want: [['lvchange', '-an', 'labvg/vol-a', 'labvg/pool0']],
  }],
  ['deactivate nothing: no command', { given: (lvm) => lvm.deactivate('labvg', []), want: [] }],
  ['refresh', { given: (lvm) => lvm.refresh('labvg', 'vol-a'), want: [['lvchange', '--refresh', 'labvg/vol-a']] }],
  ['refresh read-only', {
    given: (lvm) => lvm.refresh('labvg', 'vol-a', { readOnly: true }),
    want: [['lvchange', '--config', RO, '--refresh', 'labvg/vol-a']],
  }],
  ['lockStart', { given: (lvm) => lvm.lockStart('labvg'), want: [['vgchange', '--lock-start', 'labvg']] }],
  ['lockStop', { given: (lvm) => lvm.lockStop('labvg'), want: [['vgchange', '--lock-stop', 'labvg']] }],
  ['changeTags: removals, then additions, in one command', {
    given: (lvm) => lvm.changeTags('labvg', 'vol-a', {
      add: ['slvm.att=b:rw'], remove: ['slvm.creating', 'slvm.op=1'],
    }),
    want: [['lvchange', '--deltag', 'slvm.creating', '--deltag', 'slvm.op=1', '--addtag', 'slvm.att=b:rw',
      'labvg/vol-a']],
  }],
  ['changeTags with auto-activation off (adoption)', {
    given: (lvm) => lvm.changeTags('labvg', 'vol-a', { add: ['slvm.name=a'], autoactivation: false }),
    want: [['lvchange', '--setautoactivation', 'n', '--addtag', 'slvm.name=a', 'labvg/vol-a']],
  }],
  ['changeTags with nothing to change: no command', { given: (lvm) => lvm.changeTags('labvg', 'vol-a', {}), want: [] }],
  ['rename', {
    given: (lvm) => lvm.rename('labvg', 'vol-a', 'del-a'),
    want: [['lvrename', 'labvg', 'vol-a', 'del-a']],
  }],
  ['extend', {
    given: (lvm) => lvm.extend('labvg', 'vol-a', 8192),
    want: [['lvextend', '-L', '8192b', 'labvg/vol-a']],
  }],
  ['merge: starts the merge', {
    given: (lvm) => lvm.merge('labvg', 'snap-s'),
    want: [['lvconvert', '--merge', 'labvg/snap-s']],
  }],
  ['merge and wait: polls every second', {
    given: (lvm) => lvm.merge('labvg', 'snap-s', { wait: true }),
    want: [['lvconvert', '--merge', '-i', '1', 'labvg/snap-s']],
  }],
  ['remove', {
    given: (lvm) => lvm.remove('labvg', ['vol-a', 'snap-s']),
    want: [['lvremove', '-y', 'labvg/vol-a', 'labvg/snap-s']],
  }],
  ['remove nothing: no command', { given: (lvm) => lvm.remove('labvg', []), want: [] }],
  ['pvmove: background, 2 s poll, the LV named, onto a target', {
    given: (lvm) => lvm.pvmove('labvg', 'vol-a', { from: '/dev/vda', to: '/dev/vdb' }),
    want: [['pvmove', '-b', '-i', '2', '-n', 'labvg/vol-a', '/dev/vda', '/dev/vdb']],
  }],
  ['pvmove without a target (also resumes an interrupted move)', {
    given: (lvm) => lvm.pvmove('labvg', 'vol-a', { from: '/dev/vda' }),
    want: [['pvmove', '-b', '-i', '2', '-n', 'labvg/vol-a', '/dev/vda']],
  }],
];

for (const [name, { given, want }] of cases) {
  test(`Lvm argv: ${name}`, async () => {
    await given(new Lvm(new Runner({ lvmPath: LVM })));
    assert.deepEqual(calls().map((call) => call.argv), want);
  });
}

test('every command runs with LC_ALL=C whatever the agent was started with', async () => {
  const saved = process.env.LC_ALL;
  process.env.LC_ALL = 'de_DE.UTF-8';
  try {
    const lvm = new Lvm(new Runner({ lvmPath: LVM }));
    await lvm.lvs('labvg');
    await lvm.activate('labvg', ['vol-a'], 'exclusive');
    assert.deepEqual(calls().map((call) => call.lcAll), ['C', 'C']);
  } finally {
    if (saved === undefined) delete process.env.LC_ALL;
    else process.env.LC_ALL = saved;
  }
});

test('read-only activation merges its config with the runner\'s into the one --config lvm accepts', async () => {
  const lvm = new Lvm(new Runner({ lvmPath: LVM, lvmConfig: 'devices { filter = [ "a|/dev/vd.*|" ] }' }));
  await lvm.activate('labvg', ['vol-a'], 'exclusive', { readOnly: true });
  const config = `devices { filter = [ "a|/dev/vd.*|" ] } ${RO}`;
  assert.deepEqual(calls()[0]!.argv, ['lvchange', '--config', config, '-aey', 'labvg/vol-a']);
  assert.equal(readOnlyConfig('labvg', ['vol-a']), RO);
});

test('reports are parsed: vgReport splits the VG fields from the LV rows', async () => {
  const row = {
    vg_name: 'labvg', lv_name: 'vol-a', lv_uuid: 'u1', lv_attr: '-wi-a-----', lv_size: '4096', origin: '',
    origin_size: '', pool_lv: '', data_percent: '', metadata_percent: '', lv_tags: 'slvm.name=a', lv_time: '',
    devices: '/dev/vda(0)', move_pv: '', copy_percent: '', vg_uuid: 'v1', vg_attr: 'wz--ns', vg_size: '8192', vg_free: '4096',
    vg_extent_size: '4096', pv_count: '2', lv_count: '1', vg_lock_type: 'sanlock', vg_mda_free: '1', vg_mda_size: '2',
  };
  process.env.RECORD_REPORT = JSON.stringify({ report: [{ lv: [row] }] });
  const report = await new Lvm(new Runner({ lvmPath: LVM })).vgReport('labvg');
  assert.equal(report.vg?.vg_free, 4096);
  assert.equal(report.vg?.vg_lock_type, 'sanlock');
  assert.deepEqual(report.lvs.map((lv) => [lv.lv_name, lv.lv_size, lv.lv_tags]), [['vol-a', 4096, ['slvm.name=a']]]);
  assert.ok(!('vg_free' in report.lvs[0]!), 'LV rows carry no VG fields');
  process.env.RECORD_REPORT = '{"report":[{}]}';
  assert.deepEqual(await new Lvm(new Runner({ lvmPath: LVM })).vgReport('labvg'), { vg: undefined, lvs: [] });
});

const failures: [string, { given: (lvm: Lvm) => Promise<unknown>; want: { sub: string; argv: string[] } }][] = [
  ['a write', {
    given: (lvm) => lvm.remove('labvg', ['vol-a']),
    want: { sub: 'lvremove', argv: ['lvremove', '-y', 'labvg/vol-a'] },
  }],
  ['an activation', {
    given: (lvm) => lvm.activate('labvg', ['vol-a'], 'exclusive'),
    want: { sub: 'lvchange', argv: ['lvchange', '-aey', 'labvg/vol-a'] },
  }],
  ['a report', { given: (lvm) => lvm.lvs('labvg'), want: { sub: 'lvs', argv: ['lvs', ...REPORT, '-o', LV, 'labvg'] } }],
];
for (const [name, { given, want }] of failures) {
  test(`a failure of ${name} becomes an AgentError carrying exit code, stderr and argv`, async () => {
    process.env.RECORD_FAIL = want.sub;
    await assert.rejects(given(new Lvm(new Runner({ lvmPath: LVM }))), (error: unknown) => {
      assert.ok(error instanceof AgentError, `not an AgentError: ${String(error)}`);
      assert.equal(error.code, 'locked_by_other_host');
      assert.equal(error.message, 'LV locked by other host: labvg/vol-a');
      const stderr = 'LV locked by other host: labvg/vol-a';
      assert.deepEqual(error.lvm, { exit_code: 5, stderr, command: [LVM, ...want.argv] });
      return true;
    });
  });
}

test('the write observer sees every write, ok and failed, and no report or no-op', async () => {
  const seen: Parameters<WriteObserver>[0][] = [];
  const lvm = new Lvm(new Runner({ lvmPath: LVM }), (event) => seen.push(event));
  await lvm.lvs('labvg');
  await lvm.vgReport('labvg');
  await lvm.vgs('labvg');
  await lvm.pvs('labvg');
  await lvm.createThick({ vg: 'labvg', name: 'vol-a', bytes: 4096, tags: [] });
  await lvm.activate('labvg', ['vol-a'], 'exclusive');
  await lvm.remove('labvg', []);
  await lvm.changeTags('labvg', 'vol-a', {});
  process.env.RECORD_FAIL = 'lvremove';
  await assert.rejects(lvm.remove('labvg', ['vol-a']), AgentError);
  process.env.RECORD_FAIL = 'vgchange';
  await assert.rejects(lvm.lockStart('labvg'), AgentError);
  assert.deepEqual(seen, [
    { subcommand: 'lvcreate', ok: true },
    { subcommand: 'lvchange', ok: true },
    { subcommand: 'lvremove', ok: false },
    { subcommand: 'vgchange', ok: false },
  ]);
});
