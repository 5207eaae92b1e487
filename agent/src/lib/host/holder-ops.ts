// Metadata changes that lvmlockd lets only the LV lock's holder make: extend, COW snapshot create,
// snapshot removal, revert and pvmove of an attached volume. The control agent decides them (names, sizes,
// tags) and sends them to the one host that holds the volume exclusively; that host runs them here.
// Removing a COW snapshot anywhere else while the origin is active here corrupts data (lvm2 2.03.16
// accepts it), which is why these never run on a host that does not hold the lock.
import type { components } from '../../../../openapi/generated/types.js';
import { AgentError } from '../errors.js';
import { lvNameProblem, tagProblem } from '../lvm/names.js';
import { isActiveHere, isOpenHere, lvKind, parseLvAttr } from '../lvm/attr.js';
import type { LvRow } from '../lvm/report.js';
import type { HostMoveStatus, HostService, HostVolume } from './activation.js';

type HostSnapshotCreate = components['schemas']['HostSnapshotCreate'];
type HostMoveStart = components['schemas']['HostMoveStart'];

/** The LV, active here and (with lvmlockd) locked exclusively here, or a 409 saying why not. */
async function requireHeld(host: HostService, vg: string, lv: string, what: string): Promise<{ row: LvRow; lvs: Map<string, LvRow> }> {
  const lvs = await host.readVg(vg);
  const row = lvs.get(lv);
  if (!row) throw new AgentError('not_found', `LV ${vg}/${lv} not found`);
  if (!isActiveHere(row)) throw new AgentError('lock_conflict', `${vg}/${lv} is not active on host ${host.hostName}: ${what} runs only where the LV is held`);
  if (host.lockType === 'sanlock') {
    const volume = await host.getVolume(vg, lv);
    if (volume.lock_mode !== 'exclusive') {
      throw new AgentError('lock_conflict', `${vg}/${lv} is held ${volume.lock_mode} on host ${host.hostName}; ${what} needs the LV lock exclusive`);
    }
  }
  return { row, lvs };
}

function checkName(name: string, pointer: string): void {
  const problem = lvNameProblem(name);
  if (problem) throw new AgentError('bad_request', `${name}: ${problem}`, { errors: [{ pointer, message: problem }] });
}

export function extendHeld(host: HostService, vg: string, lv: string, sizeBytes: number): Promise<HostVolume> {
  return host.withLv(vg, lv, async () => {
    const { row } = await requireHeld(host, vg, lv, 'extend');
    if (sizeBytes < row.lv_size) {
      throw new AgentError('shrink_not_supported', `${vg}/${lv} is ${row.lv_size} bytes; ${sizeBytes} would shrink it`, { errors: [{ pointer: '/body/size_bytes', message: `must be at least ${row.lv_size}` }] });
    }
    if (sizeBytes === row.lv_size) return host.getVolume(vg, lv);
    if (parseLvAttr(row.lv_attr).kind === 'origin') {
      // lvm2 grows a COW origin only while it is inactive ("Snapshot origin volumes can be resized
      // only while inactive"), and here it is active: it is attached.
      throw new AgentError('in_use', `${vg}/${lv} has COW snapshots and is active on host ${host.hostName}; lvm2 grows a snapshot origin only while it is inactive: detach the volume (or delete its snapshots) first`);
    }
    await host.lvm.extend(vg, lv, sizeBytes);
    return host.getVolume(vg, lv);
  });
}

export function createSnapshotOfHeld(host: HostService, vg: string, lv: string, body: HostSnapshotCreate): Promise<HostVolume> {
  checkName(body.snapshot_lv_name, '/body/snapshot_lv_name');
  for (const tag of body.tags ?? []) {
    const problem = tagProblem(tag);
    if (problem) throw new AgentError('bad_request', `tag ${tag}: ${problem}`, { errors: [{ pointer: '/body/tags', message: problem }] });
  }
  return host.withLv(vg, lv, async () => {
    const { row, lvs } = await requireHeld(host, vg, lv, 'a snapshot');
    if (lvs.has(body.snapshot_lv_name)) throw new AgentError('already_exists', `LV ${vg}/${body.snapshot_lv_name} already exists`);
    const snapshot = { vg, origin: lv, name: body.snapshot_lv_name, tags: body.tags ?? [] };
    if (lvKind(row.lv_attr) === 'thin') {
      if (body.cow_size_bytes !== undefined) throw new AgentError('not_applicable', 'cow_size_bytes applies to snapshots of thick LVs only');
      // A snapshot object, not a volume: it keeps lvm's activation-skip flag.
      await host.lvm.createThinSnapshot({ ...snapshot, activatable: false });
    } else {
      await host.lvm.createCowSnapshot({ ...snapshot, cowBytes: body.cow_size_bytes ?? row.lv_size });
    }
    return host.getVolume(vg, lv);
  });
}

export function deleteSnapshotOfHeld(host: HostService, vg: string, lv: string, snapshot: string): Promise<void> {
  checkName(snapshot, '/path/snapshot');
  return host.withLv(vg, lv, async () => {
    const { lvs } = await requireHeld(host, vg, lv, 'removing a snapshot');
    const snap = lvs.get(snapshot);
    if (!snap || snap.origin !== lv) throw new AgentError('not_found', `snapshot ${vg}/${snapshot} of ${lv} not found`);
    await host.lvm.remove(vg, [snapshot]);
  });
}

export function revertHeld(host: HostService, vg: string, lv: string, snapshot: string, timeoutMs: number): Promise<HostVolume> {
  checkName(snapshot, '/body/snapshot_lv_name');
  return host.withLv(vg, lv, async () => {
    const { row, lvs } = await requireHeld(host, vg, lv, 'revert');
    const snap = lvs.get(snapshot);
    if (!snap || snap.origin !== lv) throw new AgentError('not_found', `snapshot ${vg}/${snapshot} of ${lv} not found`, { errors: [{ pointer: '/body/snapshot_lv_name', message: 'not a snapshot of this LV' }] });
    if (isOpenHere(row)) throw new AgentError('in_use', `${vg}/${lv} is open on host ${host.hostName}; stop what uses it (the VM) before reverting`);
    if (lvKind(row.lv_attr) === 'thin') {
      // A thin merge into an active origin waits for its next activation: cycle the origin, while
      // the pool (and so the lock) stays held here.
      const readOnly = parseLvAttr(row.lv_attr).access === 'ro';
      await host.lvm.deactivate(vg, [lv]);
      try {
        await host.lvm.merge(vg, snapshot);
      } finally {
        await host.lvm.activate(vg, [lv], 'exclusive', { readOnly });
      }
    } else {
      // A COW merge of an active, closed origin starts at once and keeps the lock; wait for its end.
      await host.lvm.merge(vg, snapshot, { wait: true, timeoutMs });
    }
    return host.getVolume(vg, lv);
  });
}

/** Starts the pvmove of an LV held here, or (without `to`) hands an interrupted one to this host's
 *  lvmpolld again. Returns at once: lvmpolld polls the move; GET .../pvmove shows its progress. */
export function startMoveHeld(host: HostService, vg: string, lv: string, body: HostMoveStart): Promise<HostMoveStatus> {
  return host.withLv(vg, lv, async () => {
    await requireHeld(host, vg, lv, 'a move of its extents');
    await host.lvm.pvmove(vg, lv, body);
    return host.moveStatus(vg, lv);
  });
}
