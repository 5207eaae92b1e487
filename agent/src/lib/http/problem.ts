// RFC 9457 problem+json responses from AgentErrors.
import type { Response } from 'express';
import { AgentError } from '../errors.js';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  code: string;
  detail?: string;
  instance?: string;
  errors?: { pointer: string; message: string }[];
  lvm?: { exit_code: number | null; stderr: string; command: string[] };
  existing_id?: string;
}

export function problemType(code: string): string {
  return `https://sharedlvm.dev/problems/${code.replaceAll('_', '-')}`;
}

export function toProblem(error: AgentError, instance?: string): ProblemBody {
  return {
    type: problemType(error.code),
    title: error.title,
    status: error.status,
    code: error.code,
    detail: error.message,
    ...(instance ? { instance } : {}),
    ...(error.errors ? { errors: error.errors } : {}),
    ...(error.lvm ? { lvm: error.lvm } : {}),
    ...(error.existingId ? { existing_id: error.existingId } : {}),
  };
}

export function sendProblem(response: Response, error: AgentError, instance?: string): void {
  if (error.code === 'unauthorized') response.setHeader('WWW-Authenticate', 'Bearer realm="sharedlvm-agent"');
  response.status(error.status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(toProblem(error, instance)));
}
