import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pino } from 'pino';
import { apiHandlers } from '../../../../../agent/src/lib/http/handlers.js';
import { hostHandlers } from '../../../../../agent/src/lib/http/host-handlers.js';
import { dereference, listOperations, loadSpec, toExpressPath } from '../../../../../agent/src/lib/openapi/spec.js';
import type { VolumeService } from '../../../../../agent/src/lib/volumes/service.js';

const spec = loadSpec();
const operations = listOperations(spec);

test('the document is OpenAPI 3.1', () => assert.match(spec.openapi, /^3\.1\./));

test('operationIds are unique and every API operation has a handler', () => {
  const ids = operations.map((op) => op.operationId);
  assert.equal(new Set(ids).size, ids.length);
  const handlers = { ...apiHandlers({} as VolumeService), ...hostHandlers({ mode: 'control', logger: pino({ level: 'silent' }), copyTimeoutMs: 1 }) };
  for (const op of operations) {
    if (['getHealth', 'getMetrics', 'getOpenApi', 'getDocs', 'getDashboard'].includes(op.operationId)) continue;
    assert.ok(handlers[op.operationId], `handler for ${op.operationId}`);
  }
  for (const id of Object.keys(handlers)) assert.ok(ids.includes(id), `${id} is in the document`);
  void pino;
});

test('only the health check and the dashboard page (static, no data: it calls the API with the token) are public', () => {
  assert.deepEqual(operations.filter((op) => op.public).map((op) => op.operationId).sort(), ['getDashboard', 'getHealth']);
});

test('every write is marked x-sharedlvm-mutates and no read is (host-mode routes activate, they are never marked)', () => {
  for (const op of operations) assert.equal(op.mutates, op.method !== 'get' && !op.path.startsWith('/v1/host/'), `${op.method} ${op.path}`);
});

test('every 4xx/5xx response of the API is problem+json', () => {
  for (const [name, response] of Object.entries(spec.components.responses ?? {})) {
    const content = (response as { content: Record<string, unknown> }).content;
    assert.deepEqual(Object.keys(content), ['application/problem+json'], name);
  }
});

test('dereference inlines $refs and keeps sibling keywords', () => {
  const schema = dereference(spec, { $ref: '#/components/schemas/ObjectId', description: 'here' }) as Record<string, unknown>;
  assert.equal(schema.type, 'string');
  assert.equal(schema.description, 'here');
});

test('toExpressPath converts templates', () => {
  assert.equal(toExpressPath('/v1/volumes/{id}/revert'), '/v1/volumes/:id/revert');
});
