// The holder's metadata changes as Lvm calls: the LV must be active here (lock type none: no lock
// mode check), then exactly the one Lvm operation each change needs.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AgentError } from '../../../../../agent/src/lib/errors.js';
import {
  createSnapshotOfHeld, deleteSnapshotOfHeld, extendHeld, revertHeld, startMoveHeld,
} from '../../../../../agent/src/lib/host/holder-ops.js';
import type { HostService } from '../../../../../agent/src/lib/host/activation.js';
import { hostWith, lv, StandInLvm } from './stand-in-lvm.js';

const vg = () => [
  lv('vol-a', 'owi-a-----', { lv_size: 64, devices: '/dev/vdb(0)' }),
  lv('snap-c', 'swi-a-s---', { origin: 'vol-a' }),
  lv('vol-ro', '-Ri-a-----'),
  lv('pool0', 'twi-a-tz--'),
  lv('vol-t', 'Vwi-a-tz--', { pool_lv: 'pool0' }),
  lv('vol-tro', 'VRi-a-tz--', { pool_lv: 'pool0' }),
  lv('snap-t', 'Vwi---tz-k', { pool_lv: 'pool0', origin: 'vol-t' }),
  lv('snap-tro', 'Vwi---tz-k', { pool_lv: 'pool0', origin: 'vol-tro' }),
  lv('vol-off', '-wi-------'),
  lv('vol-x', '-wi-a-----'),
];

const cases: [string, { given: (host: HostService) => Promise<unknown>; want: unknown[][] }][] = [
  ['extend: grows', {
    given: (host) => extendHeld(host, 'labvg', 'vol-x', 128),
    want: [['extend', 'labvg', 'vol-x', 128]],
  }],
  ['extend to the same size: nothing', { given: (host) => extendHeld(host, 'labvg', 'vol-a', 64), want: [] }],
  ['COW snapshot of a thick LV: COW store as big as the origin by default', {
    given: (host) => createSnapshotOfHeld(host, 'labvg', 'vol-a', { snapshot_lv_name: 'snap-n', tags: ['t'] }),
    want: [['createCowSnapshot', { vg: 'labvg', origin: 'vol-a', name: 'snap-n', tags: ['t'], cowBytes: 64 }]],
  }],
  ['COW snapshot with its own COW size', {
    given: (host) => createSnapshotOfHeld(host, 'labvg', 'vol-a', { snapshot_lv_name: 'snap-n', cow_size_bytes: 16 }),
    want: [['createCowSnapshot', { vg: 'labvg', origin: 'vol-a', name: 'snap-n', tags: [], cowBytes: 16 }]],
  }],
  ['thin snapshot: not activatable (a snapshot object keeps the skip flag)', {
    given: (host) => createSnapshotOfHeld(host, 'labvg', 'vol-t', { snapshot_lv_name: 'snap-n' }),
    want: [['createThinSnapshot', { vg: 'labvg', origin: 'vol-t', name: 'snap-n', tags: [], activatable: false }]],
  }],
  ['snapshot removal', {
    given: (host) => deleteSnapshotOfHeld(host, 'labvg', 'vol-a', 'snap-c'),
    want: [['remove', 'labvg', ['snap-c']]],
  }],
  ['COW revert: the merge starts at once and is waited for', {
    given: (host) => revertHeld(host, 'labvg', 'vol-a', 'snap-c', 5000),
    want: [['merge', 'labvg', 'snap-c', { wait: true, timeoutMs: 5000 }]],
  }],
  ['thin revert: origin cycled around the merge, back exclusive', {
    given: (host) => revertHeld(host, 'labvg', 'vol-t', 'snap-t', 5000),
    want: [
      ['deactivate', 'labvg', ['vol-t']], ['merge', 'labvg', 'snap-t'],
      ['activate', 'labvg', ['vol-t'], 'exclusive', { readOnly: false }],
    ],
  }],
  ['thin revert of a read-only activation: back read-only', {
    given: (host) => revertHeld(host, 'labvg', 'vol-tro', 'snap-tro', 5000),
    want: [
      ['deactivate', 'labvg', ['vol-tro']], ['merge', 'labvg', 'snap-tro'],
      ['activate', 'labvg', ['vol-tro'], 'exclusive', { readOnly: true }],
    ],
  }],
  ['move: pvmove of the held LV', {
    given: (host) => startMoveHeld(host, 'labvg', 'vol-a', { from: '/dev/vdb', to: '/dev/vda' }),
    want: [['pvmove', 'labvg', 'vol-a', { from: '/dev/vdb', to: '/dev/vda' }]],
  }],
];
for (const [name, { given, want }] of cases) {
  test(`holder op: ${name}`, async () => {
    const lvm = new StandInLvm(vg());
    await given(hostWith(lvm));
    assert.deepEqual(lvm.calls, want);
  });
}

const refusals: [string, { given: (host: HostService) => Promise<unknown>; want: string }][] = [
  ['an LV not active here', { given: (host) => extendHeld(host, 'labvg', 'vol-off', 128), want: 'lock_conflict' }],
  ['a shrink', { given: (host) => extendHeld(host, 'labvg', 'vol-a', 32), want: 'shrink_not_supported' }],
  ['growing an active COW origin (lvm2 refuses it)', {
    given: (host) => extendHeld(host, 'labvg', 'vol-a', 128), want: 'in_use',
  }],
  ['a COW size for a thin snapshot', {
    given: (host) => createSnapshotOfHeld(host, 'labvg', 'vol-t', { snapshot_lv_name: 'snap-n', cow_size_bytes: 16 }),
    want: 'not_applicable',
  }],
  ['a snapshot name that is taken', {
    given: (host) => createSnapshotOfHeld(host, 'labvg', 'vol-a', { snapshot_lv_name: 'snap-c' }),
    want: 'already_exists',
  }],
  ['removing a snapshot of another LV', {
    given: (host) => deleteSnapshotOfHeld(host, 'labvg', 'vol-t', 'snap-c'),
    want: 'not_found',
  }],
];
for (const [name, { given, want }] of refusals) {
  test(`holder op refuses ${name}, with no lvm change`, async () => {
    const lvm = new StandInLvm(vg());
    await assert.rejects(given(hostWith(lvm)), (error: unknown) => error instanceof AgentError && error.code === want);
    assert.deepEqual(lvm.calls, []);
  });
}
