// Sends an AgentError as problem+json (the body itself is built by ../problem.ts, outside HTTP).
import type { Response } from 'express';
import type { AgentError } from '../errors.js';
import { PROBLEM_CONTENT_TYPE, toProblem } from '../problem.js';

export { PROBLEM_CONTENT_TYPE, problemType, toProblem, type ProblemBody } from '../problem.js';

export function sendProblem(response: Response, error: AgentError, instance?: string): void {
  if (error.code === 'unauthorized') response.setHeader('WWW-Authenticate', 'Bearer realm="sharedlvm-agent"');
  response.status(error.status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(toProblem(error, instance)));
}
