// Prometheus metrics of one agent instance (own registry, so tests can run several apps).
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

const LATENCY_BUCKETS = [0.001, 0.005, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 120];

export class AgentMetrics {
  readonly registry = new Registry();
  readonly httpDuration = new Histogram({
    name: 'sharedlvm_http_request_duration_seconds',
    help: 'HTTP request latency per API operation',
    labelNames: ['operation', 'method', 'status'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });
  readonly commandCalls = new Counter({
    name: 'sharedlvm_lvm_calls_total',
    help: 'External commands run (lvm subcommands, dd, blkdiscard) by result',
    labelNames: ['command', 'result'] as const,
    registers: [this.registry],
  });
  readonly commandDuration = new Histogram({
    name: 'sharedlvm_lvm_call_duration_seconds',
    help: 'Duration of external commands (lvm subcommands, dd, blkdiscard)',
    labelNames: ['command'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });
  readonly cacheReads = new Counter({
    name: 'sharedlvm_cache_reads_total',
    help: 'Reads answered from the VG cache (hit) or after re-reading LVM (miss)',
    labelNames: ['result'] as const,
    registers: [this.registry],
  });
  readonly reconcileSteps = new Counter({
    name: 'sharedlvm_reconcile_steps_total',
    help: 'Changes made by the reconciler (start-up and POST /v1/reconcile), by action',
    labelNames: ['action'] as const,
    registers: [this.registry],
  });

  constructor(options: { defaultMetrics?: boolean } = {}) {
    if (options.defaultMetrics) collectDefaultMetrics({ register: this.registry });
  }

  /** Observer for the Runner. */
  readonly observeCommand = (event: { command: string; ok: boolean; seconds: number }): void => {
    this.commandCalls.inc({ command: event.command, result: event.ok ? 'ok' : 'error' });
    this.commandDuration.observe({ command: event.command }, event.seconds);
  };
}
