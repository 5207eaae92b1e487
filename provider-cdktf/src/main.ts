// Entry point of the provider executable that terraform starts.
import { createProviderServer } from './framework/server.js';
import { log } from './plugin/log.js';
import { servePlugin } from './plugin/server.js';
import { providerDef } from './provider.js';

const { server, stop } = createProviderServer(providerDef);
servePlugin(server, { onStop: stop }).catch((err: unknown) => {
  log.error('provider failed to start', { error: err instanceof Error ? (err.stack ?? err.message) : String(err) });
  process.exit(1);
});
