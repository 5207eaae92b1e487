// In-memory view of one VG (its vgs row and every LV), so reads cost no lvm call. It is re-read after
// every mutation (the agent's own changes are visible at once), periodically and when older than the
// TTL (changes made out of band show up), and on ?refresh=true. A re-read that started before a mutation finished is
// never stored, so a volume the agent just deleted cannot come back from a stale report.
import { AgentError } from '../errors.js';
import { toAgentError } from '../lvm/errors.js';
import { LV_FIELDS, VG_FIELDS, lvRow, vgRow, type LvRow, type VgRow } from '../lvm/report.js';
import type { Runner } from '../lvm/runner.js';
import { z } from 'zod';

export interface VgSnapshot {
  vg: VgRow;
  /** Visible LVs by name (hidden sub-LVs such as [lvmlock] or [pool_tdata] are left out). */
  lvs: Map<string, LvRow>;
  fetchedAt: number;
}

/** A report this many TTLs old is still served while a background re-read runs. */
const STALE_FACTOR = 3;

// One `lvs -a` carries the VG fields on every row: a single lvm call re-reads the whole VG.
const combinedRow = lvRow.extend(vgRow.shape);
const COMBINED_FIELDS = [...LV_FIELDS, ...VG_FIELDS.filter((field) => field !== 'vg_name')];

export class VgCache {
  private snapshot: VgSnapshot | undefined;
  private generation = 0;
  private inflight: { generation: number; promise: Promise<VgSnapshot> } | undefined;
  private mutations = 0;

  constructor(
    readonly vgName: string,
    private readonly runner: Runner,
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
      const rows = await this.runner.report('lv', COMBINED_FIELDS, ['-a', this.vgName], combinedRow);
      const first = rows[0];
      const vg = first ? pickVg(first) : await this.fetchVgOnly();
      const lvs = new Map<string, LvRow>();
      for (const row of rows) {
        if (row.lv_name.startsWith('[')) continue;
        lvs.set(row.lv_name, pickLv(row));
      }
      return { vg, lvs, fetchedAt };
    } catch (error) {
      const converted = toAgentError(error);
      if (converted instanceof AgentError && converted.code === 'not_found') {
        throw new AgentError('not_found', `volume group ${this.vgName} not found on this host`, { ...(converted.lvm ? { lvm: converted.lvm } : {}) });
      }
      throw converted;
    }
  }

  private async fetchVgOnly(): Promise<VgRow> {
    const rows = await this.runner.report('vg', VG_FIELDS, [this.vgName], vgRow);
    const row = rows[0];
    if (!row) throw new AgentError('not_found', `volume group ${this.vgName} not found on this host`);
    return row;
  }
}

function pickVg(row: z.infer<typeof combinedRow>): VgRow {
  const vg = {} as Record<string, unknown>;
  for (const field of VG_FIELDS) vg[field] = row[field];
  return vg as VgRow;
}

function pickLv(row: z.infer<typeof combinedRow>): LvRow {
  const lv = {} as Record<string, unknown>;
  for (const field of LV_FIELDS) lv[field] = row[field];
  return lv as LvRow;
}
