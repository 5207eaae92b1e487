// moveExtents against scripted movers (no lvm): how it starts, resumes, watches, re-hands a stalled
// move to lvmpolld, and reports progress. The real pvmove runs in test/integration/operations/.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { moveExtents, pvmoveArgs, type MoveSpec, type MoveStatus, type PvMover } from '../../../../../agent/src/lib/operations/work.js';

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

test('pvmoveArgs: background, 2 s poll, the LV named (lvm2 needs it in a shared VG), target only when given', () => {
  assert.deepEqual(pvmoveArgs('labvg', 'vol-a', spec), ['-b', '-i', '2', '-n', 'labvg/vol-a', '/dev/vda', '/dev/vdb']);
  assert.deepEqual(pvmoveArgs('labvg', 'vol-a', { from: '/dev/vda' }), ['-b', '-i', '2', '-n', 'labvg/vol-a', '/dev/vda']);
});
