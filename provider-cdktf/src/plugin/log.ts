// Logs on stderr as hclog JSON lines: terraform shows them with TF_LOG / TF_LOG_PROVIDER at the
// matching level. stdout is the handshake channel and never carries logs.
export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error';

export type LogFields = Record<string, unknown>;

export interface Logger {
  trace(message: string, fields?: LogFields): void;
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

export function hclogLine(level: LogLevel, message: string, fields: LogFields = {}, now = new Date()): string {
  const line: Record<string, unknown> = { '@level': level, '@message': message, '@module': 'sharedlvm', '@timestamp': now.toISOString() };
  for (const [k, v] of Object.entries(fields)) {
    line[k] = v instanceof Error ? v.message : v;
  }
  return JSON.stringify(line, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
}

export function createLogger(write: (line: string) => void = (line) => process.stderr.write(line + '\n')): Logger {
  const at = (level: LogLevel) => (message: string, fields?: LogFields) => write(hclogLine(level, message, fields));
  return { trace: at('trace'), debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

export const log: Logger = createLogger();
