// One runner for every external command the agent starts (lvm first of all, also dd and blkdiscard):
// argv arrays only (no shell), LC_ALL=C, a timeout and a cancel signal, metrics and one LvmError.
import { spawn } from 'node:child_process';
import type { z } from 'zod';
import { LvmError } from './errors.js';
import { parseReport, type ReportKind } from './report.js';

export interface CommandObserver {
  /** Called once per finished command (ok or not) with its duration in seconds. */
  (event: { command: string; ok: boolean; seconds: number }): void;
}

export interface RunnerOptions {
  /** The lvm binary (default `lvm`, found on PATH). Every lvm call is `lvm <subcommand> ...`. */
  lvmPath?: string;
  /** Default timeout per command. */
  timeoutMs?: number;
  observe?: CommandObserver;
  /** Extra `--config` string passed to every lvm command (e.g. a devices filter). */
  lvmConfig?: string;
}

export interface RunOptions {
  timeoutMs?: number;
  signal?: AbortSignal;
  stdin?: string;
  /** Extra lvm `--config` text for this command (lvm accepts one --config: it is merged with lvmConfig). */
  config?: string;
}

export interface CommandResult {
  stdout: string;
  stderr: string;
}

/** Common report flags: JSON, exact bytes, no unit suffix. */
export const REPORT_FLAGS = ['--reportformat', 'json', '--units', 'b', '--nosuffix'] as const;

export class Runner {
  readonly lvmPath: string;
  readonly timeoutMs: number;
  private readonly observe: CommandObserver | undefined;
  private readonly lvmConfig: string | undefined;

  constructor(options: RunnerOptions = {}) {
    this.lvmPath = options.lvmPath ?? 'lvm';
    this.timeoutMs = options.timeoutMs ?? 60_000;
    this.observe = options.observe;
    this.lvmConfig = options.lvmConfig;
  }

  /** Runs `lvm <subcommand> args...`; throws LvmError on a non-zero exit, a timeout or a cancel. */
  async lvm(subcommand: string, args: readonly string[], options: RunOptions = {}): Promise<CommandResult> {
    const config = [this.lvmConfig, options.config].filter(Boolean).join(' ');
    const extra = config ? ['--config', config] : [];
    return this.exec(this.lvmPath, [subcommand, ...extra, ...args], subcommand, options);
  }

  /** Runs an lvm report command (lvs, vgs) with explicit fields and parses its rows with `row`.
   *  `args` are further flags and the targets (VG or VG/LV names). */
  async report<T>(
    kind: ReportKind,
    fields: readonly string[],
    args: readonly string[],
    row: z.ZodType<T>,
    options: RunOptions = {},
  ): Promise<T[]> {
    const subcommand = kind === 'lv' ? 'lvs' : kind === 'pv' ? 'pvs' : 'vgs';
    const argv = [...REPORT_FLAGS, '-o', fields.join(','), ...args];
    const { stdout } = await this.lvm(subcommand, argv, options);
    return parseReport(stdout, kind, row, [this.lvmPath, subcommand, ...argv]);
  }

  /** Runs any other tool (dd, blkdiscard) under the same rules. */
  async command(file: string, args: readonly string[], options: RunOptions = {}): Promise<CommandResult> {
    const name = file.split('/').pop() ?? file;
    return this.exec(file, args, name, options);
  }

  private async exec(file: string, args: readonly string[], name: string, options: RunOptions): Promise<CommandResult> {
    const argv = [file, ...args];
    const started = process.hrtime.bigint();
    const result = await spawnCollect(file, args, options.timeoutMs ?? this.timeoutMs, options.signal, options.stdin);
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const ok = result.exitCode === 0 && !result.timedOut && !result.canceled && !result.spawnError;
    this.observe?.({ command: name, ok, seconds });
    if (!ok) {
      throw new LvmError({
        argv,
        exitCode: result.exitCode,
        stderr: result.stderr || result.spawnError || '',
        stdout: result.stdout,
        timedOut: result.timedOut,
        canceled: result.canceled,
      });
    }
    return { stdout: result.stdout, stderr: result.stderr };
  }
}

interface SpawnOutcome {
  exitCode: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  canceled: boolean;
  spawnError?: string;
}

const MAX_OUTPUT = 64 * 1024 * 1024;
const ENV_OVERRIDES = { LC_ALL: 'C', LANG: 'C', LVM_SUPPRESS_FD_WARNINGS: '1' };

/** node's spawn, no shell: measured in the lab guest, execa 9 added about 200 ms to every command
 *  (TCG emulation), which is a third of an lvm call there. SIGTERM on timeout/cancel, SIGKILL 5 s later. */
function spawnCollect(file: string, args: readonly string[], timeoutMs: number, signal: AbortSignal | undefined, stdin: string | undefined): Promise<SpawnOutcome> {
  return new Promise((resolve) => {
    const outcome: SpawnOutcome = { exitCode: null, stdout: '', stderr: '', timedOut: false, canceled: false };
    if (signal?.aborted) {
      resolve({ ...outcome, canceled: true });
      return;
    }
    const child = spawn(file, args, {
      shell: false,
      env: { ...process.env, ...ENV_OVERRIDES },
      stdio: [stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let size = 0;
    const collect = (into: Buffer[]) => (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_OUTPUT) into.push(chunk);
    };
    child.stdout?.on('data', collect(out));
    child.stderr?.on('data', collect(err));
    let killTimer: NodeJS.Timeout | undefined;
    const stop = () => {
      child.kill('SIGTERM');
      killTimer = setTimeout(() => child.kill('SIGKILL'), 5000);
      killTimer.unref();
    };
    const timer = setTimeout(() => {
      outcome.timedOut = true;
      stop();
    }, timeoutMs);
    const onAbort = () => {
      outcome.canceled = true;
      stop();
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    let settled = false;
    const finish = () => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (killTimer) clearTimeout(killTimer);
      signal?.removeEventListener('abort', onAbort);
      outcome.stdout = Buffer.concat(out).toString('utf8');
      outcome.stderr = Buffer.concat(err).toString('utf8');
      resolve(outcome);
    };
    child.on('error', (error) => {
      outcome.spawnError = `${error.message}`;
      finish();
    });
    child.on('close', (code) => {
      outcome.exitCode = code;
      finish();
    });
    if (stdin !== undefined) child.stdin?.end(stdin);
  });
}
