// The create contract of volumes and snapshots: a create never adopts an object another state owns.
// Each create picks a FRESH id (UUID v4) and sends it in the body; the id is also the retry key within
// this apply (every attempt sends the same id and body: the agent answers the object it made for that id
// and parameters, idempotency_conflict otherwise). When the outcome stays unknown, the id goes into the
// state with the error, so terraform taints the resource and the next apply deletes it and creates anew.
import { randomUUID } from 'node:crypto';
import {
  neverSent, problemToDiagnostic, resultOf, transportToDiagnostic,
  type AgentClient, type CallResult, type FieldMap, type Subject,
} from '../client/agent-client.js';
import { DiagnosticError, UnknownCreateOutcomeError } from '../framework/diagnostics.js';
import type { OperationContext } from '../framework/resource.js';
import { record } from '../plugin/values.js';

export interface CreateRequest<T> {
  action: string;
  subject: Subject;
  fields: FieldMap;
  /** One attempt: POST the body with this id. */
  send(id: string): Promise<CallResult<T>>;
}

/** 5xx after the request was sent: the agent may have made the object. 507 (no space, metadata full)
 *  is refused before anything is written. */
const outcomeUnknown = (status: number): boolean => status >= 500 && status !== 507;

function pause(ms: number, signal: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve(false);
    const timer = setTimeout(() => resolve(true), ms);
    signal.addEventListener('abort', () => { clearTimeout(timer); resolve(false); }, { once: true });
  });
}

/** Runs a create with a fresh id; returns the object and its id, or throws a diagnostic (an
 *  UnknownCreateOutcomeError carrying the id when the object may exist). */
export async function createWithFreshId<T>(
  ctx: OperationContext<AgentClient>,
  req: CreateRequest<T>,
): Promise<{ id: string; object: T | null }> {
  const { client } = ctx;
  const id = randomUUID();
  const delays = client.createRetryDelaysMs;
  let unknown: DiagnosticError | null = null;
  let lastRefusal: DiagnosticError | null = null;
  for (let attempt = 0; attempt <= delays.length; attempt++) {
    if (attempt > 0 && !(await pause(delays[attempt - 1] as number, ctx.signal))) break;
    let result: CallResult<T>;
    try {
      result = await req.send(id);
    } catch (err) {
      const diag = transportToDiagnostic(req.action, client.endpoint, err);
      if (neverSent(err)) lastRefusal = diag;
      else unknown = diag;
      ctx.log.warn(`${req.action}: attempt ${attempt + 1} failed`, { id, error: diag.detail });
      if (ctx.signal.aborted) break;
      continue;
    }
    if (outcomeUnknown(result.response.status)) {
      unknown = problemToDiagnostic(req.action, result.response.status, result.error, req.fields);
      ctx.log.warn(`${req.action}: attempt ${attempt + 1} answered HTTP ${result.response.status}`, { id });
      continue;
    }
    try {
      return { id, object: resultOf(req.action, result, { fields: req.fields, subject: req.subject }) };
    } catch (err) {
      // A definite refusal; but an earlier attempt may still have made the object: keep the id then.
      if (unknown !== null && err instanceof DiagnosticError) throw taint(req, id, err);
      throw err;
    }
  }
  if (unknown !== null) throw taint(req, id, unknown);
  throw lastRefusal ??
    new DiagnosticError(`${req.action}: timed out`, `No attempt to create ${req.subject.kind} ${id} was made before the timeout.`);
}

function taint<T>(req: CreateRequest<T>, id: string, cause: DiagnosticError): UnknownCreateOutcomeError {
  return new UnknownCreateOutcomeError(
    cause.summary,
    `${cause.detail}\nThe agent may or may not have created ${req.subject.kind} "${req.subject.name}" with id ${id}. ` +
      'That id is recorded in the state and the resource is marked tainted: the next apply deletes it (if it exists) ' +
      'and creates a new one.',
    record({ id }),
  );
}
