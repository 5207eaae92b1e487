// Loads openapi/sharedlvm.yaml, the single source of the contract, and derives from it the
// operations table (path, method, schemas) that the HTTP layer validates and routes with.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';

export type JsonSchema = Record<string, unknown>;
export type OpenApiDocument = {
  openapi: string;
  info: Record<string, unknown>;
  paths: Record<string, Record<string, unknown>>;
  components: { schemas: Record<string, JsonSchema>; parameters?: Record<string, unknown>; responses?: Record<string, unknown> };
} & Record<string, unknown>;

export const HTTP_METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

export interface OperationParameter {
  name: string;
  in: 'path' | 'query' | 'header';
  required: boolean;
  schema: JsonSchema;
}

export interface Operation {
  operationId: string;
  method: HttpMethod;
  /** OpenAPI path template, e.g. /v1/volumes/{id}. */
  path: string;
  summary: string;
  /** Changes VG metadata (refused in host mode). */
  mutates: boolean;
  /** No bearer token needed. */
  public: boolean;
  parameters: OperationParameter[];
  body?: { required: boolean; schema: JsonSchema };
}

/** Finds openapi/sharedlvm.yaml from this module upwards (works from the sources and from dist/). */
export function findSpecPath(start = dirname(fileURLToPath(import.meta.url))): string {
  let dir = start;
  for (;;) {
    const candidate = join(dir, 'openapi', 'sharedlvm.yaml');
    if (existsSync(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`openapi/sharedlvm.yaml not found above ${start}`);
    dir = parent;
  }
}

export function loadSpec(path = findSpecPath()): OpenApiDocument {
  return parseYaml(readFileSync(path, 'utf8')) as OpenApiDocument;
}

function resolvePointer(document: OpenApiDocument, ref: string): unknown {
  if (!ref.startsWith('#/')) throw new Error(`only local $refs are supported: ${ref}`);
  let node: unknown = document;
  for (const part of ref.slice(2).split('/')) {
    node = (node as Record<string, unknown> | undefined)?.[part.replaceAll('~1', '/').replaceAll('~0', '~')];
    if (node === undefined) throw new Error(`unresolvable $ref ${ref}`);
  }
  return node;
}

/** Inlines every local $ref (the document has no recursive schemas). Sibling keywords of a $ref
 *  (such as a description) are kept. */
export function dereference<T>(document: OpenApiDocument, node: T, depth = 0): T {
  if (depth > 64) throw new Error('$ref nesting too deep (recursive schema?)');
  if (Array.isArray(node)) return node.map((item) => dereference(document, item, depth + 1)) as T;
  if (node && typeof node === 'object') {
    const record = node as Record<string, unknown>;
    if (typeof record.$ref === 'string') {
      const { $ref, ...rest } = record;
      const target = dereference(document, resolvePointer(document, $ref as string), depth + 1) as Record<string, unknown>;
      return { ...target, ...dereference(document, rest, depth + 1) } as T;
    }
    return Object.fromEntries(Object.entries(record).map(([key, value]) => [key, dereference(document, value, depth + 1)])) as T;
  }
  return node;
}

export function listOperations(document: OpenApiDocument): Operation[] {
  const operations: Operation[] = [];
  for (const [path, item] of Object.entries(document.paths)) {
    for (const method of HTTP_METHODS) {
      const raw = item[method] as Record<string, unknown> | undefined;
      if (!raw) continue;
      const op = dereference(document, raw) as Record<string, unknown>;
      const parameters = ((op.parameters as Record<string, unknown>[] | undefined) ?? []).map((p) => ({
        name: String(p.name),
        in: p.in as OperationParameter['in'],
        required: Boolean(p.required),
        schema: (p.schema as JsonSchema | undefined) ?? {},
      }));
      const requestBody = op.requestBody as { required?: boolean; content?: Record<string, { schema?: JsonSchema }> } | undefined;
      const bodySchema = requestBody?.content?.['application/json']?.schema;
      const security = op.security as unknown[] | undefined;
      operations.push({
        operationId: String(op.operationId),
        method,
        path,
        summary: String(op.summary ?? ''),
        mutates: op['x-sharedlvm-mutates'] === true,
        public: Array.isArray(security) && security.length === 0,
        parameters,
        ...(bodySchema ? { body: { required: Boolean(requestBody?.required), schema: bodySchema } } : {}),
      });
    }
  }
  return operations;
}

/** /v1/volumes/{id} -> /v1/volumes/:id (express). */
export function toExpressPath(path: string): string {
  return path.replace(/\{([A-Za-z0-9_]+)\}/g, ':$1');
}
