// Moving a thick volume's extents between PVs online (pvmove via lvmpolld). pvmove needs the LV lock
// exclusively: a detached volume (or one attached to this agent's own host) moves here, one attached
// to another host moves on that host's agent, a multi-attached one is refused.
import { AgentError, notFound } from '../errors.js';
import { isActiveHere } from '../lvm/attr.js';
import { toAgentError } from '../lvm/errors.js';
import { devicesPvs, movingThrough } from '../lvm/report.js';
import { decodeTags, encodeTags } from '../lvm/tags.js';
import type { Operation, Progress } from '../operations/registry.js';
import { moveExtents, localMover, type MoveSpec, type PvMover } from '../operations/work.js';
import type { VgCache } from './cache.js';
import type { VolumeContext } from './context.js';
import { toVolume } from './model.js';

export function moveVolume(ctx: VolumeContext, id: string, pv: string): Promise<Operation> {
  return ctx.startOperation(id, 'move', (operationId) => startMove(ctx, id, pv, operationId));
}

async function startMove(ctx: VolumeContext, id: string, pv: string, operationId: string): Promise<Operation> {
  const found = await ctx.find('volume', id, true, true);
  if (!found) throw notFound(`volume ${id}`);
  const { lv, snapshot, cache } = found;
  const vg = lv.vg_name;
  const volume = toVolume(lv, snapshot, ctx.prefix);
  if (volume.status !== 'available') throw new AgentError('in_use', `volume ${id} is still being created`);
  if (volume.type === 'thin') {
    throw new AgentError('not_applicable', `volume ${id} is thin: its data lives in thin pool ${volume.thin_pool}, which is moved as a whole, not per volume`);
  }
  if (volume.attachments.length > 1) {
    throw new AgentError('multi_attached', `volume ${id} is attached to ${volume.attachments.map((a) => a.host).join(' and ')} (shared locks); pvmove needs the LV lock exclusively: detach all but one host first`);
  }
  const holder = volume.attachments[0]?.host;
  const elsewhere = holder !== undefined && holder !== ctx.hostName ? holder : undefined;
  if (elsewhere !== undefined && !ctx.holderMover) {
    throw new AgentError('in_use', `volume ${id} is attached to host ${elsewhere}, which holds its LV lock, and this agent has no hosts registered to send the move to: detach it first`);
  }
  await ctx.requirePvOf(vg, pv, '/body/pv');
  if (movingThrough(lv.devices)) throw new AgentError('in_use', `volume ${id} is already being moved`);
  const sources = devicesPvs(lv.devices).filter((name) => name !== pv);
  const spec = { kind: 'move' as const, volumeId: id, vg, target: pv, host: elsewhere ?? ctx.hostName ?? 'control', id: operationId };
  if (sources.length === 0) return ctx.operations.start(spec, async () => undefined);
  // Recorded on the LV, so that a restarted agent reports the move under this id (lvmpolld may even
  // finish it while no agent runs).
  await ctx.mutate(cache, () => ctx.lvm.changeTags(vg, lv.lv_name, { add: encodeTags({ operation: operationId, moveTo: pv }) }));
  return ctx.operations.start(spec, (progress) =>
    runMove(ctx, cache, lv.lv_name, sources.map((from) => ({ from, to: pv })), progress, { mode: 'start', operationId, holder: elsewhere }));
}

export interface MoveRun {
  mode: 'start' | 'restart' | 'watch';
  operationId?: string | undefined;
  /** The host whose agent runs the move (the LV is active there). */
  holder?: string | undefined;
}

/** Moves off each source in turn. Here: activating the LV (exclusively) for it if it is not active;
 *  on `holder`: through that host's agent, where the LV is active. */
export async function runMove(ctx: VolumeContext, cache: VgCache, lvName: string, steps: MoveSpec[], progress: Progress, run: MoveRun): Promise<void> {
  const vg = cache.vgName;
  let activated: string[] = [];
  let mover: PvMover;
  if (run.holder !== undefined) {
    mover = ctx.holderMover!(run.holder, vg, lvName);
  } else {
    const snapshot = await cache.read({ anyAge: true });
    const current = snapshot.lvs.get(lvName);
    // A resumed move finds the LV active from the earlier run: released again unless attached here.
    const attachedHere = current ? toVolume(current, snapshot, ctx.prefix).attachments.some((a) => a.host === ctx.hostName) : false;
    if (current && !isActiveHere(current)) activated = await ctx.activateExclusive(vg, [current]);
    else if (run.mode !== 'start' && !attachedHere) activated = [lvName];
    mover = localMover(ctx.lvm, vg, lvName);
  }
  try {
    for (const [index, step] of steps.entries()) {
      const stepProgress = (percent: number) => progress(((index + percent / 100) / steps.length) * 100);
      await moveExtents(mover, step, stepProgress, { pollMs: ctx.movePollMs }, index === 0 ? run.mode : 'start');
    }
  } catch (error) {
    throw toAgentError(error);
  } finally {
    if (activated.length > 0) await ctx.deactivate(vg, activated).catch(() => undefined);
    const operationId = run.operationId;
    if (operationId) {
      await ctx.mutate(cache, () => clearMoveTags(ctx, cache, lvName, operationId))
        .catch((error: unknown) => ctx.logger.warn({ err: error, lv: lvName }, 'could not clear the operation tag after a move'));
    } else {
      await ctx.inVgQueue(vg, async () => undefined).catch(() => undefined);
    }
  }
}

/** Removes a move's operation record from its LV (the target PV with it). */
export async function clearMoveTags(ctx: VolumeContext, cache: VgCache, lvName: string, operationId: string): Promise<void> {
  const snapshot = await cache.read({ anyAge: true });
  const moveTo = decodeTags(snapshot.lvs.get(lvName)?.lv_tags ?? []).moveTo;
  await ctx.lvm.changeTags(cache.vgName, lvName, { remove: encodeTags({ operation: operationId, ...(moveTo ? { moveTo } : {}) }) });
}
