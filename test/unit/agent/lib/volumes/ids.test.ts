import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ID_PATTERN, idFromIdempotencyKey, lvNameFor, parseLvName, requestHash } from '../../../../../agent/src/lib/volumes/ids.js';

const parses: [string, { given: [string, string]; want: ReturnType<typeof parseLvName> }][] = [
  ['volume without prefix', { given: ['', 'vol-abc'], want: { kind: 'volume', id: 'abc' } }],
  ['snapshot with prefix', { given: ['agt-', 'agt-snap-1-2'], want: { kind: 'snapshot', id: '1-2' } }],
  ['other prefix', { given: ['agt-', 'vol-abc'], want: null }],
  ['foreign LV', { given: ['', 'root'], want: null }],
  ['upper-case id is not ours', { given: ['', 'vol-ABC'], want: null }],
  ['thin pool', { given: ['agt-', 'agt-pool'], want: null }],
];
for (const [name, { given, want }] of parses) {
  test(`parseLvName: ${name}`, () => assert.deepEqual(parseLvName(...given), want));
}

test('lvNameFor and parseLvName round-trip', () => {
  assert.deepEqual(parseLvName('p-', lvNameFor('p-', 'snapshot', 'x1')), { kind: 'snapshot', id: 'x1' });
});

test('an idempotency key always maps to the same valid id, per kind', () => {
  const a = idFromIdempotencyKey('volume', 'key-1');
  assert.equal(a, idFromIdempotencyKey('volume', 'key-1'));
  assert.notEqual(a, idFromIdempotencyKey('snapshot', 'key-1'));
  assert.notEqual(a, idFromIdempotencyKey('volume', 'key-2'));
  assert.match(a, ID_PATTERN);
});

test('requestHash ignores key order and distinguishes values', () => {
  assert.equal(requestHash({ a: 1, b: 'x' }), requestHash({ b: 'x', a: 1 }));
  assert.notEqual(requestHash({ a: 1 }), requestHash({ a: 2 }));
  assert.equal(requestHash({ a: undefined }), requestHash({ a: null }));
});
