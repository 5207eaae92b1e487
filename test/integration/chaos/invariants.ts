// The invariant check of the chaos run, on the REAL VG (lvs and lvmlockctl in guest a) and the
// restarted agent's API, after its start-up reconcile and once no operation runs any more:
//   - every LV of the run is a listed volume or snapshot or the thin pool (lvm's hidden sub-LVs,
//     lvmlock and pvmove LVs are lvm's own; LVs of other prefixes belong to other suites);
//   - no LV carries an in-flight tag (slvm.creating, slvm.op=, slvm.wipe=, slvm.moveto=);
//   - no volume the test must still have is lost;
//   - nothing half-made is reported done: an `available` volume is at least the size asked for, and
//     no volume is left `creating`;
//   - nothing is active on the control node (a) without an attachment record for a, and the thin
//     pool's lock is not held on a when no thin LV is active there.
import { LAB_VG, labRun } from '../../lab/client.js';
import { api, settle, type ChaosAgent } from './chaos-agent.js';
import { POOL, PREFIX } from './chaos-agent.js';

const MIB = 2 ** 20;
const IN_FLIGHT = /^slvm\.(creating|op=|wipe=|moveto=)/;

/** What the test knows must hold, whatever the kills did. */
export interface Model {
  /** Volumes whose create was answered 2xx and whose delete was not accepted (or never asked). */
  mustExist: Set<string>;
  /** The least size (MiB) each volume must have once listed `available` (create or extend asked). */
  askedMiB: Map<string, number>;
}

export interface ApiVolume {
  id: string; type: 'thick' | 'thin'; size_bytes: number; status: string;
  attachments: { host: string }[]; snapshot_ids: string[];
}
export interface ApiSnapshot { id: string; volume_id: string | null; type: 'cow' | 'thin' }

interface LvRow { lv_name: string; lv_attr: string; lv_tags: string; lv_uuid: string; pool_lv: string }

export async function vgRows(): Promise<LvRow[]> {
  const out = await labRun('a', ['lvs', '-a', '--reportformat', 'json', '-o',
    'lv_name,lv_attr,lv_tags,lv_uuid,pool_lv', LAB_VG]);
  return (JSON.parse(out) as { report: { lv: LvRow[] }[] }).report[0]!.lv;
}

/** LV uuids whose lock node a holds (`LK LV ex|sh <uuid>` lines of lvmlockctl --info). */
async function lockedUuids(): Promise<Set<string>> {
  const out = await labRun('a', ['lvmlockctl', '--info']);
  const uuids = out.split('\n').map((line) => /^LK LV (?:ex|sh) (\S+)/.exec(line.trim())?.[1]).filter(Boolean);
  return new Set(uuids as string[]);
}

export interface Listing { volumes: Map<string, ApiVolume>; snapshots: Map<string, ApiSnapshot> }

export async function listing(agent: ChaosAgent, refresh = false): Promise<Listing> {
  const query = refresh ? '?refresh=true' : '';
  const volumes = await api(agent, 'GET', `/v1/volumes${query}`);
  const snapshots = await api(agent, 'GET', `/v1/snapshots${query}`);
  if (volumes.status !== 200 || snapshots.status !== 200) {
    throw new Error(`listing: ${volumes.status} ${JSON.stringify(volumes.body)} / ${snapshots.status}`);
  }
  return {
    volumes: new Map((volumes.body.items as ApiVolume[]).map((v) => [v.id, v])),
    snapshots: new Map((snapshots.body.items as ApiSnapshot[]).map((s) => [s.id, s])),
  };
}

/** The violations found (empty when every invariant holds) and the listing it was checked against. */
export async function checkInvariants(agent: ChaosAgent, model: Model): Promise<{ violations: string[]; seen: Listing }> {
  await settle(agent);
  const seen = await listing(agent, true);
  const rows = await vgRows();
  const locks = await lockedUuids();
  const violations: string[] = [];
  const tagsOf = (row: LvRow) => (row.lv_tags ? row.lv_tags.split(',') : []);
  const attachedToA = (row: LvRow | undefined) => Boolean(row && tagsOf(row).some((tag) => tag.startsWith('slvm.att=a:')));
  const byName = new Map(rows.map((row) => [row.lv_name, row]));
  const activeHere = (row: LvRow) => row.lv_attr[4] === 'a';
  const thinActiveHere = rows.some((row) => row.pool_lv === POOL && !row.lv_name.startsWith('[') && activeHere(row));

  for (const row of rows) {
    const name = row.lv_name;
    if (name.startsWith('[') || !name.startsWith(PREFIX)) continue;
    const rest = name.slice(PREFIX.length);
    const volumeId = rest.startsWith('vol-') ? rest.slice(4) : undefined;
    const snapshotId = rest.startsWith('snap-') ? rest.slice(5) : undefined;
    if (volumeId !== undefined && !seen.volumes.has(volumeId)) violations.push(`LV ${name} is not a listed volume`);
    else if (snapshotId !== undefined && !seen.snapshots.has(snapshotId)) violations.push(`LV ${name} is not a listed snapshot`);
    else if (volumeId === undefined && snapshotId === undefined && name !== POOL) {
      violations.push(`LV ${name} is neither a volume, a snapshot nor the pool (attr ${row.lv_attr}, tags ${row.lv_tags})`);
    }
    const inFlight = tagsOf(row).filter((tag) => IN_FLIGHT.test(tag));
    if (inFlight.length > 0) violations.push(`LV ${name} still carries in-flight tags ${inFlight.join(' ')}`);
    // Active on the control node: only with an attachment record for a (a COW snapshot with its origin's).
    const snapshot = snapshotId === undefined ? undefined : seen.snapshots.get(snapshotId);
    const origin = snapshot?.volume_id ? byName.get(`${PREFIX}vol-${snapshot.volume_id}`) : undefined;
    const recorded = name === POOL ? thinActiveHere : attachedToA(row) || (snapshot?.type === 'cow' && attachedToA(origin));
    if (activeHere(row) && !recorded) violations.push(`LV ${name} is active on the control node a without an attachment there (attr ${row.lv_attr})`);
    if (locks.has(row.lv_uuid) && !recorded) {
      violations.push(name === POOL
        ? `thin pool ${name}'s lock is held on a with no thin LV active there`
        : `a holds the lock of ${name} without an attachment there`);
    }
  }
  for (const id of model.mustExist) if (!seen.volumes.has(id)) violations.push(`volume ${id} was lost (created 2xx, never deleted)`);
  for (const volume of seen.volumes.values()) {
    if (volume.status === 'creating') violations.push(`volume ${volume.id} is left 'creating' after the reconcile`);
    const asked = model.askedMiB.get(volume.id);
    if (volume.status === 'available' && asked !== undefined && volume.size_bytes < asked * MIB) {
      violations.push(`volume ${volume.id} is 'available' with ${volume.size_bytes / MIB} MiB, ${asked} MiB were asked`);
    }
  }
  return { violations, seen };
}
