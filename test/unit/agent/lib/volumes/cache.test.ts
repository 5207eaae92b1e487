import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AgentError } from '../../../../../agent/src/lib/errors.js';
import { Lvm, type VgReport } from '../../../../../agent/src/lib/lvm/commands.js';
import type { LvRow, VgRow } from '../../../../../agent/src/lib/lvm/report.js';
import { Runner } from '../../../../../agent/src/lib/lvm/runner.js';
import { VgCache } from '../../../../../agent/src/lib/volumes/cache.js';

const VG: VgRow = {
  vg_name: 'labvg', vg_uuid: 'v', vg_attr: 'wz--ns', vg_size: 10, vg_free: 9, vg_extent_size: 1, pv_count: 1, lv_count: 1,
  vg_lock_type: 'sanlock', vg_mda_free: 1, vg_mda_size: 2,
};

function row(lvName: string): LvRow {
  return {
    vg_name: 'labvg', lv_name: lvName, lv_uuid: 'u', lv_attr: '-wi-------', lv_size: 1, origin: '', origin_size: null, pool_lv: '',
    data_percent: null, metadata_percent: null, lv_tags: [], lv_time: '', devices: '', move_pv: '', copy_percent: null,
  };
}

/** An Lvm stand-in whose vgReport() answers from `lvs` (no VG row when there is no LV, as lvs
 *  prints none) and can be held until released; vgs() answers the VG. Counts both. */
class StandInLvm extends Lvm {
  reports = 0;
  vgsCalls = 0;
  failWith: unknown;
  private gate: Promise<void> | undefined;
  constructor(private readonly names: () => string[]) {
    super(new Runner({ lvmPath: '/nonexistent/lvm' }));
  }
  override async vgReport(): Promise<VgReport> {
    this.reports += 1;
    const names = this.names();
    if (this.gate) await this.gate;
    if (this.failWith) throw this.failWith;
    return { vg: names.length ? VG : undefined, lvs: ['[lvmlock]', ...names].map(row) };
  }
  override async vgs(): Promise<VgRow[]> {
    this.vgsCalls += 1;
    return [{ ...VG, lv_count: 0 }];
  }
  hold(): () => void {
    let release!: () => void;
    this.gate = new Promise((resolve) => (release = resolve));
    return () => {
      this.gate = undefined;
      release();
    };
  }
}

/** The shape the tests below were written against: the stand-in, its call count, its gate. */
function fakeRunner(lvs: () => string[]) {
  const lvm = new StandInLvm(lvs);
  return { runner: lvm, calls: () => lvm.reports, hold: () => lvm.hold() };
}

test('reads within the TTL cost no lvm call; refresh=true always re-reads', async () => {
  const fake = fakeRunner(() => ['vol-a']);
  const cache = new VgCache('labvg', fake.runner, 60_000);
  await cache.read();
  await cache.read();
  assert.equal(fake.calls(), 1);
  await cache.read({ refresh: true });
  assert.equal(fake.calls(), 2);
});

test('hidden LVs ([lvmlock]) are left out', async () => {
  const cache = new VgCache('labvg', fakeRunner(() => ['vol-a']).runner, 60_000);
  assert.deepEqual([...(await cache.read()).lvs.keys()], ['vol-a']);
});

test('an expired cache is re-read (out-of-band changes show after the TTL)', async () => {
  let names = ['vol-a'];
  const fake = fakeRunner(() => names);
  const cache = new VgCache('labvg', fake.runner, 0);
  await cache.read();
  names = ['vol-a', 'vol-b'];
  assert.ok((await cache.read()).lvs.has('vol-b'));
});

test('concurrent reads share one lvm call', async () => {
  const fake = fakeRunner(() => ['vol-a']);
  const cache = new VgCache('labvg', fake.runner, 60_000);
  await Promise.all([cache.read(), cache.read(), cache.read()]);
  assert.equal(fake.calls(), 1);
});

test('a re-read that started before a mutation never brings back what the mutation deleted', async () => {
  let names = ['vol-a', 'vol-b'];
  const fake = fakeRunner(() => names);
  const cache = new VgCache('labvg', fake.runner, 60_000);
  await cache.read();
  const release = fake.hold();
  const stale = cache.reload(); // a periodic refresh that read the VG before the delete
  // The delete: mutation starts, lvremove runs, the LV is forgotten, mutation ends with a re-read.
  cache.bumpGeneration();
  names = ['vol-a'];
  cache.forget('vol-b');
  cache.bumpGeneration();
  release();
  await stale;
  assert.equal((await cache.read()).lvs.has('vol-b'), false);
  const fresh = await cache.reload();
  assert.equal(fresh.lvs.has('vol-b'), false);
});

test('one vgReport per re-read; vgs only for a VG without LVs', async () => {
  let names = ['vol-a'];
  const lvm = new StandInLvm(() => names);
  const cache = new VgCache('labvg', lvm, 60_000);
  assert.equal((await cache.read()).vg.lv_count, 1);
  assert.deepEqual([lvm.reports, lvm.vgsCalls], [1, 0]);
  names = [];
  const empty = await cache.read({ refresh: true });
  assert.deepEqual([empty.vg.lv_count, empty.lvs.size], [0, 0]);
  assert.deepEqual([lvm.reports, lvm.vgsCalls], [2, 1]);
});

test('a missing VG is a not_found naming the VG, with the lvm details kept', async () => {
  const lvm = new StandInLvm(() => []);
  const details = { exit_code: 5, stderr: 'Volume group "labvg" not found', command: ['lvm', 'lvs'] };
  lvm.failWith = new AgentError('not_found', 'Volume group "labvg" not found', { lvm: details });
  await assert.rejects(new VgCache('labvg', lvm, 60_000).read(), (error: unknown) => {
    assert.ok(error instanceof AgentError);
    assert.equal(error.message, 'volume group labvg not found on this host');
    assert.deepEqual(error.lvm, details);
    return true;
  });
});
