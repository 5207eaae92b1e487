#!/usr/bin/env node
// sharedlvm-agent: the REST agent for LVM volume groups on shared storage.
//   --mode control  the single writer of VG metadata (volumes, snapshots, capacity)
//   --mode host     activation only; refuses every metadata-changing route with 403
//   --mode all      both
import { readFileSync, realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { pino } from 'pino';
import { ConfigError, USAGE, loadConfig } from './lib/config/load.js';
import type { AgentConfig } from './lib/config/schema.js';
import { createApp } from './lib/http/app.js';
import { apiHandlers } from './lib/http/handlers.js';
import { Runner } from './lib/lvm/runner.js';
import { AgentMetrics } from './lib/metrics/registry.js';
import { loadSpec } from './lib/openapi/spec.js';
import { VolumeService } from './lib/volumes/service.js';
import { AttachmentService } from './lib/attachments/orchestrator.js';
import { HostService } from './lib/host/activation.js';
import { runRestoreCommand } from './lib/host/restore-command.js';
import { restoreHost } from './lib/host/restore.js';
import { holderMover, HostRegistry, LocalHostAgent } from './lib/hosts/client.js';
import { hostHandlers } from './lib/http/host-handlers.js';

export const VERSION = '0.1.0';

export interface RunningAgent {
  server: Server;
  service: VolumeService;
  close(): Promise<void>;
}

function splitListen(listen: string): { host: string; port: number } {
  const colon = listen.lastIndexOf(':');
  return { host: listen.slice(0, colon).replace(/^\[|\]$/g, ''), port: Number(listen.slice(colon + 1)) };
}

export async function startAgent(config: AgentConfig): Promise<RunningAgent> {
  const logger = pino({ level: config.log_level, base: { service: 'sharedlvm-agent', mode: config.mode } });
  const metrics = new AgentMetrics({ defaultMetrics: true });
  const runner = new Runner({
    lvmPath: config.lvm.path,
    timeoutMs: config.lvm.timeout_ms,
    observe: (event) => {
      metrics.observeCommand(event);
      logger.debug({ command: event.command, ok: event.ok, ms: Math.round(event.seconds * 1000) }, 'command');
    },
    ...(config.lvm.config ? { lvmConfig: config.lvm.config } : {}),
  });
  // Host mode (and all): activation on this host.
  const host = config.mode === 'control' ? undefined : new HostService({ config, runner, logger });
  const service = new VolumeService({
    config,
    runner,
    logger,
    onCacheRead: (hit) => metrics.cacheReads.inc({ result: hit ? 'hit' : 'miss' }),
    ...(config.mode === 'all' && host ? { hostName: host.hostName } : {}),
  });
  // Control mode (and all): attachments over the hosts.
  const hosts = config.mode === 'host' ? undefined : new HostRegistry(config, host ? new LocalHostAgent(host.hostName, host, config.copy_timeout_ms) : undefined);
  const attachments = hosts ? new AttachmentService({ config, volumes: service, runner, logger, hosts }) : undefined;
  if (hosts) service.useHolderMover((name, vg, lv) => holderMover(hosts.get(name), vg, lv));
  const app = createApp({
    mode: config.mode,
    tokens: config.tokens,
    bodyLimitBytes: config.body_limit_bytes,
    spec: loadSpec(),
    handlers: { ...apiHandlers(service), ...hostHandlers({ mode: config.mode, logger, copyTimeoutMs: config.copy_timeout_ms, ...(host ? { host } : {}), ...(attachments ? { attachments } : {}) }) },
    metrics,
    logger,
    version: VERSION,
  });
  const server = config.tls
    ? createHttpsServer({ cert: readFileSync(config.tls.cert), key: readFileSync(config.tls.key) }, app)
    : createHttpServer(app);
  server.requestTimeout = 0; // data copies can take long; lvm commands have their own timeouts
  server.headersTimeout = 30_000;

  // Warm the cache and keep it fresh: a VG not re-read for a TTL is re-read in the background.
  try {
    await service.refreshAll();
  } catch (error) {
    logger.warn({ err: error }, 'first read of the volume groups failed; reads will retry');
  }
  // Long operations an earlier run left in LVM (moves, wipes, retypes) are picked up again.
  if (config.mode !== 'host') {
    const resumed = await service.resumeOperations();
    if (resumed.length > 0) logger.info({ operations: resumed.map((op) => ({ id: op.id, kind: op.kind, volume: op.volume_id, state: op.state })) }, 'resumed operations left by an earlier run');
  }
  const refreshTimer = config.cache_ttl_ms > 0
    ? setInterval(() => {
        service.refreshStale().catch((error: unknown) => logger.warn({ err: error }, 'periodic VG re-read failed'));
      }, Math.max(250, Math.floor(config.cache_ttl_ms / 4)))
    : undefined;
  refreshTimer?.unref();

  // A host re-acquires its recorded attachments before it listens (reports ready).
  if (host && config.host_agent.restore_on_start) {
    const report = await restoreHost(host, logger);
    logger[report.ok ? 'info' : 'error']({ seconds: report.seconds, volumes: report.volumes.length, ok: report.ok }, 'start-up restore finished');
  }

  const { host: listenHost, port } = splitListen(config.listen);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, listenHost, () => resolve());
  });
  logger.info({ listen: config.listen, tls: Boolean(config.tls), vgs: service.vgNames, lock_type: config.lock_type }, 'listening');
  return {
    server,
    service,
    close: () =>
      new Promise<void>((resolve) => {
        if (refreshTimer) clearInterval(refreshTimer);
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function main(argv: string[]): Promise<number> {
  if (argv[0] === 'restore') return runRestoreCommand(argv.slice(1));
  let loaded;
  try {
    loaded = loadConfig(argv);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`sharedlvm-agent: ${error.message}\n${USAGE}\n`);
      return 2;
    }
    throw error;
  }
  if (loaded.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const agent = await startAgent(loaded.config);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  });
  await agent.close();
  return 0;
}

function isMainModule(): boolean {
  const script = process.argv[1];
  if (!script) return false;
  try {
    return realpathSync(script) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

const invokedDirectly = isMainModule();
if (invokedDirectly) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`sharedlvm-agent: ${(error as Error).stack ?? String(error)}\n`);
      process.exit(1);
    },
  );
}
