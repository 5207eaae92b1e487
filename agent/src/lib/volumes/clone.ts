// A new volume from a snapshot or from another volume. Thin sources give an instant thin snapshot
// (grown if asked); thick sources are copied block by block into a new LV. Every step leaves a state
// the reconciler recognises: a copy or a thin clone still to be grown carries the `creating` tag until
// it is complete, and a failure removes what was made.
import type { components } from '../../../../openapi/generated/types.js';
import { AgentError } from '../errors.js';
import { toAgentError } from '../lvm/errors.js';
import type { LvRow } from '../lvm/report.js';
import { encodeTags, type ObjectTags } from '../lvm/tags.js';
import type { VgSnapshot } from './cache.js';
import { gibToBytes, mapperPath, roundUp, type VolumeContext } from './context.js';
import { lvNameFor } from './ids.js';
import { toSnapshot, toVolume } from './model.js';

type VolumeCreate = components['schemas']['VolumeCreate'];

const CREATING = encodeTags({ creating: true });

export const pvNotApplicable = (why: string) =>
  new AgentError('not_applicable', `pv places thick volumes only; ${why} (its data lives in the thin pool)`, {
    errors: [{ pointer: '/body/pv', message: 'thick volumes only' }],
  });

/** The volumes a create reads from (held for the whole create): the source volume, or the volume a
 *  source snapshot belongs to. */
export async function cloneSourceVolumes(ctx: VolumeContext, body: VolumeCreate): Promise<string[]> {
  if (body.source_volume_id !== undefined) return [body.source_volume_id];
  if (body.source_snapshot_id === undefined) return [];
  const found = await ctx.find('snapshot', body.source_snapshot_id, false, true);
  const volumeId = found ? toSnapshot(found.lv, ctx.prefix).volume_id : null;
  return volumeId ? [volumeId] : [];
}

export async function createFromSnapshot(ctx: VolumeContext, snapshot: VgSnapshot, lvName: string, body: VolumeCreate, snapshotId: string, tags: ObjectTags): Promise<void> {
  const vg = snapshot.vg.vg_name;
  const source = snapshot.lvs.get(lvNameFor(ctx.prefix, 'snapshot', snapshotId));
  if (!source) throw new AgentError('not_found', `snapshot ${snapshotId} not found in volume group ${vg}`);
  const sourceInfo = toSnapshot(source, ctx.prefix);
  const wanted = body.size_gib === undefined ? undefined : gibToBytes(body.size_gib);
  if (wanted !== undefined && wanted < sourceInfo.size_bytes) {
    throw new AgentError('shrink_not_supported', `size_gib ${body.size_gib} is smaller than the snapshot (${sourceInfo.size_bytes} bytes)`);
  }
  const type = sourceInfo.type === 'thin' ? 'thin' : 'thick';
  if (body.type !== undefined && body.type !== type) throw new AgentError('not_applicable', `a volume made from a ${sourceInfo.type} snapshot is ${type}, not ${body.type}`);
  tags.source = `snapshot:${snapshotId}`;
  if (type === 'thin' && body.pv !== undefined) throw pvNotApplicable(`snapshot ${snapshotId} is thin, so is the new volume`);
  if (type === 'thin') return createThinFrom(ctx, vg, source, lvName, wanted, tags);
  const origin = snapshot.lvs.get(source.origin);
  if (!origin) throw new AgentError('lvm_failed', `origin ${source.origin} of snapshot ${snapshotId} not found`);
  const size = Math.max(wanted ?? 0, sourceInfo.size_bytes);
  return createThickCopy(ctx, snapshot, { lvName, sizeBytes: size, tags, activate: [origin], readFrom: source, pv: body.pv });
}

export async function createFromVolume(ctx: VolumeContext, snapshot: VgSnapshot, lvName: string, body: VolumeCreate, volumeId: string, tags: ObjectTags): Promise<void> {
  const vg = snapshot.vg.vg_name;
  const source = snapshot.lvs.get(lvNameFor(ctx.prefix, 'volume', volumeId));
  if (!source) throw new AgentError('not_found', `volume ${volumeId} not found in volume group ${vg}`);
  const sourceInfo = toVolume(source, snapshot, ctx.prefix);
  if (sourceInfo.status !== 'available') throw new AgentError('in_use', `volume ${volumeId} is still being created`);
  const wanted = body.size_gib === undefined ? undefined : gibToBytes(body.size_gib);
  if (wanted !== undefined && wanted < sourceInfo.size_bytes) {
    throw new AgentError('shrink_not_supported', `size_gib ${body.size_gib} is smaller than the source volume (${sourceInfo.size_bytes} bytes)`);
  }
  if (body.type !== undefined && body.type !== sourceInfo.type) throw new AgentError('not_applicable', `a clone of a ${sourceInfo.type} volume is ${sourceInfo.type}, not ${body.type}`);
  tags.source = `volume:${volumeId}`;
  if (sourceInfo.type === 'thin' && body.pv !== undefined) throw pvNotApplicable(`volume ${volumeId} is thin, so is its clone`);
  if (sourceInfo.type === 'thin') return createThinFrom(ctx, vg, source, lvName, wanted, tags);
  const size = Math.max(wanted ?? 0, sourceInfo.size_bytes);
  return createThickCopy(ctx, snapshot, { lvName, sizeBytes: size, tags, activate: [source], readFrom: source, pv: body.pv });
}

/** New thin volume as a thin snapshot of `source` (instant; same pool). When it must be grown, it is
 *  made `creating` and only marked complete after the extend; a failed extend removes it, so a retry
 *  never finds a smaller volume than it asked for. */
async function createThinFrom(ctx: VolumeContext, vg: string, source: LvRow, lvName: string, bytes: number | undefined, tags: ObjectTags): Promise<void> {
  const grow = bytes !== undefined && bytes > source.lv_size;
  const tagList = [...encodeTags(tags), ...(grow ? CREATING : [])];
  try {
    await ctx.lvm.createThinSnapshot({ vg, origin: source.lv_name, name: lvName, tags: tagList, activatable: true });
    if (!grow) return;
    try {
      await ctx.lvm.extend(vg, lvName, bytes);
      await ctx.lvm.changeTags(vg, lvName, { remove: CREATING });
    } catch (error) {
      await removeFailed(ctx, vg, lvName);
      throw error;
    }
  } finally {
    await ctx.releasePool(vg, source.pool_lv);
  }
}

interface CopySpec {
  lvName: string;
  sizeBytes: number;
  tags: ObjectTags;
  /** LVs to activate here for the copy (the source, or a snapshot's origin). */
  activate: LvRow[];
  readFrom: LvRow;
  pv: string | undefined;
}

/** New thick volume filled by copying `readFrom`. The LV is tagged `creating` until the copy is
 *  complete; on failure it is removed. */
async function createThickCopy(ctx: VolumeContext, snapshot: VgSnapshot, spec: CopySpec): Promise<void> {
  const vg = snapshot.vg.vg_name;
  const bytes = roundUp(spec.sizeBytes, snapshot.vg.vg_extent_size);
  ctx.checkSpace(snapshot, bytes, 'the new volume');
  ctx.copying.add(spec.lvName);
  try {
    await ctx.lvm.createThick({ vg, name: spec.lvName, bytes, tags: [...encodeTags(spec.tags), ...CREATING], ...(spec.pv ? { pv: spec.pv } : {}) });
    try {
      let activated: string[] = [];
      try {
        activated = await ctx.activateExclusive(vg, spec.activate);
        await ctx.lvm.activate(vg, [spec.lvName], 'exclusive');
        activated.push(spec.lvName);
        await copyDevice(ctx, mapperPath(vg, spec.readFrom.lv_name), mapperPath(vg, spec.lvName));
      } finally {
        await ctx.deactivate(vg, activated).catch(() => undefined);
      }
      await ctx.lvm.changeTags(vg, spec.lvName, { remove: CREATING });
    } catch (error) {
      await removeFailed(ctx, vg, spec.lvName);
      throw error;
    }
  } finally {
    ctx.copying.delete(spec.lvName);
  }
}

async function copyDevice(ctx: VolumeContext, from: string, to: string): Promise<void> {
  try {
    await ctx.runner.command(ctx.dd, [`if=${from}`, `of=${to}`, 'bs=4M', 'iflag=direct', 'oflag=direct', 'conv=fsync', 'status=none'], {
      timeoutMs: ctx.config.copy_timeout_ms,
    });
  } catch (error) {
    throw toAgentError(error);
  }
}

async function removeFailed(ctx: VolumeContext, vg: string, lvName: string): Promise<void> {
  await ctx.lvm.remove(vg, [lvName]).catch((cleanup: unknown) => {
    ctx.logger.error({ err: cleanup, lv: lvName }, 'could not remove a failed new volume; it stays listed as creating until the reconciler removes it');
  });
}
