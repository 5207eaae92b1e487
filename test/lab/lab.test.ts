// The lab itself, on real lvm2 + lvmlockd + sanlock: what every other test relies on.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { labExec, labRun, labUp, LAB_NODES, LAB_VG, type LabNode } from './client.js';

const lv = `labtest${process.pid}`;
const dev = `/dev/${LAB_VG}/${lv}`;
// A refused -asy takes about 5.5 s (lvmlockd retries), so refusals get a generous timeout.
const refusal = { timeoutMs: 60_000 };

async function lvchange(node: LabNode, mode: string) { return labExec(node, ['lvchange', mode, `${LAB_VG}/${lv}`], refusal); }

describe('lab: two nodes, one shared VG', { timeout: 600_000 }, () => {
  before(async () => {
    await labUp();
    await labRun('a', ['lvcreate', '-q', '-an', '--setautoactivation', 'n', '-L', '16m', '-n', lv, LAB_VG]);
  });
  after(async () => {
    for (const n of LAB_NODES) await labExec(n, ['lvchange', '-an', `${LAB_VG}/${lv}`]);
    await labExec('a', ['lvremove', '-q', '-y', `${LAB_VG}/${lv}`]);
  });

  for (const node of LAB_NODES) {
    test(`the VG is visible on node ${node} with lock type sanlock`, async () => {
      const out = await labRun(node, ['vgs', '--reportformat', 'json', '-o', 'vg_name,vg_lock_type,pv_count', LAB_VG]);
      const vg = JSON.parse(out).report[0].vg[0];
      assert.deepEqual(vg, { vg_name: LAB_VG, vg_lock_type: 'sanlock', pv_count: '2' });
    });
  }

  test('data written on a through /dev/VG/LV is read on b after activation there', async () => {
    const marker = `written-on-a-${Date.now()}-`;
    const block = marker.repeat(Math.ceil(65536 / marker.length)).slice(0, 65536);
    assert.equal((await lvchange('a', '-aey')).code, 0);
    await labRun('a', ['dd', `of=${dev}`, 'bs=64K', 'count=1', 'oflag=direct', 'status=none'], { stdin: block });
    assert.equal((await lvchange('a', '-an')).code, 0);
    assert.equal((await lvchange('b', '-aey')).code, 0);
    const read = await labRun('b', ['dd', `if=${dev}`, 'bs=64K', 'count=1', 'iflag=direct', 'status=none']);
    assert.equal(read, block);
    assert.equal((await lvchange('b', '-an')).code, 0);
  });

  describe('while a holds the LV exclusively', () => {
    before(async () => { assert.equal((await lvchange('a', '-aey')).code, 0); });
    after(async () => { await lvchange('a', '-an'); });

    const refused: [string, { given: string[] }][] = [
      ['lvchange -aey', { given: ['lvchange', '-aey', `${LAB_VG}/${lv}`] }],
      ['lvchange -asy', { given: ['lvchange', '-asy', `${LAB_VG}/${lv}`] }],
      ['lvextend', { given: ['lvextend', '-L', '+4m', `${LAB_VG}/${lv}`] }],
      ['lvremove', { given: ['lvremove', '-y', `${LAB_VG}/${lv}`] }],
    ];
    for (const [name, { given }] of refused) {
      test(`b's ${name} is refused`, async () => {
        const r = await labExec('b', given, refusal);
        assert.notEqual(r.code, 0, `${name} on b should fail while a holds the LV`);
        assert.match(r.stderr, /locked by other host|incompatible mode|failed lock/i);
      });
    }

    test('a still holds it, and the LV still exists', async () => {
      const info = await labRun('a', ['lvmlockctl', '--info']);
      assert.match(info, /LK LV ex /);
      assert.equal((await labExec('b', ['lvs', `${LAB_VG}/${lv}`])).code, 0);
    });
  });

  test('shared activation on both nodes works for a plain LV', async () => {
    for (const n of LAB_NODES) assert.equal((await lvchange(n, '-asy')).code, 0, `-asy on ${n}`);
    for (const n of LAB_NODES) {
      assert.match(await labRun(n, ['lvmlockctl', '--info']), /LK LV sh /, `node ${n} holds a shared lock`);
      assert.equal((await labExec(n, ['test', '-b', dev])).code, 0, `${dev} exists on ${n}`);
    }
    for (const n of LAB_NODES) assert.equal((await lvchange(n, '-an')).code, 0);
  });
});
