// The long-running LVM and data work behind operations, each reporting progress: pvmove of one LV
// (lvmpolld polls the move, so it outlives this process; we only watch the pvmove LV's copy_percent),
// a chunked block copy (dd) and a chunked wipe (blkdiscard).
import { LV_FIELDS, lvRow, movingThrough, type LvRow } from '../lvm/report.js';
import type { Runner } from '../lvm/runner.js';
import type { Progress } from './registry.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const MIB = 2 ** 20;

export interface MoveSpec {
  vg: string;
  lv: string;
  /** Source PV (one per pvmove run). */
  from: string;
  /** Target PV. */
  to?: string;
}

export interface WorkOptions {
  runner: Runner;
  /** How often the pvmove LV is re-read. */
  pollMs?: number;
  /** A move whose percentage does not change for this long gets its polling restarted. */
  stallMs?: number;
  timeoutMs?: number;
}

async function readLvs(runner: Runner, vg: string): Promise<LvRow[]> {
  return runner.report('lv', LV_FIELDS, ['-a', vg], lvRow);
}

/** Starts (or, with `resume`, re-attaches to) the pvmove of `spec.lv` off `spec.from` and waits until
 *  the LV no longer maps through a pvmove LV. `pvmove -b` hands the polling to lvmpolld; in a shared
 *  VG lvm2 needs the LV named even to resume ("Detected pvmove in progress"). */
export async function moveExtents(spec: MoveSpec, progress: Progress, options: WorkOptions, resume = false): Promise<void> {
  const { runner } = options;
  const pollMs = options.pollMs ?? 1000;
  const stallMs = options.stallMs ?? 30_000;
  const start = () => runner.lvm('pvmove', ['-b', '-i', '2', '-n', `${spec.vg}/${spec.lv}`, spec.from, ...(resume || !spec.to ? [] : [spec.to])]);
  await start();
  let last = -1;
  let lastChange = Date.now();
  for (;;) {
    const rows = await readLvs(runner, spec.vg);
    const lv = rows.find((row) => row.lv_name === spec.lv);
    if (!lv) throw new Error(`LV ${spec.vg}/${spec.lv} disappeared during the move`);
    const through = movingThrough(lv.devices);
    if (!through) return;
    const mover = rows.find((row) => row.lv_name === `[${through}]`);
    const percent = mover?.copy_percent ?? 0;
    progress(percent);
    if (percent !== last) {
      last = percent;
      lastChange = Date.now();
    } else if (Date.now() - lastChange > stallMs) {
      // Nobody polls it any more (lvmpolld restarted, host rebooted): hand it to lvmpolld again.
      await runner.lvm('pvmove', ['-b', '-i', '2', '-n', `${spec.vg}/${spec.lv}`, mover?.move_pv || spec.from]);
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
