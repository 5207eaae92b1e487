import assert from 'node:assert/strict';
import { after, beforeEach, test } from 'node:test';
import { LvmError } from '../../../../../agent/src/lib/lvm/errors.js';
import { lvRow } from '../../../../../agent/src/lib/lvm/report.js';
import { Runner } from '../../../../../agent/src/lib/lvm/runner.js';
import { FAKE_LVM, FakeLvm, MIB } from '../../../../helpers/fake-lvm.js';

const fake = new FakeLvm({ labvg: { lvs: { 'vol-a': { attr: '-wi-------', size: 8 * MIB, tags: ['slvm.name=a'] } } } });
after(() => fake.cleanup());
beforeEach(() => {
  fake.clearCalls();
  fake.clearFailures();
});

test('lvm() runs `lvm <subcommand> args` as an argv array, arguments untouched', async () => {
  const runner = new Runner({ lvmPath: FAKE_LVM });
  await runner.lvm('lvchange', ['--addtag', 'x=$(reboot)', 'labvg/vol-a']);
  assert.deepEqual(fake.calls(), [['lvchange', '--addtag', 'x=$(reboot)', 'labvg/vol-a']]);
  assert.ok(fake.state().vgs.labvg!.lvs['vol-a']!.tags!.includes('x=$(reboot)'));
});

test('lvm() passes --config first when configured', async () => {
  const runner = new Runner({ lvmPath: FAKE_LVM, lvmConfig: 'devices{filter=["a|/dev/vd.*|"]}' });
  await runner.lvm('lvs', ['--reportformat', 'json', '-o', 'lv_name', 'labvg']);
  assert.deepEqual(fake.calls()[0]!.slice(0, 3), ['lvs', '--config', 'devices{filter=["a|/dev/vd.*|"]}']);
});

test('report() asks for JSON in bytes with explicit fields and parses the rows', async () => {
  const runner = new Runner({ lvmPath: FAKE_LVM });
  const rows = await runner.report('lv', ['vg_name', 'lv_name', 'lv_uuid', 'lv_attr', 'lv_size', 'origin', 'origin_size', 'pool_lv', 'data_percent', 'metadata_percent', 'lv_tags', 'lv_time'], ['labvg'], lvRow);
  assert.deepEqual(fake.calls()[0]!.slice(0, 7), ['lvs', '--reportformat', 'json', '--units', 'b', '--nosuffix', '-o']);
  assert.equal(rows[0]!.lv_size, 8 * MIB);
  assert.ok(rows[0]!.lv_tags.includes('slvm.name=a'));
});

test('a non-zero exit becomes an LvmError with exit code, stderr and argv', async () => {
  fake.failNext('lvremove', 5, '  LV locked by other host: labvg/vol-a\n');
  const runner = new Runner({ lvmPath: FAKE_LVM });
  await assert.rejects(runner.lvm('lvremove', ['-y', 'labvg/vol-a']), (error: unknown) => {
    assert.ok(error instanceof LvmError);
    assert.equal(error.exitCode, 5);
    assert.match(error.stderr, /LV locked by other host/);
    assert.deepEqual(error.argv, [FAKE_LVM, 'lvremove', '-y', 'labvg/vol-a']);
    return true;
  });
});

test('commands run with LC_ALL=C whatever the caller has', async () => {
  const saved = process.env.LC_ALL;
  process.env.LC_ALL = 'de_DE.UTF-8';
  try {
    const runner = new Runner();
    const { stdout } = await runner.command(process.execPath, ['-e', 'process.stdout.write(process.env.LC_ALL)']);
    assert.equal(stdout, 'C');
  } finally {
    if (saved === undefined) delete process.env.LC_ALL;
    else process.env.LC_ALL = saved;
  }
});

test('a command past its timeout is killed and reported as timed out', async () => {
  const runner = new Runner({ timeoutMs: 300 });
  const started = Date.now();
  await assert.rejects(runner.command(process.execPath, ['-e', 'setTimeout(() => {}, 10000)']), (error: unknown) => error instanceof LvmError && error.timedOut);
  assert.ok(Date.now() - started < 5000);
});

test('an abort signal cancels a running command', async () => {
  const runner = new Runner();
  const controller = new AbortController();
  setTimeout(() => controller.abort(), 200);
  await assert.rejects(
    runner.command(process.execPath, ['-e', 'setTimeout(() => {}, 10000)'], { signal: controller.signal }),
    (error: unknown) => error instanceof LvmError && error.canceled,
  );
});

test('a missing binary is an LvmError, not a crash', async () => {
  const runner = new Runner({ lvmPath: '/nonexistent/lvm' });
  await assert.rejects(runner.lvm('lvs', []), (error: unknown) => error instanceof LvmError && error.exitCode === null && /ENOENT|nonexistent/.test(error.stderr + error.message));
});

test('the observer sees each call with its command name and outcome', async () => {
  const seen: { command: string; ok: boolean }[] = [];
  const runner = new Runner({ lvmPath: FAKE_LVM, observe: ({ command, ok }) => seen.push({ command, ok }) });
  await runner.lvm('lvchange', ['--addtag', 'y', 'labvg/vol-a']);
  fake.failNext('lvs', 5, 'boom');
  await runner.lvm('lvs', ['labvg']).catch(() => undefined);
  assert.deepEqual(seen, [{ command: 'lvchange', ok: true }, { command: 'lvs', ok: false }]);
});
