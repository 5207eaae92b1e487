import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { lockModeFor, toMigration, toRecord } from '../../../../../agent/src/lib/attachments/model.js';
import { attachmentTag, attachmentsFromTags, migrationFromTags, migrationTag } from '../../../../../agent/src/lib/attachments/tags.js';
import { tagProblem } from '../../../../../agent/src/lib/lvm/names.js';

describe('attachment tags', () => {
  it('round-trip through LVM tags that pass LVM\'s tag rules', () => {
    const tags = [attachmentTag({ host: 'node-a', mode: 'rw' }), attachmentTag({ host: 'b', mode: 'ro' }), migrationTag({ from: 'node-a', to: 'b' }), 'slvm.name=x'];
    for (const tag of tags) assert.equal(tagProblem(tag), null, tag);
    assert.deepEqual(attachmentsFromTags(tags), [{ host: 'node-a', mode: 'rw' }, { host: 'b', mode: 'ro' }]);
    assert.deepEqual(migrationFromTags(tags), { from: 'node-a', to: 'b' });
  });
  it('ignore malformed records', () => {
    assert.deepEqual(attachmentsFromTags(['slvm.att=a:xx', 'slvm.att=nomode']), []);
    assert.equal(migrationFromTags(['slvm.mig=a', 'slvm.mig=a:b:c']), null);
  });
});

describe('lockModeFor', () => {
  const cases: [string, { given: number; want: string }][] = [
    ['the only attachment holds the LV exclusively', { given: 1, want: 'exclusive' }],
    ['two attachments hold it shared', { given: 2, want: 'shared' }],
    ['a move (source + target) holds it shared', { given: 3, want: 'shared' }],
  ];
  for (const [name, { given, want }] of cases) it(name, () => assert.equal(lockModeFor(given), want));
});

describe('records', () => {
  const lv = { volumeId: 'v1', vg: 'vg0', lvName: 'vol-v1', attachments: [{ host: 'a', mode: 'rw' as const }, { host: 'b', mode: 'rw' as const }], migration: { from: 'a', to: 'b' } };
  it('mark the ends of a move and its shared lock', () => {
    assert.deepEqual(toRecord(lv, lv.attachments[0]!), { id: 'v1/a', volume_id: 'v1', vg: 'vg0', lv_name: 'vol-v1', host: 'a', mode: 'rw', lock_mode: 'shared', path: '/dev/vg0/vol-v1', migration: 'source' });
    assert.equal(toRecord(lv, lv.attachments[1]!).migration, 'target');
    assert.equal(toMigration(lv)?.to_host, 'b');
    assert.equal(toMigration({ ...lv, migration: null }), null);
  });
});
