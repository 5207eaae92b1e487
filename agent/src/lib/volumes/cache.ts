// In-memory view of one VG (its vgs row and every LV), so reads cost no lvm call. It is re-read after
// every mutation (the agent's own changes are visible at once), periodically and when older than the
// TTL (changes made out of band show up), and on ?refresh=true. A re-read that started before a mutation finished is
// never stored, so a volume the agent just deleted cannot come back from a stale report.
import { AgentError } from '../errors.js';
import type { Lvm } from '../lvm/commands.js';
import type { LvRow, VgRow } from '../lvm/report.js';

export interface VgSnapshot {
  vg: VgRow;
  /** Visible LVs by name (hidden sub-LVs such as [lvmlock] or [pool_tdata] are left out). */
  lvs: Map<string, LvRow>;
  fetchedAt: number;
}

/** A report this many TTLs old is still served while a background re-read runs. */
const STALE_FACTOR = 3;

export class VgCache {
  private snapshot: VgSnapshot | undefined;
  private generation = 0;
  private inflight: { generation: number; promise: Promise<VgSnapshot> } | undefined;
  private mutations = 0;

  /** `lvm`: the agent's one Lvm (its reports: vgReport, vgs). */
  constructor(
    readonly vgName: string,
    private readonly lvm: Lvm,
    private readonly ttlMs: number,
    private readonly onRead: (hit: boolean) => void = () => {},
  ) {}

  /** The VG as cached (`anyAge`: whatever is cached, for writers). Within the TTL: the cache. Older (up to STALE_FACTOR x TTL): the cache, and a
   *  re-read starts in the background, so a read never waits for lvm in normal operation. Older
   *  still, never read, or `refresh`: re-read first. */
  async read(options: { refresh?: boolean; anyAge?: boolean } = {}): Promise<VgSnapshot> {
    const current = this.snapshot;
    // Writers check against what they have (lvm enforces the rest) and never start a re-read that
    // their own lvm command would then have to wait for.
    if (options.anyAge && current && !options.refresh) return current;
    const age = current ? Date.now() - current.fetchedAt : Infinity;
    if (!options.refresh && current && age < this.ttlMs) {
      this.onRead(true);
      return current;
    }
    if (!options.refresh && current && age < this.ttlMs * STALE_FACTOR) {
      this.onRead(true);
      if (this.mutations === 0) this.reload().catch(() => undefined);
      return current;
    }
    this.onRead(false);
    return this.reload();
  }

  /** Age of the cached report in ms (Infinity when there is none). */
  age(): number {
    return this.snapshot ? Date.now() - this.snapshot.fetchedAt : Infinity;
  }

  /** Re-reads the VG; concurrent callers of the same generation share one lvm call. */
  reload(): Promise<VgSnapshot> {
    if (this.inflight && this.inflight.generation === this.generation) return this.inflight.promise;
    const generation = this.generation;
    const promise = this.fetch().then((snapshot) => {
      if (generation === this.generation) this.snapshot = snapshot;
      return snapshot;
    });
    this.inflight = { generation, promise };
    void promise.then(
      () => this.clearInflight(promise),
      () => this.clearInflight(promise),
    );
    return promise;
  }

  /** Marks the start and the end of a mutation: re-reads begun before are not stored. */
  bumpGeneration(): void {
    this.generation += 1;
  }

  /** A mutation is about to run: let a re-read in flight finish first (its lvs would otherwise
   *  hold the VG lock while lvcreate waits for it) and start no background re-read until it ends. */
  async beginMutation(): Promise<void> {
    this.mutations += 1;
    const inflight = this.inflight?.promise;
    if (inflight) await inflight.catch(() => undefined);
    this.bumpGeneration();
  }

  endMutation(): void {
    this.mutations -= 1;
    this.bumpGeneration();
  }

  /** True while a mutation runs (the periodic refresh then waits). */
  get mutating(): boolean {
    return this.mutations > 0;
  }

  /** Forgets an LV the agent removed, before the re-read confirms it. */
  forget(lvName: string): void {
    this.snapshot?.lvs.delete(lvName);
  }

  /** Puts an LV the agent just created into the cache before the re-read confirms it (async mode),
   *  taking its extents from the free space. */
  project(lv: LvRow, allocatedBytes: number): void {
    if (!this.snapshot) return;
    this.snapshot.lvs.set(lv.lv_name, lv);
    this.snapshot.vg = { ...this.snapshot.vg, vg_free: this.snapshot.vg.vg_free - allocatedBytes, lv_count: this.snapshot.vg.lv_count + 1 };
  }

  invalidate(): void {
    this.snapshot = undefined;
    this.bumpGeneration();
  }

  private clearInflight(promise: Promise<VgSnapshot>): void {
    if (this.inflight?.promise === promise) this.inflight = undefined;
  }

  private async fetch(): Promise<VgSnapshot> {
    const fetchedAt = Date.now();
    try {
      // One `lvs -a` re-reads the whole VG; `vgs` only when the VG has no LV (no row to carry it).
      const report = await this.lvm.vgReport(this.vgName);
      const vg = report.vg ?? (await this.fetchVgOnly());
      const lvs = new Map<string, LvRow>();
      for (const row of report.lvs) {
        if (row.lv_name.startsWith('[')) continue;
        lvs.set(row.lv_name, row);
      }
      return { vg, lvs, fetchedAt };
    } catch (error) {
      if (error instanceof AgentError && error.code === 'not_found') {
        throw new AgentError('not_found', `volume group ${this.vgName} not found on this host`, { ...(error.lvm ? { lvm: error.lvm } : {}) });
      }
      throw error;
    }
  }

  private async fetchVgOnly(): Promise<VgRow> {
    const row = (await this.lvm.vgs(this.vgName))[0];
    if (!row) throw new AgentError('not_found', `volume group ${this.vgName} not found on this host`);
    return row;
  }
}
