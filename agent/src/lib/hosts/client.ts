// How the control agent reaches host agents: over HTTP with the host's bearer token (a client typed
// from the OpenAPI document's paths), or in-process for this agent's own host in `all` mode. A host's
// problem+json comes back as the same AgentError code, its detail prefixed with the host name.
import createClient from 'openapi-fetch';
import type { components, paths } from '../../../../openapi/generated/types.js';
import type { AgentConfig } from '../config/schema.js';
import { AgentError, ERROR_CODES, type ErrorCode } from '../errors.js';
import type { PvMover } from '../operations/work.js';
import type { ActivateRequest, HostLockStatus, HostMoveStatus, HostService, HostVolume } from '../host/activation.js';
import { createSnapshotOfHeld, deleteSnapshotOfHeld, extendHeld, revertHeld, startMoveHeld } from '../host/holder-ops.js';

type HostSnapshotCreate = components['schemas']['HostSnapshotCreate'];
type HostMoveStart = components['schemas']['HostMoveStart'];
export type RegisteredHost = components['schemas']['RegisteredHost'];

/** What the control agent asks of a host agent. */
export interface HostAgent {
  readonly name: string;
  activate(vg: string, lv: string, request: ActivateRequest): Promise<HostVolume>;
  deactivate(vg: string, lv: string): Promise<HostVolume>;
  refresh(vg: string, lv: string): Promise<HostVolume>;
  extend(vg: string, lv: string, sizeBytes: number): Promise<HostVolume>;
  createSnapshot(vg: string, lv: string, body: HostSnapshotCreate): Promise<HostVolume>;
  deleteSnapshot(vg: string, lv: string, snapshot: string): Promise<void>;
  revert(vg: string, lv: string, snapshot: string): Promise<HostVolume>;
  startMove(vg: string, lv: string, body: HostMoveStart): Promise<HostMoveStatus>;
  moveStatus(vg: string, lv: string): Promise<HostMoveStatus>;
  lockStatus(): Promise<HostLockStatus>;
}

export class LocalHostAgent implements HostAgent {
  constructor(
    readonly name: string,
    private readonly host: HostService,
    private readonly copyTimeoutMs: number,
  ) {}

  activate(vg: string, lv: string, request: ActivateRequest) { return this.host.activate(vg, lv, request); }
  deactivate(vg: string, lv: string) { return this.host.deactivate(vg, lv); }
  refresh(vg: string, lv: string) { return this.host.refresh(vg, lv); }
  extend(vg: string, lv: string, sizeBytes: number) { return extendHeld(this.host, vg, lv, sizeBytes); }
  createSnapshot(vg: string, lv: string, body: HostSnapshotCreate) { return createSnapshotOfHeld(this.host, vg, lv, body); }
  deleteSnapshot(vg: string, lv: string, snapshot: string) { return deleteSnapshotOfHeld(this.host, vg, lv, snapshot); }
  revert(vg: string, lv: string, snapshot: string) { return revertHeld(this.host, vg, lv, snapshot, this.copyTimeoutMs); }
  startMove(vg: string, lv: string, body: HostMoveStart) { return startMoveHeld(this.host, vg, lv, body); }
  moveStatus(vg: string, lv: string) { return this.host.moveStatus(vg, lv); }
  lockStatus() { return this.host.lockStatus(); }
}

interface FetchResult<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

export class HttpHostAgent implements HostAgent {
  private readonly client: ReturnType<typeof createClient<paths>>;

  constructor(
    readonly name: string,
    readonly url: string,
    token: string,
    private readonly timeoutMs: number,
  ) {
    this.client = createClient<paths>({ baseUrl: url.replace(/\/+$/, ''), headers: { authorization: `Bearer ${token}` } });
  }

  /** Runs one call; turns a problem+json answer or a network failure into an AgentError. */
  private async call<T>(what: string, send: (signal: AbortSignal) => Promise<FetchResult<T>>): Promise<T> {
    let result: FetchResult<T>;
    try {
      result = await send(AbortSignal.timeout(this.timeoutMs));
    } catch (error) {
      const reason = (error as Error).name === 'TimeoutError' ? `no answer within ${this.timeoutMs} ms` : ((error as Error & { cause?: Error }).cause?.message ?? (error as Error).message);
      throw new AgentError('host_unreachable', `host ${this.name} (${this.url}): ${what} failed: ${reason}`, { cause: error });
    }
    if (result.response.ok) return result.data as T;
    const problem = (result.error ?? {}) as { code?: string; detail?: string; title?: string; lvm?: AgentError['lvm'] };
    const code = problem.code && problem.code in ERROR_CODES ? (problem.code as ErrorCode) : 'host_unreachable';
    const detail = problem.detail ?? problem.title ?? `HTTP ${result.response.status}`;
    throw new AgentError(code, `host ${this.name}: ${detail}`, problem.lvm ? { lvm: problem.lvm } : {});
  }

  activate(vg: string, lv: string, request: ActivateRequest): Promise<HostVolume> {
    return this.call(`activate ${vg}/${lv}`, (signal) =>
      this.client.POST('/v1/host/volumes/{vg}/{lv}/activate', { params: { path: { vg, lv } }, body: request, signal }));
  }

  deactivate(vg: string, lv: string): Promise<HostVolume> {
    return this.call(`deactivate ${vg}/${lv}`, (signal) =>
      this.client.POST('/v1/host/volumes/{vg}/{lv}/deactivate', { params: { path: { vg, lv } }, signal }));
  }

  refresh(vg: string, lv: string): Promise<HostVolume> {
    return this.call(`refresh ${vg}/${lv}`, (signal) =>
      this.client.POST('/v1/host/volumes/{vg}/{lv}/refresh', { params: { path: { vg, lv } }, signal }));
  }

  extend(vg: string, lv: string, sizeBytes: number): Promise<HostVolume> {
    return this.call(`extend ${vg}/${lv}`, (signal) =>
      this.client.POST('/v1/host/volumes/{vg}/{lv}/extend', { params: { path: { vg, lv } }, body: { size_bytes: sizeBytes }, signal }));
  }

  createSnapshot(vg: string, lv: string, body: HostSnapshotCreate): Promise<HostVolume> {
    return this.call(`snapshot ${vg}/${lv}`, (signal) =>
      this.client.POST('/v1/host/volumes/{vg}/{lv}/snapshots', { params: { path: { vg, lv } }, body, signal }));
  }

  async deleteSnapshot(vg: string, lv: string, snapshot: string): Promise<void> {
    await this.call(`remove snapshot ${vg}/${snapshot}`, (signal) =>
      this.client.DELETE('/v1/host/volumes/{vg}/{lv}/snapshots/{snapshot}', { params: { path: { vg, lv, snapshot } }, signal }));
  }

  revert(vg: string, lv: string, snapshot: string): Promise<HostVolume> {
    return this.call(`revert ${vg}/${lv}`, (signal) =>
      this.client.POST('/v1/host/volumes/{vg}/{lv}/revert', { params: { path: { vg, lv } }, body: { snapshot_lv_name: snapshot }, signal }));
  }

  startMove(vg: string, lv: string, body: HostMoveStart): Promise<HostMoveStatus> {
    return this.call(`pvmove ${vg}/${lv}`, (signal) =>
      this.client.POST('/v1/host/volumes/{vg}/{lv}/pvmove', { params: { path: { vg, lv } }, body, signal }));
  }

  moveStatus(vg: string, lv: string): Promise<HostMoveStatus> {
    return this.call(`pvmove progress of ${vg}/${lv}`, (signal) =>
      this.client.GET('/v1/host/volumes/{vg}/{lv}/pvmove', { params: { path: { vg, lv } }, signal }));
  }

  lockStatus(): Promise<HostLockStatus> {
    return this.call('lock status', (signal) => this.client.GET('/v1/host/locks', { signal }));
  }
}

/** The hosts of the control agent's config, plus this agent itself in `all` mode. */
export class HostRegistry {
  private readonly agents = new Map<string, HostAgent>();
  private readonly described: RegisteredHost[] = [];

  /** `others`: agents reached some other way (tests use in-memory ones). */
  constructor(config: AgentConfig, local?: LocalHostAgent, others: HostAgent[] = []) {
    if (local) {
      this.agents.set(local.name, local);
      this.described.push({ name: local.name, url: null, local: true });
    }
    for (const agent of others) {
      this.agents.set(agent.name, agent);
      this.described.push({ name: agent.name, url: null, local: false });
    }
    for (const host of config.hosts) {
      if (this.agents.has(host.name)) continue; // this agent itself, also listed: call it in-process
      this.agents.set(host.name, new HttpHostAgent(host.name, host.url, host.token, config.host_agent.call_timeout_ms));
      this.described.push({ name: host.name, url: host.url, local: false });
    }
  }

  list(): RegisteredHost[] {
    return [...this.described];
  }

  /** The host agent called `name`, or a 404 naming the registered ones (`pointer` names the input). */
  get(name: string, pointer = '/body/host'): HostAgent {
    const agent = this.agents.get(name);
    if (!agent) {
      const known = [...this.agents.keys()].join(', ') || 'none';
      throw new AgentError('not_found', `host ${name} is not registered with this control agent (registered: ${known})`, { errors: [{ pointer, message: 'unknown host' }] });
    }
    return agent;
  }
}

/** A pvmove run by the host agent that holds the LV (lvmlockd lets only the exclusive lock's holder
 *  move it); progress comes from that host, the only one where the pvmove LV is active. */
export function holderMover(agent: HostAgent, vg: string, lv: string): PvMover {
  return {
    start: async (spec) => {
      await agent.startMove(vg, lv, spec);
    },
    status: async () => {
      const status = await agent.moveStatus(vg, lv);
      return { moving: status.moving, percent: status.percent, movePv: status.move_pv, pvs: status.pvs };
    },
  };
}
