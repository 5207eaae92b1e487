// Terraform values as the provider sees them: cty types (in their JSON form, as in the schema's
// `type` bytes) and the JS values that stand for them.

/** cty type in terraform's JSON notation: "string", ["list", "string"], ["object", {...}], ... */
export type TfType =
  | 'string'
  | 'number'
  | 'bool'
  | readonly ['list' | 'set' | 'map', TfType]
  | readonly ['object', Readonly<Record<string, TfType>>];

/** A value that is not known until apply. */
export const Unknown: unique symbol = Symbol('unknown');
export type UnknownValue = typeof Unknown;

/**
 * A number that terraform sent as a decimal string (e.g. 0.1, which float64 cannot hold exactly).
 * Kept as text so that echoing it back is byte-for-byte what terraform sent.
 */
export class TfDecimal {
  constructor(readonly text: string) {}
  toNumber(): number {
    return Number(this.text);
  }
  toString(): string {
    return this.text;
  }
}

export type TfNumber = number | bigint | TfDecimal;

/** Objects and maps: null-prototype records, so that a user's `__proto__` map key is plain data. */
export type TfRecord = { [key: string]: TfValue };

export type TfValue = null | UnknownValue | string | boolean | TfNumber | TfValue[] | TfRecord;

export function record(entries?: Iterable<[string, TfValue]> | Record<string, TfValue>): TfRecord {
  const out = Object.create(null) as TfRecord;
  if (!entries) return out;
  const list = Symbol.iterator in entries ? (entries as Iterable<[string, TfValue]>) : Object.entries(entries);
  for (const [k, v] of list) out[k] = v;
  return out;
}

export function isRecord(v: TfValue | undefined): v is TfRecord {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof TfDecimal);
}

export function isKnown(v: TfValue | undefined): boolean {
  if (v === Unknown) return false;
  if (Array.isArray(v)) return v.every(isKnown);
  if (isRecord(v)) return Object.values(v).every(isKnown);
  return true;
}

export function isNumber(v: TfValue | undefined): v is TfNumber {
  return typeof v === 'number' || typeof v === 'bigint' || v instanceof TfDecimal;
}

export function numberValue(v: TfNumber): number {
  return typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : v.toNumber();
}

/** Deep equality as terraform means it (numbers by value, sets by members regardless of order). */
export function valuesEqual(a: TfValue | undefined, b: TfValue | undefined, type?: TfType): boolean {
  if (a === undefined) a = null;
  if (b === undefined) b = null;
  if (a === Unknown || b === Unknown) return a === b;
  if (a === null || b === null) return a === b;
  if (isNumber(a) && isNumber(b)) return numberText(a) === numberText(b);
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return false;
    const elem = Array.isArray(type) && type[0] !== 'object' ? (type[1] as TfType) : undefined;
    if (Array.isArray(type) && type[0] === 'set') {
      return a.every((x) => b.some((y) => valuesEqual(x, y, elem)));
    }
    return a.every((x, i) => valuesEqual(x, b[i], elem));
  }
  if (isRecord(a) && isRecord(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const k of keys) {
      const sub = Array.isArray(type) ? (type[0] === 'object' ? (type[1] as Record<string, TfType>)[k] : (type[1] as TfType)) : undefined;
      if (!valuesEqual(a[k], b[k], sub)) return false;
    }
    return true;
  }
  return a === b;
}

function numberText(n: TfNumber): string {
  if (typeof n === 'bigint') return n.toString();
  if (n instanceof TfDecimal) {
    const asNum = Number(n.text);
    // "1" and 1 are the same number; "0.1" stays textual.
    return Number.isSafeInteger(asNum) ? String(asNum) : n.text;
  }
  return Number.isSafeInteger(n) ? String(n) : String(n);
}
