// Test helper around test/fixtures/fake-lvm: a fresh fake VG state per test and the list of calls.
// The fake runs as one host ($FAKE_LVM_HOST, default DEFAULT_HOST); hostLvm(host) gives a binary that
// runs it as another host on the same state, for tests with several hosts in one process.
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('repository root not found');
    dir = parent;
  }
  // dist/ has no package.json, so this is the repository root from sources and from dist alike.
  return dir;
}

export const FAKE_DIR = join(repoRoot(), 'test', 'fixtures', 'fake-lvm');
export const FAKE_LVM = join(FAKE_DIR, 'lvm');
export const FAKE_TOOLS = { dd: join(FAKE_DIR, 'dd'), blkdiscard: join(FAKE_DIR, 'blkdiscard') };
export const FAKE_LOCK_TOOLS_DIR = join(repoRoot(), 'test', 'fixtures', 'fake-lock-tools');
/** The host the fake runs as when FAKE_LVM_HOST is not set (fake-lvm-model.cjs). */
export const DEFAULT_HOST = 'local';

export type FakeLockMode = 'ex' | 'sh' | 'unknown';

export const MIB = 1024 * 1024;
export const GIB = 1024 * MIB;

export interface FakeLv {
  uuid?: string;
  attr: string;
  size: number;
  origin?: string;
  pool?: string;
  /** The PV the LV maps to (reported in `devices`; pvmove changes it). */
  pv?: string;
  tags?: string[];
  data_percent?: string;
  /** Who holds this LV's lock (thick LVs, COW origins, thin pools), per host. Fixtures may instead
   *  put an 'a' in attr (active on DEFAULT_HOST, mode 'unknown') or set locked_by_other_host. */
  locks?: Record<string, FakeLockMode>;
  /** Hosts where a thin LV or thin pool is active (their lock is the pool's). */
  active?: string[];
  /** Shorthand: another host ('other-host') holds the LV's lock exclusively. */
  locked_by_other_host?: boolean;
}

export interface FakeVg {
  uuid?: string;
  size: number;
  extent: number;
  lock_type: string;
  lvs: Record<string, FakeLv>;
}

export class FakeLvm {
  readonly dir = mkdtempSync(join(tmpdir(), 'fake-lvm-'));
  readonly statePath = join(this.dir, 'state.json');
  readonly logPath = join(this.dir, 'calls.log');

  constructor(vgs: Record<string, Partial<FakeVg>> = { labvg: {} }) {
    this.setState(vgs);
    process.env.FAKE_LVM_STATE = this.statePath;
    process.env.FAKE_LVM_LOG = this.logPath;
    delete process.env.FAKE_LVM_FAIL;
  }

  setState(vgs: Record<string, Partial<FakeVg>>): void {
    const full: Record<string, FakeVg> = {};
    for (const [name, vg] of Object.entries(vgs)) {
      const lvs: Record<string, FakeLv> = {};
      for (const [lvName, lv] of Object.entries(vg.lvs ?? {})) lvs[lvName] = { uuid: `uuid-${lvName}`, tags: [], ...lv };
      full[name] = { uuid: `uuid-${name}`, size: 10 * GIB, extent: 4 * MIB, lock_type: 'sanlock', ...vg, lvs };
    }
    writeFileSync(this.statePath, JSON.stringify({ vgs: full }));
    writeFileSync(this.logPath, '');
  }

  state(): { vgs: Record<string, FakeVg> } {
    return JSON.parse(readFileSync(this.statePath, 'utf8')) as { vgs: Record<string, FakeVg> };
  }

  /** argv of every call so far (without the lvm binary itself). */
  calls(): string[][] {
    return readFileSync(this.logPath, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line) as string[]);
  }

  clearCalls(): void {
    writeFileSync(this.logPath, '');
  }

  failNext(subcommand: string, exit: number, stderr: string): void {
    process.env.FAKE_LVM_FAIL = JSON.stringify({ [subcommand]: { exit, stderr } });
  }

  clearFailures(): void {
    delete process.env.FAKE_LVM_FAIL;
  }

  /** Environment that runs the fake lvm / lock tools as `host` on this state (for spawn). */
  env(host: string = DEFAULT_HOST): Record<string, string> {
    return { FAKE_LVM_STATE: this.statePath, FAKE_LVM_LOG: this.logPath, FAKE_LVM_HOST: host };
  }

  /** Runs `lvm <argv>` as `host` on this state, synchronously (for table tests of the fake itself). */
  run(host: string, argv: readonly string[]): { code: number; stdout: string; stderr: string } {
    const result = spawnSync(FAKE_LVM, argv, { env: { ...process.env, ...this.env(host) }, encoding: 'utf8' });
    if (result.error) throw result.error;
    return { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
  }

  /** An `lvm` binary that runs the fake as `host` on this state (an agent's lvm.path). */
  hostLvm(host: string): string {
    return this.hostWrapper(host, 'lvm', FAKE_LVM);
  }

  /** lvmlockctl and sanlock binaries that report what `host` holds (an agent's host_agent paths). */
  hostLockTools(host: string): { lvmlockctl: string; sanlock: string } {
    return {
      lvmlockctl: this.hostWrapper(host, 'lvmlockctl', join(FAKE_LOCK_TOOLS_DIR, 'lvmlockctl')),
      sanlock: this.hostWrapper(host, 'sanlock', join(FAKE_LOCK_TOOLS_DIR, 'sanlock')),
    };
  }

  /** The lock each host holds on `lv` (thin LVs: their pool's; COW snapshots: their origin's). */
  locks(vg: string, lv: string): Record<string, FakeLockMode> {
    const lvs = this.state().vgs[vg]?.lvs ?? {};
    const entry = lvs[lv];
    if (!entry) throw new Error(`fake lvm: no LV ${vg}/${lv}`);
    const owner = entry.attr[0] === 'V' && entry.pool ? lvs[entry.pool] : /^[sS]/.test(entry.attr) && entry.origin ? lvs[entry.origin] : entry;
    return { ...(owner?.locks ?? {}) };
  }

  private hostWrapper(host: string, name: string, target: string): string {
    if (!/^[A-Za-z0-9_.-]+$/.test(host)) throw new Error(`fake lvm: bad host name ${JSON.stringify(host)}`);
    const dir = join(this.dir, `host-${host}`);
    mkdirSync(dir, { recursive: true });
    const file = join(dir, name);
    writeFileSync(file, `#!/bin/sh\nFAKE_LVM_HOST='${host}' exec '${target}' "$@"\n`);
    chmodSync(file, 0o755);
    return file;
  }

  cleanup(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
