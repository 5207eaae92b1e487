// The control agent's HTTP client, typed by the OpenAPI contract (openapi/sharedlvm.yaml ->
// openapi/generated/types.ts): request and response shapes come from there, never from here.
import createClient, { type Client } from 'openapi-fetch';
import type { components, paths } from '../../../openapi/generated/types.js';
import { DiagnosticError, type AttrPath } from '../framework/diagnostics.js';
import { fetchTrusting } from './https-fetch.js';

export type Volume = components['schemas']['Volume'];
export type VolumeGroup = components['schemas']['VolumeGroup'];
export type Snapshot = components['schemas']['Snapshot'];
export type AttachmentRecord = components['schemas']['AttachmentRecord'];
export type Problem = components['schemas']['Problem'];
export type ProblemCode = Problem['code'];
export type Operation = components['schemas']['Operation'];

export interface AgentClientOptions {
  endpoint: string;
  token: string | null;
  /** PEM bundle of CAs to trust for an https endpoint (in addition to nothing else). */
  caBundle: string | null;
  requestTimeoutMs: number;
  userAgent: string;
  /** Pauses between the attempts of a create whose outcome was unknown (default 1 s, 2 s, 4 s). */
  createRetryDelaysMs?: number[];
}

export interface AgentClient {
  api: Client<paths>;
  endpoint: string;
  /** Pauses between the attempts of one create (same id and body each time). */
  createRetryDelaysMs: number[];
  /** An AbortSignal for one request: the operation's deadline and the per-request timeout. */
  signal(operation: AbortSignal): AbortSignal;
  /**
   * An untyped request, ONLY for endpoints the contract does not describe yet (attachments, issue 4).
   * Everything else goes through `api`.
   */
  raw(method: string, path: string, body: unknown, signal: AbortSignal): Promise<CallResult<unknown>>;
  /**
   * A volume as LVM has it now, for refreshes: one fresh listing serves every read of a plan for a few
   * seconds (a plan of 50 volumes re-reads LVM once, not 50 times); any change made through this
   * client drops the listing. Null when the volume does not exist.
   */
  refreshedVolume(id: string, signal: AbortSignal): Promise<Volume | null>;
}

const LISTING_TTL_MS = 3000;

export function createAgentClient(opts: AgentClientOptions): AgentClient {
  const fetchImpl: typeof fetch = opts.caBundle ? fetchTrusting(opts.caBundle) : globalThis.fetch;
  const headers: Record<string, string> = { 'user-agent': opts.userAgent };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  const api = createClient<paths>({ baseUrl: opts.endpoint.replace(/\/+$/, ''), headers, fetch: fetchImpl });
  const base = opts.endpoint.replace(/\/+$/, '');
  let listing: { at: number; volumes: Promise<Map<string, Volume> | null> } | null = null;
  api.use({
    onRequest({ request }) {
      if (request.method !== 'GET') listing = null;
      return undefined;
    },
  });
  const client: AgentClient = {
    api,
    endpoint: opts.endpoint,
    createRetryDelaysMs: opts.createRetryDelaysMs ?? [1000, 2000, 4000],
    signal: (operation) => AbortSignal.any([operation, AbortSignal.timeout(opts.requestTimeoutMs)]),
    async raw(method, path, body, signal) {
      const init: RequestInit = { method, headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, signal };
      if (body !== undefined) init.body = JSON.stringify(body);
      const response = await fetchImpl(base + path, init);
      const text = await response.text();
      let parsed: unknown = text;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        // not JSON: keep the text for the diagnostic
      }
      if (method !== 'GET') listing = null;
      return response.ok ? { data: parsed, response } : { error: parsed, response };
    },
    async refreshedVolume(id, signal) {
      if (!listing || Date.now() - listing.at > LISTING_TTL_MS) {
        const volumes = api
          .GET('/v1/volumes', { params: { query: { refresh: 'true' } }, signal: client.signal(signal) })
          .then((r) => (r.data ? new Map(r.data.items.map((v) => [v.id, v])) : null), () => null);
        listing = { at: Date.now(), volumes };
      }
      const found = (await listing.volumes)?.get(id);
      if (found) return found;
      // Not in the listing (or the listing failed): ask for this one, fresh.
      return call(client, 'Read volume', () => api.GET('/v1/volumes/{id}', { params: { path: { id }, query: { refresh: 'true' } }, signal: client.signal(signal) }), { notFound: 'null' });
    },
  };
  return client;
}

/** How a request body field maps to a resource attribute, for diagnostics on the attribute at fault. */
export type FieldMap = Record<string, string>;

/**
 * The agent's problem+json -> a diagnostic: the problem's title as summary, its detail (plus what LVM
 * said) as detail, on the attribute named by the first input-error pointer (/body/size_gib -> size_gib).
 */
export function problemToDiagnostic(action: string, status: number, problem: unknown, fields: FieldMap = {}, fallbackPath?: AttrPath): DiagnosticError {
  const p = (typeof problem === 'object' && problem !== null ? problem : {}) as Partial<Problem>;
  const lines: string[] = [];
  lines.push(p.detail ?? (typeof problem === 'string' && problem ? problem : `The agent answered HTTP ${status}.`));
  for (const e of p.errors ?? []) lines.push(`- ${e.pointer}: ${e.message}`);
  if (p.lvm) lines.push(`LVM command ${(p.lvm.command ?? []).join(' ')} exited ${p.lvm.exit_code ?? '?'}: ${(p.lvm.stderr ?? '').trim()}`);
  lines.push(`(HTTP ${status}${p.code ? `, code ${p.code}` : ''})`);
  let path = fallbackPath;
  for (const e of p.errors ?? []) {
    const field = /^\/body\/([^/]+)/.exec(e.pointer)?.[1];
    if (field && fields[field]) {
      path = [fields[field]];
      break;
    }
  }
  return new DiagnosticError(`${action}: ${p.title ?? 'request failed'}`, lines.join('\n'), path);
}

/** The object a request names, for a name_taken answer: which resource type, and the name asked for. */
export interface Subject {
  typeName: string;
  kind: 'volume' | 'snapshot';
  name: string;
}

/**
 * 409 name_taken -> a diagnostic on `name` that names the object holding the name and how to adopt it.
 * The plugin protocol does not tell the provider the resource's address: the command uses
 * `<type>.<name>`, and terraform prints the real address under the diagnostic.
 */
export function nameTakenDiagnostic(action: string, problem: Partial<Problem>, subject: Subject): DiagnosticError {
  const existing = problem.existing_id ?? '<id>';
  const address = `${subject.typeName}.${subject.name}`;
  return new DiagnosticError(
    `${action}: the name "${subject.name}" is taken`,
    [
      problem.detail ?? `A ${subject.kind} named "${subject.name}" exists already.`,
      `It is ${subject.kind} ${existing}. Names are unique per volume group, and this provider never takes over ` +
        `an existing ${subject.kind}: it may belong to another Terraform state or working directory.`,
      'Choose another name, or manage that ' + subject.kind + ' with this resource by importing it ' +
        '(after removing it from any other state that manages it):',
      `  terraform import ${address} ${existing}`,
      `(use this resource's address, shown below, if it is not ${address}; HTTP 409, code name_taken)`,
    ].join('\n'),
    ['name'],
  );
}

/** A 404 the agent itself answered for an object that does not exist (not a proxy's or a wrong URL's). */
export function isNotFoundProblem(response: Response, problem: unknown): boolean {
  return response.status === 404 && (response.headers.get('content-type') ?? '').includes('application/problem+json') &&
    typeof problem === 'object' && problem !== null && (problem as Partial<Problem>).code === 'not_found';
}

/** True when a failed request certainly never reached the agent (nothing can have been created). */
export function neverSent(err: unknown): boolean {
  const code = (err as { cause?: { code?: string } }).cause?.code;
  return code !== undefined && ['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH'].includes(code);
}

/** A network failure or timeout -> a diagnostic that names the endpoint. */
export function transportToDiagnostic(action: string, endpoint: string, err: unknown): DiagnosticError {
  const e = err as { name?: string; message?: string; cause?: { message?: string; code?: string } };
  const why = e.name === 'TimeoutError' || e.name === 'AbortError' ? 'the request timed out or was cancelled' : (e.cause?.message ?? e.message ?? String(err));
  return new DiagnosticError(`${action}: cannot reach the shared-lvm agent`, `Request to ${endpoint} failed: ${why}. Check the provider's endpoint and that the agent is running.`);
}

export interface CallOptions {
  fields?: FieldMap;
  notFound?: 'null' | 'error';
  path?: AttrPath;
  subject?: Subject;
}

export interface CallResult<T> {
  data?: T | undefined;
  error?: unknown;
  response: Response;
}

/**
 * Runs one openapi-fetch call and returns its data, mapping transport errors and problem documents
 * to DiagnosticErrors. `notFound: 'null'` returns null on the agent's problem+json not_found instead (reads that
 * detect deletion, deletes of what is gone already); any other 404 stays an error.
 */
export async function call<T>(
  client: AgentClient,
  action: string,
  run: () => Promise<CallResult<T>>,
  opts: CallOptions = {},
): Promise<T | null> {
  let result: CallResult<T>;
  try {
    result = await run();
  } catch (err) {
    throw transportToDiagnostic(action, client.endpoint, err);
  }
  return resultOf(action, result, opts);
}

/** An answer -> its data, null for the agent's not_found when `notFound: 'null'`, or a diagnostic. */
export function resultOf<T>(action: string, result: CallResult<T>, opts: CallOptions = {}): T | null {
  if (result.response.ok) return (result.data ?? null) as T | null;
  if (opts.notFound === 'null' && isNotFoundProblem(result.response, result.error)) return null;
  const problem = result.error as Partial<Problem> | undefined;
  if (opts.subject && problem?.code === 'name_taken') throw nameTakenDiagnostic(action, problem, opts.subject);
  throw problemToDiagnostic(action, result.response.status, result.error, opts.fields, opts.path);
}

/** Waits until a long operation (wipe, move, retype) has ended, logging its progress; a failed one is
 *  a diagnostic with the agent's problem. Bounded by `signal` (the resource's timeout). */
export async function waitOperation(
  client: AgentClient, action: string, operation: Operation, signal: AbortSignal,
  log: { info(message: string, fields?: Record<string, unknown>): void }, pollMs = 2000,
): Promise<void> {
  let current = operation;
  let reported = -1;
  const timedOut = () => new DiagnosticError(`${action}: timed out`, `operation ${current.id} (${current.kind}) was still running at ${current.percent}% when the timeout passed; it goes on in the agent: GET /v1/operations/${current.id}`);
  while (current.state === 'running') {
    if (Math.floor(current.percent / 10) !== Math.floor(reported / 10)) {
      log.info(`${action}: ${current.kind} ${current.percent.toFixed(0)}% done`, { operation: current.id, volume: current.volume_id });
      reported = current.percent;
    }
    // An abort before the wait, during it, or during the poll ends the wait with the same diagnostic.
    if (signal.aborted) throw timedOut();
    await new Promise<void>((resolve, reject) => {
      const onAbort = () => { clearTimeout(timer); reject(timedOut()); };
      const timer = setTimeout(() => { signal.removeEventListener('abort', onAbort); resolve(); }, pollMs);
      signal.addEventListener('abort', onAbort, { once: true });
    });
    let next: Operation | null | undefined;
    try {
      next = await call(client, action, () => client.api.GET('/v1/operations/{operation_id}', { params: { path: { operation_id: current.id } }, signal }));
    } catch (error) {
      if (signal.aborted) throw timedOut();
      throw error;
    }
    if (!next) return;
    current = next;
  }
  if (current.state === 'failed') {
    throw new DiagnosticError(`${action}: ${current.kind} operation failed`, `operation ${current.id}: ${current.error?.detail ?? 'no detail'}`);
  }
  log.info(`${action}: ${current.kind} done`, { operation: current.id, volume: current.volume_id });
}
