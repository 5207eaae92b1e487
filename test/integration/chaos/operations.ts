// The chaos run's operations: the PRNG picks one that makes sense on the current listing (a small
// pool of volumes, 8-64 MiB so copies and wipes are quick), the agent is asked, a long operation is
// polled to its end, and the test's model learns what must exist from the answer.
import { LAB_VG } from '../../lab/client.js';
import { AgentDied, api, waitOperation, type ChaosAgent, type Reply } from './chaos-agent.js';
import type { ApiVolume, Listing, Model } from './invariants.js';
import type { Prng } from './prng.js';

export type OpKind = 'create-thick' | 'create-thin' | 'clone' | 'snapshot' | 'delete-snapshot' | 'extend'
  | 'attach' | 'detach' | 'retype' | 'delete-wipe' | 'delete';

export interface Op { kind: OpKind; target: string; method: string; path: string; body?: unknown; sizeMiB?: number }

/** How an operation ended: the answer's status (and its operation's state), or killed under it. */
export interface Outcome { op: Op; status: number | 'killed'; operation?: string; detail?: string }

const MAX_VOLUMES = 6;
const MIB = 2 ** 20;
const gib = (mib: number) => mib / 1024;

let counter = 0;
const nextId = (letter: string) => `${letter}${(counter += 1)}`;

/** The operations that make sense on this listing, with their weights; the PRNG picks one. */
export function pickOp(rng: Prng, seen: Listing): Op {
  const volumes = [...seen.volumes.values()].filter((v) => v.status === 'available').sort((a, b) => a.id.localeCompare(b.id));
  const free = volumes.filter((v) => v.attachments.length === 0);
  const plain = free.filter((v) => v.snapshot_ids.length === 0);
  const attached = volumes.filter((v) => v.attachments.some((a) => a.host === 'a'));
  const snapshots = [...seen.snapshots.keys()].sort();
  const room = seen.volumes.size < MAX_VOLUMES;
  const choices: [OpKind, number][] = [];
  if (room || volumes.length < 2) choices.push(['create-thick', 2], ['create-thin', 2]);
  if (room && volumes.length > 0) choices.push(['clone', 1.5]);
  if (volumes.length > 0) choices.push(['snapshot', 1], ['extend', 1.5]);
  if (snapshots.length > 0) choices.push(['delete-snapshot', snapshots.length > 2 ? 2 : 1]);
  if (free.length > 0) choices.push(['attach', 1.5]);
  if (attached.length > 0) choices.push(['detach', 1.5]);
  if (plain.length > 0) choices.push(['retype', 1.5], ['delete', seen.volumes.size >= MAX_VOLUMES ? 3 : 1.5]);
  if (plain.some((v) => v.type === 'thick')) choices.push(['delete-wipe', 1.5]);
  if (choices.length === 0) choices.push(['create-thick', 1]);
  const kind = rng.weighted(choices);
  const any = () => rng.pick(volumes);
  switch (kind) {
    case 'create-thick':
    case 'create-thin': {
      const id = nextId('v');
      const sizeMiB = 8 * rng.int(1, 8);
      const type = kind === 'create-thin' ? 'thin' : 'thick';
      return { kind, target: id, method: 'POST', path: '/v1/volumes', sizeMiB, body: { id, name: id, vg: LAB_VG, size_gib: gib(sizeMiB), type } };
    }
    case 'clone': {
      const source = any();
      const id = nextId('v');
      const sourceMiB = source.size_bytes / MIB;
      // A thin clone may be asked bigger (a snapshot grown by lvextend: two commands).
      const sizeMiB = source.type === 'thin' && rng.chance(0.5) ? sourceMiB + 8 * rng.int(1, 4) : sourceMiB;
      const body = { id, name: id, vg: LAB_VG, source_volume_id: source.id, ...(sizeMiB > sourceMiB ? { size_gib: gib(sizeMiB) } : {}) };
      return { kind, target: id, method: 'POST', path: '/v1/volumes', sizeMiB, body };
    }
    case 'snapshot': {
      const volume = any();
      const id = nextId('s');
      return { kind, target: volume.id, method: 'POST', path: '/v1/snapshots', body: { id, name: id, volume_id: volume.id } };
    }
    case 'delete-snapshot': {
      const id = rng.pick(snapshots);
      return { kind, target: id, method: 'DELETE', path: `/v1/snapshots/${id}` };
    }
    case 'extend': {
      const volume = any();
      const sizeMiB = Math.ceil(volume.size_bytes / MIB) + 8 * rng.int(1, 3);
      return { kind, target: volume.id, method: 'PATCH', path: `/v1/volumes/${volume.id}`, sizeMiB, body: { size_gib: gib(sizeMiB) } };
    }
    case 'attach': {
      const volume = rng.pick(free);
      return { kind, target: volume.id, method: 'POST', path: '/v1/attachments', body: { volume_id: volume.id, host: 'a' } };
    }
    case 'detach': {
      const volume = rng.pick(attached);
      return { kind, target: volume.id, method: 'DELETE', path: `/v1/attachments/${volume.id}/a` };
    }
    case 'retype': {
      const volume = rng.pick(plain);
      return { kind, target: volume.id, method: 'POST', path: `/v1/volumes/${volume.id}/retype`, body: { type: volume.type === 'thin' ? 'thick' : 'thin' } };
    }
    case 'delete-wipe': {
      const volume = rng.pick(plain.filter((v) => v.type === 'thick'));
      return { kind, target: volume.id, method: 'DELETE', path: `/v1/volumes/${volume.id}?wipe=zero` };
    }
    case 'delete': {
      const volume = rng.pick(plain);
      return { kind, target: volume.id, method: 'DELETE', path: `/v1/volumes/${volume.id}` };
    }
  }
}

/** Sends the operation (and waits for its long operation); `killed` when the agent died under it. */
export async function runOp(agent: ChaosAgent, op: Op, model: Model, seen: Listing): Promise<Outcome> {
  const creates = op.kind === 'create-thick' || op.kind === 'create-thin' || op.kind === 'clone';
  const deletes = op.kind === 'delete' || op.kind === 'delete-wipe';
  // A create whose answer is lost may still have made the volume: whatever it lists must be complete.
  if (creates) model.askedMiB.set(op.target, op.sizeMiB!);
  // A delete in flight may or may not happen: the volume is no longer owed from here on.
  if (deletes) model.mustExist.delete(op.target);
  let reply: Reply;
  try {
    reply = await api(agent, op.method, op.path, op.body);
  } catch (error) {
    if (error instanceof AgentDied) return { op, status: 'killed' };
    throw error;
  }
  const ok = reply.status >= 200 && reply.status < 300;
  if (ok && creates) model.mustExist.add(op.target);
  if (ok && op.kind === 'extend') model.askedMiB.set(op.target, op.sizeMiB!);
  if (!ok && creates && !seen.volumes.has(op.target)) model.askedMiB.delete(op.target);
  const outcome: Outcome = { op, status: reply.status };
  if (!ok) outcome.detail = `${reply.body?.code ?? ''} ${reply.body?.detail ?? JSON.stringify(reply.body)}`.slice(0, 300);
  if (reply.status === 202 && reply.body?.id && reply.body.state === 'running') {
    try {
      outcome.operation = await waitOperation(agent, reply.body.id);
    } catch (error) {
      if (error instanceof AgentDied) return { ...outcome, operation: 'killed' };
      throw error;
    }
  } else if (reply.status === 202) outcome.operation = reply.body?.state;
  return outcome;
}

/** Best effort, through the agent: attachments, snapshots, then volumes go (the VG sweep follows). */
export async function deleteEverything(agent: ChaosAgent, seen: Listing): Promise<void> {
  for (const volume of seen.volumes.values() as Iterable<ApiVolume>) {
    for (const attachment of volume.attachments) await api(agent, 'DELETE', `/v1/attachments/${volume.id}/${attachment.host}`);
  }
  for (const id of seen.snapshots.keys()) await api(agent, 'DELETE', `/v1/snapshots/${id}`);
  for (const id of seen.volumes.keys()) await api(agent, 'DELETE', `/v1/volumes/${id}`);
}
