// One runner for every external command the agent starts (lvm first of all, also dd and blkdiscard):
// argv arrays only (no shell), LC_ALL=C, a timeout and a cancel signal, metrics and one LvmError.
import { execa } from 'execa';
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
    const extra = this.lvmConfig ? ['--config', this.lvmConfig] : [];
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
    const subcommand = kind === 'lv' ? 'lvs' : 'vgs';
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
    const result = await execa(file, args, {
      reject: false,
      shell: false,
      env: { LC_ALL: 'C', LANG: 'C', LVM_SUPPRESS_FD_WARNINGS: '1' },
      extendEnv: true,
      timeout: options.timeoutMs ?? this.timeoutMs,
      ...(options.signal ? { cancelSignal: options.signal } : {}),
      ...(options.stdin !== undefined ? { input: options.stdin } : { stdin: 'ignore' as const }),
      stripFinalNewline: false,
      maxBuffer: 64 * 1024 * 1024,
    });
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const ok = !result.failed;
    this.observe?.({ command: name, ok, seconds });
    if (!ok) {
      const exitCode = typeof result.exitCode === 'number' ? result.exitCode : null;
      const stderr = String(result.stderr ?? '') || (result.failed && 'originalMessage' in result ? String(result.originalMessage ?? '') : '');
      throw new LvmError({
        argv,
        exitCode,
        stderr,
        stdout: String(result.stdout ?? ''),
        timedOut: Boolean(result.timedOut),
        canceled: Boolean(result.isCanceled),
      });
    }
    return { stdout: String(result.stdout), stderr: String(result.stderr) };
  }
}
