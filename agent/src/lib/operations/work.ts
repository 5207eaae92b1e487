// The long-running LVM and data work behind operations, each reporting progress: pvmove of one LV
// (lvmpolld polls the move, so it outlives this process; we only watch the pvmove LV's copy_percent),
// a chunked block copy (dd) and a chunked wipe (blkdiscard).
import { lvmOf, type Lvm } from '../lvm/commands.js';
import { devicesPvs, movingThrough } from '../lvm/report.js';
import type { Runner } from '../lvm/runner.js';
import type { Progress } from './registry.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const MIB = 2 ** 20;

export interface MoveSpec {
  /** Source PV (one per pvmove run). */
  from: string;
  /** Target PV (none: resume an interrupted move). */
  to?: string;
}

/** An LV's move as the host that runs it sees it. */
export interface MoveStatus {
  /** The LV still maps through a pvmove LV. */
  moving: boolean;
  /** Copy percent of the pvmove LV (0 where it is not active). */
  percent: number;
  /** The PV being moved off, while moving. */
  movePv: string | null;
  /** The PVs the LV maps to. */
  pvs: string[];
}

/** Runs and watches one LV's pvmove: here (the runner) or on the host agent that holds the LV lock. */
export interface PvMover {
  start(spec: MoveSpec): Promise<void>;
  status(): Promise<MoveStatus>;
}

export interface WorkOptions {
  runner: Runner;
  /** How often the move's progress is re-read. */
  pollMs?: number;
  /** A move whose percentage does not change for this long is handed to lvmpolld again. */
  stallMs?: number;
  timeoutMs?: number;
}

// pvmove's argv is built in lvm/commands.ts; re-exported for test/api/agent/attachments.test.ts.
export { pvmoveArgs } from '../lvm/commands.js';

/** Reads an LV's move state from `lvs -a` (the hidden pvmove LV carries the copy percent). A bare
 *  Runner is accepted too (a report only: test stand-ins of a host agent read through their own). */
export async function readMoveStatus(source: Lvm | Runner, vg: string, lv: string): Promise<MoveStatus | undefined> {
  const rows = await lvmOf(source).lvs(vg, { all: true });
  const row = rows.find((candidate) => candidate.lv_name === lv);
  if (!row) return undefined;
  const through = movingThrough(row.devices);
  const mover = through ? rows.find((candidate) => candidate.lv_name === `[${through}]`) : undefined;
  return {
    moving: Boolean(through),
    percent: mover?.copy_percent ?? 0,
    movePv: through ? (mover?.move_pv || devicesPvs(mover?.devices ?? '')[0] || null) : null,
    pvs: devicesPvs(row.devices),
  };
}

/** The mover for an LV active on this agent's own host (through the agent's Lvm, so its write
 *  observer sees the pvmove). */
export function localMover(lvm: Lvm, vg: string, lv: string): PvMover {
  return {
    start: (spec) => lvm.pvmove(vg, lv, spec),
    status: async () => {
      const status = await readMoveStatus(lvm, vg, lv);
      if (!status) throw new Error(`LV ${vg}/${lv} disappeared during the move`);
      return status;
    },
  };
}

/** Starts the move of one LV off `spec.from` (`restart`: hands an interrupted one to lvmpolld again;
 *  `watch`: only watches one that lvmpolld still polls) and waits until the LV no longer maps through
 *  a pvmove LV. A move whose percentage stalls is handed to lvmpolld again. */
export async function moveExtents(mover: PvMover, spec: MoveSpec, progress: Progress, options: { pollMs?: number; stallMs?: number }, mode: 'start' | 'restart' | 'watch' = 'start'): Promise<void> {
  const pollMs = options.pollMs ?? 1000;
  const stallMs = options.stallMs ?? 30_000;
  if (mode !== 'watch') await mover.start(mode === 'start' ? spec : { from: spec.from });
  let last = -1;
  let lastChange = Date.now();
  for (;;) {
    const status = await mover.status();
    if (!status.moving) return;
    progress(status.percent);
    if (status.percent !== last) {
      last = status.percent;
      lastChange = Date.now();
    } else if (Date.now() - lastChange > stallMs) {
      // Nobody polls it any more (lvmpolld restarted, host rebooted): hand it to lvmpolld again.
      await mover.start({ from: status.movePv ?? spec.from });
      lastChange = Date.now();
    }
    await sleep(pollMs);
  }
}

function chunks(bytes: number, count: number): { offset: number; length: number }[] {
  const size = Math.max(MIB, Math.ceil(bytes / count / MIB) * MIB);
  const out: { offset: number; length: number }[] = [];
  for (let offset = 0; offset < bytes; offset += size) out.push({ offset, length: Math.min(size, bytes - offset) });
  return out;
}

/** Copies `bytes` from one block device to another in chunks (progress after each). `sparse`:
 *  zero blocks are skipped, for thin targets that read zeros where nothing was written. */
export async function copyBlocks(
  from: string, to: string, bytes: number, progress: Progress,
  options: WorkOptions & { dd: string; sparse: boolean; chunks?: number },
): Promise<void> {
  let done = 0;
  for (const { offset, length } of chunks(bytes, options.chunks ?? 20)) {
    await options.runner.command(options.dd, [
      `if=${from}`, `of=${to}`, 'bs=4M', `skip=${offset}`, `seek=${offset}`, `count=${length}`,
      'iflag=direct,skip_bytes,count_bytes', 'oflag=direct,seek_bytes', `conv=notrunc,fsync${options.sparse ? ',sparse' : ''}`, 'status=none',
    ], { timeoutMs: options.timeoutMs });
    done += length;
    progress((done / bytes) * 100);
  }
}

/** Zeroes (`--zeroout`) or discards a block device in chunks (progress after each). */
export async function wipeBlocks(
  device: string, bytes: number, mode: 'zero' | 'discard', progress: Progress,
  options: WorkOptions & { blkdiscard: string; chunks?: number },
): Promise<void> {
  let done = 0;
  for (const { offset, length } of chunks(bytes, options.chunks ?? 20)) {
    await options.runner.command(options.blkdiscard, [
      ...(mode === 'zero' ? ['--zeroout'] : []), '-o', String(offset), '-l', String(length), device,
    ], { timeoutMs: options.timeoutMs });
    done += length;
    progress((done / bytes) * 100);
  }
}
