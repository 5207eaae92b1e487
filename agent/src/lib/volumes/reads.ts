// Reads, answered from the VG caches (no lvm call unless stale or ?refresh=true).
import { notFound } from '../errors.js';
import type { VolumeContext } from './context.js';
import { parseLvName } from './ids.js';
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

export async function listVolumes(ctx: VolumeContext, filter: { vg?: string; name?: string; tag?: string; refresh?: boolean }): Promise<Volume[]> {
  const names = filter.vg ? [filter.vg] : ctx.vgNames;
  const snapshots = await Promise.all(names.map((name) => ctx.cacheFor(name).read({ refresh: filter.refresh ?? false })));
  const volumes: Volume[] = [];
  for (const snapshot of snapshots) {
    for (const lv of snapshot.lvs.values()) {
      if (parseLvName(ctx.prefix, lv.lv_name)?.kind !== 'volume') continue;
      const volume = toVolume(lv, snapshot, ctx.prefix);
      if (filter.name !== undefined && volume.name !== filter.name) continue;
      if (filter.tag !== undefined && !volume.tags.includes(filter.tag)) continue;
      volumes.push(withOperation(ctx, volume));
    }
  }
  return volumes.sort(byCreation);
}

export async function getVolume(ctx: VolumeContext, id: string, refresh = false): Promise<Volume> {
  const found = await ctx.find('volume', id, refresh);
  if (!found) throw notFound(`volume ${id}`);
  return withOperation(ctx, toVolume(found.lv, found.snapshot, ctx.prefix));
}

export async function listSnapshots(ctx: VolumeContext, filter: { volume_id?: string; vg?: string; refresh?: boolean }): Promise<Snapshot[]> {
  const names = filter.vg ? [filter.vg] : ctx.vgNames;
  const snapshots = await Promise.all(names.map((name) => ctx.cacheFor(name).read({ refresh: filter.refresh ?? false })));
  const out: Snapshot[] = [];
  for (const snapshot of snapshots) {
    for (const lv of snapshot.lvs.values()) {
      if (parseLvName(ctx.prefix, lv.lv_name)?.kind !== 'snapshot') continue;
      const item = toSnapshot(lv, ctx.prefix);
      if (filter.volume_id !== undefined && item.volume_id !== filter.volume_id) continue;
      out.push(item);
    }
  }
  return out.sort(byCreation);
}

export async function getSnapshot(ctx: VolumeContext, id: string, refresh = false): Promise<Snapshot> {
  const found = await ctx.find('snapshot', id, refresh);
  if (!found) throw notFound(`snapshot ${id}`);
  return toSnapshot(found.lv, ctx.prefix);
}
