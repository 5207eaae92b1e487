// Creating a volume: empty (thick or thin) here, from a snapshot or a volume in clone.ts. The id is
// the client's (body.id or Idempotency-Key) or a new one; the same request again answers with what
// it made (200), another request for that id is a 409, and a name another volume has is a 409 too.
import type { components } from '../../../../openapi/generated/types.js';
import { AgentError } from '../errors.js';
import type { LvRow } from '../lvm/report.js';
import { decodeTags, encodeTags, type ObjectTags } from '../lvm/tags.js';
import type { VgCache } from './cache.js';
import { cloneSourceVolumes, createFromSnapshot, createFromVolume, pvNotApplicable } from './clone.js';
import { gibToBytes, roundUp, type CreateResult, type Found, type VolumeContext } from './context.js';
import { idFromIdempotencyKey, lvNameFor, newId, requestHash, type ObjectKind } from './ids.js';
import { toVolume, type Volume } from './model.js';

type VolumeCreate = components['schemas']['VolumeCreate'];

export async function createVolume(ctx: VolumeContext, body: VolumeCreate, idempotencyKey?: string): Promise<CreateResult<Volume>> {
  const cache = ctx.cacheFor(body.vg);
  if (body.source_snapshot_id !== undefined && body.source_volume_id !== undefined) {
    throw new AgentError('bad_request', 'give at most one of source_snapshot_id and source_volume_id', {
      errors: [{ pointer: '/body/source_volume_id', message: 'conflicts with source_snapshot_id' }],
    });
  }
  const fromSource = body.source_snapshot_id !== undefined || body.source_volume_id !== undefined;
  if (!fromSource && body.size_gib === undefined) {
    throw new AgentError('bad_request', 'size_gib is required for an empty volume', { errors: [{ pointer: '/body/size_gib', message: 'required' }] });
  }
  const id = body.id ?? (idempotencyKey !== undefined ? idFromIdempotencyKey('volume', idempotencyKey) : newId());
  const hash = requestHash({
    vg: body.vg, name: body.name, size_gib: body.size_gib, type: body.type, source_snapshot_id: body.source_snapshot_id,
    source_volume_id: body.source_volume_id, multiattach: body.multiattach ?? false, tags: [...(body.tags ?? [])].sort(),
    // Only when given: hashes recorded by earlier versions stay valid.
    ...(body.pv !== undefined ? { pv: body.pv } : {}),
  });
  const retried = await retriedCreate(ctx, 'volume', id, hash);
  if (retried) return { object: toVolume(retried.lv, retried.snapshot, ctx.prefix), created: false };
  // The new volume and its source (a clone reads it) are held for the whole create.
  const sources = await cloneSourceVolumes(ctx, body);
  return ctx.withVolume([id, ...sources], async () => {
    for (const source of sources) ctx.refuseIfBusy(source);
    try {
      return await createInQueue(ctx, cache, body, id, hash);
    } catch (error) {
      // The cache may predate an LV with this id (made by an earlier agent run): lvm refused the
      // name, so answer as a retry would, from a fresh read.
      if (!(error instanceof AgentError && error.code === 'already_exists' && error.lvm)) throw error;
      await cache.read({ refresh: true });
      const existing = await retriedCreate(ctx, 'volume', id, hash);
      if (existing) return { object: toVolume(existing.lv, existing.snapshot, ctx.prefix), created: false };
      throw error;
    }
  });
}

function createInQueue(ctx: VolumeContext, cache: VgCache, body: VolumeCreate, id: string, hash: string): Promise<CreateResult<Volume>> {
  return ctx.mutate(cache, async (): Promise<CreateResult<Volume> | null> => {
    // Again inside the queue: a concurrent retry may have created it meanwhile.
    const again = await retriedCreate(ctx, 'volume', id, hash);
    if (again) return { object: toVolume(again.lv, again.snapshot, ctx.prefix), created: false };
    const snapshot = await cache.read({ anyAge: true });
    ctx.checkNameFree(snapshot, 'volume', body.name);
    const lvName = lvNameFor(ctx.prefix, 'volume', id);
    if (body.pv !== undefined) await ctx.requirePvOf(body.vg, body.pv, '/body/pv');
    const tags: ObjectTags = {
      name: body.name,
      createdAt: ctx.createdAt(),
      multiattach: body.multiattach ?? false,
      requestHash: hash,
      userTags: body.tags ?? [],
    };
    if (body.source_snapshot_id !== undefined) {
      await createFromSnapshot(ctx, snapshot, lvName, body, body.source_snapshot_id, tags);
      return null;
    }
    if (body.source_volume_id !== undefined) {
      await createFromVolume(ctx, snapshot, lvName, body, body.source_volume_id, tags);
      return null;
    }
    if ((body.type ?? 'thick') === 'thin') {
      if (body.pv !== undefined) throw pvNotApplicable('the new volume is thin');
      const pool = await ctx.ensureThinPool(snapshot);
      await ctx.lvm.createThin({ vg: body.vg, pool, name: lvName, bytes: gibToBytes(body.size_gib!), tags: encodeTags(tags) });
      await ctx.releasePool(body.vg, pool, snapshot);
      return null;
    }
    const bytes = roundUp(gibToBytes(body.size_gib!), snapshot.vg.vg_extent_size);
    ctx.checkSpace(snapshot, bytes, `a ${body.size_gib} GiB volume`);
    const tagList = encodeTags(tags);
    await ctx.lvm.createThick({ vg: body.vg, name: lvName, bytes, tags: tagList, ...(body.pv ? { pv: body.pv } : {}) });
    if (ctx.config.reread_after_create !== 'async') return null;
    // lvcreate committed exactly this (one atomic commit, sizes rounded up to extents as here).
    return { object: toVolume(project(cache, body.vg, lvName, bytes, tagList), snapshot, ctx.prefix), created: true };
  }, async (done) => done ?? { object: await ctx.requireVolumeAfter(cache, id), created: true });

  function project(target: VgCache, vg: string, lvName: string, bytes: number, tagList: string[]): LvRow {
    const projected: LvRow = {
      vg_name: vg, lv_name: lvName, lv_uuid: '', lv_attr: '-wi-------', lv_size: bytes, origin: '', origin_size: null,
      pool_lv: '', data_percent: null, metadata_percent: null, lv_tags: tagList, lv_time: '', devices: '', move_pv: '', copy_percent: null,
    };
    target.project(projected, bytes);
    ctx.deferReread();
    return projected;
  }
}

/** An existing object with this id: the same request returns it, any other is a conflict. A
 *  half-made volume left by a crash (`creating`, not being copied by this process) is removed. */
export async function retriedCreate(ctx: VolumeContext, kind: ObjectKind, id: string, hash: string): Promise<Found | null> {
  const found = await ctx.find(kind, id, false, true);
  if (!found) return null;
  const tags = decodeTags(found.lv.lv_tags);
  if (tags.creating && !ctx.copying.has(found.lv.lv_name) && tags.requestHash === hash) {
    ctx.logger.warn({ lv: found.lv.lv_name }, 'removing a volume left half-made by an earlier run before re-creating it');
    await ctx.lvm.remove(found.lv.vg_name, [found.lv.lv_name]);
    found.cache.forget(found.lv.lv_name);
    return null;
  }
  if (tags.requestHash === hash) return found;
  throw new AgentError('idempotency_conflict', `a ${kind} with id ${id} already exists with other parameters`);
}
