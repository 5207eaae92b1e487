// The agent as production assembles it (buildAgent), over the fake lvm and the fake lock tools, for
// API tests: the same runner, services, handler set per mode and app as main.ts.
import { join } from 'node:path';
import { pino } from 'pino';
import { buildAgent, type Agent, type AgentDeps } from '../../agent/src/lib/assemble/build.js';
import { validateConfig } from '../../agent/src/lib/config/load.js';
import type { AgentConfig, AgentConfigInput } from '../../agent/src/lib/config/schema.js';
import { FAKE_LVM, FAKE_TOOLS, repoRoot } from './fake-lvm.js';

export const TOKEN = 'test-token-0123456789abcdef';
export const AUTH = { Authorization: `Bearer ${TOKEN}` };
export const LOCK_TOOLS = join(repoRoot(), 'test', 'fixtures', 'fake-lock-tools');
/** The host name of a test agent in host and all mode. */
export const TEST_HOST = 'node-x';

/** An agent config over the fake lvm and lock tools; `overrides` replace whole top-level keys. */
export function testConfig(overrides: Partial<AgentConfigInput> = {}): AgentConfig {
  return validateConfig({
    tokens: [TOKEN],
    volume_groups: [{ name: 'labvg', thin_pool: { name: 'pool0', size_gib: 1 } }],
    lvm: { path: FAKE_LVM, timeout_ms: 10_000 },
    log_level: 'silent',
    cache_ttl_ms: 60_000,
    host_name: TEST_HOST,
    host_agent: { lvmlockctl_path: join(LOCK_TOOLS, 'lvmlockctl'), sanlock_path: join(LOCK_TOOLS, 'sanlock') },
    ...overrides,
  });
}

/** buildAgent over the fake tools, with a silent logger and a fixed clock unless `deps` say otherwise. */
export function testAgent(overrides: Partial<AgentConfigInput> = {}, deps: AgentDeps = {}): Agent {
  return buildAgent(testConfig(overrides), {
    logger: pino({ level: 'silent' }),
    tools: FAKE_TOOLS,
    now: () => new Date('2026-11-22T05:00:00.000Z'),
    ...deps,
  });
}

export function testApp(overrides: Partial<AgentConfigInput> = {}, deps: AgentDeps = {}) {
  const agent = testAgent(overrides, deps);
  return { app: agent.app, service: agent.volumes, config: agent.config, metrics: agent.metrics, agent };
}
