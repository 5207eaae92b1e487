// The handler map, typed against the contract (openapi/generated/types.ts `operations`): one handler
// per operationId the app does not serve itself. A missing or misnamed handler fails to compile; a
// handler's input (path, query, headers, body) and its result (status, body) are the operation's own
// types from the generated file. http/app.ts checks the same at run time against the loaded document.
import type { operations } from '../../../../../openapi/generated/types.js';

/** Operations the app serves itself (health, metrics, contract, docs, dashboard). */
export const BUILT_IN_OPERATIONS = [
  'getHealth', 'getMetrics', 'getOpenApi', 'getDocs', 'getDashboard',
] as const satisfies readonly (keyof operations)[];
export type BuiltInOperationId = (typeof BUILT_IN_OPERATIONS)[number];

/** Every operationId that needs a handler. */
export type ApiOperationId = Exclude<keyof operations, BuiltInOperationId>;

type Parameters<K extends keyof operations> = operations[K]['parameters'];
/** A parameter group, or {} when the operation has none (`?: never` in the generated file). */
type Group<T> = [NonNullable<T>] extends [never] ? Record<string, never> : NonNullable<T>;
/** Header names as node delivers them: lower case. */
type LowerKeys<T> = { [H in keyof T as Lowercase<H & string>]: T[H] };
type RequestBody<K extends keyof operations> = operations[K]['requestBody'];
type JsonContent<T> = T extends { content: { 'application/json': infer B } } ? B : never;

/** The validated request of operation K (http/validate.ts checked it against the same schemas). */
export interface Input<K extends keyof operations> {
  params: Group<Parameters<K>['path']>;
  query: Group<Parameters<K>['query']>;
  headers: LowerKeys<Group<Parameters<K>['header']>>;
  /** The JSON body: required when the contract requires it, else possibly undefined. */
  body: RequestBody<K> extends { content: unknown }
    ? JsonContent<RequestBody<K>>
    : JsonContent<NonNullable<RequestBody<K>>> | undefined;
}

type Responses<K extends keyof operations> = operations[K]['responses'];
type SuccessStatus<K extends keyof operations> = Extract<keyof Responses<K>, 200 | 201 | 202 | 204>;
type ResultWith<S, R> = R extends { content: { 'application/json': infer B } }
  ? { status: S; body: B; headers?: Record<string, string> }
  : { status: S; body?: undefined; headers?: Record<string, string> };

/** One of the operation's success answers, with the body the contract gives that status. */
export type Result<K extends keyof operations> = {
  [S in SuccessStatus<K>]: ResultWith<S, Responses<K>[S]>;
}[SuccessStatus<K>];

export type Handler<K extends ApiOperationId> = (input: Input<K>) => Promise<Result<K>>;

/** Exactly one handler per operation of the contract (adding an operation to the contract makes this
 *  type demand its handler). */
export type HandlerMap = { [K in ApiOperationId]: Handler<K> };

/** A group of handlers (what each handler module provides). */
export type Handlers<K extends ApiOperationId> = { [P in K]: Handler<P> };

/** What the app calls at run time, after validation (the map's types hold by construction). */
export interface AnyResult {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}
export type AnyHandler = (input: {
  params: Record<string, string>;
  query: Record<string, string | undefined>;
  headers: Record<string, string | undefined>;
  body: unknown;
}) => Promise<AnyResult>;

/** The usual answer: 200 with a body. */
export const ok = <B>(body: B) => ({ status: 200 as const, body });
