// The real lock state of this host, read from lvmlockd (`lvmlockctl --info`) and sanlock (`sanlock
// client status`). `lvs` says "active exclusively" for shared activations too, so lock modes never
// come from the lv_attr.
//
//   lvmlockctl --info             sanlock client status
//   VG labvg lock_type=sanlock U  s lvm_labvg:2:/dev/mapper/labvg-lvmlock:0
//   LS sanlock lvm_labvg          r lvm_labvg:<LV uuid>:/dev/mapper/labvg-lvmlock:76546048:1 p 143   (ex)
//   LK VG un ver 77               r lvm_labvg:<LV uuid>:/dev/mapper/labvg-lvmlock:76546048:SH p 143  (sh)
//   LK LV ex <LV uuid>

export type LockMode = 'exclusive' | 'shared';

export interface LvmlockdVg {
  vg: string;
  lockType: string;
  /** Lock mode per LV uuid; `un` (unlocked) entries are left out. */
  lvLocks: Map<string, LockMode>;
}

export interface SanlockLockspace {
  /** `lvm_<vg>` for lvmlockd's lockspaces. */
  name: string;
  hostId: number;
  line: string;
}

export interface SanlockResource {
  lockspace: string;
  /** The resource name: the LV uuid for lvmlockd's LV leases. */
  resource: string;
  mode: LockMode;
  line: string;
}

export interface SanlockStatus {
  lockspaces: SanlockLockspace[];
  resources: SanlockResource[];
}

const LOCK_MODES: Record<string, LockMode> = { ex: 'exclusive', sh: 'shared' };

export function parseLvmlockctlInfo(text: string): LvmlockdVg[] {
  const vgs: LvmlockdVg[] = [];
  let current: LvmlockdVg | undefined;
  for (const raw of text.split('\n')) {
    const fields = raw.trim().split(/\s+/);
    if (fields[0] === 'VG' && fields[1]) {
      const lockType = /^lock_type=(.*)$/.exec(fields[2] ?? '')?.[1] ?? '';
      current = { vg: fields[1], lockType, lvLocks: new Map() };
      vgs.push(current);
    } else if (fields[0] === 'LK' && fields[1] === 'LV' && current && fields[3]) {
      const mode = LOCK_MODES[fields[2] ?? ''];
      if (mode) current.lvLocks.set(fields[3], mode);
    }
  }
  return vgs;
}

export function parseSanlockStatus(text: string): SanlockStatus {
  const status: SanlockStatus = { lockspaces: [], resources: [] };
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line.startsWith('s ')) {
      const [name, hostId] = line.slice(2).split(':');
      if (name && hostId !== undefined) status.lockspaces.push({ name, hostId: Number(hostId), line });
    } else if (line.startsWith('r ')) {
      // r <lockspace>:<resource>:<path>:<offset>:<version|SH> p <pid>
      const spec = line.slice(2).split(/\s+/)[0] ?? '';
      const parts = spec.split(':');
      if (parts.length < 5) continue;
      const last = parts[parts.length - 1]!;
      status.resources.push({ lockspace: parts[0]!, resource: parts[1]!, mode: last === 'SH' ? 'shared' : 'exclusive', line });
    }
  }
  return status;
}

/** Both views for one VG: what lvmlockd holds and sanlock's lines for it. */
export interface VgLockState {
  vg: string;
  /** The lockspace is started on this host (sanlock has `s lvm_<vg>:<host_id>:...`). */
  started: boolean;
  hostId: number | null;
  lockspaceLine: string | null;
  lvLocks: Map<string, LockMode>;
  /** sanlock `r` lines by resource (LV uuid). */
  leases: Map<string, SanlockResource>;
}

export function lockStateOf(vg: string, lvmlockd: LvmlockdVg[], sanlock: SanlockStatus): VgLockState {
  const name = `lvm_${vg}`;
  const lockspace = sanlock.lockspaces.find((entry) => entry.name === name);
  const leases = new Map<string, SanlockResource>();
  for (const resource of sanlock.resources) if (resource.lockspace === name) leases.set(resource.resource, resource);
  const lvLocks = lvmlockd.find((entry) => entry.vg === vg)?.lvLocks ?? new Map<string, LockMode>();
  return { vg, started: Boolean(lockspace), hostId: lockspace?.hostId ?? null, lockspaceLine: lockspace?.line ?? null, lvLocks, leases };
}
