// Changes of an attached volume that lvmlockd allows only under the exclusive LV lock (extend,
// snapshot create/delete, revert): with one holder they run on that host's agent, otherwise the volume
// service makes them. Part of the attachment orchestration (orchestrator.ts), under its per-volume lock.
import type { components } from '../../../../openapi/generated/types.js';
import type { AgentConfig } from '../config/schema.js';
import { AgentError } from '../errors.js';
import type { HostRegistry } from '../hosts/client.js';
import type { LvRow } from '../lvm/report.js';
import { decodeTags, encodeTags } from '../lvm/tags.js';
import { idFromIdempotencyKey, lvNameFor, newId, requestHash } from '../volumes/ids.js';
import type { Attachment, Snapshot, Volume } from '../volumes/model.js';
import { gibToBytes, type CreateResult, type VolumeService } from '../volumes/service.js';
import type { AttachedLv } from './model.js';

type VolumeUpdate = components['schemas']['VolumeUpdate'];
type SnapshotCreate = components['schemas']['SnapshotCreate'];

/** A volume with its attachment records, as the orchestrator read it. */
export interface AttachedContext extends AttachedLv {
  volume: Volume;
  lv: LvRow;
  lvs: Map<string, LvRow>;
}

export interface HolderChangeDeps {
  config: AgentConfig;
  volumes: VolumeService;
  hosts: HostRegistry;
  now: () => Date;
  /** The volume and its records, re-read from LVM. */
  context(volumeId: string, pointer?: string): Promise<AttachedContext>;
  /** Runs a clean-up step; its failure is logged, never thrown. */
  bestEffort(what: string, step: () => Promise<unknown>): Promise<void>;
}

const roundUp = (bytes: number, unit: number) => Math.ceil(bytes / unit) * unit;

export class HolderChanges {
  constructor(private readonly deps: HolderChangeDeps) {}

  private get sanlock(): boolean {
    return this.deps.config.lock_type === 'sanlock';
  }

  /** The one host holding an attached volume, null when none (or with lock type none, where the
   *  control node changes metadata itself); 409 when several hosts hold it shared. */
  private holder(ctx: AttachedContext, what: string): Attachment | null {
    if (ctx.attachments.length === 0) return null;
    if (!this.sanlock) {
      // Without lvmlockd only the control node writes metadata, but a snapshot changes the device
      // stack of the host that has the origin active: that host would keep writing past it.
      if (what === 'extend') return null;
      throw new AgentError('has_attachments', `volume ${ctx.volumeId} is attached to ${ctx.attachments.map((a) => a.host).join(', ')}; with lock type none ${what} needs it detached`);
    }
    if (ctx.attachments.length > 1) {
      throw new AgentError('multi_attached', `volume ${ctx.volumeId} is attached to ${ctx.attachments.map((a) => a.host).join(', ')} with shared locks; ${what} needs the LV lock exclusive: detach down to one host first`);
    }
    return ctx.attachments[0]!;
  }

  /** With lock type none the control node changed the LV: the hosts reload its table. */
  private async refreshHolders(ctx: AttachedContext): Promise<void> {
    if (this.sanlock) return;
    for (const attachment of ctx.attachments) {
      await this.deps.bestEffort(`refresh on ${attachment.host}`, () => this.deps.hosts.get(attachment.host).refresh(ctx.vg, ctx.lvName));
    }
  }

  updateVolume(id: string, body: VolumeUpdate): Promise<Volume> {
    return this.deps.volumes.withVolume(id, async () => {
      const ctx = await this.deps.context(id);
      const holder = body.size_gib === undefined ? null : this.holder(ctx, 'extend');
      if (!holder) {
        const volume = await this.deps.volumes.updateVolume(id, body);
        if (body.size_gib !== undefined) await this.refreshHolders(ctx);
        return volume;
      }
      const vgRow = (await this.deps.volumes.cacheFor(ctx.vg).read()).vg;
      const wanted = roundUp(gibToBytes(body.size_gib!), vgRow.vg_extent_size);
      if (wanted < ctx.lv.lv_size) {
        throw new AgentError('shrink_not_supported', `volume ${id} is ${ctx.lv.lv_size} bytes; size_gib ${body.size_gib} (${wanted} bytes) would shrink it. Volumes can only grow: create a new volume instead`, {
          errors: [{ pointer: '/body/size_gib', message: `must be at least ${ctx.lv.lv_size / 2 ** 30} (the current size)` }],
        });
      }
      if (wanted > ctx.lv.lv_size) {
        if (ctx.volume.type === 'thick' && wanted - ctx.lv.lv_size > vgRow.vg_free) {
          throw new AgentError('insufficient_space', `growing volume ${id} needs ${wanted - ctx.lv.lv_size} bytes; volume group ${ctx.vg} has ${vgRow.vg_free} bytes free`);
        }
        await this.deps.hosts.get(holder.host).extend(ctx.vg, ctx.lvName, wanted);
      }
      const { size_gib: _size, ...rest } = body;
      if (Object.keys(rest).length > 0) return this.deps.volumes.updateVolume(id, rest);
      await this.deps.volumes.inVgQueue(ctx.vg, async () => undefined); // re-read: the holder changed the VG
      return this.deps.volumes.getVolume(id);
    });
  }

  createSnapshot(body: SnapshotCreate, idempotencyKey?: string): Promise<CreateResult<Snapshot>> {
    return this.deps.volumes.withVolume(body.volume_id, async () => {
      const ctx = await this.deps.context(body.volume_id, '/body/volume_id');
      const holder = this.holder(ctx, 'a snapshot');
      if (!holder) return this.deps.volumes.createSnapshot(body, idempotencyKey);
      // The same identity and retry rules as the volume service: id, Idempotency-Key, request hash.
      const id = body.id ?? (idempotencyKey !== undefined ? idFromIdempotencyKey('snapshot', idempotencyKey) : newId());
      const hash = requestHash({ volume_id: body.volume_id, name: body.name, cow_size_gib: body.cow_size_gib });
      const lvName = lvNameFor(this.deps.config.lv_prefix, 'snapshot', id);
      const existing = ctx.lvs.get(lvName);
      if (existing) {
        if (decodeTags(existing.lv_tags).requestHash === hash) return { object: await this.deps.volumes.getSnapshot(id), created: false };
        throw new AgentError('idempotency_conflict', `snapshot ${id} already exists with other parameters`);
      }
      const thin = ctx.volume.type === 'thin';
      if (thin && body.cow_size_gib !== undefined) throw new AgentError('not_applicable', 'cow_size_gib applies to snapshots of thick volumes only', { errors: [{ pointer: '/body/cow_size_gib', message: 'thick volumes only' }] });
      const vgState = await this.deps.volumes.cacheFor(ctx.vg).read();
      this.deps.volumes.context.checkNameFree(vgState, 'snapshot', body.name);
      const vgRow = vgState.vg;
      const cow = thin ? undefined : roundUp(body.cow_size_gib === undefined ? ctx.lv.lv_size : gibToBytes(body.cow_size_gib), vgRow.vg_extent_size);
      if (cow !== undefined && cow > vgRow.vg_free) throw new AgentError('insufficient_space', `the snapshot COW store needs ${cow} bytes; volume group ${ctx.vg} has ${vgRow.vg_free} bytes free`);
      const tags = encodeTags({ name: body.name, createdAt: this.deps.now().toISOString(), source: `volume:${body.volume_id}`, requestHash: hash });
      await this.deps.hosts.get(holder.host).createSnapshot(ctx.vg, ctx.lvName, { snapshot_lv_name: lvName, tags, ...(cow !== undefined ? { cow_size_bytes: cow } : {}) });
      await this.deps.volumes.inVgQueue(ctx.vg, async () => undefined);
      return { object: await this.deps.volumes.getSnapshot(id), created: true };
    });
  }

  async deleteSnapshot(id: string): Promise<void> {
    const snapshot = await this.deps.volumes.getSnapshot(id, true);
    if (snapshot.volume_id === null) return this.deps.volumes.deleteSnapshot(id);
    const volumeId = snapshot.volume_id;
    await this.deps.volumes.withVolume(volumeId, async () => {
      const ctx = await this.deps.context(volumeId);
      const holder = this.holder(ctx, 'removing a snapshot');
      if (!holder) return this.deps.volumes.deleteSnapshot(id);
      await this.deps.hosts.get(holder.host).deleteSnapshot(ctx.vg, ctx.lvName, snapshot.lv_name);
      await this.deps.volumes.inVgQueue(ctx.vg, async () => undefined);
    });
  }

  revertVolume(id: string, snapshotId: string): Promise<Volume> {
    return this.deps.volumes.withVolume(id, async () => {
      const ctx = await this.deps.context(id);
      const holder = this.holder(ctx, 'revert');
      if (!holder) return this.deps.volumes.revertVolume(id, snapshotId);
      const snapshot = await this.deps.volumes.getSnapshot(snapshotId);
      if (snapshot.volume_id !== id) {
        throw new AgentError('not_applicable', `snapshot ${snapshotId} is not a snapshot of volume ${id}`, { errors: [{ pointer: '/body/snapshot_id', message: 'not a snapshot of this volume' }] });
      }
      await this.deps.hosts.get(holder.host).revert(ctx.vg, ctx.lvName, snapshot.lv_name);
      await this.deps.volumes.inVgQueue(ctx.vg, async () => undefined);
      return this.deps.volumes.getVolume(id);
    });
  }
}
