// `sharedlvm-agent restore [options]`: the start-up restore alone, for a systemd ExecStartPre= that
// must finish before libvirtd/nova-compute start. Prints the report as JSON; exits 1 when a VG could
// not be lock-started or a recorded attachment could not be re-activated.
import { pino } from 'pino';
import { ConfigError, USAGE, loadConfig } from '../config/load.js';
import { Runner } from '../lvm/runner.js';
import { HostService } from './activation.js';
import { restoreHost } from './restore.js';

export async function runRestoreCommand(argv: string[]): Promise<number> {
  let loaded;
  try {
    loaded = loadConfig(argv);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`sharedlvm-agent restore: ${error.message}\n${USAGE}\n`);
      return 2;
    }
    throw error;
  }
  if (loaded.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const { config } = loaded;
  if (config.mode === 'control') {
    process.stderr.write('sharedlvm-agent restore: a control-mode agent holds no attachments; use --mode host or all\n');
    return 2;
  }
  const logger = pino({ level: config.log_level, base: { service: 'sharedlvm-agent', mode: config.mode, command: 'restore' } }, pino.destination(2));
  const runner = new Runner({ lvmPath: config.lvm.path, timeoutMs: config.lvm.timeout_ms, ...(config.lvm.config ? { lvmConfig: config.lvm.config } : {}) });
  const report = await restoreHost(new HostService({ config, runner, logger }), logger);
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  return report.ok ? 0 : 1;
}
