// Test helper around test/fixtures/fake-lvm: a fresh fake VG state per test and the list of calls.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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

  cleanup(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
