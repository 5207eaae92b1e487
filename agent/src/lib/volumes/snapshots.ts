// Snapshots of detached volumes (attached ones are snapshotted on their holder: attachments/).
import type { components } from '../../../../openapi/generated/types.js';
import { AgentError, notFound } from '../errors.js';
import { lvKind } from '../lvm/attr.js';
import { encodeTags } from '../lvm/tags.js';
import { gibToBytes, roundUp, type CreateResult, type VolumeContext } from './context.js';
import { retriedCreate } from './create.js';
import { idFromIdempotencyKey, lvNameFor, newId, requestHash } from './ids.js';
import { toSnapshot, type Snapshot } from './model.js';

type SnapshotCreate = components['schemas']['SnapshotCreate'];

export async function createSnapshot(ctx: VolumeContext, body: SnapshotCreate, idempotencyKey?: string): Promise<CreateResult<Snapshot>> {
  const id = body.id ?? (idempotencyKey !== undefined ? idFromIdempotencyKey('snapshot', idempotencyKey) : newId());
  const hash = requestHash({ volume_id: body.volume_id, name: body.name, cow_size_gib: body.cow_size_gib });
  const retried = await retriedCreate(ctx, 'snapshot', id, hash);
  if (retried) return { object: toSnapshot(retried.lv, ctx.prefix), created: false };
  return ctx.withVolume(body.volume_id, async () => {
    ctx.refuseIfBusy(body.volume_id);
    const found = await ctx.find('volume', body.volume_id, false, true);
    if (!found) throw new AgentError('not_found', `volume ${body.volume_id} not found`, { errors: [{ pointer: '/body/volume_id', message: 'not found' }] });
    const { cache } = found;
    return ctx.mutate(cache, async (): Promise<CreateResult<Snapshot> | null> => {
      const again = await retriedCreate(ctx, 'snapshot', id, hash);
      if (again) return { object: toSnapshot(again.lv, ctx.prefix), created: false };
      const { lv, snapshot, volume } = await ctx.requireVolumeIn(cache, body.volume_id);
      const vg = lv.vg_name;
      if (volume.status !== 'available') throw new AgentError('in_use', `volume ${body.volume_id} is still being created`);
      ctx.checkNameFree(snapshot, 'snapshot', body.name);
      const name = lvNameFor(ctx.prefix, 'snapshot', id);
      const tags = encodeTags({ name: body.name, createdAt: ctx.createdAt(), source: `volume:${body.volume_id}`, requestHash: hash });
      if (volume.type === 'thin') {
        if (body.cow_size_gib !== undefined) {
          throw new AgentError('not_applicable', 'cow_size_gib applies to snapshots of thick volumes only', { errors: [{ pointer: '/body/cow_size_gib', message: 'thick volumes only' }] });
        }
        await ctx.lvm.createThinSnapshot({ vg, origin: lv.lv_name, name, tags, activatable: false });
        await ctx.releasePool(vg, lv.pool_lv, snapshot);
      } else {
        const cowBytes = roundUp(body.cow_size_gib === undefined ? lv.lv_size : gibToBytes(body.cow_size_gib), snapshot.vg.vg_extent_size);
        ctx.checkSpace(snapshot, cowBytes, 'the snapshot COW store');
        await ctx.lvm.createCowSnapshot({ vg, origin: lv.lv_name, name, tags, cowBytes });
      }
      return null;
    }, async (done) => done ?? { object: await ctx.requireSnapshotAfter(cache, id), created: true });
  });
}

export async function deleteSnapshot(ctx: VolumeContext, id: string): Promise<void> {
  const found = await ctx.find('snapshot', id, false, true);
  if (!found) throw notFound(`snapshot ${id}`);
  const volumeId = toSnapshot(found.lv, ctx.prefix).volume_id;
  const { cache } = found;
  await ctx.withVolume(volumeId ? [volumeId] : [], () => ctx.mutate(cache, async () => {
    const current = await ctx.findIn(cache, 'snapshot', id);
    if (!current) throw notFound(`snapshot ${id}`);
    const { lv, snapshot } = current;
    const vg = lv.vg_name;
    const kind = lvKind(lv.lv_attr);
    if (kind === 'merging-snapshot') throw new AgentError('in_use', `snapshot ${id} is being merged into its volume`);
    if (kind === 'cow-snapshot') {
      // Removing a COW snapshot while its origin is active on another host corrupts data (lvm2
      // 2.03.16 allows it). Holding the origin exclusively here first proves nobody else has it.
      const origin = snapshot.lvs.get(lv.origin);
      const activated = origin ? await ctx.activateExclusive(vg, [origin]) : [];
      try {
        await ctx.lvm.remove(vg, [lv.lv_name]);
      } finally {
        await ctx.deactivate(vg, activated);
      }
    } else {
      await ctx.lvm.remove(vg, [lv.lv_name]);
      if (lv.pool_lv) await ctx.releasePool(vg, lv.pool_lv, snapshot);
    }
    cache.forget(lv.lv_name);
  }));
}
