// The race test again on real lvm2/lvmlockd/sanlock: 104 concurrent mixed requests on 8 volumes
// (attach racing retype, move, delete, extend, snapshot, detach, rename of the same volume) against
// the agent in all mode on node a. An attached volume is never removed, its record and its real
// exclusive lock stay, per-volume outcomes are consistent, and the VG ends with nothing half-made and
// no activation on a that an attachment does not explain.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { LAB_VG } from '../../lab/client.js';
import { labHttp } from '../../lab/http.js';
import { AUTH, heldLocks, LV_PREFIX, rawLvs, removeOurLvs, requireLab, startLabAgent, type LabAgent } from './lab-agent.js';

const VOLUMES = 8;
const REQUESTS = 104;
let agent: LabAgent | undefined;

async function api(method: string, path: string, body?: unknown) {
  const reply = await labHttp(`${agent!.url}${path}`, { method, headers: AUTH, timeoutMs: 300_000, ...(body === undefined ? {} : { body }) });
  return { status: reply.status, body: reply.body as { code?: string; items?: never[]; detail?: string } };
}

before(async () => {
  await requireLab();
  await removeOurLvs();
  agent = await startLabAgent({ mode: 'all', args: ['--host-name', 'a'] });
  for (let i = 0; i < VOLUMES; i += 1) {
    const created = await api('POST', '/v1/volumes', { id: `race${i}`, vg: LAB_VG, name: `race${i}`, size_gib: 0.03125 });
    assert.equal(created.status, 201, JSON.stringify(created.body));
  }
});

after(async () => {
  if (agent) {
    for (let i = 0; i < VOLUMES; i += 1) await api('DELETE', `/v1/attachments/race${i}/a`).catch(() => undefined);
    await agent.stop();
  }
  await removeOurLvs();
});

type Kind = 'attach' | 'detach' | 'retype' | 'move' | 'delete' | 'extend' | 'snapshot' | 'rename';
const KINDS: Kind[] = ['attach', 'retype', 'move', 'delete', 'extend', 'snapshot', 'attach', 'detach', 'rename', 'delete', 'retype', 'attach', 'extend'];

function requestFor(kind: Kind, id: string, n: number): [string, string, unknown?] {
  switch (kind) {
    case 'attach': return ['POST', '/v1/attachments', { volume_id: id, host: 'a' }];
    case 'detach': return ['DELETE', `/v1/attachments/${id}/a`];
    case 'retype': return ['POST', `/v1/volumes/${id}/retype`, { type: 'thin' }];
    case 'move': return ['POST', `/v1/volumes/${id}/move`, { pv: '/dev/vdb' }];
    case 'delete': return ['DELETE', `/v1/volumes/${id}`];
    case 'extend': return ['PATCH', `/v1/volumes/${id}`, { size_gib: 0.0625 }];
    case 'snapshot': return ['POST', '/v1/snapshots', { volume_id: id, name: `s-${id}-${n}`, cow_size_gib: 0.03125 }];
    case 'rename': return ['PATCH', `/v1/volumes/${id}`, { name: `renamed-${id}` }];
  }
}

interface ApiVolume {
  id: string;
  lv_name: string;
  lv_uuid: string;
  type: string;
  size_bytes: number;
  attachments: { host: string }[];
}

test('104 concurrent mixed requests on real lvm: attached volumes never removed, locks match the records', { timeout: 900_000 }, async (t) => {
  const sent: { kind: Kind; id: string; status: number; code?: string | undefined }[] = [];
  await Promise.all(Array.from({ length: REQUESTS }, async (_, n) => {
    const id = `race${n % VOLUMES}`;
    const kind = KINDS[(Math.floor(n / VOLUMES) + (n % VOLUMES)) % KINDS.length]!;
    // Arrivals spread over 3 s (deterministic), so that each kind wins some races.
    await new Promise((resolve) => setTimeout(resolve, (n * 97) % 3000));
    const [method, path, body] = requestFor(kind, id, n);
    const answer = await api(method, path, body);
    assert.ok(answer.status < 500, `${kind} ${id}: ${answer.status} ${JSON.stringify(answer.body)}`);
    sent.push({ kind, id, status: answer.status, code: answer.body?.code });
  }));
  const deadline = Date.now() + 600_000;
  while (((await api('GET', '/v1/operations?state=running')).body.items ?? []).length > 0) {
    assert.ok(Date.now() < deadline, 'operations still running after 10 min');
    await new Promise((resolve) => setTimeout(resolve, 2000));
  }
  const listed = (await api('GET', `/v1/volumes?vg=${LAB_VG}&refresh=true`)).body.items as unknown as ApiVolume[];
  const volumes = new Map(listed.map((v) => [v.id, v]));
  const operations = (await api('GET', '/v1/operations')).body.items as unknown as { volume_id: string; kind: string; state: string }[];
  const accepted = (id: string, kind: Kind) => sent.some((s) => s.id === id && s.kind === kind && s.status < 300);
  const locks = (await heldLocks('a')).join('\n');
  const lvs = await rawLvs('a');

  for (let i = 0; i < VOLUMES; i += 1) {
    const id = `race${i}`;
    const volume = volumes.get(id);
    const history = JSON.stringify(sent.filter((s) => s.id === id).map((s) => `${s.kind}:${s.status}${s.code ? `:${s.code}` : ''}`));
    if (accepted(id, 'attach') && !volume) assert.ok(accepted(id, 'detach'), `${id}: attached, never detached, and yet removed ${history}`);
    if (accepted(id, 'attach') && !accepted(id, 'detach')) {
      assert.deepEqual(volume?.attachments.map((a) => a.host), ['a'], `${id}: attachment record lost ${history}`);
    }
    assert.equal(!volume, accepted(id, 'delete'), `${id}: ${history}`);
    if (!volume) continue;
    const row = lvs.get(volume.lv_name)!;
    if (volume.attachments.length > 0) assert.match(locks, new RegExp(`LK LV ex ${row.lv_uuid}`), `${id}: attached to a, not held ex there`);
    else if (volume.type === 'thick') assert.notEqual(row.lv_attr[4], 'a', `${id}: active on a without an attachment`);
    const retyped = operations.some((op) => op.volume_id === id && op.kind === 'retype' && op.state === 'succeeded');
    if (retyped) assert.equal(volume.type, 'thin', `${id}: retype reported succeeded ${history}`);
    if (accepted(id, 'extend')) assert.ok(volume.size_bytes >= 64 * 2 ** 20, `${id}: extend accepted, size ${volume.size_bytes}`);
  }
  for (const [name, row] of lvs) {
    if (!name.startsWith(LV_PREFIX)) continue;
    assert.ok(/^agt-(vol|snap)-|^agt-pool$/.test(name), `unexpected LV ${name}`);
    assert.doesNotMatch(row.lv_tags, /slvm\.(creating|op=|wipe=|moveto=)/, `${name} carries in-flight tags`);
  }
  const byOutcome = new Map<string, number>();
  for (const s of sent) byOutcome.set(`${s.kind} ${s.status}`, (byOutcome.get(`${s.kind} ${s.status}`) ?? 0) + 1);
  t.diagnostic(`outcomes: ${[...byOutcome].map(([k, v]) => `${k} x${v}`).sort().join(', ')}`);
  assert.ok(sent.filter((s) => s.status >= 400).every((s) => s.code !== 'internal' && s.code !== 'lvm_failed'), JSON.stringify(sent));
});
