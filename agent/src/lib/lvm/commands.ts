// The one typed LVM command layer, in the manner of TopoLVM's lvmd: one function per operation the
// agent performs, each building its argv here and nowhere else (a unit test fails when another
// module spells an lvm subcommand), each failure converted once into the agent's AgentError.
// Reports come back parsed and validated by zod (report.ts); lv_attr is decoded in attr.ts.
import type { z } from 'zod';
import { toAgentError } from './errors.js';
import { LV_FIELDS, lvRow, PV_FIELDS, pvRow, VG_FIELDS, vgRow, type LvRow, type PvRow, type VgRow } from './report.js';
import type { RunOptions, Runner } from './runner.js';
import { addTagArgs, delTagArgs } from './tags.js';

/** How a host takes an LV's lock: `-aey`, `-asy`, or plain `-ay` (VGs without lvmlockd). */
export type ActivationMode = 'exclusive' | 'shared' | 'local';

export interface CommandOptions {
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface ActivationOptions extends CommandOptions {
  /** Activate (or refresh) read-only on this host, without touching the LV's permission. */
  readOnly?: boolean;
}

/** Called after every metadata- or lock-changing command (ok or not): metrics and the test-only
 *  fault hook count them. */
export type WriteObserver = (event: { subcommand: string; ok: boolean }) => void;

// One `lvs -a` carries the VG fields on every row: a single lvm call re-reads the whole VG.
const combinedRow = lvRow.extend(vgRow.shape);
const COMBINED_FIELDS = [...LV_FIELDS, ...VG_FIELDS.filter((field) => field !== 'vg_name')];

export interface VgReport {
  /** Undefined when the VG has no LV at all (lvs prints no row); read it with `vgs` then. */
  vg: VgRow | undefined;
  /** Every LV, hidden ones (`[lvmlock]`, `[pvmove0]`) included. */
  lvs: LvRow[];
}

/** `--config` text that makes LVs' activation read-only on this host (never their permission). */
export function readOnlyConfig(vg: string, lvs: readonly string[]): string {
  return `activation { read_only_volume_list = [ ${lvs.map((lv) => `"${vg}/${lv}"`).join(', ')} ] }`;
}

const bytesArg = (bytes: number): string => `${bytes}b`;
const path = (vg: string, lv: string): string => `${vg}/${lv}`;

/** `pvmove`'s arguments (Lvm.pvmove builds them; exported for test stand-ins of a host agent that
 *  run the move through a Runner of their own). */
export function pvmoveArgs(vg: string, name: string, move: { from: string; to?: string }): string[] {
  return ['-b', '-i', '2', '-n', path(vg, name), move.from, ...(move.to ? [move.to] : [])];
}

/** The Lvm for callers that are still handed a bare Runner (a fresh Lvm then: no write observer). */
export function lvmOf(source: Runner | Lvm): Lvm {
  return source instanceof Lvm ? source : new Lvm(source);
}

export class Lvm {
  constructor(
    readonly runner: Runner,
    private readonly afterWrite: WriteObserver = () => {},
  ) {}

  // ---- reports ------------------------------------------------------------------------------------

  /** Every LV of a VG (`all`: hidden sub-LVs too). */
  lvs(vg: string, options: { all?: boolean } & CommandOptions = {}): Promise<LvRow[]> {
    return this.report('lv', LV_FIELDS, [...(options.all ? ['-a'] : []), vg], lvRow, options);
  }

  /** The VG and all its LVs in one `lvs -a` (the VG's fields ride on every row). */
  async vgReport(vg: string, options: CommandOptions = {}): Promise<VgReport> {
    const rows = await this.report('lv', COMBINED_FIELDS, ['-a', vg], combinedRow, options);
    const first = rows[0];
    return { vg: first ? pick(first, VG_FIELDS) : undefined, lvs: rows.map((row) => pick(row, LV_FIELDS)) };
  }

  vgs(vg: string, options: CommandOptions = {}): Promise<VgRow[]> {
    return this.report('vg', VG_FIELDS, [vg], vgRow, options);
  }

  /** The PVs of one VG. */
  pvs(vg: string, options: CommandOptions = {}): Promise<PvRow[]> {
    return this.report('pv', PV_FIELDS, ['-S', `vg_name=${vg}`], pvRow, options);
  }

  // ---- creation -----------------------------------------------------------------------------------

  /** A thick (linear) LV, inactive, not zeroed, never auto-activated; `pv`: allocate only there. */
  createThick(spec: { vg: string; name: string; bytes: number; tags: readonly string[]; pv?: string }): Promise<void> {
    return this.write('lvcreate', [
      '-y', '-an', '-Zn', '-Wn', '--setautoactivation', 'n', '-L', bytesArg(spec.bytes), '-n', spec.name,
      ...addTagArgs(spec.tags), spec.vg, ...(spec.pv ? [spec.pv] : []),
    ]);
  }

  /** lvm2 2.03.16 refuses --setautoactivation for thin pools, thin LVs and snapshots; lvmlockd never
   *  auto-activates LVs of a shared VG anyway. */
  createThinPool(spec: { vg: string; name: string; bytes: number }): Promise<void> {
    return this.write('lvcreate', ['-y', '-an', '--type', 'thin-pool', '-L', bytesArg(spec.bytes), '-n', spec.name, spec.vg]);
  }

  createThin(spec: { vg: string; pool: string; name: string; bytes: number; tags: readonly string[] }): Promise<void> {
    return this.write('lvcreate', [
      '-y', '-an', '--type', 'thin', '-V', bytesArg(spec.bytes), '--thinpool', spec.pool, '-n', spec.name,
      ...addTagArgs(spec.tags), spec.vg,
    ]);
  }

  /** A thin snapshot of `origin`. `activatable`: clear the activation-skip flag (a clone that is a
   *  volume); otherwise it keeps lvm's default skip flag (a snapshot object). */
  createThinSnapshot(spec: { vg: string; origin: string; name: string; tags: readonly string[]; activatable: boolean }): Promise<void> {
    return this.write('lvcreate', [
      '-y', '-an', ...(spec.activatable ? ['-kn'] : []), '-s', '-n', spec.name, ...addTagArgs(spec.tags), path(spec.vg, spec.origin),
    ]);
  }

  /** A COW snapshot of a thick `origin` with a COW store of `cowBytes`. Needs the origin's LV lock
   *  exclusively (here, or nowhere held). */
  createCowSnapshot(spec: { vg: string; origin: string; name: string; tags: readonly string[]; cowBytes: number }): Promise<void> {
    return this.write('lvcreate', [
      '-y', '-s', '-n', spec.name, ...addTagArgs(spec.tags), '-L', bytesArg(spec.cowBytes), path(spec.vg, spec.origin),
    ]);
  }

  // ---- activation and locks -----------------------------------------------------------------------

  activate(vg: string, names: readonly string[], mode: ActivationMode, options: ActivationOptions = {}): Promise<void> {
    if (names.length === 0) return Promise.resolve();
    const flag = mode === 'exclusive' ? '-aey' : mode === 'shared' ? '-asy' : '-ay';
    return this.write('lvchange', [flag, ...names.map((name) => path(vg, name))], activationRunOptions(vg, names, options));
  }

  /** `lvchange -an`: releases the LV locks too. A no-op for LVs not active here. */
  deactivate(vg: string, names: readonly string[], options: CommandOptions = {}): Promise<void> {
    if (names.length === 0) return Promise.resolve();
    return this.write('lvchange', ['-an', ...names.map((name) => path(vg, name))], options);
  }

  /** Reloads an active LV's table (after a size change made elsewhere), keeping read-only access. */
  refresh(vg: string, name: string, options: ActivationOptions = {}): Promise<void> {
    return this.write('lvchange', ['--refresh', path(vg, name)], activationRunOptions(vg, [name], options));
  }

  lockStart(vg: string, options: CommandOptions = {}): Promise<void> {
    return this.write('vgchange', ['--lock-start', vg], options);
  }

  lockStop(vg: string, options: CommandOptions = {}): Promise<void> {
    return this.write('vgchange', ['--lock-stop', vg], options);
  }

  // ---- changes of existing LVs --------------------------------------------------------------------

  /** Adds and removes tags in one metadata commit (`autoactivation: false` also sets the LV's
   *  auto-activation off, for LVs adopted from outside). Needs only the VG lock. */
  changeTags(vg: string, name: string, change: { add?: readonly string[]; remove?: readonly string[]; autoactivation?: false }): Promise<void> {
    const args = [
      ...(change.autoactivation === false ? ['--setautoactivation', 'n'] : []),
      ...delTagArgs(change.remove ?? []), ...addTagArgs(change.add ?? []),
    ];
    if (args.length === 0) return Promise.resolve();
    return this.write('lvchange', [...args, path(vg, name)]);
  }

  rename(vg: string, from: string, to: string): Promise<void> {
    return this.write('lvrename', [vg, from, to]);
  }

  extend(vg: string, name: string, bytes: number): Promise<void> {
    return this.write('lvextend', ['-L', bytesArg(bytes), path(vg, name)]);
  }

  /** Merges a snapshot back into its origin. `wait`: poll until a started merge is complete. */
  merge(vg: string, snapshot: string, options: CommandOptions & { wait?: boolean } = {}): Promise<void> {
    return this.write('lvconvert', ['--merge', ...(options.wait ? ['-i', '1'] : []), path(vg, snapshot)], options);
  }

  remove(vg: string, names: readonly string[], options: CommandOptions = {}): Promise<void> {
    if (names.length === 0) return Promise.resolve();
    return this.write('lvremove', ['-y', ...names.map((name) => path(vg, name))], options);
  }

  /** Moves one LV's extents off `from` (onto `to`, or anywhere); `-b` hands the polling to lvmpolld,
   *  so the move outlives this process. Without `to` it also resumes an interrupted move (a shared VG
   *  needs the LV named even for that: "Detected pvmove in progress"). */
  pvmove(vg: string, name: string, move: { from: string; to?: string }): Promise<void> {
    return this.write('pvmove', pvmoveArgs(vg, name, move));
  }

  // ---- plumbing -----------------------------------------------------------------------------------

  private async report<T>(kind: 'lv' | 'vg' | 'pv', fields: readonly string[], args: readonly string[], row: z.ZodType<T>, options: CommandOptions): Promise<T[]> {
    try {
      return await this.runner.report(kind, fields, args, row, runOptions(options));
    } catch (error) {
      throw toAgentError(error);
    }
  }

  private async write(subcommand: string, args: string[], options: RunOptions = {}): Promise<void> {
    let ok = false;
    try {
      await this.runner.lvm(subcommand, args, options);
      ok = true;
    } catch (error) {
      throw toAgentError(error);
    } finally {
      this.afterWrite({ subcommand, ok });
    }
  }
}

function runOptions(options: CommandOptions): RunOptions {
  return {
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  };
}

function activationRunOptions(vg: string, names: readonly string[], options: ActivationOptions): RunOptions {
  const config = options.readOnly ? readOnlyConfig(vg, names) : undefined;
  return { ...runOptions(options), ...(config ? { config } : {}) };
}

function pick<K extends string, T>(row: Record<K, unknown>, fields: readonly K[]): T {
  const out = {} as Record<string, unknown>;
  for (const field of fields) out[field] = row[field];
  return out as T;
}
