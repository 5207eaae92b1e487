// moveExtents against scripted movers (no lvm): how it starts, resumes, watches, re-hands a stalled
// move to lvmpolld, and reports progress. The real pvmove runs in test/integration/operations/.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Lvm } from '../../../../../agent/src/lib/lvm/commands.js';
import type { LvRow } from '../../../../../agent/src/lib/lvm/report.js';
import { Runner } from '../../../../../agent/src/lib/lvm/runner.js';
import { localMover, moveExtents, readMoveStatus, type MoveSpec, type MoveStatus, type PvMover } from '../../../../../agent/src/lib/operations/work.js';

/** A mover whose status follows `script` (the last entry repeats); records its start calls. */
function scripted(script: Partial<MoveStatus>[]): PvMover & { starts: MoveSpec[] } {
  const starts: MoveSpec[] = [];
  let step = 0;
  return {
    starts,
    start: async (spec) => { starts.push(spec); },
    status: async () => ({ moving: true, percent: 0, movePv: '/dev/vda', pvs: [], ...script[Math.min(step++, script.length - 1)] }),
  };
}

const done: Partial<MoveStatus> = { moving: false, percent: 0, movePv: null, pvs: ['/dev/vdb'] };
const spec = { from: '/dev/vda', to: '/dev/vdb' };

const cases: [string, { given: { mode: 'start' | 'restart' | 'watch'; script: Partial<MoveStatus>[]; stallMs?: number }; want: { starts: MoveSpec[]; seen: number[] } }][] = [
  ['start: pvmove from -> to, progress until the LV no longer maps through pvmove', {
    given: { mode: 'start', script: [{ percent: 10 }, { percent: 60 }, done] },
    want: { starts: [spec], seen: [10, 60] },
  }],
  ['restart: hands the interrupted move to lvmpolld again (source only)', {
    given: { mode: 'restart', script: [{ percent: 70 }, done] },
    want: { starts: [{ from: '/dev/vda' }], seen: [70] },
  }],
  ['watch: only watches a move that lvmpolld still polls', {
    given: { mode: 'watch', script: [{ percent: 80 }, done] },
    want: { starts: [], seen: [80] },
  }],
  ['a stalled move is handed to lvmpolld again, off the PV the pvmove LV reports', {
    given: { mode: 'watch', script: [{ percent: 100, movePv: '/dev/vdc' }, { percent: 100, movePv: '/dev/vdc' }, { percent: 100, movePv: '/dev/vdc' }, done], stallMs: -1 }, // every unchanged reading is a stall
    want: { starts: [{ from: '/dev/vdc' }, { from: '/dev/vdc' }], seen: [100, 100, 100] },
  }],
];

for (const [name, { given, want }] of cases) {
  test(`moveExtents: ${name}`, async () => {
    const mover = scripted(given.script);
    const seen: number[] = [];
    await moveExtents(mover, spec, (percent) => seen.push(percent), { pollMs: 1, stallMs: given.stallMs ?? 60_000 }, given.mode);
    assert.deepEqual(mover.starts, want.starts);
    assert.deepEqual(seen, want.seen);
  });
}

test('moveExtents: a status failure ends the move with that error', async () => {
  const mover: PvMover = { start: async () => undefined, status: async () => { throw new Error('LV labvg/v disappeared during the move'); } };
  await assert.rejects(moveExtents(mover, spec, () => undefined, { pollMs: 1 }), /disappeared/);
});

// localMover and readMoveStatus go through the Lvm layer (its argv: test/unit/agent/lib/lvm/commands.test.ts).
function lv(name: string, fields: Partial<LvRow>): LvRow {
  return {
    vg_name: 'labvg', lv_name: name, lv_uuid: 'u', lv_attr: '-wI-a-----', lv_size: 1, origin: '', origin_size: null, pool_lv: '',
    data_percent: null, metadata_percent: null, lv_tags: [], lv_time: '', devices: '', move_pv: '', copy_percent: null, ...fields,
  };
}

/** Records pvmove calls and the lvs options; answers lvs with `rows`. */
class StandInLvm extends Lvm {
  readonly seen: unknown[] = [];
  constructor(private readonly rows: LvRow[]) {
    super(new Runner({ lvmPath: '/nonexistent/lvm' }));
  }
  override async pvmove(vg: string, name: string, move: MoveSpec): Promise<void> {
    this.seen.push(['pvmove', vg, name, move]);
  }
  override async lvs(vg: string, options: { all?: boolean } = {}): Promise<LvRow[]> {
    this.seen.push(['lvs', vg, options]);
    return this.rows;
  }
}

const moveRows: [string, { given: LvRow[]; want: MoveStatus | undefined }][] = [
  ['moving: the pvmove LV (hidden, read with -a) gives percent and source PV', {
    given: [lv('vol-a', { devices: 'pvmove0(0)' }), lv('[pvmove0]', { devices: '/dev/vda(0)', move_pv: '/dev/vda', copy_percent: 42 })],
    want: { moving: true, percent: 42, movePv: '/dev/vda', pvs: [] },
  }],
  ['done: mapped to the target PV', {
    given: [lv('vol-a', { devices: '/dev/vdb(12)' })],
    want: { moving: false, percent: 0, movePv: null, pvs: ['/dev/vdb'] },
  }],
  ['the LV is gone', { given: [lv('vol-b', {})], want: undefined }],
];
for (const [name, { given, want }] of moveRows) {
  test(`readMoveStatus: ${name}`, async () => {
    const lvm = new StandInLvm(given);
    assert.deepEqual(await readMoveStatus(lvm, 'labvg', 'vol-a'), want);
    assert.deepEqual(lvm.seen, [['lvs', 'labvg', { all: true }]]);
  });
}

test('localMover: starts with Lvm.pvmove, reads the status with Lvm.lvs -a, fails when the LV disappeared', async () => {
  const lvm = new StandInLvm([lv('vol-a', { devices: '/dev/vdb(0)' })]);
  const mover = localMover(lvm, 'labvg', 'vol-a');
  await mover.start(spec);
  assert.deepEqual(await mover.status(), { moving: false, percent: 0, movePv: null, pvs: ['/dev/vdb'] });
  assert.deepEqual(lvm.seen, [['pvmove', 'labvg', 'vol-a', spec], ['lvs', 'labvg', { all: true }]]);
  await assert.rejects(localMover(new StandInLvm([]), 'labvg', 'vol-a').status(), /LV labvg\/vol-a disappeared during the move/);
});
