// A built agent brought up as a server: warm the VG caches, resume the long operations an earlier run
// left (control and all mode), re-acquire this host's recorded attachments (host and all mode, before
// listening, so that "listening" means "ready"), keep the caches fresh, listen over HTTP or HTTPS.
import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AgentConfig } from '../config/schema.js';
import { restoreHost } from '../host/restore.js';
import { faultHookFromEnv, KILL_AFTER_WRITES_ENV } from '../lvm/fault-hook.js';
import type { VolumeService } from '../volumes/service.js';
import { buildAgent, type Agent, type AgentDeps } from './build.js';

export interface RunningAgent {
  agent: Agent;
  server: Server;
  service: VolumeService;
  close(): Promise<void>;
}

function splitListen(listen: string): { host: string; port: number } {
  const colon = listen.lastIndexOf(':');
  return { host: listen.slice(0, colon).replace(/^\[|\]$/g, ''), port: Number(listen.slice(colon + 1)) };
}

export async function startAgent(config: AgentConfig, deps: AgentDeps = {}): Promise<RunningAgent> {
  // Test-only: SIGKILL after the Nth lvm write of a request (off unless the variable is set).
  const hook = faultHookFromEnv();
  const given = deps.onLvmWrite;
  const onLvmWrite = hook ? (event: Parameters<typeof hook.observer>[0]) => {
    given?.(event);
    hook.observer(event);
  } : given;
  const agent = buildAgent(config, { ...deps, ...(onLvmWrite ? { onLvmWrite } : {}) });
  const { logger, volumes: service } = agent;
  if (hook) logger.warn({ [KILL_AFTER_WRITES_ENV]: process.env[KILL_AFTER_WRITES_ENV] }, 'test-only fault hook set');
  const server = config.tls
    ? createHttpsServer({ cert: readFileSync(config.tls.cert), key: readFileSync(config.tls.key) }, agent.app)
    : createHttpServer(agent.app);
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
    if (resumed.length > 0) {
      const operations = resumed.map((op) => ({ id: op.id, kind: op.kind, volume: op.volume_id, state: op.state }));
      logger.info({ operations }, 'resumed operations left by an earlier run');
    }
  }
  const refreshTimer = config.cache_ttl_ms > 0
    ? setInterval(() => {
        service.refreshStale().catch((error: unknown) => logger.warn({ err: error }, 'periodic VG re-read failed'));
      }, Math.max(250, Math.floor(config.cache_ttl_ms / 4)))
    : undefined;
  refreshTimer?.unref();

  // A host re-acquires its recorded attachments before it listens (reports ready).
  if (agent.host && config.host_agent.restore_on_start) {
    const report = await restoreHost(agent.host, logger);
    const summary = { seconds: report.seconds, volumes: report.volumes.length, ok: report.ok };
    logger[report.ok ? 'info' : 'error'](summary, 'start-up restore finished');
  }

  // Start-up (reconcile, restore) is over: from here on the fault hook counts a request's writes.
  hook?.arm();
  const { host: listenHost, port } = splitListen(config.listen);
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, listenHost, () => resolve());
    });
  } catch (error) {
    if (refreshTimer) clearInterval(refreshTimer);
    throw error;
  }
  const { listen, lock_type } = config;
  logger.info({ listen, tls: Boolean(config.tls), vgs: service.vgNames, lock_type }, 'listening');
  return {
    agent,
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
