// The express application: every API route is registered from the OpenAPI document (operationId ->
// handler), behind auth, the mode guard, the media type check and validation, in that order; every
// error leaves as problem+json. Which handlers an agent has is decided by its assembly
// (../assemble/handler-set.ts), never here.
import express, { type NextFunction, type Request, type Response } from 'express';
import type { Logger } from 'pino';
import type { AgentConfig } from '../config/schema.js';
import { AgentError } from '../errors.js';
import type { AgentMetrics } from '../metrics/registry.js';
import { listOperations, toExpressPath, type OpenApiDocument, type Operation } from '../openapi/spec.js';
import { TokenChecker } from './auth.js';
import { renderDocs } from './docs.js';
import { loadDashboard } from './dashboard.js';
import { BUILT_IN_OPERATIONS, type AnyHandler, type HandlerMap } from './handlers/types.js';
import { carriesBody, isJsonBody, JSON_TYPES } from './media.js';
import { sendProblem } from './problem.js';
import { compileOperation, validateRequest } from './validate.js';

export type AgentMode = AgentConfig['mode'];

export interface AppOptions {
  mode: AgentMode;
  tokens: readonly string[];
  bodyLimitBytes: number;
  spec: OpenApiDocument;
  handlers: HandlerMap;
  metrics: AgentMetrics;
  logger: Logger;
  version?: string;
}

/** Operations the app serves itself; every other operationId needs a handler. */
const BUILT_IN = new Set<string>(BUILT_IN_OPERATIONS);

/** The handler of each operation of the loaded document; throws when one is missing or when a handler
 *  names no operation (the types check the same against the generated contract at compile time). */
function handlersByOperation(operations: Operation[], handlers: HandlerMap): Map<string, AnyHandler> {
  const given = new Map(Object.entries(handlers) as [string, AnyHandler][]);
  const ids = new Set(operations.map((op) => op.operationId));
  const missing = [...ids].filter((id) => !BUILT_IN.has(id) && !given.has(id));
  if (missing.length > 0) throw new Error(`no handler for operations: ${missing.join(', ')}`);
  const unknown = [...given.keys()].filter((id) => !ids.has(id) || BUILT_IN.has(id));
  if (unknown.length > 0) throw new Error(`handlers for operations the document does not have: ${unknown.join(', ')}`);
  return given;
}

export function createApp(options: AppOptions): express.Express {
  const { spec, metrics, logger } = options;
  const operations = listOperations(spec);
  const handlers = handlersByOperation(operations, options.handlers);
  const tokens = new TokenChecker(options.tokens);
  const docsHtml = renderDocs(spec, operations);
  const specJson = JSON.stringify(spec);
  const dashboardHtml = loadDashboard();

  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');

  // Latency per operation (the route's operationId is set once matched).
  app.use((request, response, next) => {
    const started = process.hrtime.bigint();
    response.on('finish', () => {
      const operation = (response.locals.operationId as string | undefined) ?? 'unmatched';
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      metrics.httpDuration.observe({ operation, method: request.method, status: String(response.statusCode) }, seconds);
      const ms = Math.round(seconds * 1000);
      const { method, path } = request;
      logger.info({ operation, method, path, status: response.statusCode, ms }, 'request');
    });
    next();
  });

  // Authenticate before the body is read: an anonymous client gets 401, not a parsed body.
  const publicPaths = new Set(operations.filter((op) => op.public).map((op) => op.path));
  app.use((request, response, next) => {
    if (publicPaths.has(request.path)) return next();
    try {
      tokens.check(request.headers.authorization);
      next();
    } catch (error) {
      fail(error, request, response);
    }
  });

  app.use(
    express.json({ limit: options.bodyLimitBytes, type: JSON_TYPES, strict: true }),
  );

  for (const op of operations) {
    const compiled = compileOperation(op);
    const path = toExpressPath(op.path);
    app[op.method](path, async (request: Request, response: Response) => {
      response.locals.operationId = op.operationId;
      try {
        if (!op.public) tokens.check(request.headers.authorization);
        if (op.mutates && options.mode === 'host') {
          const detail = 'this agent runs in host mode, which never changes volume group metadata';
          throw new AgentError('forbidden_in_mode', `${detail}; send ${op.operationId} to the control agent`);
        }
        if (BUILT_IN.has(op.operationId)) return builtIn(op, request, response);
        const hasBody = carriesBody(request);
        // A body the JSON parser did not read (another content type) is refused, never ignored.
        if (hasBody && !isJsonBody(request)) {
          const given = (request.headers['content-type'] ?? 'none').slice(0, 100);
          const detail = `send the request body as application/json (Content-Type was ${given})`;
          throw new AgentError('unsupported_media_type', detail);
        }
        const { params, query, headers, body } = request;
        const input = validateRequest(compiled, { params, query, headers, body, hasBody });
        const result = await handlers.get(op.operationId)!(input);
        for (const [name, value] of Object.entries(result.headers ?? {})) response.setHeader(name, value);
        if (result.body === undefined) response.status(result.status).end();
        else response.status(result.status).json(result.body);
      } catch (error) {
        fail(error, request, response);
      }
    });
  }

  function builtIn(op: Operation, _request: Request, response: Response): void | Promise<void> {
    switch (op.operationId) {
      case 'getHealth':
        response.json({ status: 'ok', mode: options.mode, ...(options.version ? { version: options.version } : {}) });
        return;
      case 'getMetrics':
        return metrics.registry.metrics().then((text) => {
          response.type(metrics.registry.contentType).send(text);
        });
      case 'getOpenApi':
        response.type('application/json').send(specJson);
        return;
      case 'getDocs':
        response.type('text/html').send(docsHtml);
        return;
      case 'getDashboard':
        response.type('text/html').send(dashboardHtml);
        return;
    }
  }

  function fail(error: unknown, request: Request, response: Response): void {
    if (error instanceof AgentError) {
      if (error.status >= 500) logger.error({ err: error, path: request.path }, error.message);
      sendProblem(response, error, request.originalUrl);
      return;
    }
    logger.error({ err: error, path: request.path }, 'unexpected error');
    sendProblem(response, new AgentError('internal', 'unexpected error; see the agent log'), request.originalUrl);
  }

  app.use((request: Request, response: Response) => {
    const error = new AgentError('not_found', `no route ${request.method} ${request.path}`);
    sendProblem(response, error, request.originalUrl);
  });

  // Body parser errors (too large, malformed JSON) arrive here.
  app.use((error: unknown, request: Request, response: Response, _next: NextFunction) => {
    const problem = parserProblem(error, options.bodyLimitBytes);
    if (problem) sendProblem(response, problem, request.originalUrl);
    else fail(error, request, response);
  });

  return app;
}

/** A body parser's error (too large, malformed JSON, unreadable charset) as the problem to answer;
 *  undefined for anything else (an internal error). */
function parserProblem(error: unknown, limit: number): AgentError | undefined {
  if (error instanceof AgentError) return error;
  const { type, status } = error as { type?: string; status?: number };
  const message = (error as Error).message;
  switch (type) {
    case 'entity.too.large':
      return new AgentError('body_too_large', `request bodies are limited to ${limit} bytes`);
    case 'entity.parse.failed':
      return new AgentError('bad_request', 'the request body is not valid JSON', {
        errors: [{ pointer: '/body', message: 'invalid JSON' }],
      });
    case 'charset.unsupported':
    case 'encoding.unsupported':
      return new AgentError('unsupported_media_type', message);
  }
  return status !== undefined && status >= 400 && status < 500 ? new AgentError('bad_request', message) : undefined;
}
