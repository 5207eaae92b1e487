// Reads, answered from the VG caches (no lvm call unless stale or ?refresh=true).
import { notFound } from '../errors.js';
import type { VolumeContext } from './context.js';
import type { LvRow } from '../lvm/report.js';
import type { VgSnapshot } from './cache.js';
import { parseLvName, type ObjectKind } from './ids.js';
import { toSnapshot, toVolume, toVolumeGroup, type Snapshot, type Volume, type VolumeGroup } from './model.js';

const byCreation = (a: { created_at?: string | null; id: string }, b: { created_at?: string | null; id: string }) =>
  (a.created_at ?? '').localeCompare(b.created_at ?? '') || a.id.localeCompare(b.id);

export async function getVolumeGroup(ctx: VolumeContext, name: string, refresh = false): Promise<VolumeGroup> {
  const snapshot = await ctx.cacheFor(name).read({ refresh });
  return toVolumeGroup(snapshot, ctx.prefix, ctx.vgConfigs.get(name)?.thin_pool?.name);
}

function withOperation(ctx: VolumeContext, volume: Volume): Volume {
  return { ...volume, operation_id: ctx.operations.runningFor(volume.id)?.id ?? null };
}

/** The managed LVs of one kind in the VG asked for (or all), each with its VG's report. */
async function managedLvs(ctx: VolumeContext, kind: ObjectKind, vg: string | undefined, refresh: boolean): Promise<[LvRow, VgSnapshot][]> {
  const names = vg ? [vg] : ctx.vgNames;
  const snapshots = await Promise.all(names.map((name) => ctx.cacheFor(name).read({ refresh })));
  return snapshots.flatMap((snapshot) => [...snapshot.lvs.values()]
    .filter((lv) => parseLvName(ctx.prefix, lv.lv_name)?.kind === kind)
    .map((lv): [LvRow, VgSnapshot] => [lv, snapshot]));
}

export async function listVolumes(ctx: VolumeContext, filter: { vg?: string; name?: string; tag?: string; refresh?: boolean }): Promise<Volume[]> {
  return (await managedLvs(ctx, 'volume', filter.vg, filter.refresh ?? false))
    .map(([lv, snapshot]) => toVolume(lv, snapshot, ctx.prefix))
    .filter((volume) => (filter.name === undefined || volume.name === filter.name) && (filter.tag === undefined || volume.tags.includes(filter.tag)))
    .map((volume) => withOperation(ctx, volume))
    .sort(byCreation);
}

export async function getVolume(ctx: VolumeContext, id: string, refresh = false): Promise<Volume> {
  const found = await ctx.find('volume', id, refresh);
  if (!found) throw notFound(`volume ${id}`);
  return withOperation(ctx, toVolume(found.lv, found.snapshot, ctx.prefix));
}

export async function listSnapshots(ctx: VolumeContext, filter: { volume_id?: string; vg?: string; refresh?: boolean }): Promise<Snapshot[]> {
  return (await managedLvs(ctx, 'snapshot', filter.vg, filter.refresh ?? false))
    .map(([lv]) => toSnapshot(lv, ctx.prefix))
    .filter((item) => filter.volume_id === undefined || item.volume_id === filter.volume_id)
    .sort(byCreation);
}

export async function getSnapshot(ctx: VolumeContext, id: string, refresh = false): Promise<Snapshot> {
  const found = await ctx.find('snapshot', id, refresh);
  if (!found) throw notFound(`snapshot ${id}`);
  return toSnapshot(found.lv, ctx.prefix);
}
