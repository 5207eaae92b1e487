// The express application: every API route is registered from the OpenAPI document (operationId ->
// handler), behind auth, the mode guard and validation, in that order; every error leaves as
// problem+json.
import express, { type NextFunction, type Request, type Response } from 'express';
import type { Logger } from 'pino';
import { AgentError } from '../errors.js';
import type { AgentMetrics } from '../metrics/registry.js';
import { listOperations, toExpressPath, type OpenApiDocument, type Operation } from '../openapi/spec.js';
import { TokenChecker } from './auth.js';
import { renderDocs } from './docs.js';
import { loadDashboard } from './dashboard.js';
import type { Handler } from './handlers.js';
import { sendProblem } from './problem.js';
import { compileOperation, validateRequest } from './validate.js';

export type AgentMode = 'control' | 'host' | 'all';

export interface AppOptions {
  mode: AgentMode;
  tokens: readonly string[];
  bodyLimitBytes: number;
  spec: OpenApiDocument;
  handlers: Record<string, Handler>;
  metrics: AgentMetrics;
  logger: Logger;
  version?: string;
}

/** Operations the app serves itself; every other operationId needs a handler. */
const BUILT_IN = new Set(['getHealth', 'getMetrics', 'getOpenApi', 'getDocs', 'getDashboard']);

export function createApp(options: AppOptions): express.Express {
  const { spec, metrics, logger } = options;
  const operations = listOperations(spec);
  const missing = operations.filter((op) => !BUILT_IN.has(op.operationId) && !options.handlers[op.operationId]).map((op) => op.operationId);
  if (missing.length > 0) throw new Error(`no handler for operations: ${missing.join(', ')}`);
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
      logger.info({ operation, method: request.method, path: request.path, status: response.statusCode, ms: Math.round(seconds * 1000) }, 'request');
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
    express.json({ limit: options.bodyLimitBytes, type: ['application/json', 'application/*+json'], strict: true }),
  );

  for (const op of operations) {
    const compiled = compileOperation(op);
    const path = toExpressPath(op.path);
    app[op.method](path, async (request: Request, response: Response) => {
      response.locals.operationId = op.operationId;
      try {
        if (!op.public) tokens.check(request.headers.authorization);
        if (op.mutates && options.mode === 'host') {
          throw new AgentError('forbidden_in_mode', `this agent runs in host mode, which never changes volume group metadata; send ${op.operationId} to the control agent`);
        }
        if (BUILT_IN.has(op.operationId)) return builtIn(op, request, response);
        const hasBody = request.body !== undefined && Number(request.headers['content-length'] ?? 0) > 0;
        if (Number(request.headers['content-length'] ?? 0) > 0 && request.body === undefined && op.body) {
          throw new AgentError('unsupported_media_type', 'send the request body as application/json');
        }
        const input = validateRequest(compiled, { params: request.params, query: request.query, headers: request.headers, body: request.body, hasBody });
        const result = await options.handlers[op.operationId]!(input);
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
    sendProblem(response, new AgentError('not_found', `no route ${request.method} ${request.path}`), request.originalUrl);
  });

  // Body parser errors (too large, malformed JSON) arrive here.
  app.use((error: unknown, request: Request, response: Response, _next: NextFunction) => {
    const type = (error as { type?: string }).type;
    if (type === 'entity.too.large') {
      sendProblem(response, new AgentError('body_too_large', `request bodies are limited to ${options.bodyLimitBytes} bytes`), request.originalUrl);
    } else if (type === 'entity.parse.failed') {
      sendProblem(response, new AgentError('bad_request', 'the request body is not valid JSON', { errors: [{ pointer: '/body', message: 'invalid JSON' }] }), request.originalUrl);
    } else if (error instanceof AgentError) {
      sendProblem(response, error, request.originalUrl);
    } else {
      const status = (error as { status?: number }).status;
      if (status && status >= 400 && status < 500) {
        sendProblem(response, new AgentError('bad_request', (error as Error).message), request.originalUrl);
      } else {
        fail(error, request, response);
      }
    }
  });

  return app;
}
