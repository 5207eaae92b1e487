// Configuration from a JSON/YAML file, SHAREDLVM_* environment variables and command-line flags
// (later wins: file < env < flags), validated by config/schema.ts.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { parse as parseYaml } from 'yaml';
import { agentConfig, type AgentConfig } from './schema.js';

export class ConfigError extends Error {
  override name = 'ConfigError';
}

const FLAG_OPTIONS = {
  config: { type: 'string' },
  mode: { type: 'string' },
  listen: { type: 'string' },
  'tls-cert': { type: 'string' },
  'tls-key': { type: 'string' },
  token: { type: 'string', multiple: true },
  'token-file': { type: 'string' },
  vg: { type: 'string', multiple: true },
  'thin-pool': { type: 'string' },
  'thin-pool-size-gib': { type: 'string' },
  'lock-type': { type: 'string' },
  'lv-prefix': { type: 'string' },
  'cache-ttl-ms': { type: 'string' },
  'lvm-path': { type: 'string' },
  'reread-after-create': { type: 'string' },
  'log-level': { type: 'string' },
  'host-name': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

export const USAGE = `usage: sharedlvm-agent [--mode control|host|all] [--config FILE] [--listen HOST:PORT]
       [--vg NAME]... [--thin-pool LV --thin-pool-size-gib N] [--lock-type sanlock|none]
       [--token TOKEN]... [--token-file FILE] [--tls-cert FILE --tls-key FILE]
       [--lv-prefix PREFIX] [--cache-ttl-ms N] [--reread-after-create sync|async]
       [--lvm-path PATH] [--log-level LEVEL] [--host-name NAME]
       sharedlvm-agent restore [same options]   (host mode: lock-start, re-activate this host's attachments)
Environment: SHAREDLVM_CONFIG, SHAREDLVM_MODE, SHAREDLVM_LISTEN, SHAREDLVM_TLS_CERT, SHAREDLVM_TLS_KEY,
  SHAREDLVM_TOKENS (comma-separated), SHAREDLVM_TOKEN_FILE, SHAREDLVM_VGS (comma-separated),
  SHAREDLVM_THIN_POOL, SHAREDLVM_THIN_POOL_SIZE_GIB, SHAREDLVM_LOCK_TYPE, SHAREDLVM_LV_PREFIX,
  SHAREDLVM_CACHE_TTL_MS, SHAREDLVM_REREAD_AFTER_CREATE, SHAREDLVM_LVM_PATH, SHAREDLVM_LOG_LEVEL,
  SHAREDLVM_HOST_NAME`;

type Raw = Record<string, unknown>;

interface Overrides {
  config?: string | undefined;
  mode?: string | undefined;
  listen?: string | undefined;
  tlsCert?: string | undefined;
  tlsKey?: string | undefined;
  tokens?: string[] | undefined;
  tokenFile?: string | undefined;
  vgs?: string[] | undefined;
  thinPool?: string | undefined;
  thinPoolSizeGib?: string | undefined;
  lockType?: string | undefined;
  lvPrefix?: string | undefined;
  cacheTtlMs?: string | undefined;
  lvmPath?: string | undefined;
  logLevel?: string | undefined;
  rereadAfterCreate?: string | undefined;
  hostName?: string | undefined;
}

function fromEnv(env: NodeJS.ProcessEnv): Overrides {
  const list = (value: string | undefined) => value?.split(',').map((item) => item.trim()).filter(Boolean);
  return {
    config: env.SHAREDLVM_CONFIG,
    mode: env.SHAREDLVM_MODE,
    listen: env.SHAREDLVM_LISTEN,
    tlsCert: env.SHAREDLVM_TLS_CERT,
    tlsKey: env.SHAREDLVM_TLS_KEY,
    tokens: list(env.SHAREDLVM_TOKENS),
    tokenFile: env.SHAREDLVM_TOKEN_FILE,
    vgs: list(env.SHAREDLVM_VGS),
    thinPool: env.SHAREDLVM_THIN_POOL,
    thinPoolSizeGib: env.SHAREDLVM_THIN_POOL_SIZE_GIB,
    lockType: env.SHAREDLVM_LOCK_TYPE,
    lvPrefix: env.SHAREDLVM_LV_PREFIX,
    cacheTtlMs: env.SHAREDLVM_CACHE_TTL_MS,
    lvmPath: env.SHAREDLVM_LVM_PATH,
    logLevel: env.SHAREDLVM_LOG_LEVEL,
    rereadAfterCreate: env.SHAREDLVM_REREAD_AFTER_CREATE,
    hostName: env.SHAREDLVM_HOST_NAME,
  };
}

function fromFlags(argv: string[]): Overrides & { help: boolean } {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: FLAG_OPTIONS, allowPositionals: false, strict: true });
  } catch (error) {
    throw new ConfigError((error as Error).message);
  }
  const v = parsed.values;
  return {
    help: v.help ?? false,
    config: v.config,
    mode: v.mode,
    listen: v.listen,
    tlsCert: v['tls-cert'],
    tlsKey: v['tls-key'],
    tokens: v.token,
    tokenFile: v['token-file'],
    vgs: v.vg,
    thinPool: v['thin-pool'],
    thinPoolSizeGib: v['thin-pool-size-gib'],
    lockType: v['lock-type'],
    lvPrefix: v['lv-prefix'],
    cacheTtlMs: v['cache-ttl-ms'],
    lvmPath: v['lvm-path'],
    logLevel: v['log-level'],
    rereadAfterCreate: v['reread-after-create'],
    hostName: v['host-name'],
  };
}

function readFile(path: string): Raw {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError(`cannot read config file ${path}: ${(error as Error).message}`);
  }
  let value: unknown;
  try {
    value = path.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    throw new ConfigError(`cannot parse config file ${path}: ${(error as Error).message}`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new ConfigError(`config file ${path} must hold an object`);
  return value as Raw;
}

function toNumber(value: string, what: string): number {
  const number = Number(value);
  if (!Number.isFinite(number)) throw new ConfigError(`${what} must be a number, got ${JSON.stringify(value)}`);
  return number;
}

function readTokenFile(path: string): string[] {
  try {
    return readFileSync(path, 'utf8').split('\n').map((line) => line.trim()).filter((line) => line && !line.startsWith('#'));
  } catch (error) {
    throw new ConfigError(`cannot read token file ${path}: ${(error as Error).message}`);
  }
}

function apply(raw: Raw, o: Overrides, source: string): void {
  if (o.mode !== undefined) raw.mode = o.mode;
  if (o.listen !== undefined) raw.listen = o.listen;
  if (o.tlsCert !== undefined || o.tlsKey !== undefined) {
    const tls = { ...((raw.tls as Raw | undefined) ?? {}) };
    if (o.tlsCert !== undefined) tls.cert = o.tlsCert;
    if (o.tlsKey !== undefined) tls.key = o.tlsKey;
    raw.tls = tls;
  }
  const tokens = [...(o.tokens ?? []), ...(o.tokenFile ? readTokenFile(o.tokenFile) : [])];
  if (tokens.length > 0) raw.tokens = tokens;
  if (o.vgs !== undefined && o.vgs.length > 0) raw.volume_groups = o.vgs.map((name) => ({ name }));
  if (o.thinPool !== undefined || o.thinPoolSizeGib !== undefined) {
    const groups = (raw.volume_groups as Raw[] | undefined) ?? [];
    raw.volume_groups = groups.map((group) => {
      const pool = { ...((group.thin_pool as Raw | undefined) ?? {}) };
      if (o.thinPool !== undefined) pool.name = o.thinPool;
      if (o.thinPoolSizeGib !== undefined) pool.size_gib = toNumber(o.thinPoolSizeGib, `${source} thin pool size`);
      return { ...group, thin_pool: pool };
    });
  }
  if (o.lockType !== undefined) raw.lock_type = o.lockType;
  if (o.lvPrefix !== undefined) raw.lv_prefix = o.lvPrefix;
  if (o.cacheTtlMs !== undefined) raw.cache_ttl_ms = toNumber(o.cacheTtlMs, `${source} cache TTL`);
  if (o.lvmPath !== undefined) raw.lvm = { ...((raw.lvm as Raw | undefined) ?? {}), path: o.lvmPath };
  if (o.logLevel !== undefined) raw.log_level = o.logLevel;
  if (o.rereadAfterCreate !== undefined) raw.reread_after_create = o.rereadAfterCreate;
  if (o.hostName !== undefined) raw.host_name = o.hostName;
}

/** Validates a raw config object (file contents after overrides). */
export function validateConfig(raw: unknown): AgentConfig {
  const result = agentConfig.safeParse(raw);
  if (!result.success) {
    const lines = result.error.issues.map((issue) => `  ${issue.path.join('.') || '(root)'}: ${issue.message}`);
    throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`);
  }
  return result.data;
}

export function loadConfig(argv: string[], env: NodeJS.ProcessEnv = process.env): { config: AgentConfig; help: boolean } {
  const flags = fromFlags(argv);
  if (flags.help) return { config: undefined as unknown as AgentConfig, help: true };
  const envOverrides = fromEnv(env);
  const file = flags.config ?? envOverrides.config;
  const raw: Raw = file ? readFile(file) : {};
  apply(raw, envOverrides, 'SHAREDLVM_*');
  apply(raw, flags, '--flag');
  return { config: validateConfig(raw), help: false };
}
