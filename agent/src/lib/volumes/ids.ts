// Volume and snapshot identity: the id is part of the LV name (`<prefix>vol-<id>`, `<prefix>snap-<id>`),
// so the VG itself is the registry of what exists.
import { createHash, randomUUID } from 'node:crypto';

export type ObjectKind = 'volume' | 'snapshot';

const KIND_INFIX: Record<ObjectKind, string> = { volume: 'vol-', snapshot: 'snap-' };
export const ID_PATTERN = /^[a-z0-9][a-z0-9-]{0,63}$/;

export function lvNameFor(prefix: string, kind: ObjectKind, id: string): string {
  return `${prefix}${KIND_INFIX[kind]}${id}`;
}

/** The kind and id an LV name stands for under `prefix`, or null for LVs the agent does not manage. */
export function parseLvName(prefix: string, lvName: string): { kind: ObjectKind; id: string } | null {
  if (!lvName.startsWith(prefix)) return null;
  const rest = lvName.slice(prefix.length);
  for (const kind of ['volume', 'snapshot'] as const) {
    const infix = KIND_INFIX[kind];
    if (rest.startsWith(infix)) {
      const id = rest.slice(infix.length);
      return ID_PATTERN.test(id) ? { kind, id } : null;
    }
  }
  return null;
}

/** Work LVs of long operations: a volume being deleted with a wipe, the copy a retype fills. They
 *  are not volumes (not listed), and their names carry the volume id for a restarted agent. */
export type WorkKind = 'deleting' | 'retyping';
const WORK_INFIX: Record<WorkKind, string> = { deleting: 'del-', retyping: 'rt-' };

export function workLvName(prefix: string, kind: WorkKind, id: string): string {
  return `${prefix}${WORK_INFIX[kind]}${id}`;
}

export function parseWorkLvName(prefix: string, lvName: string): { kind: WorkKind; id: string } | null {
  if (!lvName.startsWith(prefix)) return null;
  const rest = lvName.slice(prefix.length);
  for (const kind of ['deleting', 'retyping'] as const) {
    const infix = WORK_INFIX[kind];
    if (rest.startsWith(infix) && ID_PATTERN.test(rest.slice(infix.length))) return { kind, id: rest.slice(infix.length) };
  }
  return null;
}

export function newId(): string {
  return randomUUID();
}

/** A stable id derived from a client's Idempotency-Key (UUID-shaped, so it looks like any other id). */
export function idFromIdempotencyKey(kind: ObjectKind, key: string): string {
  const hex = createHash('sha256').update(`${kind}\0${key}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** Short hash of a create request's parameters: a retry must match it to be answered with 200. */
export function requestHash(parameters: Record<string, unknown>): string {
  const canonical = JSON.stringify(Object.keys(parameters).sort().map((key) => [key, parameters[key] ?? null]));
  return createHash('sha256').update(canonical).digest('hex').slice(0, 16);
}
