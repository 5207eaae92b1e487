import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LvmError } from '../../../../../agent/src/lib/lvm/errors.js';
import { lvRow, lvTimeToIso, parseReport, vgRow } from '../../../../../agent/src/lib/lvm/report.js';

// What lvm2 2.03.16 prints for `lvs --reportformat json --units b --nosuffix -o <LV_FIELDS>`.
const LVS_OUTPUT = `  {
      "report": [
          {
              "lv": [
                  {"vg_name":"labvg", "lv_name":"agt-vol-1", "lv_uuid":"gi1RnT-KCoX", "lv_attr":"owi---s---", "lv_size":"12582912", "origin":"", "origin_size":"", "pool_lv":"", "data_percent":"", "metadata_percent":"", "lv_tags":"slvm.name=db1,slvm.tag.env=prod", "lv_time":"2026-11-22 05:24:15 +0000"},
                  {"vg_name":"labvg", "lv_name":"agt-snap-1", "lv_uuid":"EDhRQb-QYXO", "lv_attr":"swi---s---", "lv_size":"12582912", "origin":"agt-vol-1", "origin_size":"12582912", "pool_lv":"", "data_percent":"0.01", "metadata_percent":"", "lv_tags":"", "lv_time":"2026-11-22 05:24:18 +0000"}
              ]
          }
      ]
  }
`;

test('parseReport reads lvs rows with numbers, percentages and tag lists', () => {
  const rows = parseReport(LVS_OUTPUT, 'lv', lvRow, ['lvm', 'lvs']);
  assert.equal(rows.length, 2);
  assert.equal(rows[0]!.lv_size, 12582912);
  assert.deepEqual(rows[0]!.lv_tags, ['slvm.name=db1', 'slvm.tag.env=prod']);
  assert.equal(rows[0]!.data_percent, null);
  assert.equal(rows[0]!.origin_size, null);
  assert.equal(rows[1]!.data_percent, 0.01);
  assert.equal(rows[1]!.origin_size, 12582912);
});

const badOutputs: [string, { given: string; want: RegExp }][] = [
  ['not JSON', { given: '  WARNING: something\n', want: /unparsable report output/ }],
  ['no report array', { given: '{"log":[]}', want: /unexpected report shape/ }],
  ['size with a unit suffix', { given: '{"report":[{"vg":[{"vg_name":"v","vg_uuid":"u","vg_attr":"wz--ns","vg_size":"15.87g","vg_free":"1","vg_extent_size":"1","pv_count":"1","lv_count":"0","vg_lock_type":"sanlock","vg_mda_free":"1","vg_mda_size":"1"}]}]}', want: /unexpected vg row/ }],
  ['missing field', { given: '{"report":[{"vg":[{"vg_name":"v"}]}]}', want: /unexpected vg row/ }],
];
for (const [name, { given, want }] of badOutputs) {
  test(`parseReport rejects ${name}`, () => {
    assert.throws(() => parseReport(given, 'vg', vgRow, ['lvm', 'vgs']), (error: unknown) => error instanceof LvmError && want.test(error.stderr));
  });
}

const times: [string, { given: string; want: string | null }][] = [
  ['UTC', { given: '2026-11-22 05:24:15 +0000', want: '2026-11-22T05:24:15.000Z' }],
  ['offset', { given: '2026-11-22 07:24:15 +0200', want: '2026-11-22T05:24:15.000Z' }],
  ['garbage', { given: 'yesterday', want: null }],
];
for (const [name, { given, want }] of times) {
  test(`lvTimeToIso: ${name}`, () => assert.equal(lvTimeToIso(given), want));
}
