// Long operations (move, retype, wipe): each runs in the background with an id, a state and a
// percentage, and is listed and polled over the API. The registry is this process's view; what must
// survive a restart is in LVM itself (a pvmove LV, a `del-`/`rt-` LV and its tags), from which the
// volume service rebuilds running operations at start-up (`resumed: true`).
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { components } from '../../../../openapi/generated/types.js';
import { AgentError } from '../errors.js';
import { toProblem } from '../problem.js';
import { toAgentError } from '../lvm/errors.js';

export type Operation = components['schemas']['Operation'];
export type OperationKind = Operation['kind'];

export interface OperationStart {
  kind: OperationKind;
  volumeId: string;
  vg: string;
  target: string | null;
  host: string;
  resumed?: boolean;
  /** Operation id to reuse (one recorded in LVM by an earlier run). */
  id?: string;
}

/** What the work reports back while it runs. */
export interface Progress {
  (percent: number): void;
}

const KEEP_FINISHED = 200;

/** The operation's `error`: the same problem document the API would have answered with. */
function problemFor(error: unknown, instance: string): Operation['error'] {
  const converted = toAgentError(error);
  const agentError = converted instanceof AgentError ? converted : new AgentError('internal', (converted as Error)?.message ?? String(converted));
  return toProblem(agentError, instance) as Operation['error'];
}

export function newOperationId(kind: OperationKind): string {
  return `op-${kind}-${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
}

export class OperationRegistry {
  private readonly operations = new Map<string, Operation>();
  private readonly running = new Map<string, Promise<void>>();
  /** Volumes claimed by an operation that is being checked and set up (see reserve). */
  private readonly reserved = new Map<string, { id: string; kind: OperationKind; at: string }>();

  /** Claims `volumeId` for an operation about to start, synchronously (before the caller's first
   *  await), so every other change of the volume sees it busy from this moment. Returns the id the
   *  operation will have; `release` gives the claim back when the operation does not start. */
  reserve(volumeId: string, kind: OperationKind): string {
    const busy = this.runningFor(volumeId);
    if (busy) throw new AgentError('in_use', `volume ${volumeId} has a running ${busy.kind} operation (${busy.id})`);
    const id = newOperationId(kind);
    this.reserved.set(volumeId, { id, kind, at: this.now().toISOString() });
    return id;
  }

  release(volumeId: string, id: string): void {
    if (this.reserved.get(volumeId)?.id === id) this.reserved.delete(volumeId);
  }

  constructor(private readonly logger: Logger, private readonly now: () => Date = () => new Date()) {}

  /** Registers the operation and runs `work` in the background; returns the record at once. */
  start(spec: OperationStart, work: (progress: Progress) => Promise<void>): Operation {
    if (spec.id !== undefined) this.release(spec.volumeId, spec.id);
    const busy = this.runningFor(spec.volumeId);
    if (busy) throw new AgentError('in_use', `volume ${spec.volumeId} has a running ${busy.kind} operation (${busy.id})`);
    const operation: Operation = {
      id: spec.id ?? newOperationId(spec.kind),
      kind: spec.kind,
      volume_id: spec.volumeId,
      vg: spec.vg,
      target: spec.target,
      host: spec.host,
      state: 'running',
      percent: 0,
      started_at: this.now().toISOString(),
      finished_at: null,
      resumed: spec.resumed ?? false,
      error: null,
    };
    this.operations.set(operation.id, operation);
    this.logger.info({ operation: operation.id, kind: operation.kind, volume: operation.volume_id, target: operation.target, resumed: operation.resumed }, 'operation started');
    const progress: Progress = (percent) => {
      if (operation.state === 'running') operation.percent = Math.max(operation.percent, Math.min(100, Math.round(percent * 100) / 100));
    };
    const done = (async () => {
      try {
        await work(progress);
        operation.state = 'succeeded';
        operation.percent = 100;
      } catch (error) {
        operation.state = 'failed';
        operation.error = problemFor(error, `/v1/operations/${operation.id}`);
        this.logger.error({ operation: operation.id, err: error }, 'operation failed');
      } finally {
        operation.finished_at = this.now().toISOString();
        this.running.delete(operation.id);
        this.logger.info({ operation: operation.id, state: operation.state, seconds: (Date.parse(operation.finished_at) - Date.parse(operation.started_at)) / 1000 }, 'operation finished');
        this.trim();
      }
    })();
    this.running.set(operation.id, done);
    return { ...operation };
  }

  /** Records an operation that already ended (e.g. one an earlier run left and that could not go on). */
  record(spec: OperationStart, error: unknown): Operation {
    const at = this.now().toISOString();
    const operation: Operation = {
      id: spec.id ?? newOperationId(spec.kind), kind: spec.kind, volume_id: spec.volumeId, vg: spec.vg, target: spec.target,
      host: spec.host, state: 'failed', percent: 0, started_at: at, finished_at: at, resumed: spec.resumed ?? false,
      error: problemFor(error, '/v1/operations'),
    };
    this.operations.set(operation.id, operation);
    this.trim();
    return { ...operation };
  }

  get(id: string): Operation {
    const operation = this.operations.get(id);
    if (!operation) throw new AgentError('not_found', `operation ${id} not found (this agent keeps the last ${KEEP_FINISHED} finished operations)`);
    return { ...operation };
  }

  list(filter: { volumeId?: string; state?: Operation['state'] } = {}): Operation[] {
    return [...this.operations.values()]
      .filter((op) => (filter.volumeId === undefined || op.volume_id === filter.volumeId) && (filter.state === undefined || op.state === filter.state))
      .sort((a, b) => b.started_at.localeCompare(a.started_at) || b.id.localeCompare(a.id))
      .map((op) => ({ ...op }));
  }

  runningFor(volumeId: string): Operation | undefined {
    for (const op of this.operations.values()) if (op.volume_id === volumeId && op.state === 'running') return op;
    const claim = this.reserved.get(volumeId);
    if (!claim) return undefined;
    return {
      id: claim.id, kind: claim.kind, volume_id: volumeId, vg: '', target: null, host: '', state: 'running', percent: 0,
      started_at: claim.at, finished_at: null, resumed: false, error: null,
    };
  }

  /** Resolves when the operation has ended (tests, shutdown). */
  async settled(id: string): Promise<Operation> {
    await this.running.get(id);
    return this.get(id);
  }

  get runningCount(): number {
    return this.running.size;
  }

  private trim(): void {
    const finished = [...this.operations.values()].filter((op) => op.state !== 'running').sort((a, b) => a.started_at.localeCompare(b.started_at));
    for (const op of finished.slice(0, Math.max(0, finished.length - KEEP_FINISHED))) this.operations.delete(op.id);
  }
}
