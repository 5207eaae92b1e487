import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeValue, encodeValue, MsgpackError } from '../../../../provider-cdktf/src/plugin/msgpack.js';
import { TfDecimal, Unknown, isRecord, record, type TfType, type TfValue } from '../../../../provider-cdktf/src/plugin/values.js';

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');

// Bytes as terraform 1.11 sends them (captured), decoded with the schema type.
const decodeCases: [string, { given: Buffer; type: TfType; want: TfValue }][] = [
  ['fixint', { given: hex('05'), type: 'number', want: 5 }],
  ['negative fixint', { given: hex('ff'), type: 'number', want: -1 }],
  ['float64 0.5', { given: hex('cb 3fe0000000000000'), type: 'number', want: 0.5 }],
  ['0.1 arrives as a string', { given: hex('a3 302e31'), type: 'number', want: new TfDecimal('0.1') }],
  ['2^53+1 as uint64 stays exact', { given: hex('cf 0020000000000001'), type: 'number', want: 2n ** 53n + 1n }],
  ['int64 min', { given: hex('d3 8000000000000000'), type: 'number', want: -(2n ** 63n) }],
  ['unknown ext 0', { given: hex('d4 00 00'), type: 'string', want: Unknown }],
  ['unknown with refinements, ext 12', { given: hex('c7 03 0c 81 01 c3'), type: 'string', want: Unknown }],
  ['any other fixext', { given: hex('d6 05 00000000'), type: 'bool', want: Unknown }],
  ['null', { given: hex('c0'), type: 'string', want: null }],
  ['str8', { given: Buffer.concat([hex('d9 20'), Buffer.from('x'.repeat(32))]), type: 'string', want: 'x'.repeat(32) }],
  ['set as array', { given: hex('92 a1 61 a1 62'), type: ['set', 'string'], want: ['a', 'b'] }],
];

for (const [name, { given, type, want }] of decodeCases) {
  test(`decodeValue: ${name}`, () => assert.deepEqual(decodeValue(given, type), want));
}

test('decodeValue: a map key __proto__ is plain data', () => {
  const bytes = Buffer.concat([hex('81 a9'), Buffer.from('__proto__'), hex('a1 78')]);
  const v = decodeValue(bytes, ['map', 'string']);
  assert.ok(isRecord(v));
  assert.deepEqual(Object.keys(v), ['__proto__']);
  assert.equal(v['__proto__'], 'x');
  assert.equal(({} as Record<string, unknown>).x, undefined); // nothing polluted
});

test('decodeValue: objects get every schema attribute, null where absent', () => {
  const v = decodeValue(hex('81 a1 61 01'), ['object', { a: 'number', b: 'string' }]);
  assert.deepEqual({ ...(v as object) }, { a: 1, b: null });
});

test('decodeValue: an attribute outside the schema is an error, not silently dropped', () => {
  assert.throws(() => decodeValue(hex('81 a1 7a 01'), ['object', { a: 'number' }]), MsgpackError);
});

test('decodeValue: truncated input is an error', () => {
  assert.throws(() => decodeValue(hex('d9 20 61'), 'string'), MsgpackError);
});

const encodeCases: [string, { given: TfValue; type: TfType; want: string }][] = [
  ['unknown is always d4 00 00', { given: Unknown, type: 'string', want: 'd40000' }],
  ['small int as fixint', { given: 7, type: 'number', want: '07' }],
  ['negative fixint', { given: -3, type: 'number', want: 'fd' }],
  ['0.5 as float64', { given: 0.5, type: 'number', want: 'cb3fe0000000000000' }],
  ['decimal string echoed as a string', { given: new TfDecimal('0.1'), type: 'number', want: 'a3302e31' }],
  ['BigInt beyond 2^63 as uint64', { given: 2n ** 64n - 1n, type: 'number', want: 'cfffffffffffffffff' }],
  ['2^53+1 as int', { given: 2n ** 53n + 1n, type: 'number', want: 'd30020000000000001' }],
  ['1 GiB as uint32', { given: 1073741824, type: 'number', want: 'ce40000000' }],
  ['null', { given: null, type: ['list', 'string'], want: 'c0' }],
  ['bool', { given: true, type: 'bool', want: 'c3' }],
  ['object: missing attributes sent as null, keys sorted', { given: record({ b: 'x' }), type: ['object', { b: 'string', a: 'number' }], want: '82a161c0a162a178' }],
];

for (const [name, { given, type, want }] of encodeCases) {
  test(`encodeValue: ${name}`, () => assert.equal(encodeValue(given, type).toString('hex'), want));
}

test('encodeValue: a value of the wrong type is an error naming the path', () => {
  assert.throws(() => encodeValue(record({ a: 'x' }), ['object', { a: 'number' }]), /a: string x is not a "number"/);
});

test('round trip of a large object (buffer growth)', () => {
  const type: TfType = ['object', { name: 'string', tags: ['set', 'string'], sizes: ['list', 'number'], meta: ['map', 'string'] }];
  const value = record({
    name: 'n'.repeat(70_000),
    tags: Array.from({ length: 300 }, (_, i) => `t${i}`),
    sizes: [1, 0.25, new TfDecimal('0.1'), 2n ** 60n, -5],
    meta: record([['__proto__', 'p'], ['constructor', 'c']]),
  });
  const back = decodeValue(encodeValue(value, type), type);
  assert.deepEqual(back, value);
});
