#!/usr/bin/env node
// sharedlvm-agent: the REST agent for LVM volume groups on shared storage.
//   --mode control  the single writer of VG metadata (volumes, snapshots, capacity)
//   --mode host     activation only; refuses every metadata-changing route with 403
//   --mode all      both
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { startAgent as startAssembled, type RunningAgent } from './lib/assemble/start.js';
import { ConfigError, USAGE, loadConfig } from './lib/config/load.js';
import type { AgentConfig } from './lib/config/schema.js';
import { runRestoreCommand } from './lib/host/restore-command.js';
import { AgentMetrics } from './lib/metrics/registry.js';

export const VERSION = '0.1.0';

export type { RunningAgent };

/** The agent of `config` (assembled by lib/assemble/build.ts), listening, with the process metrics. */
export function startAgent(config: AgentConfig): Promise<RunningAgent> {
  const logger = pino({ level: config.log_level, base: { service: 'sharedlvm-agent', mode: config.mode } });
  return startAssembled(config, { logger, metrics: new AgentMetrics({ defaultMetrics: true }), version: VERSION });
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
