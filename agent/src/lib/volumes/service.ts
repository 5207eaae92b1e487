// The control-mode operations on volumes and snapshots. Every mutation runs in its VG's queue, uses
// only the runner, and ends with a re-read of the VG (cache.reload), whose result is what the API
// answers. Checks that need no lvm call (unknown VG, shrink, snapshots present, space) come first, so
// a refused request changes nothing.
import type { Logger } from 'pino';
import type { components } from '../../../../openapi/generated/types.js';
import type { AgentConfig, VolumeGroupConfig } from '../config/schema.js';
import { AgentError, notFound } from '../errors.js';
import { toAgentError } from '../lvm/errors.js';
import { lvNameProblem } from '../lvm/names.js';
import { lvKind, type LvRow } from '../lvm/report.js';
import type { RunOptions, Runner } from '../lvm/runner.js';
import { addTagArgs, decodeTags, delTagArgs, encodeTags, isAgentTag, type ObjectTags } from '../lvm/tags.js';
import { VgCache, type VgSnapshot } from './cache.js';
import { idFromIdempotencyKey, lvNameFor, newId, parseLvName, requestHash, type ObjectKind } from './ids.js';
import { snapshotsOf, toSnapshot, toVolume, toVolumeGroup, type Snapshot, type Volume, type VolumeGroup } from './model.js';
import { KeyedQueue } from './queue.js';
import { newOperationId, OperationRegistry, type Operation, type Progress } from '../operations/registry.js';
import { copyBlocks, localMover, moveExtents, wipeBlocks, type MoveSpec, type PvMover } from '../operations/work.js';
import { devicesPvs, movingThrough, LV_FIELDS, lvRow, PV_FIELDS, pvRow } from '../lvm/report.js';
import { parseWorkLvName, workLvName } from './ids.js';

type VolumeCreate = components['schemas']['VolumeCreate'];
type VolumeUpdate = components['schemas']['VolumeUpdate'];
type VolumeManage = components['schemas']['VolumeManage'];
type SnapshotCreate = components['schemas']['SnapshotCreate'];
type WipeMode = components['schemas']['WipeMode'];
type VolumeRetype = components['schemas']['VolumeRetype'];

const GIB = 2 ** 30;

/** GiB to bytes, rounded up to whole 512-byte sectors (lvm then rounds up to extents). */
export function gibToBytes(gib: number): number {
  return Math.ceil((gib * GIB) / 512) * 512;
}

function roundUp(bytes: number, unit: number): number {
  return Math.ceil(bytes / unit) * unit;
}

/** Device-mapper node of an active LV (present without udev, unlike /dev/VG/LV links on some hosts). */
export function mapperPath(vg: string, lv: string): string {
  return `/dev/mapper/${vg.replaceAll('-', '--')}-${lv.replaceAll('-', '--')}`;
}

const isActiveHere = (lv: LvRow) => lv.lv_attr[4] === 'a';

const pvNotApplicable = (why: string) =>
  new AgentError('not_applicable', `pv places thick volumes only; ${why} (its data lives in the thin pool)`, { errors: [{ pointer: '/body/pv', message: 'thick volumes only' }] });

interface Found {
  cache: VgCache;
  snapshot: VgSnapshot;
  lv: LvRow;
}

export interface CreateResult<T> {
  object: T;
  created: boolean;
}

export interface ServiceOptions {
  config: AgentConfig;
  runner: Runner;
  logger: Logger;
  onCacheRead?: (hit: boolean) => void;
  /** Tools used for data copies and wipes. */
  tools?: { dd?: string; blkdiscard?: string };
  now?: () => Date;
  /** Where long operations are tracked (one is made when not given). */
  operations?: OperationRegistry;
  /** This agent's host name in all mode: volumes attached here can be moved here. */
  hostName?: string;
  /** Poll interval of a running pvmove. */
  movePollMs?: number;
}

/** Runs the pvmove of an LV on the host agent that holds it (control and all mode, set once the
 *  host registry exists). */
export type HolderMover = (host: string, vg: string, lv: string) => PvMover;

export class VolumeService {
  private readonly caches = new Map<string, VgCache>();
  private readonly vgConfigs = new Map<string, VolumeGroupConfig>();
  private readonly queue = new KeyedQueue();
  /** LVs this process is still copying into; a `creating` LV not listed here was left by a crash. */
  private readonly copying = new Set<string>();
  /** Counts commands started by mutations, to skip the re-read when a mutation ran none. */
  private commandsRun = 0;
  /** Set by a create that answers from its projection (reread_after_create: async). */
  private deferReread = false;
  private readonly prefix: string;
  private readonly runner: Runner;
  private readonly logger: Logger;
  private readonly config: AgentConfig;
  private readonly dd: string;
  private readonly blkdiscard: string;
  private readonly now: () => Date;
  readonly operations: OperationRegistry;
  private readonly hostName: string | undefined;
  private readonly movePollMs: number;
  private holderMover: HolderMover | undefined;

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
    for (const vg of options.config.volume_groups) {
      this.vgConfigs.set(vg.name, vg);
      this.caches.set(vg.name, new VgCache(vg.name, options.runner, options.config.cache_ttl_ms, options.onCacheRead));
    }
  }

  /** Lets moves of volumes attached to other hosts run on those hosts' agents. */
  useHolderMover(mover: HolderMover): void {
    this.holderMover = mover;
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

  /** Re-reads every VG (start-up). */
  async refreshAll(): Promise<void> {
    await Promise.all([...this.caches.values()].map((cache) => cache.reload()));
  }

  /** Re-reads the VGs whose report is older than the TTL (the periodic refresh). */
  async refreshStale(): Promise<void> {
    const stale = [...this.caches.values()].filter((cache) => !cache.mutating && cache.age() >= this.config.cache_ttl_ms);
    await Promise.all(stale.map((cache) => cache.reload()));
  }

  // ---- reads -------------------------------------------------------------------------------------

  async listVolumeGroups(refresh = false): Promise<VolumeGroup[]> {
    return Promise.all(this.vgNames.map((name) => this.getVolumeGroup(name, refresh)));
  }

  async getVolumeGroup(name: string, refresh = false): Promise<VolumeGroup> {
    const snapshot = await this.cacheFor(name).read({ refresh });
    return toVolumeGroup(snapshot, this.prefix, this.vgConfigs.get(name)?.thin_pool?.name);
  }

  async listVolumes(filter: { vg?: string; name?: string; tag?: string; refresh?: boolean }): Promise<Volume[]> {
    const names = filter.vg ? [filter.vg] : this.vgNames;
    const snapshots = await Promise.all(names.map((name) => this.cacheFor(name).read({ refresh: filter.refresh ?? false })));
    const volumes: Volume[] = [];
    for (const snapshot of snapshots) {
      for (const lv of snapshot.lvs.values()) {
        if (parseLvName(this.prefix, lv.lv_name)?.kind !== 'volume') continue;
        const volume = toVolume(lv, snapshot, this.prefix);
        if (filter.name !== undefined && volume.name !== filter.name) continue;
        if (filter.tag !== undefined && !volume.tags.includes(filter.tag)) continue;
        volumes.push(this.withOperation(volume));
      }
    }
    return volumes.sort((a, b) => (a.created_at ?? '').localeCompare(b.created_at ?? '') || a.id.localeCompare(b.id));
  }

  async getVolume(id: string, refresh = false): Promise<Volume> {
    const found = await this.find('volume', id, refresh);
    if (!found) throw notFound(`volume ${id}`);
    return this.withOperation(toVolume(found.lv, found.snapshot, this.prefix));
  }

  private withOperation(volume: Volume): Volume {
    return { ...volume, operation_id: this.operations.runningFor(volume.id)?.id ?? null };
  }

  async listSnapshots(filter: { volume_id?: string; vg?: string; refresh?: boolean }): Promise<Snapshot[]> {
    const names = filter.vg ? [filter.vg] : this.vgNames;
    const snapshots = await Promise.all(names.map((name) => this.cacheFor(name).read({ refresh: filter.refresh ?? false })));
    const out: Snapshot[] = [];
    for (const snapshot of snapshots) {
      for (const lv of snapshot.lvs.values()) {
        if (parseLvName(this.prefix, lv.lv_name)?.kind !== 'snapshot') continue;
        const item = toSnapshot(lv, this.prefix);
        if (filter.volume_id !== undefined && item.volume_id !== filter.volume_id) continue;
        out.push(item);
      }
    }
    return out.sort((a, b) => (a.created_at ?? '').localeCompare(b.created_at ?? '') || a.id.localeCompare(b.id));
  }

  async getSnapshot(id: string, refresh = false): Promise<Snapshot> {
    const found = await this.find('snapshot', id, refresh);
    if (!found) throw notFound(`snapshot ${id}`);
    return toSnapshot(found.lv, this.prefix);
  }

  /** Looks an object up by id in every managed VG (ids are unique across them). `forWrite`: from
   *  whatever is cached (see VgCache.read). */
  private async find(kind: ObjectKind, id: string, refresh: boolean, forWrite = false): Promise<Found | null> {
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

  private async findIn(cache: VgCache, kind: ObjectKind, id: string): Promise<Found | null> {
    const snapshot = await cache.read({ anyAge: true });
    const lv = snapshot.lvs.get(lvNameFor(this.prefix, kind, id));
    return lv ? { cache, snapshot, lv } : null;
  }

  // ---- mutations: plumbing -------------------------------------------------------------------------

  private async lvm(subcommand: string, args: string[], options: RunOptions = {}): Promise<void> {
    this.commandsRun += 1;
    try {
      await this.runner.lvm(subcommand, args, options);
    } catch (error) {
      throw toAgentError(error);
    }
  }

  private async tool(file: string, args: string[]): Promise<void> {
    this.commandsRun += 1;
    try {
      await this.runner.command(file, args, { timeoutMs: this.config.copy_timeout_ms });
    } catch (error) {
      throw toAgentError(error);
    }
  }

  /** Runs `work` alone in its VG. When it ran any command, the VG is re-read afterwards (whatever
   *  happened) and `present` builds the answer from that re-read. */
  private mutate<R, T = R>(cache: VgCache, work: () => Promise<R>, present?: (result: R) => Promise<T>): Promise<T> {
    return this.queue.run(cache.vgName, async () => {
      await cache.beginMutation();
      const callsBefore = this.commandsRun;
      let result: R;
      let deferred = false;
      try {
        result = await work();
        deferred = this.deferReread;
      } finally {
        this.deferReread = false;
        cache.endMutation();
        if (deferred) {
          // Queued, so the next mutation of this VG starts from the re-read state; started on the
          // next turn of the event loop, so that the answer leaves before lvs is spawned (a spawn
          // blocks the loop for a few hundred ms in the lab's emulated guests).
          void this.queue
            .run(cache.vgName, async () => {
              await new Promise((resolve) => setImmediate(resolve));
              return cache.reload();
            })
            .catch((error: unknown) => {
              this.logger.warn({ err: error, vg: cache.vgName }, 'deferred re-read after create failed; cache invalidated');
              cache.invalidate();
            });
        } else if (this.commandsRun !== callsBefore) {
          try {
            await cache.reload();
          } catch (error) {
            this.logger.warn({ err: error, vg: cache.vgName }, 're-read after mutation failed; cache invalidated');
            cache.invalidate();
          }
        }
      }
      return present ? present(result) : (result as unknown as T);
    });
  }

  private async requireVolumeAfter(cache: VgCache, id: string): Promise<Volume> {
    const snapshot = await cache.read({ anyAge: true });
    const lv = snapshot.lvs.get(lvNameFor(this.prefix, 'volume', id));
    if (!lv) throw new AgentError('internal', `volume ${id} not found after the change; re-read with ?refresh=true`);
    return toVolume(lv, snapshot, this.prefix);
  }

  private async requireSnapshotAfter(cache: VgCache, id: string): Promise<Snapshot> {
    const snapshot = await cache.read({ anyAge: true });
    const lv = snapshot.lvs.get(lvNameFor(this.prefix, 'snapshot', id));
    if (!lv) throw new AgentError('internal', `snapshot ${id} not found after the change; re-read with ?refresh=true`);
    return toSnapshot(lv, this.prefix);
  }

  private checkSpace(snapshot: VgSnapshot, bytes: number, what: string): void {
    if (bytes > snapshot.vg.vg_free) {
      throw new AgentError('insufficient_space', `${what} needs ${bytes} bytes; volume group ${snapshot.vg.vg_name} has ${snapshot.vg.vg_free} bytes free`);
    }
  }

  private createdAt(): string {
    return this.now().toISOString();
  }

  /** Activates `lvs` exclusively here unless already active here; returns those it activated. */
  private async activateExclusive(vg: string, lvs: LvRow[]): Promise<string[]> {
    const names = [...new Set(lvs.filter((lv) => !isActiveHere(lv)).map((lv) => lv.lv_name))];
    if (names.length > 0) await this.lvm('lvchange', ['-aey', ...names.map((name) => `${vg}/${name}`)]);
    return names;
  }

  private async deactivate(vg: string, names: string[]): Promise<void> {
    if (names.length === 0) return;
    try {
      await this.lvm('lvchange', ['-an', ...names.map((name) => `${vg}/${name}`)]);
    } catch (error) {
      this.logger.error({ err: error, vg, lvs: names }, 'deactivation after a data operation failed');
      throw error;
    }
  }

  // ---- volumes --------------------------------------------------------------------------------------

  async createVolume(body: VolumeCreate, idempotencyKey?: string): Promise<CreateResult<Volume>> {
    const cache = this.cacheFor(body.vg);
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
    const retried = await this.retriedCreate('volume', id, hash);
    if (retried) return { object: toVolume(retried.lv, retried.snapshot, this.prefix), created: false };

    try {
      return await this.createVolumeInQueue(cache, body, id, hash);
    } catch (error) {
      // The cache may predate an LV with this id (made by an earlier agent run): lvm refused the
      // name, so answer as a retry would, from a fresh read.
      if (!(error instanceof AgentError && error.code === 'already_exists' && error.lvm)) throw error;
      await cache.read({ refresh: true });
      const existing = await this.retriedCreate('volume', id, hash);
      if (existing) return { object: toVolume(existing.lv, existing.snapshot, this.prefix), created: false };
      throw error;
    }
  }

  private createVolumeInQueue(cache: VgCache, body: VolumeCreate, id: string, hash: string): Promise<CreateResult<Volume>> {
    return this.mutate(cache, async (): Promise<CreateResult<Volume> | null> => {
      // Again inside the queue: a concurrent retry may have created it meanwhile.
      const again = await this.retriedCreate('volume', id, hash);
      if (again) return { object: toVolume(again.lv, again.snapshot, this.prefix), created: false };
      const snapshot = await cache.read({ anyAge: true });
      const lvName = lvNameFor(this.prefix, 'volume', id);
      if (body.pv !== undefined) await this.requirePvOf(body.vg, body.pv, '/body/pv');
      const tags: ObjectTags = {
        name: body.name,
        createdAt: this.createdAt(),
        multiattach: body.multiattach ?? false,
        requestHash: hash,
        userTags: body.tags ?? [],
      };
      if (body.source_snapshot_id !== undefined) {
        await this.createFromSnapshot(snapshot, lvName, body, body.source_snapshot_id, tags);
      } else if (body.source_volume_id !== undefined) {
        await this.createFromVolume(snapshot, lvName, body, body.source_volume_id, tags);
      } else if ((body.type ?? 'thick') === 'thin') {
        if (body.pv !== undefined) throw pvNotApplicable('the new volume is thin');
        await this.createThin(snapshot, lvName, gibToBytes(body.size_gib!), tags);
      } else {
        const bytes = roundUp(gibToBytes(body.size_gib!), snapshot.vg.vg_extent_size);
        this.checkSpace(snapshot, bytes, `a ${body.size_gib} GiB volume`);
        const tagList = encodeTags(tags);
        await this.lvcreateThick(body.vg, lvName, bytes, tagList, body.pv);
        if (this.config.reread_after_create === 'async') {
          // lvcreate committed exactly this (one atomic commit, sizes rounded up to extents as here).
          const projected: LvRow = {
            vg_name: body.vg, lv_name: lvName, lv_uuid: '', lv_attr: '-wi-------', lv_size: bytes, origin: '', origin_size: null,
            pool_lv: '', data_percent: null, metadata_percent: null, lv_tags: tagList, lv_time: '', devices: '', move_pv: '', copy_percent: null,
          };
          cache.project(projected, bytes);
          this.deferReread = true;
          return { object: toVolume(projected, snapshot, this.prefix), created: true };
        }
      }
      return null;
    }, async (done) => done ?? { object: await this.requireVolumeAfter(cache, id), created: true });
  }

  /** An existing object with this id: the same request returns it, any other is a conflict. A
   *  half-made volume left by a crash (`creating`, not being copied by this process) is removed. */
  private async retriedCreate(kind: ObjectKind, id: string, hash: string): Promise<Found | null> {
    const found = await this.find(kind, id, false, true);
    if (!found) return null;
    const tags = decodeTags(found.lv.lv_tags);
    if (tags.creating && !this.copying.has(found.lv.lv_name)) {
      if (tags.requestHash === hash) {
        this.logger.warn({ lv: found.lv.lv_name }, 'removing a volume left half-made by an earlier run before re-creating it');
        await this.lvm('lvremove', ['-y', `${found.lv.vg_name}/${found.lv.lv_name}`]);
        found.cache.forget(found.lv.lv_name);
        return null;
      }
    }
    if (tags.requestHash === hash) return found;
    throw new AgentError('idempotency_conflict', `a ${kind} with id ${id} already exists with other parameters`);
  }

  /** `pv`: allocate only from this PV (lvcreate's PV argument). */
  private async lvcreateThick(vg: string, lvName: string, bytes: number, tags: string[], pv?: string): Promise<void> {
    await this.lvm('lvcreate', [
      '-y', '-an', '-Zn', '-Wn', '--setautoactivation', 'n', '-L', `${bytes}b`, '-n', lvName, ...addTagArgs(tags), vg, ...(pv ? [pv] : []),
    ]);
  }

  /** A PV of the VG, or a 400 on `pointer` naming the VG's PVs. */
  private async requirePvOf(vg: string, pv: string, pointer: string): Promise<void> {
    const pvs = await this.runner.report('pv', PV_FIELDS, ['-S', `vg_name=${vg}`], pvRow).catch((error: unknown) => { throw toAgentError(error); });
    if (pvs.some((row) => row.pv_name === pv)) return;
    throw new AgentError('bad_request', `${pv} is not a physical volume of volume group ${vg} (its PVs: ${pvs.map((row) => row.pv_name).join(', ')})`, {
      errors: [{ pointer, message: 'not a PV of the volume\'s VG' }],
    });
  }

  private poolConfig(vg: string): { name: string; size_gib: number; create: boolean } {
    const pool = this.vgConfigs.get(vg)?.thin_pool;
    if (!pool) throw new AgentError('not_applicable', `volume group ${vg} has no thin pool configured; thin volumes are not available there`);
    return pool;
  }

  private async ensureThinPool(snapshot: VgSnapshot): Promise<string> {
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
    // lvm2 2.03.16 refuses --setautoactivation for thin pools, thin LVs and snapshots; lvmlockd
    // never auto-activates LVs of a shared VG anyway, and thin snapshots carry the skip flag.
    await this.lvm('lvcreate', ['-y', '-an', '--type', 'thin-pool', '-L', `${bytes}b`, '-n', pool.name, vg]);
    await this.releasePool(vg, pool.name);
    return pool.name;
  }

  private async createThin(snapshot: VgSnapshot, lvName: string, bytes: number, tags: ObjectTags): Promise<void> {
    const vg = snapshot.vg.vg_name;
    const pool = await this.ensureThinPool(snapshot);
    await this.lvm('lvcreate', ['-y', '-an', '--type', 'thin', '-V', `${bytes}b`, '--thinpool', pool, '-n', lvName, ...addTagArgs(encodeTags(tags)), vg]);
    await this.releasePool(vg, pool, snapshot);
  }

  /** Thin operations leave the pool's LV lock held exclusively by this host even with -an (measured
   *  with lvm2 2.03.16), which would keep every other host from using the pool's volumes: give it
   *  back unless a thin LV of the pool is active here. */
  private async releasePool(vg: string, pool: string, snapshot?: VgSnapshot): Promise<void> {
    if (snapshot) {
      for (const lv of snapshot.lvs.values()) if (lv.pool_lv === pool && isActiveHere(lv)) return;
    }
    try {
      await this.lvm('lvchange', ['-an', `${vg}/${pool}`]);
    } catch (error) {
      this.logger.warn({ err: error, vg, pool }, 'could not release the thin pool lock');
    }
  }

  /** New thin volume as a thin snapshot of `sourceLv` (instant; same pool), grown if asked. */
  private async createThinFrom(vg: string, sourceLv: LvRow, lvName: string, bytes: number | undefined, tags: ObjectTags): Promise<void> {
    try {
      await this.lvm('lvcreate', ['-y', '-an', '-kn', '-s', '-n', lvName, ...addTagArgs(encodeTags(tags)), `${vg}/${sourceLv.lv_name}`]);
      if (bytes !== undefined && bytes > sourceLv.lv_size) await this.lvm('lvextend', ['-L', `${bytes}b`, `${vg}/${lvName}`]);
    } finally {
      await this.releasePool(vg, sourceLv.pool_lv);
    }
  }

  /** New thick volume filled by copying `readFrom` (activated through `activate`). The LV is tagged
   *  `creating` until the copy is complete; on failure it is removed. */
  private async createThickCopy(snapshot: VgSnapshot, lvName: string, sizeBytes: number, tags: ObjectTags, activate: LvRow[], readFrom: LvRow, pv?: string): Promise<void> {
    const vg = snapshot.vg.vg_name;
    const bytes = roundUp(sizeBytes, snapshot.vg.vg_extent_size);
    this.checkSpace(snapshot, bytes, 'the new volume');
    const creatingTag = encodeTags({ creating: true });
    this.copying.add(lvName);
    try {
      await this.lvcreateThick(vg, lvName, bytes, [...encodeTags(tags), ...creatingTag], pv);
      let activated: string[] = [];
      try {
        activated = await this.activateExclusive(vg, activate);
        await this.lvm('lvchange', ['-aey', `${vg}/${lvName}`]);
        activated.push(lvName);
        await this.tool(this.dd, [
          `if=${mapperPath(vg, readFrom.lv_name)}`, `of=${mapperPath(vg, lvName)}`, 'bs=4M', 'iflag=direct', 'oflag=direct', 'conv=fsync', 'status=none',
        ]);
      } finally {
        await this.deactivate(vg, activated).catch(() => undefined);
      }
      await this.lvm('lvchange', [...delTagArgs(creatingTag), `${vg}/${lvName}`]);
    } catch (error) {
      await this.lvm('lvremove', ['-y', `${vg}/${lvName}`]).catch((cleanup) => this.logger.error({ err: cleanup, lv: lvName }, 'could not remove a failed copy; it stays listed as creating'));
      throw error;
    } finally {
      this.copying.delete(lvName);
    }
  }

  private async createFromSnapshot(snapshot: VgSnapshot, lvName: string, body: VolumeCreate, snapshotId: string, tags: ObjectTags): Promise<void> {
    const vg = snapshot.vg.vg_name;
    const source = snapshot.lvs.get(lvNameFor(this.prefix, 'snapshot', snapshotId));
    if (!source) throw new AgentError('not_found', `snapshot ${snapshotId} not found in volume group ${vg}`);
    const sourceInfo = toSnapshot(source, this.prefix);
    const wanted = body.size_gib === undefined ? undefined : gibToBytes(body.size_gib);
    if (wanted !== undefined && wanted < sourceInfo.size_bytes) {
      throw new AgentError('shrink_not_supported', `size_gib ${body.size_gib} is smaller than the snapshot (${sourceInfo.size_bytes} bytes)`);
    }
    const type = sourceInfo.type === 'thin' ? 'thin' : 'thick';
    if (body.type !== undefined && body.type !== type) throw new AgentError('not_applicable', `a volume made from a ${sourceInfo.type} snapshot is ${type}, not ${body.type}`);
    tags.source = `snapshot:${snapshotId}`;
    if (type === 'thin' && body.pv !== undefined) throw pvNotApplicable(`snapshot ${snapshotId} is thin, so is the new volume`);
    if (type === 'thin') return this.createThinFrom(vg, source, lvName, wanted, tags);
    const origin = snapshot.lvs.get(source.origin);
    if (!origin) throw new AgentError('lvm_failed', `origin ${source.origin} of snapshot ${snapshotId} not found`);
    return this.createThickCopy(snapshot, lvName, Math.max(wanted ?? 0, sourceInfo.size_bytes), tags, [origin], source, body.pv);
  }

  private async createFromVolume(snapshot: VgSnapshot, lvName: string, body: VolumeCreate, volumeId: string, tags: ObjectTags): Promise<void> {
    const vg = snapshot.vg.vg_name;
    const source = snapshot.lvs.get(lvNameFor(this.prefix, 'volume', volumeId));
    if (!source) throw new AgentError('not_found', `volume ${volumeId} not found in volume group ${vg}`);
    const sourceInfo = toVolume(source, snapshot, this.prefix);
    if (sourceInfo.status !== 'available') throw new AgentError('in_use', `volume ${volumeId} is still being created`);
    const wanted = body.size_gib === undefined ? undefined : gibToBytes(body.size_gib);
    if (wanted !== undefined && wanted < sourceInfo.size_bytes) {
      throw new AgentError('shrink_not_supported', `size_gib ${body.size_gib} is smaller than the source volume (${sourceInfo.size_bytes} bytes)`);
    }
    if (body.type !== undefined && body.type !== sourceInfo.type) throw new AgentError('not_applicable', `a clone of a ${sourceInfo.type} volume is ${sourceInfo.type}, not ${body.type}`);
    tags.source = `volume:${volumeId}`;
    if (sourceInfo.type === 'thin' && body.pv !== undefined) throw pvNotApplicable(`volume ${volumeId} is thin, so is its clone`);
    if (sourceInfo.type === 'thin') return this.createThinFrom(vg, source, lvName, wanted, tags);
    return this.createThickCopy(snapshot, lvName, Math.max(wanted ?? 0, sourceInfo.size_bytes), tags, [source], source, body.pv);
  }

  async updateVolume(id: string, body: VolumeUpdate): Promise<Volume> {
    const found = await this.find('volume', id, false, true);
    if (!found) throw notFound(`volume ${id}`);
    const { cache } = found;
    return this.mutate(cache, async () => {
      const current = await this.findIn(cache, 'volume', id);
      if (!current) throw notFound(`volume ${id}`);
      const { lv, snapshot } = current;
      const vg = lv.vg_name;
      const volume = toVolume(lv, snapshot, this.prefix);
      let extendTo: number | undefined;
      if (body.size_gib !== undefined) {
        const wanted = roundUp(gibToBytes(body.size_gib), snapshot.vg.vg_extent_size);
        if (wanted < lv.lv_size) {
          throw new AgentError('shrink_not_supported', `volume ${id} is ${lv.lv_size} bytes; size_gib ${body.size_gib} (${wanted} bytes) would shrink it. Volumes can only grow: create a new volume instead`, {
            errors: [{ pointer: '/body/size_gib', message: `must be at least ${lv.lv_size / GIB} (the current size)` }],
          });
        }
        if (wanted > lv.lv_size) extendTo = wanted;
        if (extendTo !== undefined && volume.type === 'thick') this.checkSpace(snapshot, extendTo - lv.lv_size, `growing volume ${id}`);
      }
      const tags = decodeTags(lv.lv_tags);
      const oldTags = encodeTags({ name: tags.name, userTags: tags.userTags ?? [] });
      const newTags = encodeTags({ name: body.name ?? tags.name, userTags: body.tags ?? tags.userTags ?? [] });
      const removed = oldTags.filter((tag) => !newTags.includes(tag));
      const added = newTags.filter((tag) => !oldTags.includes(tag));
      if (extendTo !== undefined) await this.lvm('lvextend', ['-L', `${extendTo}b`, `${vg}/${lv.lv_name}`]);
      if (removed.length + added.length > 0) await this.lvm('lvchange', [...delTagArgs(removed), ...addTagArgs(added), `${vg}/${lv.lv_name}`]);
    }, () => this.requireVolumeAfter(cache, id));
  }

  /** Deletes a volume. With a wipe, the LV is renamed out of the way (the volume is gone from the
   *  API and can no longer be attached) and wiped, then removed, by an operation that a restarted
   *  agent resumes; the answer is that operation. */
  async deleteVolume(id: string, wipe: WipeMode = 'none'): Promise<Operation | undefined> {
    const found = await this.find('volume', id, false, true);
    if (!found) throw notFound(`volume ${id}`);
    const { cache } = found;
    this.refuseIfBusy(id);
    const doomed = await this.mutate(cache, async () => {
      // A fresh read: lvremove of a COW origin silently removes its snapshots too (even without
      // --yes), so a snapshot made out of band since the last read must be seen.
      await cache.read({ refresh: true });
      const current = await this.findIn(cache, 'volume', id);
      if (!current) throw notFound(`volume ${id}`);
      const { lv, snapshot } = current;
      const vg = lv.vg_name;
      const volume = toVolume(lv, snapshot, this.prefix);
      if (this.copying.has(lv.lv_name)) throw new AgentError('in_use', `volume ${id} is still being created`);
      this.refuseIfBusy(id);
      const unmanagedCow = [...snapshot.lvs.values()].filter((other) => other.origin === lv.lv_name && lvKind(other.lv_attr).endsWith('snapshot') && !parseLvName(this.prefix, other.lv_name));
      const blocking = [...volume.snapshot_ids, ...unmanagedCow.map((other) => `LV ${other.lv_name}`)];
      if (blocking.length > 0) {
        throw new AgentError('has_snapshots', `volume ${id} has snapshots (${blocking.join(', ')}); delete them first`);
      }
      if (volume.attachments.length > 0) {
        throw new AgentError('has_attachments', `volume ${id} is attached to ${volume.attachments.map((a) => a.host).join(', ')}; detach it first`);
      }
      if (wipe !== 'none' && volume.type === 'thin') {
        throw new AgentError('not_applicable', `wipe=${wipe} applies to thick volumes only; thin volumes never expose old data`, {
          errors: [{ pointer: '/query/wipe', message: 'thick volumes only' }],
        });
      }
      if (wipe !== 'none') {
        const operationId = newOperationId('wipe');
        const workName = workLvName(this.prefix, 'deleting', id);
        await this.lvm('lvrename', [vg, lv.lv_name, workName]);
        cache.forget(lv.lv_name);
        await this.lvm('lvchange', [...addTagArgs(encodeTags({ operation: operationId, wipe })), `${vg}/${workName}`]);
        return { vg, workName, bytes: lv.lv_size, operationId };
      }
      await this.lvm('lvremove', ['-y', `${vg}/${lv.lv_name}`]);
      cache.forget(lv.lv_name);
      if (volume.type === 'thin' && lv.pool_lv) await this.releasePool(vg, lv.pool_lv, snapshot);
      return undefined;
    });
    if (!doomed || wipe === 'none') return undefined;
    return this.startWipe(cache, id, doomed.workName, doomed.bytes, wipe, doomed.operationId, false);
  }

  private startWipe(cache: VgCache, id: string, workName: string, bytes: number, mode: 'zero' | 'discard', operationId: string, resumed: boolean): Operation {
    const vg = cache.vgName;
    return this.operations.start({ kind: 'wipe', volumeId: id, vg, target: mode, host: this.hostName ?? 'control', id: operationId, resumed }, async (progress) => {
      await this.lvm('lvchange', ['-aey', `${vg}/${workName}`]);
      try {
        await wipeBlocks(mapperPath(vg, workName), bytes, mode, progress, { runner: this.runner, blkdiscard: this.blkdiscard, timeoutMs: this.config.copy_timeout_ms });
      } finally {
        await this.deactivate(vg, [workName]);
      }
      // Only now is the space given back (and reported free).
      await this.mutate(cache, async () => {
        await this.lvm('lvremove', ['-y', `${vg}/${workName}`]);
        cache.forget(workName);
      });
    });
  }

  private refuseIfBusy(id: string): void {
    const running = this.operations.runningFor(id);
    if (running) throw new AgentError('in_use', `volume ${id} has a running ${running.kind} operation (${running.id}); wait for it (GET /v1/operations/${running.id})`);
  }

  // ---- long operations: move, retype, and their recovery after a restart ----------------------------

  /** Moves a thick volume's extents onto `pv` (pvmove, online). pvmove needs the LV lock exclusively:
   *  a detached volume (or one attached to this agent's own host) moves here, one attached to another
   *  host moves on that host's agent, a multi-attached one is refused. */
  async moveVolume(id: string, pv: string): Promise<Operation> {
    const found = await this.find('volume', id, true, true);
    if (!found) throw notFound(`volume ${id}`);
    const { lv, snapshot, cache } = found;
    const vg = lv.vg_name;
    const volume = toVolume(lv, snapshot, this.prefix);
    this.refuseIfBusy(id);
    if (volume.status !== 'available') throw new AgentError('in_use', `volume ${id} is still being created`);
    if (volume.type === 'thin') {
      throw new AgentError('not_applicable', `volume ${id} is thin: its data lives in thin pool ${volume.thin_pool}, which is moved as a whole, not per volume`);
    }
    if (volume.attachments.length > 1) {
      throw new AgentError('multi_attached', `volume ${id} is attached to ${volume.attachments.map((a) => a.host).join(' and ')} (shared locks); pvmove needs the LV lock exclusively: detach all but one host first`);
    }
    const holder = volume.attachments[0]?.host;
    const elsewhere = holder !== undefined && holder !== this.hostName ? holder : undefined;
    if (elsewhere !== undefined && !this.holderMover) {
      throw new AgentError('in_use', `volume ${id} is attached to host ${elsewhere}, which holds its LV lock, and this agent has no hosts registered to send the move to: detach it first`);
    }
    await this.requirePvOf(vg, pv, '/body/pv');
    if (movingThrough(lv.devices)) throw new AgentError('in_use', `volume ${id} is already being moved`);
    const sources = devicesPvs(lv.devices).filter((name) => name !== pv);
    const spec = { kind: 'move' as const, volumeId: id, vg, target: pv, host: elsewhere ?? this.hostName ?? 'control' };
    if (sources.length === 0) return this.operations.start(spec, async () => undefined);
    // Recorded on the LV, so that a restarted agent reports the move under this id (lvmpolld may
    // even finish it while no agent runs).
    const operationId = newOperationId('move');
    await this.mutate(cache, () => this.lvm('lvchange', [...addTagArgs(encodeTags({ operation: operationId })), `${vg}/${lv.lv_name}`]));
    return this.operations.start({ ...spec, id: operationId }, (progress) =>
      this.runMove(cache, lv.lv_name, sources.map((from) => ({ from, to: pv })), progress, 'start', operationId, elsewhere));
  }

  /** Moves off each source in turn. Here: activating the LV (exclusively) for it if it is not active;
   *  on `holder`: through that host's agent, where the LV is active. */
  private async runMove(cache: VgCache, lvName: string, steps: MoveSpec[], progress: Progress, mode: 'start' | 'restart' | 'watch', operationId?: string, holder?: string): Promise<void> {
    const vg = cache.vgName;
    let activated: string[] = [];
    let mover: PvMover;
    if (holder !== undefined) {
      mover = this.holderMover!(holder, vg, lvName);
    } else {
      const snapshot = await cache.read({ anyAge: true });
      const current = snapshot.lvs.get(lvName);
      // A resumed move finds the LV active from the earlier run: released again unless attached here.
      const attachedHere = current ? toVolume(current, snapshot, this.prefix).attachments.some((a) => a.host === this.hostName) : false;
      activated = current && !isActiveHere(current) ? await this.activateExclusive(vg, [current]) : mode !== 'start' && !attachedHere ? [lvName] : [];
      mover = localMover(this.runner, vg, lvName);
    }
    try {
      for (const [index, step] of steps.entries()) {
        await moveExtents(mover, step, (percent) => progress(((index + percent / 100) / steps.length) * 100), { pollMs: this.movePollMs }, index === 0 ? mode : 'start');
      }
    } catch (error) {
      throw toAgentError(error);
    } finally {
      if (activated.length > 0) await this.deactivate(vg, activated).catch(() => undefined);
      await this.mutate(cache, async () => {
        this.commandsRun += 1;
        if (operationId) await this.lvm('lvchange', [...delTagArgs(encodeTags({ operation: operationId })), `${vg}/${lvName}`]);
      }).catch((error: unknown) => this.logger.warn({ err: error, lv: lvName }, 'could not clear the operation tag after a move'));
    }
  }

  /** Changes a detached volume's VG and/or type by copying it into a new LV, which then takes the
   *  volume's name. The volume keeps its id, name, tags and creation time. */
  async retypeVolume(id: string, body: VolumeRetype): Promise<Operation> {
    const found = await this.find('volume', id, true, true);
    if (!found) throw notFound(`volume ${id}`);
    const { lv, snapshot, cache: sourceCache } = found;
    const volume = toVolume(lv, snapshot, this.prefix);
    const targetVg = body.vg ?? volume.vg;
    const targetType = body.type ?? volume.type;
    const targetCache = this.caches.get(targetVg);
    if (!targetCache) throw new AgentError('bad_request', `volume group ${targetVg} is not managed by this agent (managed: ${this.vgNames.join(', ')})`, { errors: [{ pointer: '/body/vg', message: 'not managed' }] });
    this.refuseIfBusy(id);
    if (volume.status !== 'available') throw new AgentError('in_use', `volume ${id} is still being created`);
    if (volume.attachments.length > 0) throw new AgentError('has_attachments', `volume ${id} is attached to ${volume.attachments.map((a) => a.host).join(', ')}; a retype copies the data and needs it detached`);
    if (volume.snapshot_ids.length > 0) throw new AgentError('has_snapshots', `volume ${id} has snapshots (${volume.snapshot_ids.join(', ')}); they cannot follow a retype: delete them first`);
    if (targetType === 'thin') this.poolConfig(targetVg);
    const spec = { kind: 'retype' as const, volumeId: id, vg: volume.vg, target: `${targetVg}/${targetType}`, host: this.hostName ?? 'control' };
    if (targetVg === volume.vg && targetType === volume.type) return this.operations.start(spec, async () => undefined);
    const targetSnapshot = await targetCache.read({ refresh: true });
    if (targetType === 'thick') this.checkSpace(targetSnapshot, roundUp(lv.lv_size, targetSnapshot.vg.vg_extent_size), `a copy of volume ${id} in ${targetVg}`);
    const operationId = newOperationId('retype');
    return this.operations.start({ ...spec, id: operationId }, (progress) => this.runRetype(sourceCache, targetCache, lv, targetType, operationId, progress));
  }

  private async runRetype(sourceCache: VgCache, targetCache: VgCache, source: LvRow, targetType: 'thick' | 'thin', operationId: string, progress: Progress): Promise<void> {
    const id = parseLvName(this.prefix, source.lv_name)!.id;
    const targetVg = targetCache.vgName;
    const workName = workLvName(this.prefix, 'retyping', id);
    const keep = decodeTags(source.lv_tags);
    const tags = encodeTags({ ...keep, requestHash: undefined, creating: true, operation: operationId });
    await this.mutate(targetCache, async () => {
      const snapshot = await targetCache.read({ anyAge: true });
      if (targetType === 'thin') {
        const pool = await this.ensureThinPool(snapshot);
        await this.lvm('lvcreate', ['-y', '-an', '--type', 'thin', '-V', `${source.lv_size}b`, '--thinpool', pool, '-n', workName, ...addTagArgs(tags), targetVg]);
      } else {
        await this.lvcreateThick(targetVg, workName, roundUp(source.lv_size, snapshot.vg.vg_extent_size), tags);
      }
    });
    try {
      const activated: { vg: string; name: string }[] = [];
      try {
        await this.lvm('lvchange', ['-aey', `${source.vg_name}/${source.lv_name}`]);
        activated.push({ vg: source.vg_name, name: source.lv_name });
        await this.lvm('lvchange', ['-aey', `${targetVg}/${workName}`]);
        activated.push({ vg: targetVg, name: workName });
        await copyBlocks(mapperPath(source.vg_name, source.lv_name), mapperPath(targetVg, workName), source.lv_size, (p) => progress(p * 0.95), {
          runner: this.runner, dd: this.dd, sparse: targetType === 'thin', timeoutMs: this.config.copy_timeout_ms,
        });
      } finally {
        for (const { vg, name } of activated.reverse()) await this.deactivate(vg, [name]).catch(() => undefined);
        if (targetType === 'thin') await this.releasePool(targetVg, this.poolConfig(targetVg).name);
      }
      await this.mutate(targetCache, () => this.lvm('lvchange', [...delTagArgs(encodeTags({ creating: true })), `${targetVg}/${workName}`]));
    } catch (error) {
      await this.mutate(targetCache, async () => {
        await this.lvm('lvremove', ['-y', `${targetVg}/${workName}`]);
        targetCache.forget(workName);
      }).catch((cleanup: unknown) => this.logger.error({ err: cleanup, lv: workName }, 'could not remove a failed retype copy'));
      throw error;
    }
    await this.finishRetype(sourceCache, targetCache, source, workName, operationId);
  }

  /** The copy is complete: the old LV goes, the copy takes the volume's name. */
  private async finishRetype(sourceCache: VgCache | undefined, targetCache: VgCache, source: LvRow | undefined, workName: string, operationId: string): Promise<void> {
    const id = parseWorkLvName(this.prefix, workName)!.id;
    if (sourceCache && source) {
      await this.mutate(sourceCache, async () => {
        await this.lvm('lvremove', ['-y', `${source.vg_name}/${source.lv_name}`]);
        sourceCache.forget(source.lv_name);
        if (source.pool_lv) await this.releasePool(source.vg_name, source.pool_lv);
      });
    }
    const volumeName = lvNameFor(this.prefix, 'volume', id);
    await this.mutate(targetCache, async () => {
      await this.lvm('lvrename', [targetCache.vgName, workName, volumeName]);
      targetCache.forget(workName);
      await this.lvm('lvchange', [...delTagArgs(encodeTags({ operation: operationId })), `${targetCache.vgName}/${volumeName}`]);
    });
  }

  /** Start-up: picks up what an earlier run left in LVM. Moves of LVs active here are tracked again
   *  (and handed to lvmpolld again if nobody polls them); wipes start over; a retype whose copy was
   *  complete is finished, one caught mid-copy is undone (the volume is unchanged) and reported. */
  async resumeOperations(): Promise<Operation[]> {
    const resumed: Operation[] = [];
    for (const cache of this.caches.values()) {
      const rows = await this.runner.report('lv', LV_FIELDS, ['-a', cache.vgName], lvRow).catch((error: unknown) => {
        this.logger.error({ err: error, vg: cache.vgName }, 'could not read the VG to resume interrupted operations');
        return [] as LvRow[];
      });
      for (const row of rows) {
        try {
          const op = await this.resumeOne(cache, row, rows);
          if (op) resumed.push(op);
        } catch (error) {
          this.logger.error({ err: error, lv: row.lv_name }, 'could not resume an interrupted operation');
        }
      }
    }
    return resumed;
  }

  private async resumeOne(cache: VgCache, row: LvRow, rows: LvRow[]): Promise<Operation | undefined> {
    const vg = cache.vgName;
    const tags = decodeTags(row.lv_tags);
    const host = this.hostName ?? 'control';
    const volume = parseLvName(this.prefix, row.lv_name);
    const through = movingThrough(row.devices);
    if (volume?.kind === 'volume' && (through || tags.operation)) {
      // The host a move runs on: the one the volume is attached to, else this agent's.
      const snapshot = await cache.read({ anyAge: true });
      const holders = toVolume(snapshot.lvs.get(row.lv_name) ?? row, snapshot, this.prefix).attachments.map((a) => a.host);
      const elsewhere = holders.length === 1 && holders[0] !== this.hostName ? holders[0] : undefined;
      const operationId = tags.operation ?? newOperationId('move');
      const spec = { kind: 'move' as const, volumeId: volume.id, vg, host: elsewhere ?? host, resumed: true, id: operationId };
      if (!through) {
        // lvmpolld finished the move while no agent ran: report it done, clear the record.
        await this.mutate(cache, () => this.lvm('lvchange', [...delTagArgs(encodeTags({ operation: operationId })), `${vg}/${row.lv_name}`]));
        return this.operations.start({ ...spec, target: devicesPvs(row.devices).join(',') || null }, async () => undefined);
      }
      const mover = rows.find((other) => other.lv_name === `[${through}]`);
      const from = mover?.move_pv || devicesPvs(mover?.devices ?? '')[0] || '';
      if (isActiveHere(row)) {
        return this.operations.start({ ...spec, host, target: null }, (progress) => this.runMove(cache, row.lv_name, [{ from }], progress, 'restart', tags.operation));
      }
      // Active on the host it is attached to: that host's lvmpolld still polls it; watch it there.
      if (elsewhere === undefined || !this.holderMover) {
        this.logger.warn({ lv: row.lv_name, holders }, 'an LV of ours is being moved but is not active here and has no one holder to ask: the move belongs to the host that has it active');
        return undefined;
      }
      return this.operations.start({ ...spec, target: null }, (progress) => this.runMove(cache, row.lv_name, [{ from }], progress, 'watch', tags.operation, elsewhere));
    }
    const work = parseWorkLvName(this.prefix, row.lv_name);
    if (work?.kind === 'deleting' && tags.wipe) {
      return this.startWipe(cache, work.id, row.lv_name, row.lv_size, tags.wipe, tags.operation ?? newOperationId('wipe'), true);
    }
    if (work?.kind === 'retyping') {
      const operationId = tags.operation ?? newOperationId('retype');
      const spec = { kind: 'retype' as const, volumeId: work.id, vg, target: vg, host, id: operationId, resumed: true };
      if (tags.creating) {
        await this.mutate(cache, async () => {
          await this.lvm('lvremove', ['-y', `${vg}/${row.lv_name}`]);
          cache.forget(row.lv_name);
        });
        return this.operations.record(spec, new AgentError('internal', `the agent restarted while volume ${work.id} was being copied; the half-made copy was removed and the volume is unchanged: retype it again`));
      }
      const source = await this.find('volume', work.id, true, true);
      return this.operations.start(spec, () => this.finishRetype(source?.cache, cache, source?.lv, row.lv_name, operationId));
    }
    return undefined;
  }

  async revertVolume(id: string, snapshotId: string): Promise<Volume> {
    const found = await this.find('volume', id, false, true);
    if (!found) throw notFound(`volume ${id}`);
    const { cache } = found;
    return this.mutate(cache, async () => {
      const current = await this.findIn(cache, 'volume', id);
      if (!current) throw notFound(`volume ${id}`);
      const { lv, snapshot } = current;
      const vg = lv.vg_name;
      const volume = toVolume(lv, snapshot, this.prefix);
      const snap = snapshot.lvs.get(lvNameFor(this.prefix, 'snapshot', snapshotId));
      if (!snap) throw new AgentError('not_found', `snapshot ${snapshotId} not found`, { errors: [{ pointer: '/body/snapshot_id', message: 'not found' }] });
      if (snap.origin !== lv.lv_name) {
        throw new AgentError('not_applicable', `snapshot ${snapshotId} is not a snapshot of volume ${id}`, { errors: [{ pointer: '/body/snapshot_id', message: 'not a snapshot of this volume' }] });
      }
      if (volume.attachments.length > 0) throw new AgentError('has_attachments', `volume ${id} is attached; detach it before reverting`);
      if (isActiveHere(lv)) throw new AgentError('in_use', `volume ${id} is active on this host; deactivate it before reverting`);
      if (volume.type === 'thin') {
        // Origin inactive: lvm swaps the thin devices in the pool metadata at once.
        await this.lvm('lvconvert', ['--merge', `${vg}/${snap.lv_name}`]);
        await this.releasePool(vg, lv.pool_lv, snapshot);
      } else {
        // Taking the origin exclusively both proves no other host uses it and lets the merge run now;
        // lvconvert then waits until the merge is complete.
        await this.lvm('lvchange', ['-aey', `${vg}/${lv.lv_name}`]);
        try {
          await this.lvm('lvconvert', ['--merge', '-i', '1', `${vg}/${snap.lv_name}`], { timeoutMs: this.config.copy_timeout_ms });
        } finally {
          await this.deactivate(vg, [lv.lv_name]);
        }
      }
      cache.forget(snap.lv_name);
    }, () => this.requireVolumeAfter(cache, id));
  }

  async manageVolume(body: VolumeManage): Promise<Volume> {
    const cache = this.cacheFor(body.vg);
    const problem = lvNameProblem(body.lv_name);
    if (problem) throw new AgentError('bad_request', `lv_name ${problem}`, { errors: [{ pointer: '/body/lv_name', message: problem }] });
    return this.mutate(cache, async () => {
      const snapshot = await cache.read({ refresh: true });
      const lv = snapshot.lvs.get(body.lv_name);
      if (!lv) throw new AgentError('not_found', `LV ${body.vg}/${body.lv_name} not found`, { errors: [{ pointer: '/body/lv_name', message: 'not found' }] });
      if (parseLvName(this.prefix, lv.lv_name)) throw new AgentError('already_exists', `LV ${body.vg}/${body.lv_name} is already managed`);
      const kind = lvKind(lv.lv_attr);
      if (kind !== 'linear' && kind !== 'thin' && kind !== 'origin') {
        throw new AgentError('not_applicable', `LV ${body.vg}/${body.lv_name} is a ${kind}; only plain and thin volumes can be managed`);
      }
      const id = body.id ?? newId();
      const lvName = lvNameFor(this.prefix, 'volume', id);
      if (snapshot.lvs.has(lvName) || (await this.find('volume', id, false, true))) throw new AgentError('already_exists', `a volume with id ${id} already exists`);
      const stale = lv.lv_tags.filter(isAgentTag);
      const tags = encodeTags({ name: body.name ?? body.lv_name, createdAt: this.createdAt(), source: `adopted:${body.lv_name}` });
      await this.lvm('lvrename', [body.vg, body.lv_name, lvName]);
      await this.lvm('lvchange', ['--setautoactivation', 'n', ...delTagArgs(stale), ...addTagArgs(tags), `${body.vg}/${lvName}`]);
      return id;
    }, (id) => this.requireVolumeAfter(cache, id));
  }

  async unmanageVolume(id: string, lvNameWanted?: string): Promise<{ vg: string; lv_name: string; path: string }> {
    const found = await this.find('volume', id, false, true);
    if (!found) throw notFound(`volume ${id}`);
    const { cache } = found;
    return this.mutate(cache, async () => {
      const current = await this.findIn(cache, 'volume', id);
      if (!current) throw notFound(`volume ${id}`);
      const { lv, snapshot } = current;
      const vg = lv.vg_name;
      const volume = toVolume(lv, snapshot, this.prefix);
      if (volume.snapshot_ids.length > 0) throw new AgentError('has_snapshots', `volume ${id} has snapshots; delete them before unmanaging`);
      if (volume.attachments.length > 0) throw new AgentError('has_attachments', `volume ${id} is attached; detach it before unmanaging`);
      const target = lvNameWanted ?? volume.name;
      const problem = lvNameProblem(target);
      if (problem) throw new AgentError('bad_request', `LV name ${JSON.stringify(target)} ${problem}; give lv_name`, { errors: [{ pointer: '/body/lv_name', message: problem }] });
      if (parseLvName(this.prefix, target)) throw new AgentError('bad_request', `LV name ${target} is in the agent's own naming scheme`, { errors: [{ pointer: '/body/lv_name', message: 'reserved' }] });
      if (snapshot.lvs.has(target)) throw new AgentError('already_exists', `LV ${vg}/${target} already exists`, { errors: [{ pointer: '/body/lv_name', message: 'exists' }] });
      await this.lvm('lvrename', [vg, lv.lv_name, target]);
      cache.forget(lv.lv_name);
      const ours = lv.lv_tags.filter(isAgentTag);
      if (ours.length > 0) await this.lvm('lvchange', [...delTagArgs(ours), `${vg}/${target}`]);
      return { vg, lv_name: target, path: `/dev/${vg}/${target}` };
    });
  }

  // ---- snapshots ------------------------------------------------------------------------------------

  async createSnapshot(body: SnapshotCreate, idempotencyKey?: string): Promise<CreateResult<Snapshot>> {
    const found = await this.find('volume', body.volume_id, false, true);
    if (!found) throw new AgentError('not_found', `volume ${body.volume_id} not found`, { errors: [{ pointer: '/body/volume_id', message: 'not found' }] });
    const { cache } = found;
    const id = body.id ?? (idempotencyKey !== undefined ? idFromIdempotencyKey('snapshot', idempotencyKey) : newId());
    const hash = requestHash({ volume_id: body.volume_id, name: body.name, cow_size_gib: body.cow_size_gib });
    const retried = await this.retriedCreate('snapshot', id, hash);
    if (retried) return { object: toSnapshot(retried.lv, this.prefix), created: false };
    return this.mutate(cache, async (): Promise<CreateResult<Snapshot> | null> => {
      const again = await this.retriedCreate('snapshot', id, hash);
      if (again) return { object: toSnapshot(again.lv, this.prefix), created: false };
      const current = await this.findIn(cache, 'volume', body.volume_id);
      if (!current) throw notFound(`volume ${body.volume_id}`);
      const { lv, snapshot } = current;
      const vg = lv.vg_name;
      const volume = toVolume(lv, snapshot, this.prefix);
      if (volume.status !== 'available') throw new AgentError('in_use', `volume ${body.volume_id} is still being created`);
      const lvName = lvNameFor(this.prefix, 'snapshot', id);
      const tags = encodeTags({ name: body.name, createdAt: this.createdAt(), source: `volume:${body.volume_id}`, requestHash: hash });
      const common = ['-y', '-s', '-n', lvName, ...addTagArgs(tags)];
      if (volume.type === 'thin') {
        if (body.cow_size_gib !== undefined) throw new AgentError('not_applicable', 'cow_size_gib applies to snapshots of thick volumes only', { errors: [{ pointer: '/body/cow_size_gib', message: 'thick volumes only' }] });
        await this.lvm('lvcreate', ['-an', ...common, `${vg}/${lv.lv_name}`]);
        await this.releasePool(vg, lv.pool_lv, snapshot);
      } else {
        const cow = roundUp(body.cow_size_gib === undefined ? lv.lv_size : gibToBytes(body.cow_size_gib), snapshot.vg.vg_extent_size);
        this.checkSpace(snapshot, cow, 'the snapshot COW store');
        await this.lvm('lvcreate', [...common, '-L', `${cow}b`, `${vg}/${lv.lv_name}`]);
      }
      return null;
    }, async (done) => done ?? { object: await this.requireSnapshotAfter(cache, id), created: true });
  }

  async deleteSnapshot(id: string): Promise<void> {
    const found = await this.find('snapshot', id, false, true);
    if (!found) throw notFound(`snapshot ${id}`);
    const { cache } = found;
    await this.mutate(cache, async () => {
      const current = await this.findIn(cache, 'snapshot', id);
      if (!current) throw notFound(`snapshot ${id}`);
      const { lv, snapshot } = current;
      const vg = lv.vg_name;
      const kind = lvKind(lv.lv_attr);
      if (kind === 'merging-snapshot') throw new AgentError('in_use', `snapshot ${id} is being merged into its volume`);
      if (kind === 'cow-snapshot') {
        // Removing a COW snapshot while its origin is active on another host corrupts data (lvm2
        // 2.03.16 allows it). Holding the origin exclusively here first proves nobody else has it.
        const origin = snapshot.lvs.get(lv.origin);
        const activated = origin ? await this.activateExclusive(vg, [origin]) : [];
        try {
          await this.lvm('lvremove', ['-y', `${vg}/${lv.lv_name}`]);
        } finally {
          await this.deactivate(vg, activated);
        }
      } else {
        await this.lvm('lvremove', ['-y', `${vg}/${lv.lv_name}`]);
        if (lv.pool_lv) await this.releasePool(vg, lv.pool_lv, snapshot);
      }
      cache.forget(lv.lv_name);
    });
  }

  /** Snapshot LVs of a volume (for hooks such as the attachment API). */
  snapshotsOfVolume(snapshot: VgSnapshot, lvName: string): LvRow[] {
    return snapshotsOf(snapshot, this.prefix, lvName);
  }

  /** Runs `work` alone in the VG's mutation queue (metadata changes made by other modules, such as
   *  attachment tags), then re-reads the VG. */
  inVgQueue<T>(vg: string, work: (cache: VgCache) => Promise<T>): Promise<T> {
    const cache = this.cacheFor(vg);
    return this.mutate(cache, () => {
      this.commandsRun += 1;
      return work(cache);
    });
  }
}
