// The one place that assembles an agent: runner, services, host registry, handler set and app, for
// main.ts (startAgent) and for every test that runs an agent in-process. What a test may replace is
// in AgentDeps; everything else is built exactly as production builds it.
import type express from 'express';
import { pino, type Logger } from 'pino';
import { AttachmentService } from '../attachments/orchestrator.js';
import type { AgentConfig } from '../config/schema.js';
import { HostService } from '../host/activation.js';
import { holderMover, HostRegistry, LocalHostAgent, type HostAgent } from '../hosts/client.js';
import { createApp } from '../http/app.js';
import type { HandlerMap } from '../http/handlers/types.js';
import { Lvm, type WriteObserver } from '../lvm/commands.js';
import { Runner } from '../lvm/runner.js';
import { AgentMetrics } from '../metrics/registry.js';
import { loadSpec, type OpenApiDocument } from '../openapi/spec.js';
import { VolumeService } from '../volumes/service.js';
import { handlerSet, type AgentParts } from './handler-set.js';

export interface AgentDeps {
  /** Default: pino at the configured level. */
  logger?: Logger;
  /** Default: a fresh registry without the process metrics (main.ts asks for those). */
  metrics?: AgentMetrics;
  /** dd and blkdiscard for data copies and wipes (default: from PATH). */
  tools?: { dd?: string; blkdiscard?: string };
  /** The clock of the services. */
  now?: () => Date;
  /** Poll interval of a running pvmove (default: lvmpolld's 2 s). */
  movePollMs?: number;
  /** Host agents the control agent reaches in-process besides the configured ones (tests' stand-ins
   *  for remote hosts). */
  hostAgents?: readonly HostAgent[];
  /** Default: openapi/sharedlvm.yaml. */
  spec?: OpenApiDocument;
  /** Reported by /healthz. */
  version?: string;
  /** Sees every metadata- or lock-changing lvm command of every service (the test-only fault hook). */
  onLvmWrite?: WriteObserver;
}

export interface Agent {
  readonly config: AgentConfig;
  readonly logger: Logger;
  readonly metrics: AgentMetrics;
  readonly runner: Runner;
  /** The typed lvm layer the host and attachment services share (writes reach deps.onLvmWrite). */
  readonly lvm: Lvm;
  readonly parts: AgentParts;
  /** The VolumeService (every mode). */
  readonly volumes: VolumeService;
  /** This host's activation service (host and all mode). */
  readonly host: HostService | undefined;
  /** The attachment orchestrator (control and all mode). */
  readonly attachments: AttachmentService | undefined;
  readonly handlers: HandlerMap;
  readonly app: express.Express;
}

export function buildAgent(config: AgentConfig, deps: AgentDeps = {}): Agent {
  const base = { service: 'sharedlvm-agent', mode: config.mode };
  const logger = deps.logger ?? pino({ level: config.log_level, base });
  const metrics = deps.metrics ?? new AgentMetrics();
  const runner = new Runner({
    lvmPath: config.lvm.path,
    timeoutMs: config.lvm.timeout_ms,
    observe: (event) => {
      metrics.observeCommand(event);
      logger.debug({ command: event.command, ok: event.ok, ms: Math.round(event.seconds * 1000) }, 'command');
    },
    ...(config.lvm.config ? { lvmConfig: config.lvm.config } : {}),
  });
  const lvm = new Lvm(runner, deps.onLvmWrite);
  const parts = buildParts(config, { ...deps, logger, metrics, runner, lvm });
  const handlers = handlerSet(parts, { logger, copyTimeoutMs: config.copy_timeout_ms });
  const app = createApp({
    mode: config.mode,
    tokens: config.tokens,
    bodyLimitBytes: config.body_limit_bytes,
    spec: deps.spec ?? loadSpec(),
    handlers,
    metrics,
    logger,
    ...(deps.version ? { version: deps.version } : {}),
  });
  const host = parts.mode === 'control' ? undefined : parts.host;
  const attachments = parts.mode === 'host' ? undefined : parts.attachments;
  return { config, logger, metrics, runner, lvm, parts, volumes: parts.volumes, host, attachments, handlers, app };
}

type Built = AgentDeps & { logger: Logger; metrics: AgentMetrics; runner: Runner; lvm: Lvm };

/** The services of the configured mode: host mode activates here, control mode orchestrates the hosts,
 *  all mode does both and reaches its own host in-process. */
function buildParts(config: AgentConfig, deps: Built): AgentParts {
  const { logger, runner, lvm } = deps;
  const volumesWith = (hostName?: string) => new VolumeService({
    config,
    runner,
    logger,
    onCacheRead: (hit) => deps.metrics.cacheReads.inc({ result: hit ? 'hit' : 'miss' }),
    onReconcileStep: (step) => deps.metrics.reconcileSteps.inc({ action: step.action }),
    ...(deps.tools ? { tools: deps.tools } : {}),
    ...(deps.now ? { now: deps.now } : {}),
    ...(deps.movePollMs !== undefined ? { movePollMs: deps.movePollMs } : {}),
    ...(deps.onLvmWrite ? { onLvmWrite: deps.onLvmWrite } : {}),
    ...(hostName ? { hostName } : {}),
  });
  if (config.mode === 'host') {
    return { mode: 'host', volumes: volumesWith(), host: new HostService({ config, runner, lvm, logger }) };
  }

  const host = config.mode === 'all' ? new HostService({ config, runner, lvm, logger }) : undefined;
  const volumes = volumesWith(host?.hostName);
  const local = host ? new LocalHostAgent(host.hostName, host, config.copy_timeout_ms) : undefined;
  const hosts = new HostRegistry(config, local, [...(deps.hostAgents ?? [])]);
  volumes.useHolderMover((name, vg, lv) => holderMover(hosts.get(name), vg, lv));
  const clock = deps.now ? { now: deps.now } : {};
  const attachments = new AttachmentService({ config, volumes, runner, lvm, logger, hosts, ...clock });
  return host ? { mode: 'all', volumes, attachments, host } : { mode: 'control', volumes, attachments };
}
