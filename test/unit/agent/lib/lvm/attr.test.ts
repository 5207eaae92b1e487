// lv_attr (lvs(8), "lv_attr bits") decoded into a typed value: type, access, state, open, skip flag.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isActiveHere, isOpenHere, lvKind, parseLvAttr, type LvAttr } from '../../../../../agent/src/lib/lvm/attr.js';

const base: LvAttr = {
  kind: 'linear', access: 'rw', active: false, open: false, invalid: false, skipActivation: false,
};

const cases: [string, { given: string; want: LvAttr }][] = [
  ['linear, inactive', { given: '-wi-------', want: base }],
  ['linear, active here and open', { given: '-wi-ao----', want: { ...base, active: true, open: true } }],
  ['read-only LV (r)', { given: '-ri-a-----', want: { ...base, access: 'ro', active: true } }],
  ['read-only activation of a writable LV (R)', { given: '-Ri-a-----', want: { ...base, access: 'ro', active: true } }],
  ['origin of a COW snapshot', { given: 'owi-a-s---', want: { ...base, kind: 'origin', active: true } }],
  ['merging origin', { given: 'Owi-a-s---', want: { ...base, kind: 'merging-origin', active: true } }],
  ['COW snapshot', { given: 'swi---s---', want: { ...base, kind: 'cow-snapshot' } }],
  ['invalid COW snapshot (I)', { given: 'swi-I-s---', want: { ...base, kind: 'cow-snapshot', invalid: true } }],
  ['merging snapshot', { given: 'Swi-a-s---', want: { ...base, kind: 'merging-snapshot', active: true } }],
  ['thin pool', { given: 'twi---tz--', want: { ...base, kind: 'thin-pool' } }],
  ['thin volume', { given: 'Vwi---tz--', want: { ...base, kind: 'thin' } }],
  ['thin snapshot with the activation-skip flag (k)', {
    given: 'Vwi---tz-k',
    want: { ...base, kind: 'thin', skipActivation: true },
  }],
  ['raid (a type the agent does not make)', { given: 'rwi-a-r---', want: { ...base, kind: 'other', active: true } }],
  ['suspended (s in the state column) is not active', { given: '-wi-s-----', want: base }],
];

for (const [name, { given, want }] of cases) {
  test(`parseLvAttr: ${name}`, () => {
    assert.deepEqual(parseLvAttr(given), want);
    assert.equal(lvKind(given), want.kind);
    assert.equal(isActiveHere({ lv_attr: given }), want.active);
    assert.equal(isOpenHere({ lv_attr: given }), want.open);
  });
}
