// The plugin process: gRPC server on a unix socket (AutoMTLS unless TF_DISABLE_PLUGIN_TLS=1), the
// handshake line, go-plugin's controller, and signal handling.
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Server, ServerCredentials } from '@grpc/grpc-js';
import { makeServerCertificate } from './cert.js';
import { GRPCControllerService, type GRPCControllerServer } from './generated/grpc_controller.js';
import { ProviderService, type ProviderServer } from './generated/tfplugin6.js';
import { HandshakeError, handshakeLine, readHandshakeEnv } from './handshake.js';
import { log } from './log.js';

export interface PluginHooks {
  /** Called once when terraform or a signal asks us to stop: cancel in-flight work. */
  onStop?: () => void;
}

export async function servePlugin(provider: ProviderServer, hooks: PluginHooks = {}): Promise<void> {
  let env;
  try {
    env = readHandshakeEnv(process.env);
  } catch (err) {
    if (err instanceof HandshakeError) {
      process.stderr.write(err.message);
      process.exitCode = 1;
      return;
    }
    throw err;
  }

  const socketPath = join(env.socketDir ?? tmpdir(), `plugin${randomBytes(6).readUIntBE(0, 6)}`);
  const server = new Server({ 'grpc.max_receive_message_length': 256 << 20, 'grpc.max_send_message_length': 256 << 20 });
  let stopping = false;
  const stop = (why: string) => {
    if (stopping) return;
    stopping = true;
    log.debug('plugin stopping', { reason: why });
    hooks.onStop?.();
    const done = () => {
      rmSync(socketPath, { force: true });
      process.exit(0);
    };
    server.tryShutdown(done);
    setTimeout(() => {
      server.forceShutdown();
      done();
    }, 2000).unref();
  };

  // Before the handshake line: a signal must never leave a stale socket behind.
  process.on('SIGTERM', () => stop('SIGTERM'));
  // Ctrl-C reaches the whole process group; terraform itself asks us to stop (StopProvider), as go-plugin does.
  process.on('SIGINT', () => log.debug('plugin ignoring SIGINT; terraform sends StopProvider'));
  process.on('exit', () => rmSync(socketPath, { force: true }));
  process.on('uncaughtException', (err) => log.error('uncaught exception', { error: err.stack ?? String(err) }));
  process.on('unhandledRejection', (err) => log.error('unhandled rejection', { error: err instanceof Error ? (err.stack ?? err.message) : String(err) }));

  const controller: GRPCControllerServer = {
    shutdown: (_call, callback) => {
      callback(null, {});
      setImmediate(() => stop('GRPCController.Shutdown'));
    },
  };
  server.addService(ProviderService, provider);
  server.addService(GRPCControllerService, controller);

  let credentials = ServerCredentials.createInsecure();
  let certDer: Buffer | null = null;
  if (env.clientCertPem) {
    const cert = makeServerCertificate();
    certDer = cert.der;
    credentials = ServerCredentials.createSsl(
      Buffer.from(env.clientCertPem),
      [{ cert_chain: Buffer.from(cert.certPem), private_key: Buffer.from(cert.keyPem) }],
      true, // verify terraform's client certificate against the one it gave us
    );
  }

  await new Promise<void>((resolve, reject) =>
    server.bindAsync(`unix://${socketPath}`, credentials, (err) => (err ? reject(err) : resolve())),
  );
  process.stdout.write(handshakeLine(socketPath, certDer) + '\n');
  log.debug('plugin serving', { socket: socketPath, tls: certDer !== null });
}
