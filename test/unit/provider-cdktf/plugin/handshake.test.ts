import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  HandshakeError,
  MAGIC_COOKIE_KEY,
  MAGIC_COOKIE_VALUE,
  handshakeLine,
  parseProtocolVersions,
  readHandshakeEnv,
} from '../../../../provider-cdktf/src/plugin/handshake.js';

const versionCases: [string, { given: string | undefined; want: number[] }][] = [
  ['5,6', { given: '5,6', want: [5, 6] }],
  ['6,5 (order varies)', { given: '6,5', want: [5, 6] }],
  ['spaces and junk', { given: ' 6 , x,5', want: [5, 6] }],
  ['absent', { given: undefined, want: [] }],
];
for (const [name, { given, want }] of versionCases) {
  test(`parseProtocolVersions: ${name}`, () => assert.deepEqual([...parseProtocolVersions(given)].sort(), want));
}

test('readHandshakeEnv: without the magic cookie it refuses with a friendly message', () => {
  assert.throws(() => readHandshakeEnv({}), (err: unknown) => err instanceof HandshakeError && /not meant to be run by hand/.test(err.message));
});

test('readHandshakeEnv: refuses when terraform offers only protocol 5', () => {
  assert.throws(() => readHandshakeEnv({ [MAGIC_COOKIE_KEY]: MAGIC_COOKIE_VALUE, PLUGIN_PROTOCOL_VERSIONS: '5' }), /speaks only 6/);
});

test('readHandshakeEnv: plaintext when no client certificate is given', () => {
  const env = readHandshakeEnv({ [MAGIC_COOKIE_KEY]: MAGIC_COOKIE_VALUE, PLUGIN_PROTOCOL_VERSIONS: '6,5' });
  assert.equal(env.clientCertPem, null);
});

const lineCases: [string, { socket: string; der: Buffer | null; want: string }][] = [
  ['TLS: base64 without padding', { socket: '/tmp/plugin1', der: Buffer.from([1, 2, 3, 4]), want: '1|6|unix|/tmp/plugin1|grpc|AQIDBA' }],
  ['plaintext: empty cert field', { socket: '/tmp/plugin2', der: null, want: '1|6|unix|/tmp/plugin2|grpc|' }],
];
for (const [name, { socket, der, want }] of lineCases) {
  test(`handshakeLine: ${name}`, () => assert.equal(handshakeLine(socket, der), want));
}
