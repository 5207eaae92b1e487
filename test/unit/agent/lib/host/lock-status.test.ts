import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sharedActivationProblem } from '../../../../../agent/src/lib/host/activation.js';
import { lockStateOf, parseLvmlockctlInfo, parseSanlockStatus } from '../../../../../agent/src/lib/host/lock-status.js';

// Output as measured in the lab (lvm2 2.03.16, sanlock 3.8.5).
const LVMLOCKCTL = `VG labvg lock_type=sanlock hMTbtc-4oaO-1qiG-DEC0-qtqE-QOMX-lemnyT
LS sanlock lvm_labvg
LK VG un ver 77
LK LV un aUng79-Afy4-1Sok-bF0V-G1Vv-MXZP-YZfdvD
LK LV ex 3K7SBA-DTPG-zFTf-X5Wk-RF6J-4Zm5-x7iydM
LK LV sh 5s7HNG-Kesa-CqDk-UWPO-VG2u-tV80-xcdH4P
`;
const SANLOCK = `daemon node-b
p -1 helper
p -1 listener
p 143 lvmlockd
p -1 status
s lvm_labvg:2:/dev/mapper/labvg-lvmlock:0
r lvm_labvg:3K7SBA-DTPG-zFTf-X5Wk-RF6J-4Zm5-x7iydM:/dev/mapper/labvg-lvmlock:76546048:1 p 143
r lvm_labvg:5s7HNG-Kesa-CqDk-UWPO-VG2u-tV80-xcdH4P:/dev/mapper/labvg-lvmlock:77594624:SH p 143
`;

describe('parseLvmlockctlInfo', () => {
  it('keeps held LV locks by uuid with their mode and drops unlocked ones', () => {
    const [vg, ...rest] = parseLvmlockctlInfo(LVMLOCKCTL);
    assert.equal(rest.length, 0);
    assert.equal(vg!.vg, 'labvg');
    assert.equal(vg!.lockType, 'sanlock');
    assert.deepEqual([...vg!.lvLocks], [
      ['3K7SBA-DTPG-zFTf-X5Wk-RF6J-4Zm5-x7iydM', 'exclusive'],
      ['5s7HNG-Kesa-CqDk-UWPO-VG2u-tV80-xcdH4P', 'shared'],
    ]);
  });
  it('reads nothing from empty output', () => assert.deepEqual(parseLvmlockctlInfo(''), []));
});

describe('parseSanlockStatus', () => {
  const status = parseSanlockStatus(SANLOCK);
  const cases: [string, { given: number; want: { resource: string; mode: string } }][] = [
    ['a trailing lease version is exclusive', { given: 0, want: { resource: '3K7SBA-DTPG-zFTf-X5Wk-RF6J-4Zm5-x7iydM', mode: 'exclusive' } }],
    ['a trailing SH is shared', { given: 1, want: { resource: '5s7HNG-Kesa-CqDk-UWPO-VG2u-tV80-xcdH4P', mode: 'shared' } }],
  ];
  for (const [name, { given, want }] of cases) {
    it(name, () => {
      const resource = status.resources[given]!;
      assert.equal(resource.lockspace, 'lvm_labvg');
      assert.equal(resource.resource, want.resource);
      assert.equal(resource.mode, want.mode);
      assert.match(resource.line, /^r lvm_labvg:/);
    });
  }
  it('reads the lockspace with its host id', () => {
    assert.deepEqual(status.lockspaces, [{ name: 'lvm_labvg', hostId: 2, line: 's lvm_labvg:2:/dev/mapper/labvg-lvmlock:0' }]);
  });
  it('combines both views per VG', () => {
    const state = lockStateOf('labvg', parseLvmlockctlInfo(LVMLOCKCTL), status);
    assert.equal(state.started, true);
    assert.equal(state.hostId, 2);
    assert.equal(state.lvLocks.get('3K7SBA-DTPG-zFTf-X5Wk-RF6J-4Zm5-x7iydM'), 'exclusive');
    assert.match(state.leases.get('5s7HNG-Kesa-CqDk-UWPO-VG2u-tV80-xcdH4P')!.line, /:SH p 143$/);
    const other = lockStateOf('othervg', parseLvmlockctlInfo(LVMLOCKCTL), status);
    assert.equal(other.started, false);
    assert.equal(other.lvLocks.size, 0);
  });
});

describe('sharedActivationProblem', () => {
  const cases: [string, { given: Parameters<typeof sharedActivationProblem>[0]; want: RegExp | null }][] = [
    ['plain LV', { given: 'linear', want: null }],
    ['thin LV', { given: 'thin', want: /thin pool/ }],
    ['thin pool', { given: 'thin-pool', want: /thin pool/ }],
    ['COW origin', { given: 'origin', want: /COW/ }],
    ['COW snapshot', { given: 'cow-snapshot', want: /COW/ }],
    ['anything else', { given: 'other', want: /plain/ }],
  ];
  for (const [name, { given, want }] of cases) {
    it(name, () => {
      const problem = sharedActivationProblem(given);
      if (want === null) assert.equal(problem, null);
      else assert.match(problem ?? '', want);
    });
  }
});
