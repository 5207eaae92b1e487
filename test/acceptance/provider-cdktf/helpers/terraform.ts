// Drives the real terraform binary (offline, provider from the filesystem mirror) in a scratch directory.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectDir } from '../../../lab/client.js';

export interface TfResult {
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
}

/** How long one terraform process may run before it is stopped and the test fails with its output. */
export const TF_PROCESS_TIMEOUT_MS = 240_000;
/** Every acceptance test's own limit (several terraform runs each), and its before/after hooks' (the
 *  provider build, and an agent start that may first wait for another suite's agent to go away). */
export const TEST_TIMEOUT = { timeout: 600_000 };
export const HOOK_TIMEOUT = { timeout: 420_000 };
/** After SIGINT (terraform's graceful stop), how long until its whole process group is SIGKILLed. */
const KILL_GRACE_MS = 15_000;

/** Builds the provider into the mirror once per test process (`make provider` does the same). */
export function ensureProvider(): string {
  try {
    execFileSync('terraform', ['version'], { stdio: 'ignore', timeout: 30_000 });
  } catch {
    throw new Error(
      'terraform is not on PATH or did not answer `terraform version` within 30 s: ' +
        'the provider tests need the real terraform binary (v1.11.4)',
    );
  }
  const mirror = join(projectDir, '.terraform-mirror');
  const build = join(projectDir, 'provider-cdktf/scripts/build-provider.mjs');
  execFileSync(process.execPath, [build], { stdio: ['ignore', 'ignore', 'inherit'], timeout: 180_000 });
  return join(mirror, 'terraformrc');
}

export class TfWorkdir {
  readonly dir: string;
  constructor(
    private readonly cliConfig: string,
    private readonly env: Record<string, string>,
    prefix = 'tfacc-',
  ) {
    const base = join(tmpdir(), 'sharedlvm-tf');
    mkdirSync(base, { recursive: true });
    this.dir = mkdtempSync(join(base, prefix));
  }

  write(files: Record<string, string>): void {
    for (const [name, text] of Object.entries(files)) writeFileSync(join(this.dir, name), text);
  }

  private envFor(): NodeJS.ProcessEnv {
    return {
      ...process.env,
      ...this.env,
      TF_CLI_CONFIG_FILE: this.cliConfig,
      // Core and provider logs (the provider's stderr included) for the failure message.
      TF_LOG: 'debug',
      TF_LOG_PATH: join(this.dir, 'terraform.log'),
      TF_IN_AUTOMATION: '1',
      TF_INPUT: '0',
      CHECKPOINT_DISABLE: '1',
      NO_COLOR: '1',
    };
  }

  /**
   * Starts terraform; `onLine` sees stdout lines as they come (for interrupting at the right time).
   * A process still running after `timeoutMs` gets SIGINT, then its process group (terraform and its
   * provider plugins) SIGKILL; `done` then rejects with everything it printed, so the test fails
   * instead of hanging the run.
   */
  start(
    args: string[],
    onLine?: (line: string, child: ChildProcess) => void,
    timeoutMs = TF_PROCESS_TIMEOUT_MS,
  ): { child: ChildProcess; done: Promise<TfResult> } {
    const started = Date.now();
    // Its own process group, so that a hung terraform can be killed together with its plugins.
    const child = spawn('terraform', [...args], {
      cwd: this.dir, env: this.envFor(), stdio: ['ignore', 'pipe', 'pipe'], detached: true,
    });
    let stdout = '';
    let stderr = '';
    let partial = '';
    child.stdout.on('data', (chunk: Buffer) => {
      const text = chunk.toString();
      stdout += text;
      partial += text;
      const lines = partial.split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) onLine?.(line, child);
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    let timedOut = false;
    let killer: NodeJS.Timeout | undefined;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGINT');
      killer = setTimeout(() => killGroup(child), KILL_GRACE_MS);
    }, timeoutMs);
    const done = new Promise<TfResult>((resolve, reject) =>
      child.on('close', (code) => {
        clearTimeout(timer);
        clearTimeout(killer);
        const ms = Date.now() - started;
        if (!timedOut) return resolve({ code: code ?? -1, stdout, stderr, ms });
        killGroup(child); // plugins that outlived terraform
        reject(new Error(
          `terraform ${args.join(' ')} did not finish within ${Math.round(timeoutMs / 1000)} s ` +
            `(stopped after ${Math.round(ms / 1000)} s):\n` +
            `${stdout}\n${stderr}\n--- plugin lines of terraform.log ---\n${this.logTail()}`,
        ));
      }),
    );
    return { child, done };
  }

  async run(...args: string[]): Promise<TfResult> {
    return this.start([...args, '-no-color']).done;
  }

  /** Like run, with a process timeout other than TF_PROCESS_TIMEOUT_MS. */
  async runWithin(timeoutMs: number, ...args: string[]): Promise<TfResult> {
    return this.start([...args, '-no-color'], undefined, timeoutMs).done;
  }

  /** Like run, but throws with terraform's output when it fails. */
  async ok(...args: string[]): Promise<TfResult> {
    const r = await this.run(...args);
    if (r.code !== 0) throw new Error(`terraform ${args.join(' ')} exited ${r.code}:\n${r.stdout}\n${r.stderr}\n--- plugin lines of terraform.log ---\n${this.logTail()}`);
    return r;
  }

  async init(): Promise<TfResult> {
    return this.ok('init', '-input=false');
  }

  /** `terraform plan -detailed-exitcode`: 0 = no changes, 2 = changes, 1 = error. */
  async plan(...args: string[]): Promise<TfResult> {
    return this.run('plan', '-input=false', '-detailed-exitcode', ...args);
  }

  state(): { resources?: { type: string; name: string; instances: { attributes: Record<string, unknown> }[] }[] } {
    const file = join(this.dir, 'terraform.tfstate');
    return existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {};
  }

  attributes(type: string, name: string): Record<string, unknown> | undefined {
    return this.state().resources?.find((r) => r.type === type && r.name === name)?.instances[0]?.attributes;
  }

  /** The last plugin-related lines of the debug log. */
  logTail(lines = 40): string {
    const file = join(this.dir, 'terraform.log');
    if (!existsSync(file)) return '(no log)';
    return readFileSync(file, 'utf8').split('\n').filter((l) => /plugin|provider/i.test(l)).slice(-lines).join('\n');
  }

  cleanup(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

function killGroup(child: ChildProcess): void {
  try {
    if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
  } catch {
    // the group is gone already
  }
}

/** The provider block and required_providers every test configuration starts with. */
export const PROVIDER_HCL = `
terraform {
  required_providers {
    shared = { source = "sharedlvm/shared-lvm" }
  }
}
provider "shared" {}
`;
