// The control-mode volume API as one object (what the HTTP handlers and the attachment orchestrator
// call). It only delegates: each use case lives in its own file over the shared VolumeContext
// (context.ts), and none of them builds lvm argv (lvm/commands.ts does).
import type { components } from '../../../../openapi/generated/types.js';
import type { Operation } from '../operations/registry.js';
import { VolumeContext, type CreateResult, type HolderMover, type ServiceOptions } from './context.js';
import type { VgCache, VgSnapshot } from './cache.js';
import { createVolume } from './create.js';
import { deleteVolume } from './delete.js';
import { manageVolume, unmanageVolume } from './manage.js';
import { snapshotsOf, type Snapshot, type Volume, type VolumeGroup } from './model.js';
import { moveVolume } from './move.js';
import * as reads from './reads.js';
import { Reconciler, type ReconcileReport, type ReconcileStep } from './reconcile.js';
import { retypeVolume } from './retype.js';
import { createSnapshot, deleteSnapshot } from './snapshots.js';
import { revertVolume, updateVolume } from './update.js';
import type { LvRow } from '../lvm/report.js';

export { gibToBytes, mapperPath, type CreateResult, type HolderMover, type ServiceOptions } from './context.js';

type Schemas = components['schemas'];

export class VolumeService {
  readonly context: VolumeContext;
  private readonly reconciler: Reconciler;

  constructor(options: ServiceOptions & { onReconcileStep?: (step: ReconcileStep) => void }) {
    this.context = new VolumeContext(options);
    this.reconciler = new Reconciler(this.context, options.onReconcileStep);
  }

  get operations() {
    return this.context.operations;
  }

  get vgNames(): string[] {
    return this.context.vgNames;
  }

  /** Lets moves of volumes attached to other hosts run on those hosts' agents. */
  useHolderMover(mover: HolderMover): void {
    this.context.holderMover = mover;
  }

  cacheFor(vg: string): VgCache {
    return this.context.cacheFor(vg);
  }

  /** Re-reads every VG (start-up). */
  async refreshAll(): Promise<void> {
    await Promise.all([...this.context.caches.values()].map((cache) => cache.reload()));
  }

  /** Re-reads the VGs whose report is older than the TTL (the periodic refresh). */
  async refreshStale(): Promise<void> {
    const ttl = this.context.config.cache_ttl_ms;
    const stale = [...this.context.caches.values()].filter((cache) => !cache.mutating && cache.age() >= ttl);
    await Promise.all(stale.map((cache) => cache.reload()));
  }

  /** Runs `work` while it holds the volume: one operation per volume at a time (re-entrant). */
  withVolume<T>(id: string, work: () => Promise<T>): Promise<T> {
    return this.context.withVolume(id, work);
  }

  /** Refuses a change of a volume a long operation is working on. */
  refuseIfBusy(id: string): void {
    this.context.refuseIfBusy(id);
  }

  /** Runs `work` alone in the VG's metadata queue, then re-reads the VG. */
  inVgQueue<T>(vg: string, work: (cache: VgCache) => Promise<T>): Promise<T> {
    return this.context.inVgQueue(vg, work);
  }

  /** Snapshot LVs of a volume (for hooks such as the attachment API). */
  snapshotsOfVolume(snapshot: VgSnapshot, lvName: string): LvRow[] {
    return snapshotsOf(snapshot, this.context.prefix, lvName);
  }

  // ---- reads --------------------------------------------------------------------------------------

  listVolumeGroups(refresh = false): Promise<VolumeGroup[]> {
    return Promise.all(this.vgNames.map((name) => reads.getVolumeGroup(this.context, name, refresh)));
  }

  getVolumeGroup(name: string, refresh = false): Promise<VolumeGroup> {
    return reads.getVolumeGroup(this.context, name, refresh);
  }

  listVolumes(filter: { vg?: string; name?: string; tag?: string; refresh?: boolean }): Promise<Volume[]> {
    return reads.listVolumes(this.context, filter);
  }

  getVolume(id: string, refresh = false): Promise<Volume> {
    return reads.getVolume(this.context, id, refresh);
  }

  listSnapshots(filter: { volume_id?: string; vg?: string; refresh?: boolean }): Promise<Snapshot[]> {
    return reads.listSnapshots(this.context, filter);
  }

  getSnapshot(id: string, refresh = false): Promise<Snapshot> {
    return reads.getSnapshot(this.context, id, refresh);
  }

  // ---- changes --------------------------------------------------------------------------------------

  createVolume(body: Schemas['VolumeCreate'], idempotencyKey?: string): Promise<CreateResult<Volume>> {
    return createVolume(this.context, body, idempotencyKey);
  }

  updateVolume(id: string, body: Schemas['VolumeUpdate']): Promise<Volume> {
    return updateVolume(this.context, id, body);
  }

  revertVolume(id: string, snapshotId: string): Promise<Volume> {
    return revertVolume(this.context, id, snapshotId);
  }

  deleteVolume(id: string, wipe: Schemas['WipeMode'] = 'none'): Promise<Operation | undefined> {
    return deleteVolume(this.context, id, wipe);
  }

  moveVolume(id: string, pv: string): Promise<Operation> {
    return moveVolume(this.context, id, pv);
  }

  retypeVolume(id: string, body: Schemas['VolumeRetype']): Promise<Operation> {
    return retypeVolume(this.context, id, body);
  }

  manageVolume(body: Schemas['VolumeManage']): Promise<Volume> {
    return manageVolume(this.context, body);
  }

  unmanageVolume(id: string, lvName?: string): Promise<{ vg: string; lv_name: string; path: string }> {
    return unmanageVolume(this.context, id, lvName);
  }

  createSnapshot(body: Schemas['SnapshotCreate'], idempotencyKey?: string): Promise<CreateResult<Snapshot>> {
    return createSnapshot(this.context, body, idempotencyKey);
  }

  deleteSnapshot(id: string): Promise<void> {
    return deleteSnapshot(this.context, id);
  }

  // ---- recovery ---------------------------------------------------------------------------------------

  /** Settles what an earlier run (or a failure) left half-done; see reconcile.ts. */
  reconcile(): Promise<ReconcileReport> {
    return this.reconciler.run();
  }

  /** Start-up: the reconciler's pass; the operations it resumed or recorded. */
  async resumeOperations(): Promise<Operation[]> {
    return (await this.reconcile()).operations;
  }
}
