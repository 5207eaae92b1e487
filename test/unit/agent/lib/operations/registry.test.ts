// The operations registry: one running operation per volume, progress only forward, errors kept as
// the problem document the API would answer with, a bounded history.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pino } from 'pino';
import { AgentError } from '../../../../../agent/src/lib/errors.js';
import { OperationRegistry, type OperationStart, type Progress } from '../../../../../agent/src/lib/operations/registry.js';

const spec = (volumeId: string, extra: Partial<OperationStart> = {}): OperationStart => ({ kind: 'move', volumeId, vg: 'labvg', target: '/dev/vdb', host: 'a', ...extra });
const registry = () => new OperationRegistry(pino({ level: 'silent' }));

test('an operation runs in the background: running at once, then succeeded at 100 %', async () => {
  const ops = registry();
  let report: Progress = () => undefined;
  let finish: () => void = () => undefined;
  const started = ops.start(spec('v1'), (progress) => new Promise<void>((resolve) => { report = progress; finish = resolve; }));
  assert.equal(started.state, 'running');
  assert.match(started.id, /^op-move-/);
  report(40);
  report(30); // a resumed copy may report less: the percentage never goes back
  assert.equal(ops.get(started.id).percent, 40);
  finish();
  const done = await ops.settled(started.id);
  assert.deepEqual([done.state, done.percent, done.error], ['succeeded', 100, null]);
  assert.ok(done.finished_at);
});

test('a second operation on the same volume is a 409 naming the running one; other volumes are free', async () => {
  const ops = registry();
  let finish: () => void = () => undefined;
  const first = ops.start(spec('v1'), () => new Promise<void>((resolve) => { finish = resolve; }));
  assert.throws(() => ops.start(spec('v1', { kind: 'wipe' }), async () => undefined), (error: AgentError) => error.code === 'in_use' && error.message.includes(first.id));
  const other = ops.start(spec('v2'), async () => undefined);
  await ops.settled(other.id);
  finish();
  await ops.settled(first.id);
  assert.equal(ops.runningFor('v1'), undefined);
});

const failures: [string, { given: unknown; want: { code: string; status: number } }][] = [
  ['an AgentError keeps its code', { given: new AgentError('lock_conflict', 'held elsewhere'), want: { code: 'lock_conflict', status: 409 } }],
  ['any other error is internal', { given: new Error('boom'), want: { code: 'internal', status: 500 } }],
];
for (const [name, { given, want }] of failures) {
  test(`a failed operation carries its problem: ${name}`, async () => {
    const ops = registry();
    const started = ops.start(spec('v1'), async () => { throw given; });
    const done = await ops.settled(started.id);
    assert.equal(done.state, 'failed');
    assert.equal(done.error?.code, want.code);
    assert.equal(done.error?.status, want.status);
    assert.equal(done.error?.instance, `/v1/operations/${started.id}`);
  });
}

test('a resumed operation keeps the recorded id; record() stores one that ended before it could run', async () => {
  const ops = registry();
  const resumed = ops.start(spec('v1', { id: 'op-move-recorded', resumed: true }), async () => undefined);
  assert.equal(resumed.id, 'op-move-recorded');
  assert.equal((await ops.settled(resumed.id)).resumed, true);
  const failed = ops.record(spec('v2', { kind: 'retype' }), new AgentError('internal', 'copy interrupted'));
  assert.equal(ops.get(failed.id).state, 'failed');
  assert.deepEqual(ops.list({ volumeId: 'v2' }).map((op) => op.id), [failed.id]);
  assert.deepEqual(ops.list({ state: 'succeeded' }).map((op) => op.id), ['op-move-recorded']);
});

test('unknown ids are a 404; only the last 200 finished operations are kept', async () => {
  const ops = registry();
  assert.throws(() => ops.get('op-move-nope'), (error: AgentError) => error.code === 'not_found');
  for (let i = 0; i < 205; i++) ops.record(spec(`v${i}`), new Error('x'));
  assert.equal(ops.list().length, 200);
});
