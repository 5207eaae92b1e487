import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Runner } from '../../../../../agent/src/lib/lvm/runner.js';
import { VgCache } from '../../../../../agent/src/lib/volumes/cache.js';

function row(lvName: string) {
  return {
    vg_name: 'labvg', lv_name: lvName, lv_uuid: 'u', lv_attr: '-wi-------', lv_size: 1, origin: '', origin_size: null, pool_lv: '',
    data_percent: null, metadata_percent: null, lv_tags: [], lv_time: '', vg_uuid: 'v', vg_attr: 'wz--ns', vg_size: 10, vg_free: 9,
    vg_extent_size: 1, pv_count: 1, lv_count: 1, vg_lock_type: 'sanlock', vg_mda_free: 1, vg_mda_size: 2,
  };
}

/** A runner whose report() answers from `lvs` and can be held until released. */
function fakeRunner(lvs: () => string[]) {
  let calls = 0;
  let gate: Promise<void> | undefined;
  const runner = {
    async report() {
      calls += 1;
      const names = lvs();
      if (gate) await gate;
      return ['[lvmlock]', ...names].map(row);
    },
  } as unknown as Runner;
  return {
    runner,
    calls: () => calls,
    hold() {
      let release!: () => void;
      gate = new Promise((resolve) => (release = resolve));
      return () => {
        gate = undefined;
        release();
      };
    },
  };
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
