// Deleting a volume, at once or after a wipe. A wipe is crash-consistent: the volume LV is first
// tagged with the wipe and its operation (so whatever happens next, a restarted agent knows the volume
// is being deleted), then renamed out of the API (`del-`), wiped, and only then removed.
import type { components } from '../../../../openapi/generated/types.js';
import { AgentError, notFound } from '../errors.js';
import { lvKind } from '../lvm/attr.js';
import { encodeTags } from '../lvm/tags.js';
import { wipeBlocks } from '../operations/work.js';
import type { Operation } from '../operations/registry.js';
import type { VgCache } from './cache.js';
import { mapperPath, type VolumeContext } from './context.js';
import { parseLvName, workLvName } from './ids.js';

type WipeMode = components['schemas']['WipeMode'];

export function deleteVolume(ctx: VolumeContext, id: string, wipe: WipeMode = 'none'): Promise<Operation | undefined> {
  // A wipe is a long operation: claimed before the first await, like a move or a retype.
  if (wipe === 'none') return ctx.withVolume(id, () => deleteHeld(ctx, id, wipe, undefined));
  return ctx.startOperation(id, 'wipe', (operationId) => deleteHeld(ctx, id, wipe, operationId));
}

async function deleteHeld(ctx: VolumeContext, id: string, wipe: WipeMode, operationId: string | undefined): Promise<Operation | undefined> {
  if (operationId === undefined) ctx.refuseIfBusy(id);
  const found = await ctx.find('volume', id, false, true);
  if (!found) throw notFound(`volume ${id}`);
  const { cache } = found;
  const doomed = await ctx.mutate(cache, async () => {
    // A fresh read: lvremove of a COW origin silently removes its snapshots too (even without --yes),
    // so a snapshot made out of band since the last read must be seen; attachments are re-checked
    // here, right before the remove or the rename.
    await cache.read({ refresh: true });
    const { lv, snapshot, volume } = await ctx.requireVolumeIn(cache, id);
    const vg = lv.vg_name;
    if (ctx.copying.has(lv.lv_name)) throw new AgentError('in_use', `volume ${id} is still being created`);
    const unmanagedCow = [...snapshot.lvs.values()].filter((other) => other.origin === lv.lv_name && lvKind(other.lv_attr).endsWith('snapshot') && !parseLvName(ctx.prefix, other.lv_name));
    const blocking = [...volume.snapshot_ids, ...unmanagedCow.map((other) => `LV ${other.lv_name}`)];
    if (blocking.length > 0) throw new AgentError('has_snapshots', `volume ${id} has snapshots (${blocking.join(', ')}); delete them first`);
    if (volume.attachments.length > 0) {
      throw new AgentError('has_attachments', `volume ${id} is attached to ${volume.attachments.map((a) => a.host).join(', ')}; detach it first`);
    }
    if (wipe !== 'none' && volume.type === 'thin') {
      throw new AgentError('not_applicable', `wipe=${wipe} applies to thick volumes only; thin volumes never expose old data`, {
        errors: [{ pointer: '/query/wipe', message: 'thick volumes only' }],
      });
    }
    if (wipe !== 'none' && operationId !== undefined) {
      const workName = workLvName(ctx.prefix, 'deleting', id);
      await ctx.lvm.changeTags(vg, lv.lv_name, { add: encodeTags({ operation: operationId, wipe }) });
      await ctx.lvm.rename(vg, lv.lv_name, workName);
      cache.forget(lv.lv_name);
      return { workName, bytes: lv.lv_size, mode: wipe };
    }
    await ctx.lvm.remove(vg, [lv.lv_name]);
    cache.forget(lv.lv_name);
    if (volume.type === 'thin' && lv.pool_lv) await ctx.releasePool(vg, lv.pool_lv, snapshot);
    return undefined;
  });
  if (!doomed || operationId === undefined) return undefined;
  return startWipe(ctx, cache, { id, ...doomed, operationId, resumed: false });
}

export interface WipeSpec {
  id: string;
  workName: string;
  bytes: number;
  mode: 'zero' | 'discard';
  operationId: string;
  resumed: boolean;
}

/** Wipes a `del-` LV and then removes it; the space is given back (and reported free) only then. */
export function startWipe(ctx: VolumeContext, cache: VgCache, spec: WipeSpec): Operation {
  const vg = cache.vgName;
  const start = { kind: 'wipe' as const, volumeId: spec.id, vg, target: spec.mode, host: ctx.hostName ?? 'control', id: spec.operationId, resumed: spec.resumed };
  return ctx.operations.start(start, async (progress) => {
    await ctx.lvm.activate(vg, [spec.workName], 'exclusive');
    try {
      await wipeBlocks(mapperPath(vg, spec.workName), spec.bytes, spec.mode, progress, {
        runner: ctx.runner, blkdiscard: ctx.blkdiscard, timeoutMs: ctx.config.copy_timeout_ms,
      });
    } finally {
      await ctx.deactivate(vg, [spec.workName]);
    }
    await ctx.mutate(cache, async () => {
      await ctx.lvm.remove(vg, [spec.workName]);
      cache.forget(spec.workName);
    });
  });
}
