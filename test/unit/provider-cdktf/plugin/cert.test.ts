import assert from 'node:assert/strict';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { test } from 'node:test';
import { makeServerCertificate } from '../../../../provider-cdktf/src/plugin/cert.js';

test('makeServerCertificate: what go-plugin AutoMTLS needs', () => {
  const now = new Date();
  const cert = makeServerCertificate(now);
  const x = new X509Certificate(cert.certPem);
  assert.equal(x.subjectAltName, 'DNS:localhost');
  assert.ok(new Date(x.validFrom) < now, 'notBefore in the past');
  assert.ok(new Date(x.validTo) > new Date(now.getTime() + 300 * 24 * 3600_000), 'valid for months');
  assert.ok(x.keyUsage?.includes('1.3.6.1.5.5.7.3.1'), 'extended key usage serverAuth');
  assert.ok(x.ca, 'self-signed root (terraform trusts it as its own CA)');
  assert.ok(x.verify(x.publicKey), 'self-signature verifies');
  assert.ok(x.checkPrivateKey(createPrivateKey(cert.keyPem)));
  assert.deepEqual(Buffer.from(x.raw), cert.der);
});

test('makeServerCertificate: a fresh key and serial each launch', () => {
  const a = new X509Certificate(makeServerCertificate().certPem);
  const b = new X509Certificate(makeServerCertificate().certPem);
  assert.notEqual(a.serialNumber, b.serialNumber);
  assert.notEqual(a.fingerprint256, b.fingerprint256);
});

test('makeServerCertificate: every certificate is valid DER (OpenSSL is strict: 2000 in a row)', () => {
  // A serial with a needless leading zero byte made about 1 in 256 certificates unparseable.
  for (let i = 0; i < 2000; i++) {
    const { certPem } = makeServerCertificate();
    assert.doesNotThrow(() => new X509Certificate(certPem), `certificate ${i}`);
  }
});
