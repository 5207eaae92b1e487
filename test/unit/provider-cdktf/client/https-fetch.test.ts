import assert from 'node:assert/strict';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { createAgentClient } from '../../../../provider-cdktf/src/client/agent-client.js';
import { fetchTrusting } from '../../../../provider-cdktf/src/client/https-fetch.js';
import { makeServerCertificate } from '../../../../provider-cdktf/src/plugin/cert.js';

// An https agent stand-in with a private CA: `ca_bundle` must make it trusted, and only then.
const cert = makeServerCertificate();
const other = makeServerCertificate();
let url = '';
const server = createServer({ cert: cert.certPem, key: cert.keyPem }, (req, res) => {
  if (req.url?.startsWith('/v1/vgs/labvg')) {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ name: 'labvg', auth: req.headers.authorization ?? null }));
  } else if (req.method === 'DELETE') {
    res.writeHead(204);
    res.end();
  } else {
    res.writeHead(404, { 'content-type': 'application/problem+json' });
    res.end(JSON.stringify({ type: 'about:blank', title: 'Not found', status: 404, code: 'not_found' }));
  }
});

before(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `https://localhost:${(server.address() as AddressInfo).port}`;
});
after(() => server.close());

test('ca_bundle: the agent client trusts the given CA and sends the token', async () => {
  const client = createAgentClient({ endpoint: url, token: 't0ken', caBundle: cert.certPem, requestTimeoutMs: 5000, userAgent: 'test' });
  const r = await client.api.GET('/v1/vgs/{vg}', { params: { path: { vg: 'labvg' } } });
  assert.equal(r.response.status, 200);
  assert.deepEqual(r.data as unknown, { name: 'labvg', auth: 'Bearer t0ken' });
});

test('ca_bundle: 204 and problem+json responses come through', async () => {
  const f = fetchTrusting(cert.certPem);
  assert.equal((await f(`${url}/v1/volumes/x`, { method: 'DELETE' })).status, 204);
  const missing = await f(`${url}/nope`);
  assert.equal(missing.status, 404);
  assert.equal(((await missing.json()) as { code: string }).code, 'not_found');
});

test('ca_bundle: another CA is refused', async () => {
  await assert.rejects(fetchTrusting(other.certPem)(`${url}/v1/vgs/labvg`), /self-signed|certificate/);
});
