import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pino } from 'pino';
import { handlerSet, type AgentParts } from '../../../../../agent/src/lib/assemble/handler-set.js';
import type { AttachmentService } from '../../../../../agent/src/lib/attachments/orchestrator.js';
import type { HostService } from '../../../../../agent/src/lib/host/activation.js';
import { ATTACHMENT_OPERATIONS, HOST_OPERATIONS } from '../../../../../agent/src/lib/http/handlers/groups.js';
import { BUILT_IN_OPERATIONS } from '../../../../../agent/src/lib/http/handlers/types.js';
import { dereference, listOperations, loadSpec, toExpressPath } from '../../../../../agent/src/lib/openapi/spec.js';
import type { VolumeService } from '../../../../../agent/src/lib/volumes/service.js';

const spec = loadSpec();
const operations = listOperations(spec);

test('the document is OpenAPI 3.1', () => assert.match(spec.openapi, /^3\.1\./));

const volumes = {} as VolumeService;
const attachments = { hosts: {} } as AttachmentService;
const host = {} as HostService;
const modes: AgentParts[] = [{ mode: 'control', volumes, attachments }, { mode: 'host', volumes, host }, { mode: 'all', volumes, attachments, host }];

test('operationIds are unique and every mode has exactly one handler per API operation', () => {
  const ids = operations.map((op) => op.operationId);
  assert.equal(new Set(ids).size, ids.length);
  const needed = ids.filter((id) => !(BUILT_IN_OPERATIONS as readonly string[]).includes(id)).sort();
  for (const parts of modes) {
    const handlers = handlerSet(parts, { logger: pino({ level: 'silent' }), copyTimeoutMs: 1 });
    assert.deepEqual(Object.keys(handlers).sort(), needed, parts.mode);
  }
});

test('the handler groups match the paths: /v1/host/ is the host group, hosts/attachments/migrations the attachment group', () => {
  const byPrefix = (test: (path: string) => boolean) => operations.filter((op) => test(op.path)).map((op) => op.operationId).sort();
  assert.deepEqual(byPrefix((path) => /^\/v1\/host(\/|$)/.test(path)), [...HOST_OPERATIONS].sort());
  assert.deepEqual(byPrefix((path) => /^\/v1\/(hosts|attachments|migrations)(\/|$)/.test(path)), [...ATTACHMENT_OPERATIONS].sort());
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
