// The reconciler: at start-up (before the agent listens) and on POST /v1/reconcile, the control agent
// reads each VG afresh and brings every half-done change to a state the API can stand behind:
//   - moves are watched again (or reported done / never started), wipes go on, retypes are finished
//     when their copy was complete and rolled back when it was not;
//   - a volume tagged for a wipe but not yet renamed is renamed and wiped;
//   - a new volume still `creating` that this process is not filling (a crash mid-copy, a thin clone
//     whose extend never happened) is removed;
//   - an LV left half-adopted or half-unmanaged gets its agent tags stripped (it is the user's);
//   - LVs this agent activated for itself (copies, wipes, merges) and no longer needs are deactivated —
//     never one with an attachment record (a host's, or this node's own in all mode) and never an open
//     one — and a thin pool's lock held here with no thin LV active here is released.
// Everything it does is logged, counted, and returned as a report.
import { AgentError } from '../errors.js';
import { isActiveHere, isOpenHere, lvKind } from '../lvm/attr.js';
import { devicesPvs, movingThrough, type LvRow } from '../lvm/report.js';
import { decodeTags, isAgentTag } from '../lvm/tags.js';
import { newOperationId, type Operation } from '../operations/registry.js';
import type { VgCache } from './cache.js';
import type { VolumeContext } from './context.js';
import { startWipe } from './delete.js';
import { parseLvName, parseWorkLvName, workLvName } from './ids.js';
import { toVolume } from './model.js';
import { clearMoveTags, runMove } from './move.js';
import { finishRetype } from './retype.js';

export type ReconcileAction =
  | 'resumed' | 'finished' | 'rolled_back' | 'removed_half_made' | 'stripped_tags' | 'deactivated' | 'released_pool';

export interface ReconcileStep {
  action: ReconcileAction;
  vg: string;
  lv: string;
  volume_id: string | null;
  detail: string;
  operation_id: string | null;
}

export interface ReconcileReport {
  started_at: string;
  seconds: number;
  steps: ReconcileStep[];
  /** Operations resumed or recorded by this pass. */
  operations: Operation[];
  /** VGs that could not be read (nothing was changed there). */
  errors: { vg: string; detail: string }[];
}

/** Any agent's naming scheme (whatever its prefix): such LVs are never treated as the user's. */
const AGENT_SCHEME = /(?:^|-)(?:vol|snap|del|rt)-[a-z0-9][a-z0-9-]{0,63}$/;

export class Reconciler {
  private running: Promise<ReconcileReport> | undefined;

  constructor(private readonly ctx: VolumeContext, private readonly onStep: (step: ReconcileStep) => void = () => {}) {}

  /** One pass at a time: a second caller while one runs gets that pass's report. */
  run(): Promise<ReconcileReport> {
    this.running ??= this.pass().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async pass(): Promise<ReconcileReport> {
    const started = Date.now();
    const report: ReconcileReport = { started_at: this.ctx.createdAt(), seconds: 0, steps: [], operations: [], errors: [] };
    for (const cache of this.ctx.caches.values()) {
      let rows: LvRow[];
      try {
        rows = (await this.ctx.lvm.vgReport(cache.vgName)).lvs;
      } catch (error) {
        this.ctx.logger.error({ err: error, vg: cache.vgName }, 'reconcile: could not read the volume group');
        report.errors.push({ vg: cache.vgName, detail: (error as Error).message });
        continue;
      }
      // Each change below re-reads the VG (mutate); a pass that changes nothing costs this one report
      // and the pool releases.
      for (const row of rows) {
        if (row.lv_name.startsWith('[')) continue;
        try {
          await this.reconcileLv(cache, row, rows, report);
        } catch (error) {
          this.ctx.logger.error({ err: error, lv: row.lv_name }, 'reconcile: could not settle an LV');
          report.errors.push({ vg: cache.vgName, detail: `${row.lv_name}: ${(error as Error).message}` });
        }
      }
      await this.releasePools(cache, rows, report);
    }
    report.seconds = (Date.now() - started) / 1000;
    return report;
  }

  private step(report: ReconcileReport, step: Omit<ReconcileStep, 'operation_id'> & { operation_id?: string | null }): void {
    const full = { ...step, operation_id: step.operation_id ?? null };
    report.steps.push(full);
    this.ctx.logger.info(full, `reconcile: ${step.action} ${step.vg}/${step.lv}: ${step.detail}`);
    this.onStep(full);
  }

  private async reconcileLv(cache: VgCache, row: LvRow, rows: LvRow[], report: ReconcileReport): Promise<void> {
    const { ctx } = this;
    const vg = cache.vgName;
    const tags = decodeTags(row.lv_tags);
    const volume = parseLvName(ctx.prefix, row.lv_name);
    const work = parseWorkLvName(ctx.prefix, row.lv_name);
    const id = volume?.id ?? work?.id ?? null;
    // This process is on it (a running operation, or a request holding the volume).
    if (id !== null && (ctx.operations.runningFor(id) || ctx.volumeLocks.busy(id))) return;
    if (volume?.kind === 'volume' && tags.wipe && tags.operation) {
      const workName = workLvName(ctx.prefix, 'deleting', volume.id);
      await ctx.mutate(cache, () => ctx.lvm.rename(vg, row.lv_name, workName));
      this.step(report, { action: 'finished', vg, lv: row.lv_name, volume_id: id, detail: `renamed to ${workName} for its wipe`, operation_id: tags.operation });
      report.operations.push(startWipe(ctx, cache, { id: volume.id, workName, bytes: row.lv_size, mode: tags.wipe, operationId: tags.operation, resumed: true }));
      return;
    }
    if (volume?.kind === 'volume' && (movingThrough(row.devices) || tags.operation)) return this.resumeMove(cache, row, rows, report);
    if (work?.kind === 'deleting' && tags.wipe) {
      const operation = startWipe(ctx, cache, { id: work.id, workName: row.lv_name, bytes: row.lv_size, mode: tags.wipe, operationId: tags.operation ?? newOperationId('wipe'), resumed: true });
      this.step(report, { action: 'resumed', vg, lv: row.lv_name, volume_id: id, detail: `wipe (${tags.wipe}) started over`, operation_id: operation.id });
      report.operations.push(operation);
      return;
    }
    if (work?.kind === 'retyping') return this.resumeRetype(cache, row, work.id, tags.operation, Boolean(tags.creating), report);
    if (volume?.kind === 'volume' && tags.creating && !ctx.copying.has(row.lv_name)) {
      const removed = await ctx.withVolume(volume.id, () => ctx.mutate(cache, async () => {
        const fresh = (await cache.read({ refresh: true })).lvs.get(row.lv_name);
        if (!fresh || !decodeTags(fresh.lv_tags).creating || ctx.copying.has(row.lv_name)) return false;
        await ctx.lvm.remove(vg, [row.lv_name]);
        cache.forget(row.lv_name);
        return true;
      }));
      if (!removed) return;
      this.step(report, { action: 'removed_half_made', vg, lv: row.lv_name, volume_id: id, detail: 'a new volume left incomplete by an interrupted create was removed (create it again)' });
      return;
    }
    if (!volume && !work && !AGENT_SCHEME.test(row.lv_name) && tags.name !== undefined) {
      const strip = row.lv_tags.filter(isAgentTag);
      await ctx.mutate(cache, () => ctx.lvm.changeTags(vg, row.lv_name, { remove: strip }));
      this.step(report, { action: 'stripped_tags', vg, lv: row.lv_name, volume_id: null, detail: `an interrupted manage or unmanage left agent tags on an LV that is not managed: ${strip.join(' ')}` });
      return;
    }
    if ((volume?.kind === 'volume' || work) && isActiveHere(row)) await this.sweep(cache, row, report);
  }

  /** Deactivates an LV the agent activated for itself, unless anything may still use it. */
  private async sweep(cache: VgCache, row: LvRow, report: ReconcileReport): Promise<void> {
    const { ctx } = this;
    const id = parseLvName(ctx.prefix, row.lv_name)?.id ?? parseWorkLvName(ctx.prefix, row.lv_name)?.id ?? null;
    if (id === null) return;
    // Checked again on a fresh read while holding the volume: a change of it under way in this
    // process (a copy, a merge, a snapshot removal) deactivates what it activated itself.
    const swept = await ctx.withVolume(id, () => ctx.mutate(cache, async () => {
      const fresh = (await cache.read({ refresh: true })).lvs.get(row.lv_name);
      if (!fresh || !isActiveHere(fresh) || ctx.copying.has(row.lv_name) || ctx.operations.runningFor(id)) return false;
      if (decodeTags(fresh.lv_tags).attachments?.length) return false; // a host's (or this node's own) attachment
      if (isOpenHere(fresh)) {
        ctx.logger.warn({ vg: cache.vgName, lv: row.lv_name }, 'reconcile: an LV active here without an attachment is open; left active');
        return false;
      }
      await ctx.lvm.deactivate(cache.vgName, [row.lv_name]);
      return true;
    }));
    if (!swept) return;
    this.step(report, { action: 'deactivated', vg: cache.vgName, lv: row.lv_name, volume_id: id, detail: 'active on the control node without an attachment or a running operation' });
  }

  /** A thin pool with no thin LV active here is released: thin commands leave the pool's lock held
   *  here even when nothing is active (lvs need not show it), and `lvchange -an` of a pool this host
   *  does not hold is a no-op. Reported when lvs showed the pool active here. */
  private async releasePools(cache: VgCache, rows: LvRow[], report: ReconcileReport): Promise<void> {
    const { ctx } = this;
    for (const pool of rows.filter((row) => lvKind(row.lv_attr) === 'thin-pool')) {
      // Read in the queue, after this pass's own changes: a thin change may use the pool now.
      const released = await ctx.exclusively(cache, async () => {
        const now = (await ctx.lvm.lvs(cache.vgName)).filter((row) => row.pool_lv === pool.lv_name);
        if (now.some(isActiveHere)) return false;
        await ctx.lvm.deactivate(cache.vgName, [pool.lv_name]);
        return true;
      });
      if (!released || !isActiveHere(pool)) continue;
      this.step(report, { action: 'released_pool', vg: cache.vgName, lv: pool.lv_name, volume_id: null, detail: 'thin pool active here with no thin LV active here' });
    }
  }

  private async resumeRetype(cache: VgCache, row: LvRow, id: string, recorded: string | undefined, creating: boolean, report: ReconcileReport): Promise<void> {
    const { ctx } = this;
    const vg = cache.vgName;
    const operationId = recorded ?? newOperationId('retype');
    const spec = { kind: 'retype' as const, volumeId: id, vg, target: vg, host: ctx.hostName ?? 'control', id: operationId, resumed: true };
    if (creating) {
      await ctx.mutate(cache, () => ctx.lvm.remove(vg, [row.lv_name]));
      cache.forget(row.lv_name);
      const error = new AgentError('internal', `the agent restarted while volume ${id} was being copied; the half-made copy was removed and the volume is unchanged: retype it again`);
      report.operations.push(ctx.operations.record(spec, error));
      this.step(report, { action: 'rolled_back', vg, lv: row.lv_name, volume_id: id, detail: 'half-made retype copy removed; the volume is unchanged', operation_id: operationId });
      return;
    }
    const source = await ctx.find('volume', id, true, true);
    report.operations.push(ctx.operations.start(spec, () => finishRetype(ctx, source?.cache, cache, source?.lv, row.lv_name, operationId)));
    this.step(report, { action: 'finished', vg, lv: row.lv_name, volume_id: id, detail: 'complete retype copy takes the volume\'s place', operation_id: operationId });
  }

  /** A move an earlier run started: watched again here or on the holder, or reported. */
  private async resumeMove(cache: VgCache, row: LvRow, rows: LvRow[], report: ReconcileReport): Promise<void> {
    const { ctx } = this;
    const vg = cache.vgName;
    const tags = decodeTags(row.lv_tags);
    const volumeId = parseLvName(ctx.prefix, row.lv_name)!.id;
    const through = movingThrough(row.devices);
    const snapshot = await cache.read({ anyAge: true });
    const holders = toVolume(snapshot.lvs.get(row.lv_name) ?? row, snapshot, ctx.prefix).attachments.map((a) => a.host);
    const elsewhere = holders.length === 1 && holders[0] !== ctx.hostName ? holders[0] : undefined;
    const host = ctx.hostName ?? 'control';
    const operationId = tags.operation ?? newOperationId('move');
    const spec = { kind: 'move' as const, volumeId, vg, host: elsewhere ?? host, resumed: true, id: operationId };
    const base = { vg, lv: row.lv_name, volume_id: volumeId, operation_id: operationId };
    if (!through) {
      // Not moving (any more): lvmpolld finished it while no agent ran, or it never started.
      const pvs = devicesPvs(row.devices);
      await ctx.mutate(cache, () => clearMoveTags(ctx, cache, row.lv_name, operationId));
      // Whatever the earlier run activated here for the move is released.
      if (isActiveHere(row)) await this.sweep(cache, row, report);
      if (tags.moveTo !== undefined && (pvs.length !== 1 || pvs[0] !== tags.moveTo)) {
        const error = new AgentError('internal', `the agent restarted before the move of volume ${volumeId} to ${tags.moveTo} began; the volume is unchanged on ${pvs.join(', ')}: move it again`);
        report.operations.push(ctx.operations.record({ ...spec, target: tags.moveTo }, error));
        this.step(report, { ...base, action: 'rolled_back', detail: 'move never started; volume unchanged' });
        return;
      }
      report.operations.push(ctx.operations.start({ ...spec, target: pvs.join(',') || null }, async () => undefined));
      this.step(report, { ...base, action: 'finished', detail: `move finished while no agent ran (now on ${pvs.join(', ')})` });
      return;
    }
    const mover = rows.find((other) => other.lv_name === `[${through}]`);
    const from = mover?.move_pv || devicesPvs(mover?.devices ?? '')[0] || '';
    if (isActiveHere(row)) {
      report.operations.push(ctx.operations.start({ ...spec, host, target: tags.moveTo ?? null }, (progress) =>
        runMove(ctx, cache, row.lv_name, [{ from }], progress, { mode: 'restart', operationId: tags.operation })));
      this.step(report, { ...base, action: 'resumed', detail: `move off ${from} handed to lvmpolld again` });
      return;
    }
    if (elsewhere === undefined || !ctx.holderMover) {
      ctx.logger.warn({ lv: row.lv_name, holders }, 'an LV of ours is being moved but is not active here and has no one holder to ask: the move belongs to the host that has it active');
      return;
    }
    report.operations.push(ctx.operations.start({ ...spec, target: tags.moveTo ?? null }, (progress) =>
      runMove(ctx, cache, row.lv_name, [{ from }], progress, { mode: 'watch', operationId: tags.operation, holder: elsewhere })));
    this.step(report, { ...base, action: 'resumed', detail: `move watched on host ${elsewhere}` });
  }
}
