// What every volume use case shares: the VG caches, the typed LVM layer, the per-VG metadata queue,
// the per-volume locks, the operations registry, and the small checks they all make. Use cases
// (create.ts, clone.ts, update.ts, snapshots.ts, delete.ts, move.ts, retype.ts, manage.ts,
// reconcile.ts) take this context; none of them builds lvm argv.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Logger } from 'pino';
import type { AgentConfig, VolumeGroupConfig } from '../config/schema.js';
import { AgentError, notFound } from '../errors.js';
import { isActiveHere, lvKind } from '../lvm/attr.js';
import { Lvm, type WriteObserver } from '../lvm/commands.js';
import type { LvRow } from '../lvm/report.js';
import type { Runner } from '../lvm/runner.js';
import { decodeTags } from '../lvm/tags.js';
import { OperationRegistry, type Operation } from '../operations/registry.js';
import type { PvMover } from '../operations/work.js';
import { VgCache, type VgSnapshot } from './cache.js';
import { lvNameFor, parseLvName, type ObjectKind } from './ids.js';
import { VolumeLocks } from './locks.js';
import { toSnapshot, toVolume, type Snapshot, type Volume } from './model.js';
import { KeyedQueue } from './queue.js';

const GIB = 2 ** 30;

/** GiB to bytes, rounded up to whole 512-byte sectors (lvm then rounds up to extents). */
export function gibToBytes(gib: number): number {
  return Math.ceil((gib * GIB) / 512) * 512;
}

export function roundUp(bytes: number, unit: number): number {
  return Math.ceil(bytes / unit) * unit;
}

/** Device-mapper node of an active LV (present without udev, unlike /dev/VG/LV links on some hosts). */
export function mapperPath(vg: string, lv: string): string {
  return `/dev/mapper/${vg.replaceAll('-', '--')}-${lv.replaceAll('-', '--')}`;
}

export interface Found {
  cache: VgCache;
  snapshot: VgSnapshot;
  lv: LvRow;
}

export interface CreateResult<T> {
  object: T;
  created: boolean;
}

/** Runs the pvmove of an LV on the host agent that holds it (control and all mode). */
export type HolderMover = (host: string, vg: string, lv: string) => PvMover;

export interface ServiceOptions {
  config: AgentConfig;
  runner: Runner;
  logger: Logger;
  onCacheRead?: (hit: boolean) => void;
  /** Sees every lvm write (metrics, the test-only fault hook). */
  onLvmWrite?: WriteObserver;
  /** Tools used for data copies and wipes. */
  tools?: { dd?: string; blkdiscard?: string };
  now?: () => Date;
  /** Where long operations are tracked (one is made when not given). */
  operations?: OperationRegistry;
  /** This agent's host name in all mode: volumes attached here can be moved here, and its own
   *  attachments are never swept by the reconciler. */
  hostName?: string;
  /** Poll interval of a running pvmove. */
  movePollMs?: number;
}

/** What one metadata change did, for the re-read that follows it (per change, never shared). */
interface ChangeRecord {
  writes: number;
  deferred: boolean;
}

export class VolumeContext {
  readonly caches = new Map<string, VgCache>();
  readonly vgConfigs = new Map<string, VolumeGroupConfig>();
  readonly volumeLocks = new VolumeLocks();
  /** LVs this process is still copying into; a `creating` LV not listed here was left by a crash. */
  readonly copying = new Set<string>();
  readonly prefix: string;
  readonly lvm: Lvm;
  readonly runner: Runner;
  readonly logger: Logger;
  readonly config: AgentConfig;
  readonly dd: string;
  readonly blkdiscard: string;
  readonly now: () => Date;
  readonly operations: OperationRegistry;
  readonly hostName: string | undefined;
  readonly movePollMs: number;
  holderMover: HolderMover | undefined;
  private readonly vgQueue = new KeyedQueue();
  private readonly change = new AsyncLocalStorage<ChangeRecord>();

  constructor(options: ServiceOptions) {
    this.config = options.config;
    this.runner = options.runner;
    this.logger = options.logger;
    this.prefix = options.config.lv_prefix;
    this.dd = options.tools?.dd ?? 'dd';
    this.blkdiscard = options.tools?.blkdiscard ?? 'blkdiscard';
    this.now = options.now ?? (() => new Date());
    this.operations = options.operations ?? new OperationRegistry(options.logger, this.now);
    this.hostName = options.hostName;
    this.movePollMs = options.movePollMs ?? 2000; // lvmpolld's interval (pvmove -i 2); each read costs an lvm command
    const observe = options.onLvmWrite;
    this.lvm = new Lvm(options.runner, (event) => {
      const record = this.change.getStore();
      if (record) record.writes += 1;
      observe?.(event);
    });
    for (const vg of options.config.volume_groups) {
      this.vgConfigs.set(vg.name, vg);
      this.caches.set(vg.name, new VgCache(vg.name, this.lvm, options.config.cache_ttl_ms, options.onCacheRead));
    }
  }

  get vgNames(): string[] {
    return [...this.caches.keys()];
  }

  /** The cache of a managed VG; an unknown VG is a 404 without any lvm call. */
  cacheFor(vg: string): VgCache {
    const cache = this.caches.get(vg);
    if (!cache) throw new AgentError('not_found', `volume group ${vg} is not managed by this agent (managed: ${this.vgNames.join(', ')})`);
    return cache;
  }

  /** Looks an object up by id in every managed VG (ids are unique across them). `forWrite`: from
   *  whatever is cached (see VgCache.read). */
  async find(kind: ObjectKind, id: string, refresh: boolean, forWrite = false): Promise<Found | null> {
    const lvName = lvNameFor(this.prefix, kind, id);
    const caches = [...this.caches.values()];
    const snapshots = await Promise.all(caches.map((cache) => cache.read({ refresh, anyAge: forWrite })));
    for (let index = 0; index < caches.length; index += 1) {
      const snapshot = snapshots[index]!;
      const lv = snapshot.lvs.get(lvName);
      if (lv) return { cache: caches[index]!, snapshot, lv };
    }
    return null;
  }

  async findIn(cache: VgCache, kind: ObjectKind, id: string): Promise<Found | null> {
    const snapshot = await cache.read({ anyAge: true });
    const lv = snapshot.lvs.get(lvNameFor(this.prefix, kind, id));
    return lv ? { cache, snapshot, lv } : null;
  }

  /** The volume, re-read inside the VG queue (what a destructive step re-checks right before it runs). */
  async requireVolumeIn(cache: VgCache, id: string): Promise<Found & { volume: Volume }> {
    const found = await this.findIn(cache, 'volume', id);
    if (!found) throw notFound(`volume ${id}`);
    return { ...found, volume: toVolume(found.lv, found.snapshot, this.prefix) };
  }

  // ---- serialization and re-reads -------------------------------------------------------------------

  /** Runs `work` while it holds the volume(s): one operation per volume at a time. */
  withVolume<T>(ids: string | readonly string[], work: () => Promise<T>): Promise<T> {
    return this.volumeLocks.run(ids, work);
  }

  /** Starts a long operation on a volume: claims it in the registry synchronously, before the first
   *  await (every other change of it is refused from here on), holds it while `start` checks and sets
   *  the operation up, and gives the claim back whatever happens (a started operation has taken it). */
  async startOperation<T>(id: string, kind: Operation['kind'], start: (operationId: string) => Promise<T>): Promise<T> {
    const operationId = this.operations.reserve(id, kind);
    try {
      return await this.withVolume(id, () => start(operationId));
    } finally {
      this.operations.release(id, operationId);
    }
  }

  /** Holds the volume, refuses it while a long operation runs on it, and runs `work` with the cache
   *  of the VG it is in (the common start of every in-place change). */
  changeVolume<T>(id: string, work: (cache: VgCache) => Promise<T>): Promise<T> {
    return this.withVolume(id, async () => {
      this.refuseIfBusy(id);
      const found = await this.find('volume', id, false, true);
      if (!found) throw notFound(`volume ${id}`);
      return work(found.cache);
    });
  }

  /** Runs `work` alone in its VG. When it ran any lvm write, the VG is re-read afterwards (whatever
   *  happened) and `present` builds the answer from that re-read. */
  mutate<R, T = R>(cache: VgCache, work: () => Promise<R>, present?: (result: R) => Promise<T>): Promise<T> {
    return this.vgQueue.run(cache.vgName, async () => {
      await cache.beginMutation();
      const record: ChangeRecord = { writes: 0, deferred: false };
      let result: R;
      try {
        result = await this.change.run(record, work);
      } finally {
        cache.endMutation();
        await this.reread(cache, record);
      }
      return present ? present(result) : (result as unknown as T);
    });
  }

  /** Runs `work` alone in its VG without a re-read afterwards: for lock-only changes (releasing a
   *  thin pool's lock), which change nothing a report shows. */
  exclusively<T>(cache: VgCache, work: () => Promise<T>): Promise<T> {
    return this.vgQueue.run(cache.vgName, work);
  }

  /** Inside `mutate`: the change answers from a projection; re-read after the answer has left. */
  deferReread(): void {
    const record = this.change.getStore();
    if (record) record.deferred = true;
  }

  private async reread(cache: VgCache, record: ChangeRecord): Promise<void> {
    if (record.deferred) {
      // Queued, so the next mutation of this VG starts from the re-read state; started on the next
      // turn of the event loop, so that the answer leaves before lvs is spawned (a spawn blocks the
      // loop for a few hundred ms in the lab's emulated guests).
      void this.vgQueue
        .run(cache.vgName, async () => {
          await new Promise((resolve) => setImmediate(resolve));
          return cache.reload();
        })
        .catch((error: unknown) => {
          this.logger.warn({ err: error, vg: cache.vgName }, 'deferred re-read after create failed; cache invalidated');
          cache.invalidate();
        });
      return;
    }
    if (record.writes === 0) return;
    try {
      await cache.reload();
    } catch (error) {
      this.logger.warn({ err: error, vg: cache.vgName }, 're-read after mutation failed; cache invalidated');
      cache.invalidate();
    }
  }

  /** Runs `work` in the VG's queue and re-reads the VG afterwards (changes made by other modules,
   *  such as attachment tags or a holder's extend). */
  inVgQueue<T>(vg: string, work: (cache: VgCache) => Promise<T>): Promise<T> {
    const cache = this.cacheFor(vg);
    return this.mutate(cache, () => {
      const record = this.change.getStore();
      if (record) record.writes += 1;
      return work(cache);
    });
  }

  async requireVolumeAfter(cache: VgCache, id: string): Promise<Volume> {
    const snapshot = await cache.read({ anyAge: true });
    const lv = snapshot.lvs.get(lvNameFor(this.prefix, 'volume', id));
    if (!lv) throw new AgentError('internal', `volume ${id} not found after the change; re-read with ?refresh=true`);
    return toVolume(lv, snapshot, this.prefix);
  }

  async requireSnapshotAfter(cache: VgCache, id: string): Promise<Snapshot> {
    const snapshot = await cache.read({ anyAge: true });
    const lv = snapshot.lvs.get(lvNameFor(this.prefix, 'snapshot', id));
    if (!lv) throw new AgentError('internal', `snapshot ${id} not found after the change; re-read with ?refresh=true`);
    return toSnapshot(lv, this.prefix);
  }

  // ---- checks -----------------------------------------------------------------------------------------

  /** A running (or starting) long operation on the volume refuses every other change of it. */
  refuseIfBusy(id: string): void {
    const running = this.operations.runningFor(id);
    if (running) {
      throw new AgentError('in_use', `volume ${id} has a running ${running.kind} operation (${running.id}); wait for it (GET /v1/operations/${running.id})`);
    }
  }

  checkSpace(snapshot: VgSnapshot, bytes: number, what: string): void {
    if (bytes > snapshot.vg.vg_free) {
      throw new AgentError('insufficient_space', `${what} needs ${bytes} bytes; volume group ${snapshot.vg.vg_name} has ${snapshot.vg.vg_free} bytes free`);
    }
  }

  /** Names are unique per VG among volumes, and among snapshots: a second object with a taken name is
   *  a 409 that names the holder, so a client never mistakes someone else's volume for its own. */
  checkNameFree(snapshot: VgSnapshot, kind: ObjectKind, name: string, exceptId?: string): void {
    for (const lv of snapshot.lvs.values()) {
      const parsed = parseLvName(this.prefix, lv.lv_name);
      if (parsed?.kind !== kind || parsed.id === exceptId) continue;
      if ((decodeTags(lv.lv_tags).name ?? parsed.id) !== name) continue;
      const what = kind === 'volume' ? 'volume' : 'snapshot';
      const resource = kind === 'volume' ? 'shared_lvm_volume' : 'shared_lvm_snapshot';
      throw new AgentError('name_taken', `a ${what} named ${JSON.stringify(name)} already exists in volume group ${snapshot.vg.vg_name} (id ${parsed.id}); names are unique per volume group. Choose another name, or adopt that ${what}: terraform import ${resource}.<name> ${parsed.id}`, {
        existingId: parsed.id,
        errors: [{ pointer: '/body/name', message: `taken by ${what} ${parsed.id}` }],
      });
    }
  }

  /** A PV of the VG, or a 400 on `pointer` naming the VG's PVs. */
  async requirePvOf(vg: string, pv: string, pointer: string): Promise<void> {
    const pvs = await this.lvm.pvs(vg);
    if (pvs.some((row) => row.pv_name === pv)) return;
    throw new AgentError('bad_request', `${pv} is not a physical volume of volume group ${vg} (its PVs: ${pvs.map((row) => row.pv_name).join(', ')})`, {
      errors: [{ pointer, message: 'not a PV of the volume\'s VG' }],
    });
  }

  createdAt(): string {
    return this.now().toISOString();
  }

  // ---- activations the control agent takes for itself ---------------------------------------------------

  /** Activates `lvs` exclusively here unless already active here; returns those it activated. */
  async activateExclusive(vg: string, lvs: LvRow[]): Promise<string[]> {
    const names = [...new Set(lvs.filter((lv) => !isActiveHere(lv)).map((lv) => lv.lv_name))];
    await this.lvm.activate(vg, names, 'exclusive');
    return names;
  }

  async deactivate(vg: string, names: string[]): Promise<void> {
    try {
      await this.lvm.deactivate(vg, names);
    } catch (error) {
      this.logger.error({ err: error, vg, lvs: names }, 'deactivation after a data operation failed');
      throw error;
    }
  }

  poolConfig(vg: string): { name: string; size_gib: number; create: boolean } {
    const pool = this.vgConfigs.get(vg)?.thin_pool;
    if (!pool) throw new AgentError('not_applicable', `volume group ${vg} has no thin pool configured; thin volumes are not available there`);
    return pool;
  }

  async ensureThinPool(snapshot: VgSnapshot): Promise<string> {
    const vg = snapshot.vg.vg_name;
    const pool = this.poolConfig(vg);
    const existing = snapshot.lvs.get(pool.name);
    if (existing) {
      if (lvKind(existing.lv_attr) !== 'thin-pool') throw new AgentError('not_applicable', `LV ${vg}/${pool.name} exists but is not a thin pool`);
      return pool.name;
    }
    if (!pool.create) throw new AgentError('not_applicable', `thin pool ${vg}/${pool.name} does not exist and the agent is configured not to create it`);
    const bytes = roundUp(gibToBytes(pool.size_gib), snapshot.vg.vg_extent_size);
    this.checkSpace(snapshot, bytes, `thin pool ${pool.name}`);
    await this.lvm.createThinPool({ vg, name: pool.name, bytes });
    await this.releasePool(vg, pool.name);
    return pool.name;
  }

  /** Thin operations leave the pool's LV lock held exclusively by this host even with -an (measured
   *  with lvm2 2.03.16), which would keep every other host from using the pool's volumes: give it
   *  back unless a thin LV of the pool is active here. */
  async releasePool(vg: string, pool: string, snapshot?: VgSnapshot): Promise<void> {
    if (snapshot) {
      for (const lv of snapshot.lvs.values()) if (lv.pool_lv === pool && isActiveHere(lv)) return;
    }
    try {
      await this.lvm.deactivate(vg, [pool]);
    } catch (error) {
      this.logger.warn({ err: error, vg, pool }, 'could not release the thin pool lock');
    }
  }
}
