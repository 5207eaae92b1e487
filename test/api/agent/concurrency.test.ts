// Races, against the production wiring (the real agent process in all mode, over the fake lvm with its
// per-host lock model): 120 concurrent mixed requests on 10 volumes — attach racing retype, move,
// delete, extend, snapshot and detach of the same volume. An attached volume is never removed or
// replaced, the per-volume outcomes are those of some order of the accepted requests, and the VG ends
// with nothing half-made and no activation the records do not explain.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { encodeTags } from '../../../agent/src/lib/lvm/tags.js';
import { call, startAgentProcess, type AgentProcess, type ApiOperation, type ApiVolume } from '../../helpers/agent-process.js';
import { FakeLvm, GIB, type FakeLv } from '../../helpers/fake-lvm.js';

const VOLUMES = 10;
const fake = new FakeLvm();
let agent: AgentProcess;

before(async () => {
  const lvs: Record<string, FakeLv> = { pool0: { attr: 'twi---tz--', size: GIB, data_percent: '0.00' } };
  for (let i = 0; i < VOLUMES; i += 1) {
    lvs[`vol-v${i}`] = { attr: '-wi-------', size: GIB, pv: '/dev/vda', tags: encodeTags({ name: `v${i}`, createdAt: '2026-11-30T00:00:00.000Z', requestHash: 'x' }) };
  }
  fake.setState({ labvg: { size: 40 * GIB, lvs } });
  const tools = fake.hostLockTools('a');
  agent = await startAgentProcess({
    fake, mode: 'all',
    config: { host_name: 'a', host_agent: { lvmlockctl_path: tools.lvmlockctl, sanlock_path: tools.sanlock, restore_on_start: false } },
  });
});
after(async () => {
  await agent?.stop();
  fake.cleanup();
});

type Kind = 'attach' | 'detach' | 'retype' | 'move' | 'delete' | 'extend' | 'snapshot' | 'rename';
// Each volume sees every kind, in an order rotated per volume, so that each kind is first somewhere.
const KINDS: Kind[] = ['attach', 'retype', 'move', 'delete', 'extend', 'snapshot', 'attach', 'detach', 'rename', 'delete', 'retype', 'attach'];

function requestFor(kind: Kind, id: string, n: number): { method: string; path: string; body?: unknown } {
  switch (kind) {
    case 'attach': return { method: 'POST', path: '/v1/attachments', body: { volume_id: id, host: 'a' } };
    case 'detach': return { method: 'DELETE', path: `/v1/attachments/${id}/a` };
    case 'retype': return { method: 'POST', path: `/v1/volumes/${id}/retype`, body: { type: 'thin' } };
    case 'move': return { method: 'POST', path: `/v1/volumes/${id}/move`, body: { pv: '/dev/vdb' } };
    case 'delete': return { method: 'DELETE', path: `/v1/volumes/${id}` };
    case 'extend': return { method: 'PATCH', path: `/v1/volumes/${id}`, body: { size_gib: 2 } };
    case 'snapshot': return { method: 'POST', path: '/v1/snapshots', body: { volume_id: id, name: `s-${id}-${n}` } };
    case 'rename': return { method: 'PATCH', path: `/v1/volumes/${id}`, body: { name: `renamed-${id}` } };
  }
}

test('120 concurrent mixed requests: attached volumes are never removed, outcomes follow one order', { timeout: 240_000 }, async () => {
  const sent: { kind: Kind; id: string; status: number; code?: string; at: number }[] = [];
  const started = Date.now();
  await Promise.all(Array.from({ length: 120 }, async (_, n) => {
    const id = `v${n % VOLUMES}`;
    const kind = KINDS[(Math.floor(n / VOLUMES) + (n % VOLUMES)) % KINDS.length]!;
    const { method, path, body } = requestFor(kind, id, n);
    // Arrivals spread over 0.6 s (deterministic), so that each kind wins some races.
    await new Promise((resolve) => setTimeout(resolve, (n * 37) % 600));
    const answer = await call(agent.url, method, path, body);
    assert.ok(answer.status < 500, `${kind} ${id}: ${JSON.stringify(answer)}`);
    sent.push({ kind, id, status: answer.status, code: answer.body?.code, at: Date.now() - started });
  }));
  // Long operations (retype, move) end; then the VG is read afresh.
  const deadline = Date.now() + 120_000;
  while ((await call(agent.url, 'GET', '/v1/operations?state=running')).body.items.length > 0) {
    assert.ok(Date.now() < deadline, 'operations still running after 120 s');
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const volumes = new Map<string, ApiVolume>((await call(agent.url, 'GET', '/v1/volumes?refresh=true')).body.items.map((v) => [v.id, v]));
  const operations: ApiOperation[] = (await call(agent.url, 'GET', '/v1/operations')).body.items;
  const accepted = (id: string, kind: Kind) => sent.filter((s) => s.id === id && s.kind === kind && s.status < 300);

  for (let i = 0; i < VOLUMES; i += 1) {
    const id = `v${i}`;
    const volume = volumes.get(id);
    const history = JSON.stringify(sent.filter((s) => s.id === id));
    const attachedOnce = accepted(id, 'attach').length > 0;
    const detachedOnce = accepted(id, 'detach').length > 0;
    if (attachedOnce && !volume) assert.ok(detachedOnce, `${id}: attached, never detached, and yet removed (${history})`);
    if (attachedOnce && !detachedOnce) assert.deepEqual(volume?.attachments.map((a) => a.host), ['a'], `${id}: attachment record lost (${history})`);
    if (volume?.attachments.length) assert.equal(fake.locks('labvg', volume.lv_name).a, 'ex', `${id}: attached to a but not held there`);
    const deleted = accepted(id, 'delete').length > 0;
    assert.equal(!volume, deleted, `${id}: ${deleted ? 'delete accepted but the volume exists' : 'gone without an accepted delete'}`);
    const retyped = operations.filter((op) => op.volume_id === id && op.kind === 'retype' && op.state === 'succeeded');
    if (volume && retyped.length > 0) assert.equal(volume.type, 'thin', `${id}: retype reported succeeded, type is ${volume.type}`);
    if (volume && accepted(id, 'extend').length > 0) assert.ok(volume.size_bytes >= 2 * GIB, `${id}: extend accepted, size ${volume.size_bytes}`);
    for (const op of operations.filter((o) => o.volume_id === id && o.state === 'failed')) {
      assert.notEqual(op.error?.status, 500, `${id}: ${op.kind} failed with an internal error: ${JSON.stringify(op.error)}`);
    }
  }
  // Nothing half-made, no activation the records do not explain, no pool lock without a thin LV.
  const lvs = fake.state().vgs.labvg!.lvs;
  for (const [name, lv] of Object.entries(lvs)) {
    assert.ok(/^(vol|snap)-|^pool0$/.test(name), `unexpected LV ${name}`);
    assert.deepEqual((lv.tags ?? []).filter((tag) => /^slvm\.(creating|op=|wipe=|moveto=)/.test(tag)), [], `${name} carries in-flight tags`);
    const volume = volumes.get(name.replace(/^vol-/, ''));
    if (name.startsWith('vol-') && !volume?.attachments.length) assert.equal(fake.locks('labvg', name).a, undefined, `${name} held on a without an attachment`);
  }
  const refusals = sent.filter((s) => s.status >= 400).map((s) => s.code);
  assert.ok(refusals.length > 0 && refusals.every((code) => code !== 'internal' && code !== 'lvm_failed'), JSON.stringify(refusals));
});
