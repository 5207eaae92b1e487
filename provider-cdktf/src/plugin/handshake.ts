// go-plugin's handshake: the environment terraform starts us with, and the one stdout line we answer.

export const MAGIC_COOKIE_KEY = 'TF_PLUGIN_MAGIC_COOKIE';
export const MAGIC_COOKIE_VALUE = 'd602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2';
export const CORE_PROTOCOL_VERSION = 1;
export const PLUGIN_PROTOCOL_VERSION = 6;

export const NOT_A_CLI_MESSAGE =
  'This binary is a plugin for Terraform (the shared-lvm provider). It is not meant to be run by hand:\n' +
  'terraform starts it when a configuration uses shared_lvm_* resources. See examples/basic/ and docs/.\n';

export interface HandshakeEnv {
  /** PEM of terraform's client certificate; absent when TF_DISABLE_PLUGIN_TLS=1. */
  clientCertPem: string | null;
  socketDir: string | null;
}

export class HandshakeError extends Error {
  override name = 'HandshakeError';
}

/** PLUGIN_PROTOCOL_VERSIONS is a comma list in no particular order ("5,6" or "6,5"). */
export function parseProtocolVersions(value: string | undefined): Set<number> {
  const out = new Set<number>();
  for (const part of (value ?? '').split(',')) {
    const n = Number.parseInt(part.trim(), 10);
    if (Number.isInteger(n)) out.add(n);
  }
  return out;
}

export function readHandshakeEnv(env: NodeJS.ProcessEnv): HandshakeEnv {
  if (env[MAGIC_COOKIE_KEY] !== MAGIC_COOKIE_VALUE) throw new HandshakeError(NOT_A_CLI_MESSAGE);
  const versions = parseProtocolVersions(env.PLUGIN_PROTOCOL_VERSIONS);
  if (versions.size > 0 && !versions.has(PLUGIN_PROTOCOL_VERSION)) {
    throw new HandshakeError(
      `terraform offers plugin protocol version(s) ${[...versions].join(', ')}; this provider speaks only ${PLUGIN_PROTOCOL_VERSION} (terraform >= 1.0).\n`,
    );
  }
  const cert = env.PLUGIN_CLIENT_CERT?.trim();
  return { clientCertPem: cert ? cert + '\n' : null, socketDir: env.PLUGIN_UNIX_SOCKET_DIR || null };
}

/** `1|6|unix|/tmp/plugin123|grpc|<cert DER, base64 without padding>` (empty cert field in plaintext). */
export function handshakeLine(socketPath: string, certDer: Buffer | null): string {
  const cert = certDer ? certDer.toString('base64').replace(/=+$/, '') : '';
  return `${CORE_PROTOCOL_VERSION}|${PLUGIN_PROTOCOL_VERSION}|unix|${socketPath}|grpc|${cert}`;
}
