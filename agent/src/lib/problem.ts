// The agent's errors as RFC 9457 problem bodies: AgentError -> problem+json body, with no HTTP
// framework in sight. The HTTP layer (http/problem.ts) sends these; the operations registry records
// them as an operation's error; the docs page lists the codes.
import type { AgentError } from './errors.js';

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

/** The problem type URI of a code: https://sharedlvm.dev/problems/<code with dashes>. */
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
