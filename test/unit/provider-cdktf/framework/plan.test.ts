import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Diagnostics } from '../../../../provider-cdktf/src/framework/diagnostics.js';
import { finalizeApplied, normalizeRead, planAttributes } from '../../../../provider-cdktf/src/framework/plan.js';
import { requiresReplace, useStateForUnknown } from '../../../../provider-cdktf/src/framework/plan-modifiers.js';
import type { SchemaDef } from '../../../../provider-cdktf/src/framework/schema.js';
import { TfDecimal, Unknown, record, type TfValue } from '../../../../provider-cdktf/src/plugin/values.js';

const schema: SchemaDef = {
  version: 0,
  description: 'test',
  attributes: {
    id: { type: 'string', computed: true, description: 'id', planModifiers: [useStateForUnknown()] },
    name: { type: 'string', required: true, description: 'name' },
    group: { type: 'string', required: true, description: 'group', planModifiers: [requiresReplace()] },
    size: { type: 'number', optional: true, computed: true, description: 'size' },
    thin: { type: 'bool', optional: true, computed: true, default: false, description: 'thin' },
    bytes: { type: 'number', computed: true, description: 'bytes' },
  },
};

const r = (o: Record<string, TfValue>) => record({ id: null, name: null, group: null, size: null, thin: null, bytes: null, ...o });

type Case = { prior: Record<string, TfValue> | null; config: Record<string, TfValue>; want: Record<string, TfValue>; replace?: string[] };
const cases: [string, Case][] = [
  ['create: computed unknown, default applied, config kept', {
    prior: null,
    config: { name: 'a', group: 'g', size: 1 },
    want: { id: Unknown, name: 'a', group: 'g', size: 1, thin: false, bytes: Unknown },
  }],
  ['create: optional+computed left out -> unknown', {
    prior: null,
    config: { name: 'a', group: 'g' },
    want: { id: Unknown, name: 'a', group: 'g', size: Unknown, thin: false, bytes: Unknown },
  }],
  ['no change: prior values stand (no perpetual diff)', {
    prior: { id: 'x', name: 'a', group: 'g', size: 1, thin: false, bytes: 1024 },
    config: { name: 'a', group: 'g', size: 1 },
    want: { id: 'x', name: 'a', group: 'g', size: 1, thin: false, bytes: 1024 },
  }],
  ['in-place change: computed unknown except use-state-for-unknown', {
    prior: { id: 'x', name: 'a', group: 'g', size: 1, thin: false, bytes: 1024 },
    config: { name: 'b', group: 'g', size: 2 },
    want: { id: 'x', name: 'b', group: 'g', size: 2, thin: false, bytes: Unknown },
  }],
  ['requires replace: every computed value is new', {
    prior: { id: 'x', name: 'a', group: 'g', size: 1, thin: false, bytes: 1024 },
    config: { name: 'a', group: 'h', size: 1 },
    want: { id: Unknown, name: 'a', group: 'h', size: 1, thin: false, bytes: Unknown },
    replace: ['group'],
  }],
  ['default re-applied when the config drops the attribute', {
    prior: { id: 'x', name: 'a', group: 'g', size: 1, thin: true, bytes: 1024 },
    config: { name: 'a', group: 'g', size: 1 },
    want: { id: 'x', name: 'a', group: 'g', size: 1, thin: false, bytes: Unknown },
  }],
  ['numbers compare by value: "1" and 1 are no change', {
    prior: { id: 'x', name: 'a', group: 'g', size: 1, thin: false, bytes: 1024 },
    config: { name: 'a', group: 'g', size: new TfDecimal('1') },
    want: { id: 'x', name: 'a', group: 'g', size: new TfDecimal('1'), thin: false, bytes: 1024 },
  }],
];

for (const [name, { prior, config, want, replace }] of cases) {
  test(`planAttributes: ${name}`, () => {
    const cfg = r(config);
    // terraform's proposed new state: config values, prior values for computed attributes left null
    const proposed = r({ ...config });
    if (prior) for (const [k, a] of Object.entries(schema.attributes)) if (a.computed && cfg[k] === null) proposed[k] = prior[k] ?? null;
    const got = planAttributes(schema, prior && r(prior), proposed, cfg);
    assert.deepEqual({ ...got.plan }, { ...r(want) });
    assert.deepEqual(got.requiresReplace, (replace ?? []).map((n) => [n]));
  });
}

test('finalizeApplied: planned known values stand, unknowns come from the result', () => {
  const diags = new Diagnostics();
  const planned = r({ id: Unknown, name: 'a', group: 'g', size: new TfDecimal('1'), thin: false, bytes: Unknown });
  const result = r({ id: 'new', name: 'a', group: 'g', size: 1, thin: false, bytes: 1024 });
  assert.deepEqual({ ...finalizeApplied(schema, planned, result, diags) }, { ...r({ id: 'new', name: 'a', group: 'g', size: new TfDecimal('1'), thin: false, bytes: 1024 }) });
  assert.equal(diags.items.length, 0);
});

test('finalizeApplied: a value left unknown is an error, never sent back unknown', () => {
  const diags = new Diagnostics();
  const out = finalizeApplied(schema, r({ id: Unknown, name: 'a', group: 'g', size: 1, thin: false, bytes: Unknown }), record({ id: 'x', bytes: Unknown }), diags);
  assert.equal(out.bytes, null);
  assert.ok(diags.hasErrors);
});

test('normalizeRead: equal values keep their prior encoding; drift comes through', () => {
  const prior = r({ id: 'x', name: 'a', group: 'g', size: new TfDecimal('2'), thin: false, bytes: 2048 });
  const fresh = record({ id: 'x', name: 'a', group: 'g', size: 2, thin: false, bytes: 4096 });
  assert.deepEqual({ ...normalizeRead(schema, prior, fresh) }, { ...r({ id: 'x', name: 'a', group: 'g', size: new TfDecimal('2'), thin: false, bytes: 4096 }) });
});
