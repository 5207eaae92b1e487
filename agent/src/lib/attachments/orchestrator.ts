// The control agent's attachment orchestration. The records (LV tags) are the intent: they are written
// before any host acts and removed only after the host released the LV, so a restarted host agent
// re-acquires exactly what is recorded for it, and the control agent never activates a volume on a
// host it is not attached to. Lock modes follow the records: exclusive for a single attachment,
// shared for several; conversions happen in place on the holders (ex->sh before a second host joins,
// sh->ex when one remains). Operations that lvmlockd allows only under the exclusive LV lock (extend,
// snapshot create/delete, revert) of an attached volume run on the holding host's agent.
import type { Logger } from 'pino';
import type { components } from '../../../../openapi/generated/types.js';
import type { AgentConfig } from '../config/schema.js';
import { AgentError, notFound } from '../errors.js';
import { sharedActivationProblem } from '../host/activation.js';
import type { HostRegistry } from '../hosts/client.js';
import { lvKind } from '../lvm/attr.js';
import { Lvm } from '../lvm/commands.js';
import type { Runner } from '../lvm/runner.js';
import { parseLvName } from '../volumes/ids.js';
import type { Attachment, Snapshot, Volume } from '../volumes/model.js';
import type { CreateResult, VolumeService } from '../volumes/service.js';
import { HolderChanges, type AttachedContext } from './holder-changes.js';
import { lockModeFor, toMigration, toRecord, type AttachedLv, type AttachmentRecord, type Migration } from './model.js';
import { attachmentTag, attachmentsFromTags, migrationFromTags, migrationTag } from './tags.js';

type AttachmentCreate = components['schemas']['AttachmentCreate'];
type MigrationCreate = components['schemas']['MigrationCreate'];
type VolumeUpdate = components['schemas']['VolumeUpdate'];
type SnapshotCreate = components['schemas']['SnapshotCreate'];

type Context = AttachedContext;

export interface AttachmentServiceOptions {
  config: AgentConfig;
  volumes: VolumeService;
  runner: Runner;
  /** The agent's one Lvm (with its write observer); a new one over `runner` when not given. */
  lvm?: Lvm;
  hosts: HostRegistry;
  logger: Logger;
  now?: () => Date;
}

export class AttachmentService {
  private readonly volumes: VolumeService;
  private readonly lvm: Lvm;
  readonly hosts: HostRegistry;
  private readonly logger: Logger;
  private readonly config: AgentConfig;
  private readonly now: () => Date;
  private readonly holderChanges: HolderChanges;

  constructor(options: AttachmentServiceOptions) {
    this.config = options.config;
    this.volumes = options.volumes;
    this.lvm = options.lvm ?? new Lvm(options.runner);
    this.hosts = options.hosts;
    this.logger = options.logger;
    this.now = options.now ?? (() => new Date());
    this.holderChanges = new HolderChanges({
      config: this.config, volumes: this.volumes, hosts: this.hosts, now: this.now,
      context: (volumeId, pointer) => this.context(volumeId, pointer),
      bestEffort: (what, step) => this.bestEffort(what, step),
    });
  }

  private get sanlock(): boolean {
    return this.config.lock_type === 'sanlock';
  }

  // ---- reading the records ------------------------------------------------------------------------

  /** The volume with its records, re-read from LVM (decisions are never taken on a stale cache). */
  private async context(volumeId: string, pointer?: string): Promise<Context> {
    let volume: Volume;
    try {
      volume = await this.volumes.getVolume(volumeId, true);
    } catch (error) {
      if (error instanceof AgentError && error.code === 'not_found' && pointer) {
        throw new AgentError('not_found', error.message, { errors: [{ pointer, message: 'not found' }] });
      }
      throw error;
    }
    const snapshot = await this.volumes.cacheFor(volume.vg).read();
    const lv = snapshot.lvs.get(volume.lv_name);
    if (!lv) throw notFound(`volume ${volumeId}`);
    return {
      volume, lv, lvs: snapshot.lvs, volumeId, vg: volume.vg, lvName: volume.lv_name,
      attachments: attachmentsFromTags(lv.lv_tags), migration: migrationFromTags(lv.lv_tags),
    };
  }

  private async attachedLvs(refresh: boolean): Promise<AttachedLv[]> {
    const out: AttachedLv[] = [];
    for (const vg of this.volumes.vgNames) {
      const snapshot = await this.volumes.cacheFor(vg).read({ refresh });
      for (const lv of snapshot.lvs.values()) {
        const parsed = parseLvName(this.config.lv_prefix, lv.lv_name);
        if (parsed?.kind !== 'volume') continue;
        const attachments = attachmentsFromTags(lv.lv_tags);
        if (attachments.length === 0) continue;
        out.push({ volumeId: parsed.id, vg, lvName: lv.lv_name, attachments, migration: migrationFromTags(lv.lv_tags) });
      }
    }
    return out;
  }

  async list(filter: { volume_id?: string; host?: string; refresh?: boolean }): Promise<AttachmentRecord[]> {
    const records: AttachmentRecord[] = [];
    for (const lv of await this.attachedLvs(filter.refresh ?? false)) {
      if (filter.volume_id !== undefined && lv.volumeId !== filter.volume_id) continue;
      for (const attachment of lv.attachments) {
        if (filter.host !== undefined && attachment.host !== filter.host) continue;
        records.push(toRecord(lv, attachment));
      }
    }
    return records.sort((a, b) => a.id.localeCompare(b.id));
  }

  async get(volumeId: string, host: string, refresh = false): Promise<AttachmentRecord> {
    const [record] = await this.list({ volume_id: volumeId, host, refresh });
    if (!record) throw notFound(`attachment of volume ${volumeId} to host ${host}`);
    return record;
  }

  async listMigrations(): Promise<Migration[]> {
    return (await this.attachedLvs(false)).map(toMigration).filter((m): m is Migration => m !== null);
  }

  // ---- tags -------------------------------------------------------------------------------------------

  private async changeTags(ctx: Context, add: string[], remove: string[]): Promise<void> {
    await this.volumes.inVgQueue(ctx.vg, () => this.lvm.changeTags(ctx.vg, ctx.lvName, { add, remove }));
  }

  /** Runs a clean-up step after a failure; its own failure is logged, never thrown over the first. */
  private async bestEffort(what: string, step: () => Promise<unknown>): Promise<void> {
    try {
      await step();
    } catch (error) {
      this.logger.error({ err: error }, `${what} failed while undoing a failed attachment change`);
    }
  }

  /** Why this volume cannot be held shared (by several hosts), or null. */
  private sharedProblem(ctx: Context): string | null {
    const problem = sharedActivationProblem(lvKind(ctx.lv.lv_attr));
    if (problem) return problem;
    if (ctx.volume.snapshot_ids.length > 0) return sharedActivationProblem('origin');
    return null;
  }

  /** Thin volumes of one pool can be active on one host only (the pool's lock). */
  private checkThinPool(ctx: Context, host: string): void {
    const pool = ctx.lv.pool_lv;
    if (lvKind(ctx.lv.lv_attr) !== 'thin' || !pool) return;
    for (const other of ctx.lvs.values()) {
      if (other.pool_lv !== pool || other.lv_name === ctx.lvName) continue;
      const elsewhere = attachmentsFromTags(other.lv_tags).filter((a) => a.host !== host);
      if (elsewhere.length > 0) {
        const id = parseLvName(this.config.lv_prefix, other.lv_name)?.id ?? other.lv_name;
        throw new AgentError('thin_pool_busy', `thin pool ${pool} is active on host ${elsewhere.map((a) => a.host).join(', ')} (volume ${id} is attached there); the thin volumes of one pool share the pool's exclusive lock, so they can be attached to that host only`);
      }
    }
  }

  // ---- attach / detach ----------------------------------------------------------------------------

  attach(body: AttachmentCreate): Promise<CreateResult<AttachmentRecord>> {
    const agent = this.hosts.get(body.host);
    const mode = body.mode ?? 'rw';
    return this.volumes.withVolume(body.volume_id, async () => {
      const ctx = await this.context(body.volume_id, '/body/volume_id');
      if (ctx.volume.status !== 'available') throw new AgentError('in_use', `volume ${body.volume_id} is still being created`);
      this.refuseDuringOperation(body.volume_id);
      const existing = ctx.attachments.find((a) => a.host === body.host);
      if (existing) {
        if (existing.mode !== mode) {
          throw new AgentError('already_exists', `volume ${body.volume_id} is attached to host ${body.host} in mode ${existing.mode}; detach it to change the mode`, { errors: [{ pointer: '/body/mode', message: `attached as ${existing.mode}` }] });
        }
        // Idempotent repeat: make sure the host really holds it (it may have restarted meanwhile).
        if (!ctx.migration) await agent.activate(ctx.vg, ctx.lvName, { lock: lockModeFor(ctx.attachments.length), access: mode });
        return { object: toRecord(ctx, existing), created: false };
      }
      if (ctx.migration) throw new AgentError('migration_in_progress', `volume ${body.volume_id} is moving from ${ctx.migration.from} to ${ctx.migration.to}; complete or abort that first`);
      const others = ctx.attachments;
      if (others.length > 0) {
        if (!ctx.volume.multiattach) {
          throw new AgentError('not_multiattach', `volume ${body.volume_id} is attached to ${others.map((a) => a.host).join(', ')} and was not created with multiattach; detach it first or use a multiattach volume`);
        }
        const problem = this.sharedProblem(ctx);
        if (problem) throw new AgentError('shared_activation_refused', `volume ${body.volume_id} cannot be attached to a second host: that needs shared activation, and ${problem}`);
      }
      this.checkThinPool(ctx, body.host);

      const attachment: Attachment = { host: body.host, mode };
      await this.changeTags(ctx, [attachmentTag(attachment)], []);
      let converted = false;
      try {
        if (others.length > 0) {
          for (const other of others) await this.hosts.get(other.host).activate(ctx.vg, ctx.lvName, { lock: 'shared', access: other.mode });
          converted = true;
        }
        await agent.activate(ctx.vg, ctx.lvName, { lock: lockModeFor(others.length + 1), access: mode });
      } catch (error) {
        await this.bestEffort(`deactivating ${ctx.lvName} on ${body.host}`, () => agent.deactivate(ctx.vg, ctx.lvName));
        await this.bestEffort('removing the attachment record', () => this.changeTags(ctx, [], [attachmentTag(attachment)]));
        if (converted && others.length === 1) {
          const [only] = others;
          await this.bestEffort(`returning ${only!.host} to exclusive`, () => this.hosts.get(only!.host).activate(ctx.vg, ctx.lvName, { lock: 'exclusive', access: only!.mode }));
        }
        throw error;
      }
      this.logger.info({ volume: body.volume_id, host: body.host, mode, attachments: others.length + 1 }, 'attached');
      const after = { ...ctx, attachments: [...others, attachment] };
      return { object: toRecord(after, attachment), created: true };
    });
  }

  detach(volumeId: string, host: string, force = false): Promise<void> {
    return this.volumes.withVolume(volumeId, async () => {
      const ctx = await this.context(volumeId);
      const attachment = ctx.attachments.find((a) => a.host === host);
      if (!attachment) throw notFound(`attachment of volume ${volumeId} to host ${host}`);
      if (ctx.migration && (ctx.migration.from === host || ctx.migration.to === host)) {
        throw new AgentError('migration_in_progress', `volume ${volumeId} is moving from ${ctx.migration.from} to ${ctx.migration.to}; complete or abort the move first`);
      }
      try {
        await this.hosts.get(host, '/path/host').deactivate(ctx.vg, ctx.lvName);
      } catch (error) {
        // A dead (or no longer registered) host cannot answer: `force` drops its record anyway.
        const unreachable = error instanceof AgentError && (error.code === 'host_unreachable' || error.errors?.[0]?.pointer === '/path/host');
        if (!(force && unreachable)) throw error;
        this.logger.warn({ err: error, volume: volumeId, host }, 'forced detach: dropping the record of an unreachable host');
      }
      await this.changeTags(ctx, [], [attachmentTag(attachment)]);
      const remaining = ctx.attachments.filter((a) => a !== attachment);
      if (remaining.length === 1 && this.sanlock) await this.backToExclusive(ctx, remaining[0]!);
      this.logger.info({ volume: volumeId, host, remaining: remaining.length }, 'detached');
    });
  }

  /** One holder left: convert its shared lock to exclusive in place (it stays shared if that fails). */
  private async backToExclusive(ctx: Context, attachment: Attachment): Promise<void> {
    try {
      await this.hosts.get(attachment.host).activate(ctx.vg, ctx.lvName, { lock: 'exclusive', access: attachment.mode });
    } catch (error) {
      this.logger.warn({ err: error, volume: ctx.volumeId, host: attachment.host }, 'could not convert the remaining attachment to exclusive; it stays shared until its host restores it');
    }
  }

  // ---- live migration hand-off ----------------------------------------------------------------------

  /** A move or retype owns the volume's activation until it ends (it activates and deactivates it). */
  private refuseDuringOperation(volumeId: string): void {
    const running = this.volumes.operations.runningFor(volumeId);
    if (running) throw new AgentError('in_use', `volume ${volumeId} has a running ${running.kind} operation (${running.id}); attach it when that has ended`);
  }

  startMigration(body: MigrationCreate): Promise<Migration> {
    const target = this.hosts.get(body.to_host, '/body/to_host');
    return this.volumes.withVolume(body.volume_id, async () => {
      const ctx = await this.context(body.volume_id, '/body/volume_id');
      this.refuseDuringOperation(body.volume_id);
      if (ctx.migration) throw new AgentError('migration_in_progress', `volume ${body.volume_id} is already moving from ${ctx.migration.from} to ${ctx.migration.to}`);
      let from = body.from_host;
      if (from === undefined) {
        if (ctx.attachments.length !== 1) {
          throw new AgentError('bad_request', `volume ${body.volume_id} has ${ctx.attachments.length} attachments; give from_host`, { errors: [{ pointer: '/body/from_host', message: 'required here' }] });
        }
        from = ctx.attachments[0]!.host;
      }
      const source = ctx.attachments.find((a) => a.host === from);
      if (!source) throw new AgentError('not_found', `volume ${body.volume_id} is not attached to host ${from}`, { errors: [{ pointer: '/body/from_host', message: 'not attached there' }] });
      if (ctx.attachments.some((a) => a.host === body.to_host)) throw new AgentError('already_exists', `volume ${body.volume_id} is already attached to host ${body.to_host}`);
      const problem = this.sharedProblem(ctx);
      if (problem) throw new AgentError('shared_activation_refused', `volume ${body.volume_id} cannot move live: the hand-off holds it shared on both hosts, and ${problem}; detach and attach instead`);
      this.checkThinPool(ctx, body.to_host);

      const arriving: Attachment = { host: body.to_host, mode: source.mode };
      const record = { from, to: body.to_host };
      await this.changeTags(ctx, [attachmentTag(arriving), migrationTag(record)], []);
      try {
        for (const holder of ctx.attachments) await this.hosts.get(holder.host).activate(ctx.vg, ctx.lvName, { lock: 'shared', access: holder.mode });
        await target.activate(ctx.vg, ctx.lvName, { lock: 'shared', access: arriving.mode });
      } catch (error) {
        await this.bestEffort(`deactivating on ${body.to_host}`, () => target.deactivate(ctx.vg, ctx.lvName));
        await this.bestEffort('removing the move records', () => this.changeTags(ctx, [], [attachmentTag(arriving), migrationTag(record)]));
        if (ctx.attachments.length === 1) await this.backToExclusive(ctx, source);
        throw error;
      }
      this.logger.info({ volume: body.volume_id, from, to: body.to_host }, 'migration started: shared on both hosts');
      return toMigration({ ...ctx, attachments: [...ctx.attachments, arriving], migration: record })!;
    });
  }

  /** Ends a move: `complete` releases the source, `abort` the target; the one left may go exclusive. */
  finishMigration(volumeId: string, outcome: 'complete' | 'abort'): Promise<AttachmentRecord> {
    return this.volumes.withVolume(volumeId, async () => {
      const ctx = await this.context(volumeId);
      if (!ctx.migration) throw notFound(`migration of volume ${volumeId}`);
      const { from, to } = ctx.migration;
      const leaving = ctx.attachments.find((a) => a.host === (outcome === 'complete' ? from : to));
      const staying = ctx.attachments.find((a) => a.host === (outcome === 'complete' ? to : from));
      if (!leaving || !staying) throw new AgentError('internal', `the records of the move of ${volumeId} are incomplete (${ctx.attachments.map((a) => a.host).join(', ')})`);
      // The leaving host must have closed the device (the hypervisor finished or gave up): else 409.
      await this.hosts.get(leaving.host).deactivate(ctx.vg, ctx.lvName);
      await this.changeTags(ctx, [], [attachmentTag(leaving), migrationTag(ctx.migration)]);
      const remaining = ctx.attachments.filter((a) => a !== leaving);
      if (remaining.length === 1 && this.sanlock) await this.backToExclusive(ctx, staying);
      this.logger.info({ volume: volumeId, from, to, outcome }, 'migration finished');
      return toRecord({ ...ctx, attachments: remaining, migration: null }, staying);
    });
  }

  // ---- operations that need the LV lock: run on the holder (holder-changes.ts) --------------------

  updateVolume(id: string, body: VolumeUpdate): Promise<Volume> {
    return this.holderChanges.updateVolume(id, body);
  }

  createSnapshot(body: SnapshotCreate, idempotencyKey?: string): Promise<CreateResult<Snapshot>> {
    return this.holderChanges.createSnapshot(body, idempotencyKey);
  }

  deleteSnapshot(id: string): Promise<void> {
    return this.holderChanges.deleteSnapshot(id);
  }

  revertVolume(id: string, snapshotId: string): Promise<Volume> {
    return this.holderChanges.revertVolume(id, snapshotId);
  }
}
