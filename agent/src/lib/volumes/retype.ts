// Retype: a detached volume changes VG and/or type by being copied into a new LV (`rt-`, tagged
// `creating` until the copy is complete), which then takes the volume's name. The volume keeps its
// id, name, tags and creation time. Any prefix of the steps is recognisable (reconcile.ts): a copy
// still `creating` is removed and the volume is unchanged; a complete copy is finished.
import type { components } from '../../../../openapi/generated/types.js';
import { AgentError, notFound } from '../errors.js';
import type { LvRow } from '../lvm/report.js';
import { decodeTags, encodeTags } from '../lvm/tags.js';
import type { Operation, Progress } from '../operations/registry.js';
import { copyBlocks } from '../operations/work.js';
import type { VgCache } from './cache.js';
import { mapperPath, roundUp, type VolumeContext } from './context.js';
import { lvNameFor, parseLvName, parseWorkLvName, workLvName } from './ids.js';
import { toVolume } from './model.js';

type VolumeRetype = components['schemas']['VolumeRetype'];

const CREATING = encodeTags({ creating: true });

export function retypeVolume(ctx: VolumeContext, id: string, body: VolumeRetype): Promise<Operation> {
  return ctx.startOperation(id, 'retype', (operationId) => startRetype(ctx, id, body, operationId));
}

async function startRetype(ctx: VolumeContext, id: string, body: VolumeRetype, operationId: string): Promise<Operation> {
  const found = await ctx.find('volume', id, true, true);
  if (!found) throw notFound(`volume ${id}`);
  const { lv, snapshot, cache: sourceCache } = found;
  const volume = toVolume(lv, snapshot, ctx.prefix);
  const targetVg = body.vg ?? volume.vg;
  const targetType = body.type ?? volume.type;
  const targetCache = ctx.caches.get(targetVg);
  if (!targetCache) {
    throw new AgentError('bad_request', `volume group ${targetVg} is not managed by this agent (managed: ${ctx.vgNames.join(', ')})`, { errors: [{ pointer: '/body/vg', message: 'not managed' }] });
  }
  if (volume.status !== 'available') throw new AgentError('in_use', `volume ${id} is still being created`);
  refuseAttachedOrSnapshotted(id, volume.attachments.map((a) => a.host), volume.snapshot_ids);
  if (targetType === 'thin') ctx.poolConfig(targetVg);
  const spec = { kind: 'retype' as const, volumeId: id, vg: volume.vg, target: `${targetVg}/${targetType}`, host: ctx.hostName ?? 'control', id: operationId };
  if (targetVg === volume.vg && targetType === volume.type) return ctx.operations.start(spec, async () => undefined);
  const targetSnapshot = await targetCache.read({ refresh: true });
  if (targetVg !== volume.vg) ctx.checkNameFree(targetSnapshot, 'volume', volume.name, id);
  if (targetType === 'thick') ctx.checkSpace(targetSnapshot, roundUp(lv.lv_size, targetSnapshot.vg.vg_extent_size), `a copy of volume ${id} in ${targetVg}`);
  return ctx.operations.start(spec, (progress) => runRetype(ctx, sourceCache, targetCache, lv, targetType, operationId, progress));
}

function refuseAttachedOrSnapshotted(id: string, hosts: string[], snapshotIds: string[]): void {
  if (hosts.length > 0) throw new AgentError('has_attachments', `volume ${id} is attached to ${hosts.join(', ')}; a retype copies the data and needs it detached`);
  if (snapshotIds.length > 0) throw new AgentError('has_snapshots', `volume ${id} has snapshots (${snapshotIds.join(', ')}); they cannot follow a retype: delete them first`);
}

async function runRetype(ctx: VolumeContext, sourceCache: VgCache, targetCache: VgCache, source: LvRow, targetType: 'thick' | 'thin', operationId: string, progress: Progress): Promise<void> {
  const id = parseLvName(ctx.prefix, source.lv_name)!.id;
  const targetVg = targetCache.vgName;
  const workName = workLvName(ctx.prefix, 'retyping', id);
  const keep = decodeTags(source.lv_tags);
  const tags = encodeTags({ ...keep, attachments: [], requestHash: undefined, creating: true, operation: operationId });
  await ctx.mutate(targetCache, async () => {
    const snapshot = await targetCache.read({ anyAge: true });
    if (targetType === 'thin') {
      const pool = await ctx.ensureThinPool(snapshot);
      await ctx.lvm.createThin({ vg: targetVg, pool, name: workName, bytes: source.lv_size, tags });
    } else {
      await ctx.lvm.createThick({ vg: targetVg, name: workName, bytes: roundUp(source.lv_size, snapshot.vg.vg_extent_size), tags });
    }
  });
  try {
    await copyInto(ctx, source, targetVg, workName, targetType, progress);
    await ctx.mutate(targetCache, () => ctx.lvm.changeTags(targetVg, workName, { remove: CREATING }));
  } catch (error) {
    await removeCopy(ctx, targetCache, workName);
    throw error;
  }
  await finishRetype(ctx, sourceCache, targetCache, source, workName, operationId);
}

async function copyInto(ctx: VolumeContext, source: LvRow, targetVg: string, workName: string, targetType: 'thick' | 'thin', progress: Progress): Promise<void> {
  const activated: { vg: string; name: string }[] = [];
  try {
    await ctx.lvm.activate(source.vg_name, [source.lv_name], 'exclusive');
    activated.push({ vg: source.vg_name, name: source.lv_name });
    await ctx.lvm.activate(targetVg, [workName], 'exclusive');
    activated.push({ vg: targetVg, name: workName });
    await copyBlocks(mapperPath(source.vg_name, source.lv_name), mapperPath(targetVg, workName), source.lv_size, (p) => progress(p * 0.95), {
      runner: ctx.runner, dd: ctx.dd, sparse: targetType === 'thin', timeoutMs: ctx.config.copy_timeout_ms,
    });
  } finally {
    for (const { vg, name } of activated.reverse()) await ctx.deactivate(vg, [name]).catch(() => undefined);
    if (targetType === 'thin') await ctx.releasePool(targetVg, ctx.poolConfig(targetVg).name);
  }
}

async function removeCopy(ctx: VolumeContext, targetCache: VgCache, workName: string): Promise<void> {
  await ctx.mutate(targetCache, async () => {
    await ctx.lvm.remove(targetCache.vgName, [workName]);
    targetCache.forget(workName);
  }).catch((cleanup: unknown) => ctx.logger.error({ err: cleanup, lv: workName }, 'could not remove a failed retype copy; the reconciler will'));
}

/** The copy is complete: the old LV goes (after a last check, inside its VG's queue, that nothing
 *  attached it or snapshotted it meanwhile), the copy takes the volume's name. */
export async function finishRetype(ctx: VolumeContext, sourceCache: VgCache | undefined, targetCache: VgCache, source: LvRow | undefined, workName: string, operationId: string): Promise<void> {
  const id = parseWorkLvName(ctx.prefix, workName)!.id;
  if (sourceCache && source) {
    try {
      await ctx.mutate(sourceCache, async () => {
        const current = await ctx.findIn(sourceCache, 'volume', id);
        if (current) {
          const volume = toVolume(current.lv, current.snapshot, ctx.prefix);
          refuseAttachedOrSnapshotted(id, volume.attachments.map((a) => a.host), volume.snapshot_ids);
          await ctx.lvm.remove(source.vg_name, [source.lv_name]);
          sourceCache.forget(source.lv_name);
          if (source.pool_lv) await ctx.releasePool(source.vg_name, source.pool_lv);
        }
      });
    } catch (error) {
      // The volume stays as it was; the copy goes.
      await removeCopy(ctx, targetCache, workName);
      throw error;
    }
  }
  const volumeName = lvNameFor(ctx.prefix, 'volume', id);
  await ctx.mutate(targetCache, async () => {
    await ctx.lvm.rename(targetCache.vgName, workName, volumeName);
    targetCache.forget(workName);
    await ctx.lvm.changeTags(targetCache.vgName, volumeName, { remove: encodeTags({ operation: operationId }) });
  });
}
