// A real agent process (dist/agent/src/main.js, the production entry point) over the fake lvm, for
// tests that kill it: the fault-injection and concurrency suites.
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { FAKE_DIR, repoRoot, type FakeLvm } from './fake-lvm.js';

export const PROCESS_TOKEN = 'process-token-0123456789abcdef';

export interface AgentProcess {
  url: string;
  child: ChildProcess;
  /** Resolves with the exit signal/code once the process has ended. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stderr(): string;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

export interface AgentProcessOptions {
  fake: FakeLvm;
  /** The host the fake lvm runs as for this agent. */
  host?: string;
  mode?: 'control' | 'all';
  env?: Record<string, string>;
  config?: Record<string, unknown>;
}

/** Starts the agent and waits until /healthz answers (start-up reconcile done, listening). */
export async function startAgentProcess(options: AgentProcessOptions): Promise<AgentProcess> {
  const port = await freePort();
  const configPath = join(options.fake.dir, `agent-${port}.json`);
  writeFileSync(configPath, JSON.stringify({
    listen: `127.0.0.1:${port}`,
    tokens: [PROCESS_TOKEN],
    volume_groups: [{ name: 'labvg', thin_pool: { name: 'pool0', size_gib: 1 } }],
    lvm: { path: options.fake.hostLvm(options.host ?? 'a'), timeout_ms: 20_000 },
    log_level: 'warn',
    cache_ttl_ms: 60_000,
    ...options.config,
  }));
  const child = spawn(process.execPath, [join(repoRoot(), 'dist', 'agent', 'src', 'main.js'), '--mode', options.mode ?? 'control', '--config', configPath], {
    // The fake dd and blkdiscard come first on PATH.
    env: { ...process.env, ...options.fake.env(options.host ?? 'a'), PATH: `${FAKE_DIR}:${process.env.PATH ?? ''}`, ...options.env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 20_000;
  let ended = false;
  void exited.then(() => {
    ended = true;
  });
  for (;;) {
    if (ended) throw new Error(`agent exited during start-up:\n${stderr}`);
    try {
      const response = await fetch(`${url}/healthz`);
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`agent did not answer /healthz within 20 s:\n${stderr}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    url,
    child,
    exited,
    stderr: () => stderr,
    stop: async () => {
      if (!ended) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** The parts of API objects these tests read. */
export interface ApiVolume {
  id: string;
  lv_name: string;
  type: string;
  status: string;
  size_bytes: number;
  pvs: string[];
  attachments: { host: string }[];
}
export interface ApiOperation {
  id: string;
  kind: string;
  state: string;
  volume_id: string;
  error: { status: number } | null;
}
/** A response body: a list, an object or a problem (fields as the API documents them). */
export interface ApiBody {
  items: (ApiVolume & ApiOperation)[];
  code?: string;
  detail?: string;
  id?: string;
}

/** A JSON call with the token; the body parsed when there is one. */
export async function call(url: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: ApiBody }> {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: { Authorization: `Bearer ${PROCESS_TOKEN}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : {}) as ApiBody };
}
