// HostService's activation decisions as Lvm calls (lock type none: no lock tools; the lvmlockd paths
// run in test/api/agent/host-mode.test.ts over the fake lvm and in test/integration/host/ for real).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AgentError } from '../../../../../agent/src/lib/errors.js';
import type { ActivateRequest } from '../../../../../agent/src/lib/host/activation.js';
import { hostWith, lv, StandInLvm } from './stand-in-lvm.js';

const vg = () => [
  lv('vol-x', '-wi-------'),
  lv('vol-on', '-wi-a-----'),
  lv('vol-open', '-wi-ao----'),
  lv('vol-ro', '-Ri-a-----'),
  lv('pool0', 'twi-a-tz--'),
  lv('vol-t1', 'Vwi-a-tz--', { pool_lv: 'pool0' }),
  lv('vol-t2', 'Vwi---tz--', { pool_lv: 'pool0' }),
];

type ActivationCase = { given: { lv: string; request: ActivateRequest }; want: { calls: unknown[][]; access: string } };
const activations: [string, ActivationCase][] = [
  ['inactive, read-write: one plain activation', {
    given: { lv: 'vol-x', request: { lock: 'exclusive' } },
    want: { calls: [['activate', 'labvg', ['vol-x'], 'local', { readOnly: false }]], access: 'rw' },
  }],
  ['inactive, read-only: activated with the read-only list', {
    given: { lv: 'vol-x', request: { lock: 'shared', access: 'ro' } },
    want: { calls: [['activate', 'labvg', ['vol-x'], 'local', { readOnly: true }]], access: 'ro' },
  }],
  ['already active: refreshed first (the control node may have changed it), then activated', {
    given: { lv: 'vol-on', request: { lock: 'exclusive', access: 'ro' } },
    want: {
      calls: [
        ['refresh', 'labvg', 'vol-on', { readOnly: true }],
        ['activate', 'labvg', ['vol-on'], 'local', { readOnly: true }],
      ],
      access: 'ro',
    },
  }],
];
for (const [name, { given, want }] of activations) {
  test(`HostService.activate: ${name}`, async () => {
    const lvm = new StandInLvm(vg());
    const volume = await hostWith(lvm).activate('labvg', given.lv, given.request);
    assert.deepEqual(lvm.calls, want.calls);
    assert.equal(volume.active, true);
    assert.equal(volume.access, want.access);
  });
}

const refusals: [string, { given: (lvm: StandInLvm) => Promise<unknown>; want: string }][] = [
  ['shared activation of a thin LV', {
    given: (lvm) => hostWith(lvm).activate('labvg', 'vol-t2', { lock: 'shared' }), want: 'shared_activation_refused',
  }],
  ['deactivation of an open LV', { given: (lvm) => hostWith(lvm).deactivate('labvg', 'vol-open'), want: 'in_use' }],
  ['an LV that does not exist', {
    given: (lvm) => hostWith(lvm).activate('labvg', 'vol-none', { lock: 'exclusive' }),
    want: 'not_found',
  }],
];
for (const [name, { given, want }] of refusals) {
  test(`HostService refuses ${name}, with no lvm change`, async () => {
    const lvm = new StandInLvm(vg());
    await assert.rejects(given(lvm), (error: unknown) => error instanceof AgentError && error.code === want);
    assert.deepEqual(lvm.calls, []);
  });
}

const deactivations: [string, { given: { lv: string; before?: string[] }; want: unknown[][] }][] = [
  ['an active LV', { given: { lv: 'vol-on' }, want: [['deactivate', 'labvg', ['vol-on']]] }],
  ['an inactive LV: nothing to do', { given: { lv: 'vol-x' }, want: [] }],
  ['the last active thin LV of a pool: the pool (and its lock) too', {
    given: { lv: 'vol-t1' }, want: [['deactivate', 'labvg', ['vol-t1']], ['deactivate', 'labvg', ['pool0']]],
  }],
];
for (const [name, { given, want }] of deactivations) {
  test(`HostService.deactivate: ${name}`, async () => {
    const lvm = new StandInLvm(vg());
    const volume = await hostWith(lvm).deactivate('labvg', given.lv);
    assert.deepEqual(lvm.calls, want);
    assert.equal(volume.active, false);
  });
}

test('HostService.deactivate keeps the pool while another thin LV of it is active here', async () => {
  const lvm = new StandInLvm(vg().map((row) => (row.lv_name === 'vol-t2' ? { ...row, lv_attr: 'Vwi-a-tz--' } : row)));
  await hostWith(lvm).deactivate('labvg', 'vol-t1');
  assert.deepEqual(lvm.calls, [['deactivate', 'labvg', ['vol-t1']]]);
});

const refreshes: [string, { given: string; want: unknown[][] }][] = [
  ['a read-only activation stays read-only', {
    given: 'vol-ro',
    want: [['refresh', 'labvg', 'vol-ro', { readOnly: true }]],
  }],
  ['a read-write activation stays read-write', {
    given: 'vol-on',
    want: [['refresh', 'labvg', 'vol-on', { readOnly: false }]],
  }],
  ['an LV not active here is left alone', { given: 'vol-x', want: [] }],
];
for (const [name, { given, want }] of refreshes) {
  test(`HostService.refresh: ${name}`, async () => {
    const lvm = new StandInLvm(vg());
    await hostWith(lvm).refresh('labvg', given);
    assert.deepEqual(lvm.calls, want);
  });
}
