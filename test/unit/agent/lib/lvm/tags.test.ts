import assert from 'node:assert/strict';
import { test } from 'node:test';
import { addTagArgs, decodeTags, encodeTags, type ObjectTags } from '../../../../../agent/src/lib/lvm/tags.js';

const roundTrips: [string, { given: ObjectTags; want: string[] }][] = [
  ['name and time', { given: { name: 'db1', createdAt: '2026-11-22T05:00:00.000Z' }, want: ['slvm.name=db1', 'slvm.created=2026-11-22T05:00:00.000Z'] }],
  ['flags', { given: { multiattach: true, creating: true }, want: ['slvm.multiattach', 'slvm.creating'] }],
  ['source, hash, user tags, attachments', {
    given: { source: 'snapshot:abc', requestHash: '0123', userTags: ['env=prod'], attachments: ['node-b:rw'] },
    want: ['slvm.source=snapshot:abc', 'slvm.req=0123', 'slvm.tag.env=prod', 'slvm.att=node-b:rw'],
  }],
];

for (const [name, { given, want }] of roundTrips) {
  test(`encodeTags/decodeTags: ${name}`, () => {
    const tags = encodeTags(given);
    assert.deepEqual(tags, want);
    const decoded = decodeTags(tags);
    for (const [key, value] of Object.entries(given)) assert.deepEqual(decoded[key as keyof ObjectTags], value, key);
  });
}

test('encodeTags refuses a value outside the tag alphabet', () => {
  assert.throws(() => encodeTags({ name: 'a b' }), /may contain only/);
});

test('decodeTags ignores foreign tags', () => {
  assert.deepEqual(decodeTags(['backup', 'slvm.name=x']), { name: 'x', userTags: [], attachments: [] });
});

test('addTagArgs pairs each tag with --addtag', () => {
  assert.deepEqual(addTagArgs(['a', 'b']), ['--addtag', 'a', '--addtag', 'b']);
});
