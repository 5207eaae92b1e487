// Request validation compiled from the OpenAPI document's JSON Schemas (zod's fromJSONSchema): the
// same schemas the docs show and the provider's client is generated from. A failure is a 400 that
// names every offending field as a JSON pointer, before any handler (and so any lvm command) runs.
import { z } from 'zod';
import { AgentError, type InputError } from '../errors.js';
import type { JsonSchema, Operation } from '../openapi/spec.js';

export interface ValidatedInput {
  params: Record<string, string>;
  query: Record<string, string | undefined>;
  headers: Record<string, string | undefined>;
  body: unknown;
}

export interface CompiledOperation {
  params: z.ZodType<Record<string, string>>;
  query: z.ZodType<Record<string, string | undefined>>;
  headers: { name: string; schema: z.ZodType }[];
  body?: { required: boolean; schema: z.ZodType };
}

function fromSchema(schema: JsonSchema): z.ZodType {
  return z.fromJSONSchema(schema as Parameters<typeof z.fromJSONSchema>[0]);
}

export function compileOperation(operation: Operation): CompiledOperation {
  const pathShape: Record<string, z.ZodType> = {};
  const queryShape: Record<string, z.ZodType> = {};
  const headers: CompiledOperation['headers'] = [];
  for (const parameter of operation.parameters) {
    const schema = fromSchema(parameter.schema);
    if (parameter.in === 'path') pathShape[parameter.name] = schema;
    else if (parameter.in === 'query') queryShape[parameter.name] = parameter.required ? schema : schema.optional();
    else headers.push({ name: parameter.name.toLowerCase(), schema: parameter.required ? schema : schema.optional() });
  }
  return {
    params: z.object(pathShape) as unknown as z.ZodType<Record<string, string>>,
    // Unknown query parameters are refused: a mistyped ?wipe must not silently mean "no wipe".
    query: z.strictObject(queryShape) as unknown as z.ZodType<Record<string, string | undefined>>,
    headers,
    ...(operation.body ? { body: { required: operation.body.required, schema: fromSchema(operation.body.schema) } } : {}),
  };
}

function issuesToErrors(where: string, issues: z.core.$ZodIssue[]): InputError[] {
  const errors: InputError[] = [];
  for (const issue of issues) {
    const base = `/${where}${issue.path.map((part) => `/${String(part)}`).join('')}`;
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) errors.push({ pointer: `${base}/${key}`, message: 'unknown field' });
    } else {
      errors.push({ pointer: base, message: issue.message });
    }
  }
  return errors;
}

export function validateRequest(
  compiled: CompiledOperation,
  request: { params: unknown; query: unknown; headers: Record<string, unknown>; body: unknown; hasBody: boolean },
): ValidatedInput {
  const errors: InputError[] = [];
  const params = compiled.params.safeParse(request.params ?? {});
  if (!params.success) errors.push(...issuesToErrors('path', params.error.issues));
  const query = compiled.query.safeParse(request.query ?? {});
  if (!query.success) errors.push(...issuesToErrors('query', query.error.issues));
  const headers: Record<string, string | undefined> = {};
  for (const header of compiled.headers) {
    const raw = request.headers[header.name];
    const parsed = header.schema.safeParse(raw);
    if (!parsed.success) errors.push(...issuesToErrors(`header/${header.name}`, parsed.error.issues));
    else headers[header.name] = parsed.data as string | undefined;
  }
  let body: unknown;
  if (compiled.body) {
    if (!request.hasBody) {
      if (compiled.body.required) errors.push({ pointer: '/body', message: 'a JSON request body is required' });
    } else {
      const parsed = compiled.body.schema.safeParse(request.body);
      if (!parsed.success) errors.push(...issuesToErrors('body', parsed.error.issues));
      else body = parsed.data;
    }
  } else if (request.hasBody) {
    errors.push({ pointer: '/body', message: 'this operation takes no request body' });
  }
  if (errors.length > 0) {
    const summary = errors.slice(0, 3).map((error) => `${error.pointer}: ${error.message}`).join('; ');
    throw new AgentError('bad_request', `invalid request: ${summary}${errors.length > 3 ? ` (and ${errors.length - 3} more)` : ''}`, { errors });
  }
  return {
    params: (params.success ? params.data : {}) as Record<string, string>,
    query: (query.success ? query.data : {}) as Record<string, string | undefined>,
    headers,
    body,
  };
}
