// Changing a volume in place: grow it, rename it, change its tags; revert it to a snapshot.
import type { components } from '../../../../openapi/generated/types.js';
import { AgentError } from '../errors.js';
import { isActiveHere } from '../lvm/attr.js';
import { decodeTags, encodeTags } from '../lvm/tags.js';
import { gibToBytes, roundUp, type VolumeContext } from './context.js';
import { lvNameFor } from './ids.js';
import type { Volume } from './model.js';

type VolumeUpdate = components['schemas']['VolumeUpdate'];

const GIB = 2 ** 30;

export function updateVolume(ctx: VolumeContext, id: string, body: VolumeUpdate): Promise<Volume> {
  return ctx.changeVolume(id, (cache) => ctx.mutate(cache, async () => {
    const { lv, snapshot, volume } = await ctx.requireVolumeIn(cache, id);
    const vg = lv.vg_name;
    let extendTo: number | undefined;
    if (body.size_gib !== undefined) {
      const wanted = roundUp(gibToBytes(body.size_gib), snapshot.vg.vg_extent_size);
      if (wanted < lv.lv_size) {
        throw new AgentError('shrink_not_supported', `volume ${id} is ${lv.lv_size} bytes; size_gib ${body.size_gib} (${wanted} bytes) would shrink it. Volumes can only grow: create a new volume instead`, {
          errors: [{ pointer: '/body/size_gib', message: `must be at least ${lv.lv_size / GIB} (the current size)` }],
        });
      }
      if (wanted > lv.lv_size) extendTo = wanted;
      if (extendTo !== undefined && volume.type === 'thick') ctx.checkSpace(snapshot, extendTo - lv.lv_size, `growing volume ${id}`);
    }
    const tags = decodeTags(lv.lv_tags);
    if (body.name !== undefined && body.name !== tags.name) ctx.checkNameFree(snapshot, 'volume', body.name, id);
    const oldTags = encodeTags({ name: tags.name, userTags: tags.userTags ?? [] });
    const newTags = encodeTags({ name: body.name ?? tags.name, userTags: body.tags ?? tags.userTags ?? [] });
    const remove = oldTags.filter((tag) => !newTags.includes(tag));
    const add = newTags.filter((tag) => !oldTags.includes(tag));
    if (extendTo !== undefined) await ctx.lvm.extend(vg, lv.lv_name, extendTo);
    await ctx.lvm.changeTags(vg, lv.lv_name, { add, remove });
  }, () => ctx.requireVolumeAfter(cache, id)));
}

/** Merges a snapshot back into its detached volume (the snapshot is consumed). */
export function revertVolume(ctx: VolumeContext, id: string, snapshotId: string): Promise<Volume> {
  return ctx.changeVolume(id, (cache) => ctx.mutate(cache, async () => {
    const { lv, snapshot, volume } = await ctx.requireVolumeIn(cache, id);
    const vg = lv.vg_name;
    const snap = snapshot.lvs.get(lvNameFor(ctx.prefix, 'snapshot', snapshotId));
    if (!snap) throw new AgentError('not_found', `snapshot ${snapshotId} not found`, { errors: [{ pointer: '/body/snapshot_id', message: 'not found' }] });
    if (snap.origin !== lv.lv_name) {
      throw new AgentError('not_applicable', `snapshot ${snapshotId} is not a snapshot of volume ${id}`, { errors: [{ pointer: '/body/snapshot_id', message: 'not a snapshot of this volume' }] });
    }
    if (volume.attachments.length > 0) throw new AgentError('has_attachments', `volume ${id} is attached; detach it before reverting`);
    if (isActiveHere(lv)) throw new AgentError('in_use', `volume ${id} is active on this host; deactivate it before reverting`);
    if (volume.type === 'thin') {
      // Origin inactive: lvm swaps the thin devices in the pool metadata at once.
      await ctx.lvm.merge(vg, snap.lv_name);
      await ctx.releasePool(vg, lv.pool_lv, snapshot);
    } else {
      // Taking the origin exclusively both proves no other host uses it and lets the merge run now;
      // lvconvert then waits until the merge is complete.
      await ctx.lvm.activate(vg, [lv.lv_name], 'exclusive');
      try {
        await ctx.lvm.merge(vg, snap.lv_name, { wait: true, timeoutMs: ctx.config.copy_timeout_ms });
      } finally {
        await ctx.deactivate(vg, [lv.lv_name]);
      }
    }
    cache.forget(snap.lv_name);
  }, () => ctx.requireVolumeAfter(cache, id)));
}
