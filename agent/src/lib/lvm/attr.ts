// lv_attr (lvs(8), "lv_attr bits") decoded once into a typed value, so no caller indexes the string.
//   0 type, 1 permission, 2 allocation, 3 fixed minor, 4 state, 5 device open, 6 target type,
//   7 zero, 8 health, 9 skip activation.

export type LvKind =
  | 'thin-pool' | 'thin' | 'cow-snapshot' | 'origin' | 'merging-origin' | 'merging-snapshot' | 'linear' | 'other';

export interface LvAttr {
  kind: LvKind;
  /** 'ro' for a read-only LV (`r`) and for a read-only activation of a writable LV (`R`). */
  access: 'rw' | 'ro';
  /** Active on THIS host (lvs never shows another host's activation). */
  active: boolean;
  /** The device is open here (a VM or a mount uses it). */
  open: boolean;
  /** An invalid snapshot (its COW store overflowed). */
  invalid: boolean;
  /** The LV carries the activation-skip flag (`k`). */
  skipActivation: boolean;
}

const KINDS: Record<string, LvKind> = {
  t: 'thin-pool',
  V: 'thin',
  s: 'cow-snapshot',
  S: 'merging-snapshot',
  o: 'origin',
  O: 'merging-origin',
  '-': 'linear',
};

export function parseLvAttr(attr: string): LvAttr {
  return {
    kind: KINDS[attr[0] ?? ''] ?? 'other',
    access: attr[1] === 'r' || attr[1] === 'R' ? 'ro' : 'rw',
    active: attr[4] === 'a',
    open: attr[5] === 'o',
    invalid: attr[4] === 'I',
    skipActivation: attr[9] === 'k',
  };
}

/** What lv_attr says about the LV's type. */
export function lvKind(attr: string): LvKind {
  return parseLvAttr(attr).kind;
}

export const isActiveHere = (lv: { lv_attr: string }): boolean => parseLvAttr(lv.lv_attr).active;
export const isOpenHere = (lv: { lv_attr: string }): boolean => parseLvAttr(lv.lv_attr).open;
