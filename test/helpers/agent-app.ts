// Builds the agent's express app over the fake lvm, for API tests.
import { pino } from 'pino';
import { validateConfig } from '../../agent/src/lib/config/load.js';
import type { AgentConfigInput } from '../../agent/src/lib/config/schema.js';
import { createApp } from '../../agent/src/lib/http/app.js';
import { apiHandlers } from '../../agent/src/lib/http/handlers.js';
import { hostHandlers } from '../../agent/src/lib/http/host-handlers.js';
import { Runner } from '../../agent/src/lib/lvm/runner.js';
import { AgentMetrics } from '../../agent/src/lib/metrics/registry.js';
import { loadSpec } from '../../agent/src/lib/openapi/spec.js';
import { VolumeService } from '../../agent/src/lib/volumes/service.js';
import { FAKE_LVM, FAKE_TOOLS } from './fake-lvm.js';

export const TOKEN = 'test-token-0123456789abcdef';
export const AUTH = { Authorization: `Bearer ${TOKEN}` };

export function testApp(overrides: Partial<AgentConfigInput> = {}) {
  const config = validateConfig({
    tokens: [TOKEN],
    volume_groups: [{ name: 'labvg', thin_pool: { name: 'pool0', size_gib: 1 } }],
    lvm: { path: FAKE_LVM, timeout_ms: 10_000 },
    log_level: 'silent',
    cache_ttl_ms: 60_000,
    ...overrides,
  });
  const logger = pino({ level: 'silent' });
  const metrics = new AgentMetrics();
  const runner = new Runner({ lvmPath: config.lvm.path, timeoutMs: config.lvm.timeout_ms, observe: metrics.observeCommand });
  const service = new VolumeService({ config, runner, logger, tools: FAKE_TOOLS, now: () => new Date('2026-11-22T05:00:00.000Z') });
  const app = createApp({
    mode: config.mode,
    tokens: config.tokens,
    bodyLimitBytes: config.body_limit_bytes,
    spec: loadSpec(),
    // Host-mode and attachment routes answer 403 here (no HostService/AttachmentService over the fake lvm).
    handlers: { ...apiHandlers(service), ...hostHandlers({ mode: config.mode, logger, copyTimeoutMs: config.copy_timeout_ms }) },
    metrics,
    logger,
  });
  return { app, service, config, metrics };
}
