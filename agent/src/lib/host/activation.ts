// Host mode: activation only. This host activates LVs exclusively or shared, read-write or read-only,
// deactivates them, starts and stops the VG lockspaces, and reports what is active here with the lock
// mode lvmlockd really holds. Nothing here is cached: activation state changes under our feet.
import { hostname } from 'node:os';
import type { Logger } from 'pino';
import type { components } from '../../../../openapi/generated/types.js';
import type { AgentConfig } from '../config/schema.js';
import { AgentError } from '../errors.js';
import { isActiveHere, isOpenHere, lvKind, parseLvAttr } from '../lvm/attr.js';
import { Lvm } from '../lvm/commands.js';
import { LvmError } from '../lvm/errors.js';
import { lvNameProblem } from '../lvm/names.js';
import type { LvRow } from '../lvm/report.js';
import type { Runner } from '../lvm/runner.js';
import { parseLvName } from '../volumes/ids.js';
import { KeyedQueue } from '../volumes/queue.js';
import { readMoveStatus } from '../operations/work.js';
import { lockStateOf, parseLvmlockctlInfo, parseSanlockStatus, type LockMode, type VgLockState } from './lock-status.js';

export type HostVolume = components['schemas']['HostVolume'];
export type HostVgLock = components['schemas']['HostVgLock'];
export type HostLockStatus = components['schemas']['HostLockStatus'];
export type AccessMode = components['schemas']['AccessMode'];
export type HostMoveStatus = components['schemas']['HostMoveStatus'];
export type LvKind = HostVolume['kind'];

export interface ActivateRequest {
  lock: LockMode;
  access?: AccessMode;
}

export interface HostServiceOptions {
  config: AgentConfig;
  /** Runs lvmlockctl and sanlock (and lvm, through a new Lvm, when `lvm` is not given). */
  runner: Runner;
  /** The agent's one Lvm (with its write observer). */
  lvm?: Lvm;
  logger: Logger;
}

/** Why shared activation of an LV of this kind is refused, or null when it is safe. */
export function sharedActivationProblem(kind: LvKind): string | null {
  switch (kind) {
    case 'linear':
      return null;
    case 'thin':
    case 'thin-pool':
      return 'thin LVs have no lock of their own: their thin pool takes one exclusive lock, so a thin volume can be active on one host only';
    case 'origin':
    case 'merging-origin':
    case 'cow-snapshot':
    case 'merging-snapshot':
      return 'it is a COW snapshot or the origin of one: lvm2 accepts shared activation of these on several hosts, and two hosts writing one COW store corrupt it';
    default:
      return 'lvmlockd allows shared activation of plain (linear/striped) LVs only';
  }
}

/** `R`: read-only activation of a writable LV; `r`: a read-only LV. */
export const accessOf = (lv: LvRow): AccessMode => parseLvAttr(lv.lv_attr).access;

export interface LockReadout {
  states: Map<string, VgLockState>;
  lvmlockctl: string;
  sanlock: string;
}

export class HostService {
  readonly hostName: string;
  readonly lockType: 'sanlock' | 'none';
  /** The last start-up or API restore (host status shows it). */
  lastRestore: components['schemas']['RestoreReport'] | null = null;
  private readonly runner: Runner;
  /** Every lvm command of this host (holder-ops.ts runs its commands through it too). */
  readonly lvm: Lvm;
  private readonly logger: Logger;
  readonly config: AgentConfig;
  readonly prefix: string;
  /** One activation change at a time per LV (and per VG for lock-start/stop). */
  private readonly queue = new KeyedQueue();

  constructor(options: HostServiceOptions) {
    this.config = options.config;
    this.runner = options.runner;
    this.lvm = options.lvm ?? new Lvm(options.runner);
    this.logger = options.logger;
    this.prefix = options.config.lv_prefix;
    this.lockType = options.config.lock_type;
    this.hostName = options.config.host_name ?? hostname().split('.')[0]!;
  }

  get vgNames(): string[] {
    return this.config.volume_groups.map((vg) => vg.name);
  }

  checkVg(vg: string): void {
    if (!this.vgNames.includes(vg)) {
      throw new AgentError('not_found', `volume group ${vg} is not managed by this agent (managed: ${this.vgNames.join(', ')})`);
    }
  }

  private checkLvName(lv: string): void {
    const problem = lvNameProblem(lv);
    if (problem) throw new AgentError('bad_request', `LV name ${problem}`, { errors: [{ pointer: '/path/lv', message: problem }] });
  }

  // ---- plumbing ---------------------------------------------------------------------------------

  /** Every visible LV of a VG, fresh. */
  async readVg(vg: string): Promise<Map<string, LvRow>> {
    let rows: LvRow[];
    try {
      rows = await this.lvm.lvs(vg);
    } catch (error) {
      if (error instanceof AgentError && error.code === 'not_found') throw new AgentError('not_found', `volume group ${vg} not found on this host`);
      throw error;
    }
    return new Map(rows.map((row) => [row.lv_name, row]));
  }

  private async tool(path: string, args: string[]): Promise<string> {
    try {
      return (await this.runner.command(path, args, { timeoutMs: 30_000 })).stdout;
    } catch (error) {
      if (error instanceof LvmError) {
        throw new AgentError('lock_unavailable', `${args.length ? `${path} ${args.join(' ')}` : path} failed: ${error.stderr.trim() || error.message} (are lvmlockd and sanlock running?)`, {
          lvm: { exit_code: error.exitCode, stderr: error.stderr.trim(), command: error.argv },
        });
      }
      throw error;
    }
  }

  /** lvmlockd's and sanlock's view of every managed VG (empty with lock type none). */
  async readLocks(): Promise<LockReadout> {
    if (this.lockType === 'none') {
      return { states: new Map(this.vgNames.map((vg) => [vg, lockStateOf(vg, [], { lockspaces: [], resources: [] })])), lvmlockctl: '', sanlock: '' };
    }
    const [lvmlockctl, sanlock] = await Promise.all([
      this.tool(this.config.host_agent.lvmlockctl_path, ['--info']),
      this.tool(this.config.host_agent.sanlock_path, ['client', 'status']),
    ]);
    const lvmlockd = parseLvmlockctlInfo(lvmlockctl);
    const status = parseSanlockStatus(sanlock);
    return { states: new Map(this.vgNames.map((vg) => [vg, lockStateOf(vg, lvmlockd, status)])), lvmlockctl, sanlock };
  }

  /** The LV whose lock covers `lv`: its thin pool, its COW origin, or itself. */
  lockHolderOf(lv: LvRow, lvs: Map<string, LvRow>): LvRow {
    const kind = lvKind(lv.lv_attr);
    if (kind === 'thin' && lv.pool_lv) return lvs.get(lv.pool_lv) ?? lv;
    if ((kind === 'cow-snapshot' || kind === 'merging-snapshot') && lv.origin) return lvs.get(lv.origin) ?? lv;
    return lv;
  }

  describe(lv: LvRow, lvs: Map<string, LvRow>, state: VgLockState | undefined): HostVolume {
    const active = isActiveHere(lv);
    const holder = this.lockHolderOf(lv, lvs);
    const mode = state?.lvLocks.get(holder.lv_uuid);
    const parsed = parseLvName(this.prefix, lv.lv_name);
    return {
      vg: lv.vg_name,
      lv_name: lv.lv_name,
      lv_uuid: lv.lv_uuid,
      volume_id: parsed?.kind === 'volume' ? parsed.id : null,
      kind: lvKind(lv.lv_attr),
      path: `/dev/${lv.vg_name}/${lv.lv_name}`,
      size_bytes: lv.lv_size,
      active,
      lock_mode: !active ? (mode ?? null) : this.lockType === 'none' ? 'none' : (mode ?? 'unknown'),
      lock_uuid: holder.lv_uuid,
      access: active ? accessOf(lv) : null,
      open: isOpenHere(lv),
      sanlock: state?.leases.get(holder.lv_uuid)?.line ?? null,
    };
  }

  // ---- reads ------------------------------------------------------------------------------------

  async listVolumes(vg?: string): Promise<HostVolume[]> {
    if (vg !== undefined) this.checkVg(vg);
    const names = vg ? [vg] : this.vgNames;
    const [locks, ...vgs] = await Promise.all([this.readLocks(), ...names.map((name) => this.readVg(name))]);
    const out: HostVolume[] = [];
    names.forEach((name, index) => {
      const lvs = vgs[index]!;
      for (const lv of lvs.values()) if (isActiveHere(lv)) out.push(this.describe(lv, lvs, locks.states.get(name)));
    });
    return out;
  }

  async getVolume(vg: string, lv: string): Promise<HostVolume> {
    this.checkVg(vg);
    this.checkLvName(lv);
    const [locks, lvs] = await Promise.all([this.readLocks(), this.readVg(vg)]);
    const row = lvs.get(lv);
    if (!row) throw new AgentError('not_found', `LV ${vg}/${lv} not found`);
    return this.describe(row, lvs, locks.states.get(vg));
  }

  /** An LV's pvmove as this host sees it (the copy percent is known only where the move runs). */
  async moveStatus(vg: string, lv: string): Promise<HostMoveStatus> {
    this.checkVg(vg);
    this.checkLvName(lv);
    const status = await readMoveStatus(this.lvm, vg, lv);
    if (!status) throw new AgentError('not_found', `LV ${vg}/${lv} not found`);
    return { vg, lv_name: lv, moving: status.moving, percent: status.percent, move_pv: status.movePv, pvs: status.pvs };
  }

  async vgLock(vg: string, locks?: LockReadout): Promise<HostVgLock> {
    this.checkVg(vg);
    if (this.lockType === 'none') return { vg, lock_type: 'none', started: false, host_id: null, sanlock: null };
    const state = (locks ?? (await this.readLocks())).states.get(vg)!;
    return { vg, lock_type: 'sanlock', started: state.started, host_id: state.hostId, sanlock: state.lockspaceLine };
  }

  async lockStatus(): Promise<HostLockStatus> {
    const locks = await this.readLocks();
    const vgs = await Promise.all(this.vgNames.map((vg) => this.vgLock(vg, locks)));
    const volumes: HostLockStatus['volumes'] = [];
    for (const vg of this.vgNames) {
      const state = locks.states.get(vg)!;
      if (state.lvLocks.size === 0) continue;
      const lvs = await this.readVg(vg);
      for (const [uuid, mode] of state.lvLocks) {
        const covered = [...lvs.values()].filter((lv) => this.lockHolderOf(lv, lvs).lv_uuid === uuid);
        const volumeIds = covered.map((lv) => parseLvName(this.prefix, lv.lv_name)).filter((p) => p?.kind === 'volume').map((p) => p!.id);
        volumes.push({ vg, lv_uuid: uuid, lv_names: covered.map((lv) => lv.lv_name), volume_ids: volumeIds, lock_mode: mode, sanlock: state.leases.get(uuid)?.line ?? null });
      }
    }
    return { host: this.hostName, vgs, volumes, lvmlockctl: locks.lvmlockctl, sanlock: locks.sanlock };
  }

  // ---- activation ---------------------------------------------------------------------------------

  /** Activates `lv` here in `lock` mode with `access`; converts in place when already active here. */
  activate(vg: string, lv: string, request: ActivateRequest): Promise<HostVolume> {
    this.checkVg(vg);
    this.checkLvName(lv);
    return this.queue.run(`${vg}/${lv}`, async () => {
      const lvs = await this.readVg(vg);
      const row = lvs.get(lv);
      if (!row) throw new AgentError('not_found', `LV ${vg}/${lv} not found`);
      const kind = lvKind(row.lv_attr);
      if (request.lock === 'shared') {
        const problem = sharedActivationProblem(kind);
        if (problem) throw new AgentError('shared_activation_refused', `shared activation of ${vg}/${lv} refused: ${problem}`);
      }
      const access = request.access ?? 'rw';
      const options = { readOnly: access === 'ro' };
      if (this.lockType === 'none') {
        // No lvmlockd: only the control node writes metadata; reload what may have changed there.
        if (isActiveHere(row)) await this.lvm.refresh(vg, lv, options);
        await this.lvm.activate(vg, [lv], 'local', options);
      } else {
        await this.lvm.activate(vg, [lv], request.lock, options);
      }
      let result = await this.getVolume(vg, lv);
      if (result.active && result.access !== access) {
        // An LV already active here may keep its table on -aey/-asy: reload it with the wanted access.
        await this.lvm.refresh(vg, lv, options);
        result = await this.getVolume(vg, lv);
      }
      if (!result.active) throw new AgentError('lvm_failed', `lvchange reported success but ${vg}/${lv} is not active here`);
      if (this.lockType === 'sanlock' && result.lock_mode !== request.lock) {
        throw new AgentError('lock_conflict', `${vg}/${lv} is active here but lvmlockd holds it ${result.lock_mode}, not ${request.lock}`);
      }
      this.logger.info({ vg, lv, lock: request.lock, access }, 'activated');
      return result;
    });
  }

  /** Deactivates `lv` here (its lock is released). A no-op when it is not active here. */
  deactivate(vg: string, lv: string): Promise<HostVolume> {
    this.checkVg(vg);
    this.checkLvName(lv);
    return this.queue.run(`${vg}/${lv}`, async () => {
      const lvs = await this.readVg(vg);
      const row = lvs.get(lv);
      if (!row) throw new AgentError('not_found', `LV ${vg}/${lv} not found`);
      if (isActiveHere(row)) {
        if (isOpenHere(row)) throw new AgentError('in_use', `${vg}/${lv} is open on this host (a VM or a mount uses it); close it before deactivating`);
        await this.lvm.deactivate(vg, [lv]);
        // A thin pool stays active (and locked) after its last thin LV went: release it too.
        if (lvKind(row.lv_attr) === 'thin' && row.pool_lv) await this.releasePoolIfUnused(vg, row.pool_lv);
      }
      this.logger.info({ vg, lv }, 'deactivated');
      return this.getVolume(vg, lv);
    });
  }

  async releasePoolIfUnused(vg: string, pool: string): Promise<void> {
    const lvs = await this.readVg(vg);
    for (const other of lvs.values()) if (other.pool_lv === pool && isActiveHere(other)) return;
    try {
      await this.lvm.deactivate(vg, [pool]);
    } catch (error) {
      this.logger.warn({ err: error, vg, pool }, 'could not release the thin pool lock');
    }
  }

  /** `lvchange --refresh` of an LV active here, keeping its read-only/read-write setting. */
  refresh(vg: string, lv: string): Promise<HostVolume> {
    this.checkVg(vg);
    this.checkLvName(lv);
    return this.queue.run(`${vg}/${lv}`, async () => {
      const row = (await this.readVg(vg)).get(lv);
      if (!row) throw new AgentError('not_found', `LV ${vg}/${lv} not found`);
      if (isActiveHere(row)) await this.lvm.refresh(vg, lv, { readOnly: accessOf(row) === 'ro' });
      return this.getVolume(vg, lv);
    });
  }

  // ---- lockspaces ---------------------------------------------------------------------------------

  lockStart(vg: string): Promise<HostVgLock> {
    this.checkVg(vg);
    return this.queue.run(`vg:${vg}`, async () => {
      if (this.lockType === 'none') return this.vgLock(vg);
      const started = Date.now();
      const current = await this.vgLock(vg);
      if (!current.started) {
        const options = { timeoutMs: this.config.host_agent.lock_start_timeout_ms };
        try {
          await this.lvm.lockStart(vg, options);
        } catch (error) {
          // Without udev the first lock-start can fail with "invalid parameters for sanlock": once more.
          this.logger.warn({ err: error, vg }, 'lock-start failed; retrying once');
          await this.lvm.lockStart(vg, options);
        }
      }
      const after = await this.vgLock(vg);
      if (!after.started) throw new AgentError('lock_unavailable', `vgchange --lock-start ${vg} finished but sanlock shows no lockspace lvm_${vg} on this host`);
      return { ...after, seconds: (Date.now() - started) / 1000 };
    });
  }

  lockStop(vg: string): Promise<HostVgLock> {
    this.checkVg(vg);
    return this.queue.run(`vg:${vg}`, async () => {
      if (this.lockType === 'none') return this.vgLock(vg);
      const started = Date.now();
      const active = (await this.listVolumes(vg)).map((volume) => volume.lv_name);
      if (active.length > 0) throw new AgentError('in_use', `LVs of ${vg} are active on this host (${active.join(', ')}); deactivate them before lock-stop`);
      if ((await this.vgLock(vg)).started) await this.lvm.lockStop(vg);
      return { ...(await this.vgLock(vg)), seconds: (Date.now() - started) / 1000 };
    });
  }

  /** Runs `work` while no other activation change of `lv` runs here. */
  withLv<T>(vg: string, lv: string, work: () => Promise<T>): Promise<T> {
    this.checkVg(vg);
    this.checkLvName(lv);
    return this.queue.run(`${vg}/${lv}`, work);
  }
}
