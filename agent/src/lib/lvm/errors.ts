// LvmError carries what a failed command said; toAgentError maps it to the agent's typed errors by
// exit code and stderr (lvm2 uses exit 5 for nearly every failure, so the message decides).
import { AgentError, type ErrorCode } from '../errors.js';

export interface LvmErrorInit {
  argv: string[];
  exitCode: number | null;
  stderr: string;
  stdout?: string;
  timedOut?: boolean;
  canceled?: boolean;
}

export class LvmError extends Error {
  readonly argv: string[];
  readonly exitCode: number | null;
  readonly stderr: string;
  readonly stdout: string;
  readonly timedOut: boolean;
  readonly canceled: boolean;

  constructor(init: LvmErrorInit) {
    const what = init.timedOut ? 'timed out' : init.canceled ? 'was canceled' : `exited with ${init.exitCode ?? 'no code'}`;
    super(`${init.argv.slice(0, 2).join(' ')} ${what}: ${firstLine(init.stderr)}`);
    this.name = 'LvmError';
    this.argv = init.argv;
    this.exitCode = init.exitCode;
    this.stderr = init.stderr;
    this.stdout = init.stdout ?? '';
    this.timedOut = init.timedOut ?? false;
    this.canceled = init.canceled ?? false;
  }
}

function firstLine(text: string): string {
  return meaningfulLines(text)[0] ?? '';
}

/** stderr without lvm's noise (fd-leak warnings, "WARNING: ... not zeroed"), trimmed. */
export function meaningfulLines(text: string): string[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !/^File descriptor \d+ .* leaked/.test(line) && !/^WARNING:/.test(line));
}

// Ordered: the first pattern that matches the stderr decides. Messages are lvm2 2.03's.
const STDERR_RULES: ReadonlyArray<[RegExp, ErrorCode]> = [
  [/locked by other host/i, 'locked_by_other_host'],
  [/incompatible mode|lock.*(conflict|mode)/i, 'lock_conflict'],
  [/exceeds maximum metadata size|metadata.*(too large|full|no space)|no space for metadata/i, 'metadata_full'],
  [/insufficient (free space|suitable|allocatable)|not enough free|insufficient free extents/i, 'insufficient_space'],
  [/already exists/i, 'already_exists'],
  [/\bin use\b|is open|device or resource busy|can be resized only while inactive/i, 'in_use'],
  [/failed to find|not found|does not exist|no such (file|device)/i, 'not_found'],
  [/due to failed lock|lockspace|lvmlockd|global lock failed|sanlock|lock(ing)? (failed|error)/i, 'lock_unavailable'],
];

export function classifyLvmError(error: LvmError): ErrorCode {
  if (error.timedOut || error.canceled) return 'lvm_timeout';
  for (const [pattern, code] of STDERR_RULES) if (pattern.test(error.stderr)) return code;
  return 'lvm_failed';
}

/** Converts any thrown value from the runner into an AgentError (others pass through unchanged). */
export function toAgentError(error: unknown): unknown {
  if (!(error instanceof LvmError)) return error;
  const code = classifyLvmError(error);
  const message = meaningfulLines(error.stderr).join(' ') || error.message;
  return new AgentError(code, message, {
    lvm: { exit_code: error.exitCode, stderr: error.stderr.trim(), command: error.argv },
    cause: error,
  });
}
