// API objects (types generated from the OpenAPI document) built from LVM report rows and tags.
import type { components } from '../../../../openapi/generated/types.js';
import { lvKind, parseLvAttr } from '../lvm/attr.js';
import { devicesPvs, lvTimeToIso, type LvRow } from '../lvm/report.js';
import { decodeTags } from '../lvm/tags.js';
import type { VgSnapshot } from './cache.js';
import { parseLvName } from './ids.js';

export type Volume = components['schemas']['Volume'];
export type Snapshot = components['schemas']['Snapshot'];
export type VolumeGroup = components['schemas']['VolumeGroup'];
export type ThinPool = components['schemas']['ThinPool'];
export type Attachment = components['schemas']['Attachment'];
export type VolumeSource = components['schemas']['VolumeSource'];

export function devicePath(vg: string, lv: string): string {
  return `/dev/${vg}/${lv}`;
}

function parseSource(value: string | undefined): VolumeSource {
  if (!value) return { kind: 'none' };
  const colon = value.indexOf(':');
  const kind = colon < 0 ? value : value.slice(0, colon);
  const id = colon < 0 ? undefined : value.slice(colon + 1);
  if (kind === 'snapshot' || kind === 'volume' || kind === 'adopted') return id ? { kind, id } : { kind };
  return { kind: 'none' };
}

export function parseAttachment(value: string): Attachment | null {
  const colon = value.lastIndexOf(':');
  if (colon <= 0) return null;
  const mode = value.slice(colon + 1);
  if (mode !== 'rw' && mode !== 'ro') return null;
  return { host: value.slice(0, colon), mode };
}

/** Snapshots (managed snapshot LVs) whose origin is `lvName`. */
export function snapshotsOf(snapshot: VgSnapshot, prefix: string, lvName: string): LvRow[] {
  const out: LvRow[] = [];
  for (const lv of snapshot.lvs.values()) {
    if (lv.origin !== lvName) continue;
    if (parseLvName(prefix, lv.lv_name)?.kind === 'snapshot') out.push(lv);
  }
  return out;
}

export function toVolume(lv: LvRow, snapshot: VgSnapshot, prefix: string): Volume {
  const parsed = parseLvName(prefix, lv.lv_name);
  const tags = decodeTags(lv.lv_tags);
  const thin = lvKind(lv.lv_attr) === 'thin';
  const id = parsed?.id ?? lv.lv_name;
  return {
    id,
    name: tags.name ?? id,
    vg: lv.vg_name,
    lv_name: lv.lv_name,
    ...(lv.lv_uuid ? { lv_uuid: lv.lv_uuid } : {}),
    path: devicePath(lv.vg_name, lv.lv_name),
    type: thin ? 'thin' : 'thick',
    size_bytes: lv.lv_size,
    thin_pool: thin ? lv.pool_lv || null : null,
    data_percent: thin ? lv.data_percent : null,
    status: tags.creating ? 'creating' : 'available',
    multiattach: tags.multiattach ?? false,
    created_at: tags.createdAt ?? lvTimeToIso(lv.lv_time),
    source: parseSource(tags.source),
    snapshot_ids: snapshotsOf(snapshot, prefix, lv.lv_name).map((snap) => parseLvName(prefix, snap.lv_name)!.id),
    attachments: (tags.attachments ?? []).map(parseAttachment).filter((a): a is Attachment => a !== null),
    tags: tags.userTags ?? [],
    pvs: thin ? [] : devicesPvs(lv.devices),
  };
}

export function toSnapshot(lv: LvRow, prefix: string): Snapshot {
  const parsed = parseLvName(prefix, lv.lv_name);
  const tags = decodeTags(lv.lv_tags);
  const attr = parseLvAttr(lv.lv_attr);
  const kind = attr.kind;
  const cow = kind === 'cow-snapshot' || kind === 'merging-snapshot';
  const id = parsed?.id ?? lv.lv_name;
  const fromOrigin = lv.origin ? parseLvName(prefix, lv.origin) : null;
  const source = parseSource(tags.source);
  const volumeId = fromOrigin?.kind === 'volume' ? fromOrigin.id : source.kind === 'volume' ? source.id ?? null : null;
  return {
    id,
    name: tags.name ?? id,
    volume_id: volumeId,
    vg: lv.vg_name,
    lv_name: lv.lv_name,
    lv_uuid: lv.lv_uuid,
    type: cow ? 'cow' : 'thin',
    size_bytes: cow ? lv.origin_size ?? lv.lv_size : lv.lv_size,
    cow_size_bytes: cow ? lv.lv_size : null,
    data_percent: lv.data_percent,
    status: attr.invalid ? 'invalid' : kind === 'merging-snapshot' ? 'merging' : 'available',
    created_at: tags.createdAt ?? lvTimeToIso(lv.lv_time),
  };
}

export function toVolumeGroup(snapshot: VgSnapshot, prefix: string, poolName: string | undefined): VolumeGroup {
  const { vg } = snapshot;
  let volumes = 0;
  let snapshots = 0;
  for (const lv of snapshot.lvs.values()) {
    const parsed = parseLvName(prefix, lv.lv_name);
    if (parsed?.kind === 'volume') volumes += 1;
    else if (parsed?.kind === 'snapshot') snapshots += 1;
  }
  let thinPool: ThinPool | null = null;
  const pool = poolName ? snapshot.lvs.get(poolName) : undefined;
  if (pool && lvKind(pool.lv_attr) === 'thin-pool') {
    let provisioned = 0;
    for (const lv of snapshot.lvs.values()) if (lv.pool_lv === pool.lv_name) provisioned += lv.lv_size;
    thinPool = {
      name: pool.lv_name,
      size_bytes: pool.lv_size,
      data_percent: pool.data_percent,
      metadata_percent: pool.metadata_percent,
      used_bytes: pool.data_percent === null ? null : Math.round((pool.lv_size * pool.data_percent) / 100),
      provisioned_bytes: provisioned,
    };
  }
  return {
    name: vg.vg_name,
    uuid: vg.vg_uuid,
    size_bytes: vg.vg_size,
    free_bytes: vg.vg_free,
    allocated_bytes: vg.vg_size - vg.vg_free,
    extent_size_bytes: vg.vg_extent_size,
    lock_type: vg.vg_lock_type || 'none',
    pv_count: vg.pv_count,
    lv_count: vg.lv_count,
    volume_count: volumes,
    snapshot_count: snapshots,
    metadata_free_bytes: vg.vg_mda_free,
    metadata_size_bytes: vg.vg_mda_size,
    thin_pool: thinPool,
  };
}
