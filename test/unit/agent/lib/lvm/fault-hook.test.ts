// The test-only fault hook: off without its env variable, strict about its value, and killing exactly
// once, right after the Nth lvm write counted from arm() (start-up writes do not count).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { Lvm } from '../../../../../agent/src/lib/lvm/commands.js';
import { faultHookFromEnv, KILL_AFTER_WRITES_ENV } from '../../../../../agent/src/lib/lvm/fault-hook.js';
import { Runner } from '../../../../../agent/src/lib/lvm/runner.js';

const never = () => assert.fail('killed');

const off: [string, { given: NodeJS.ProcessEnv }][] = [
  ['without the variable', { given: {} }],
  ['with an empty value', { given: { [KILL_AFTER_WRITES_ENV]: '' } }],
];
for (const [name, { given }] of off) {
  test(`faultHookFromEnv: off ${name}`, () => assert.equal(faultHookFromEnv(given, never), undefined));
}

const bad: [string, { given: string }][] = [
  ['zero', { given: '0' }],
  ['negative', { given: '-2' }],
  ['a fraction', { given: '1.5' }],
  ['not a number', { given: 'three' }],
];
for (const [name, { given }] of bad) {
  test(`faultHookFromEnv: ${name} is refused`, () => {
    const want = new RegExp(`${KILL_AFTER_WRITES_ENV} must be a positive integer, not ${given}`);
    assert.throws(() => faultHookFromEnv({ [KILL_AFTER_WRITES_ENV]: given }, never), want);
  });
}

test('faultHookFromEnv: kills exactly once, right after the Nth write counted from arm()', () => {
  let kills = 0;
  const hook = faultHookFromEnv({ [KILL_AFTER_WRITES_ENV]: '3' }, () => (kills += 1))!;
  for (let i = 0; i < 5; i++) hook.observer({ subcommand: 'lvchange', ok: true }); // start-up: not armed
  assert.equal(kills, 0);
  hook.arm();
  hook.observer({ subcommand: 'lvcreate', ok: true });
  hook.observer({ subcommand: 'lvchange', ok: false }); // a failed write counts too
  assert.equal(kills, 0);
  hook.observer({ subcommand: 'lvrename', ok: true });
  assert.equal(kills, 1, 'killed after the third write');
  hook.observer({ subcommand: 'lvremove', ok: true });
  hook.observer({ subcommand: 'lvremove', ok: true });
  assert.equal(kills, 1, 'never again');
});

test('faultHookFromEnv on an Lvm: reports do not count, the 2nd write kills', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'fault-hook-'));
  try {
    const lvm = join(dir, 'lvm');
    writeFileSync(lvm, '#!/bin/sh\ncase "$1" in lvs) echo \'{"report":[{}]}\';; esac\n');
    chmodSync(lvm, 0o755);
    const killedAfter: string[] = [];
    const commands: string[] = [];
    const hook = faultHookFromEnv({ [KILL_AFTER_WRITES_ENV]: '2' }, () => killedAfter.push(commands.at(-1)!))!;
    const layer = new Lvm(new Runner({ lvmPath: lvm }), (event) => {
      commands.push(event.subcommand);
      hook.observer(event);
    });
    hook.arm();
    await layer.lvs('labvg');
    await layer.rename('labvg', 'vol-a', 'del-a');
    await layer.lvs('labvg');
    assert.deepEqual(killedAfter, []);
    await layer.changeTags('labvg', 'del-a', { add: ['slvm.wipe=zero'] });
    await layer.remove('labvg', ['del-a']);
    assert.deepEqual(killedAfter, ['lvchange'], 'killed right after the second write, once');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
