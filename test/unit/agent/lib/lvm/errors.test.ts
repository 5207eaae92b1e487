import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AgentError } from '../../../../../agent/src/lib/errors.js';
import { LvmError, classifyLvmError, toAgentError } from '../../../../../agent/src/lib/lvm/errors.js';

// stderr lines as lvm2 2.03.16 prints them (several measured in the lab).
const cases: [string, { given: { exitCode: number | null; stderr: string; timedOut?: boolean }; want: string }][] = [
  ['LV held by the other node', { given: { exitCode: 5, stderr: '  LV locked by other host: labvg/vol-1\n  Failed to lock logical volume labvg/vol-1.\n' }, want: 'locked_by_other_host' }],
  ['shared lock held, exclusive wanted', { given: { exitCode: 5, stderr: '  LV is already locked with incompatible mode: labvg/vol-1\n' }, want: 'lock_conflict' }],
  ['name taken', { given: { exitCode: 5, stderr: '  Logical Volume "vol-1" already exists in volume group "labvg"\n' }, want: 'already_exists' }],
  ['no space', { given: { exitCode: 5, stderr: '  Volume group "labvg" has insufficient free space (3 extents): 256 required.\n' }, want: 'insufficient_space' }],
  ['metadata full', { given: { exitCode: 5, stderr: '  VG labvg metadata on /dev/vda (1044480 bytes) exceeds maximum metadata size (520190 bytes)\n' }, want: 'metadata_full' }],
  ['active COW origin grown', { given: { exitCode: 5, stderr: '  Snapshot origin volumes can be resized only while inactive: try lvchange -an.\n' }, want: 'in_use' }],
  ['LV open', { given: { exitCode: 5, stderr: '  Logical volume labvg/vol-1 in use.\n' }, want: 'in_use' }],
  ['LV missing', { given: { exitCode: 5, stderr: '  Failed to find logical volume "labvg/vol-9"\n' }, want: 'not_found' }],
  ['VG missing', { given: { exitCode: 5, stderr: '  Volume group "nope" not found\n  Cannot process volume group nope\n' }, want: 'not_found' }],
  ['lockspace not started', { given: { exitCode: 5, stderr: '  Cannot access VG labvg due to failed lock.\n' }, want: 'lock_unavailable' }],
  ['lvmlockd down', { given: { exitCode: 5, stderr: '  Global lock failed: check that lvmlockd is running.\n' }, want: 'lock_unavailable' }],
  ['timeout', { given: { exitCode: null, stderr: '', timedOut: true }, want: 'lvm_timeout' }],
  ['anything else', { given: { exitCode: 3, stderr: '  Invalid argument for --size\n' }, want: 'lvm_failed' }],
];

for (const [name, { given, want }] of cases) {
  test(`classifyLvmError: ${name}`, () => {
    const error = new LvmError({ argv: ['lvm', 'lvcreate', 'x'], exitCode: given.exitCode, stderr: given.stderr, timedOut: given.timedOut ?? false });
    assert.equal(classifyLvmError(error), want);
  });
}

test('toAgentError keeps the command, exit code and stderr, and drops lvm noise from the detail', () => {
  const error = new LvmError({
    argv: ['lvm', 'lvextend', '-L', '1b', 'labvg/v'],
    exitCode: 5,
    stderr: 'File descriptor 9 (/dev/null) leaked on lvm invocation. Parent PID 1: node\n  LV locked by other host: labvg/v\n',
  });
  const converted = toAgentError(error);
  assert.ok(converted instanceof AgentError);
  assert.equal(converted.status, 409);
  assert.equal(converted.message, 'LV locked by other host: labvg/v');
  assert.deepEqual(converted.lvm?.command, ['lvm', 'lvextend', '-L', '1b', 'labvg/v']);
  assert.equal(converted.lvm?.exit_code, 5);
});

test('toAgentError passes other errors through', () => {
  const other = new Error('x');
  assert.equal(toAgentError(other), other);
});
