// DynamicValue msgpack codec, driven by the schema's cty type.
//
// Own code rather than @msgpack/msgpack because terraform's encoding needs type-directed rules a generic
// codec does not give: any extension is an unknown value (terraform 1.11 sends ext 0 and ext 12), a number
// may arrive as a decimal string and must go back as one, ints beyond 2^53 need BigInt, a map key
// `__proto__` is ordinary user data, and every object attribute must be present (null when unset).
import { TfDecimal, Unknown, isRecord, record, type TfType, type TfValue } from './values.js';

export class MsgpackError extends Error {
  override name = 'MsgpackError';
}

// ---- decoding: bytes -> generic tree -> typed value ----

type Raw =
  | null
  | boolean
  | number
  | bigint
  | string
  | Uint8Array
  | typeof Unknown
  | Raw[]
  | { entries: [Raw, Raw][] };

class Reader {
  private pos = 0;
  private readonly view: DataView;
  constructor(private readonly buf: Uint8Array) {
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }
  get done(): boolean {
    return this.pos >= this.buf.length;
  }
  private need(n: number): number {
    if (this.pos + n > this.buf.length) throw new MsgpackError('truncated msgpack value');
    const at = this.pos;
    this.pos += n;
    return at;
  }
  private u8(): number {
    return this.view.getUint8(this.need(1));
  }
  private u16(): number {
    return this.view.getUint16(this.need(2));
  }
  private u32(): number {
    return this.view.getUint32(this.need(4));
  }
  private int(big: bigint): number | bigint {
    return big >= BigInt(Number.MIN_SAFE_INTEGER) && big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big;
  }
  private str(n: number): string {
    const at = this.need(n);
    return Buffer.from(this.buf.buffer, this.buf.byteOffset + at, n).toString('utf8');
  }
  private bytes(n: number): Uint8Array {
    const at = this.need(n);
    return this.buf.subarray(at, at + n);
  }
  private array(n: number): Raw[] {
    const out: Raw[] = [];
    for (let i = 0; i < n; i++) out.push(this.read());
    return out;
  }
  private map(n: number): { entries: [Raw, Raw][] } {
    const entries: [Raw, Raw][] = [];
    for (let i = 0; i < n; i++) entries.push([this.read(), this.read()]);
    return { entries };
  }
  private ext(n: number): typeof Unknown {
    this.need(1 + n); // type byte + payload: every extension terraform sends means "unknown"
    return Unknown;
  }
  read(): Raw {
    const b = this.u8();
    if (b <= 0x7f) return b;
    if (b >= 0xe0) return b - 0x100;
    if (b >= 0xa0 && b <= 0xbf) return this.str(b & 0x1f);
    if (b >= 0x90 && b <= 0x9f) return this.array(b & 0x0f);
    if (b >= 0x80 && b <= 0x8f) return this.map(b & 0x0f);
    switch (b) {
      case 0xc0: return null;
      case 0xc2: return false;
      case 0xc3: return true;
      case 0xc4: return this.bytes(this.u8());
      case 0xc5: return this.bytes(this.u16());
      case 0xc6: return this.bytes(this.u32());
      case 0xc7: return this.ext(this.u8());
      case 0xc8: return this.ext(this.u16());
      case 0xc9: return this.ext(this.u32());
      case 0xca: return this.view.getFloat32(this.need(4));
      case 0xcb: return this.view.getFloat64(this.need(8));
      case 0xcc: return this.u8();
      case 0xcd: return this.u16();
      case 0xce: return this.u32();
      case 0xcf: return this.int(this.view.getBigUint64(this.need(8)));
      case 0xd0: return this.view.getInt8(this.need(1));
      case 0xd1: return this.view.getInt16(this.need(2));
      case 0xd2: return this.view.getInt32(this.need(4));
      case 0xd3: return this.int(this.view.getBigInt64(this.need(8)));
      case 0xd4: return this.ext(1);
      case 0xd5: return this.ext(2);
      case 0xd6: return this.ext(4);
      case 0xd7: return this.ext(8);
      case 0xd8: return this.ext(16);
      case 0xd9: return this.str(this.u8());
      case 0xda: return this.str(this.u16());
      case 0xdb: return this.str(this.u32());
      case 0xdc: return this.array(this.u16());
      case 0xdd: return this.array(this.u32());
      case 0xde: return this.map(this.u16());
      case 0xdf: return this.map(this.u32());
      default: throw new MsgpackError(`unsupported msgpack byte 0x${b.toString(16)}`);
    }
  }
}

function typed(raw: Raw, type: TfType, path: string): TfValue {
  if (raw === null || raw === Unknown) return raw;
  const fail = (): never => {
    throw new MsgpackError(`${path || 'value'}: msgpack value does not match type ${JSON.stringify(type)}`);
  };
  if (type === 'string') return typeof raw === 'string' ? raw : fail();
  if (type === 'bool') return typeof raw === 'boolean' ? raw : fail();
  if (type === 'number') {
    if (typeof raw === 'number' || typeof raw === 'bigint') return raw;
    if (typeof raw === 'string') return new TfDecimal(raw);
    return fail();
  }
  const [kind, inner] = type;
  if (kind === 'list' || kind === 'set') {
    if (!Array.isArray(raw)) return fail();
    return raw.map((r, i) => typed(r, inner, `${path}[${i}]`));
  }
  if (typeof raw !== 'object' || Array.isArray(raw) || raw instanceof Uint8Array || !('entries' in raw)) return fail();
  const out = record();
  for (const [k, v] of raw.entries) {
    if (typeof k !== 'string') return fail();
    if (kind === 'map') out[k] = typed(v, inner, `${path}["${k}"]`);
    else {
      const attrType = (inner as Record<string, TfType>)[k];
      if (attrType === undefined) throw new MsgpackError(`${path ? path + '.' : ''}${k}: attribute not in schema`);
      out[k] = typed(v, attrType, path ? `${path}.${k}` : k);
    }
  }
  if (kind === 'object') {
    for (const k of Object.keys(inner as Record<string, TfType>)) if (!(k in out)) out[k] = null;
  }
  return out;
}

/** Decodes a DynamicValue's msgpack bytes into a value of the given type. */
export function decodeValue(bytes: Uint8Array, type: TfType): TfValue {
  const reader = new Reader(bytes);
  const raw = reader.read();
  if (!reader.done) throw new MsgpackError('trailing bytes after msgpack value');
  return typed(raw, type, '');
}

// ---- encoding: typed value -> bytes ----

class Writer {
  private buf = Buffer.allocUnsafe(256);
  private pos = 0;
  private room(n: number): number {
    if (this.pos + n > this.buf.length) {
      const bigger = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n));
      this.buf.copy(bigger, 0, 0, this.pos);
      this.buf = bigger;
    }
    const at = this.pos;
    this.pos += n;
    return at;
  }
  // room() may swap this.buf for a bigger one: take the offset first, then write to the current buffer.
  byte(b: number): void {
    const at = this.room(1);
    this.buf[at] = b;
  }
  bytes(b: Uint8Array): void {
    const at = this.room(b.length);
    this.buf.set(b, at);
  }
  head(n: number, fix: number, fixMax: number, c8: number | null, c16: number, c32: number): void {
    if (n <= fixMax) return this.byte(fix | n);
    if (c8 !== null && n <= 0xff) {
      this.byte(c8);
      return this.byte(n);
    }
    if (n <= 0xffff) {
      this.byte(c16);
      return this.fixed(2, (at) => this.buf.writeUInt16BE(n, at));
    }
    this.byte(c32);
    this.fixed(4, (at) => this.buf.writeUInt32BE(n, at));
  }
  private fixed(size: number, write: (at: number) => void): void {
    write(this.room(size));
  }
  str(s: string): void {
    const data = Buffer.from(s, 'utf8');
    this.head(data.length, 0xa0, 31, 0xd9, 0xda, 0xdb);
    this.bytes(data);
  }
  int(n: number | bigint): void {
    if (typeof n === 'number' && n >= 0 && n <= 0x7f) return this.byte(n);
    if (typeof n === 'number' && n < 0 && n >= -32) return this.byte(n + 0x100);
    const big = BigInt(n);
    if (big >= 0n && big <= 0xffffffffn) {
      this.byte(0xce);
      return this.fixed(4, (at) => this.buf.writeUInt32BE(Number(big), at));
    }
    if (big < 0n && big >= -0x80000000n) {
      this.byte(0xd2);
      return this.fixed(4, (at) => this.buf.writeInt32BE(Number(big), at));
    }
    if (big > 0x7fffffffffffffffn) {
      this.byte(0xcf);
      return this.fixed(8, (at) => this.buf.writeBigUInt64BE(big, at));
    }
    this.byte(0xd3);
    this.fixed(8, (at) => this.buf.writeBigInt64BE(big, at));
  }
  float(n: number): void {
    this.byte(0xcb);
    this.fixed(8, (at) => this.buf.writeDoubleBE(n, at));
  }
  result(): Buffer {
    return Buffer.from(this.buf.subarray(0, this.pos));
  }
}

function encodeInto(w: Writer, value: TfValue | undefined, type: TfType, path: string): void {
  if (value === null || value === undefined) return w.byte(0xc0);
  if (value === Unknown) {
    w.byte(0xd4); // fixext1, type 0, payload 0: "unknown" (never refinements)
    w.byte(0);
    w.byte(0);
    return;
  }
  const fail = (): never => {
    throw new MsgpackError(`${path || 'value'}: ${describe(value)} is not a ${JSON.stringify(type)}`);
  };
  if (type === 'string') return typeof value === 'string' ? w.str(value) : fail();
  if (type === 'bool') return typeof value === 'boolean' ? w.byte(value ? 0xc3 : 0xc2) : fail();
  if (type === 'number') {
    if (value instanceof TfDecimal) return w.str(value.text);
    if (typeof value === 'bigint') return w.int(value);
    if (typeof value !== 'number' || !Number.isFinite(value)) return fail();
    return Number.isSafeInteger(value) ? w.int(value) : w.float(value);
  }
  const [kind, inner] = type;
  if (kind === 'list' || kind === 'set') {
    if (!Array.isArray(value)) return fail();
    w.head(value.length, 0x90, 15, null, 0xdc, 0xdd);
    value.forEach((v, i) => encodeInto(w, v, inner, `${path}[${i}]`));
    return;
  }
  if (!isRecord(value)) return fail();
  if (kind === 'map') {
    const keys = Object.keys(value).sort();
    w.head(keys.length, 0x80, 15, null, 0xde, 0xdf);
    for (const k of keys) {
      w.str(k);
      encodeInto(w, value[k], inner, `${path}["${k}"]`);
    }
    return;
  }
  const attrs = inner as Record<string, TfType>;
  for (const k of Object.keys(value)) {
    if (!(k in attrs)) throw new MsgpackError(`${path ? path + '.' : ''}${k}: attribute not in schema`);
  }
  const keys = Object.keys(attrs).sort();
  w.head(keys.length, 0x80, 15, null, 0xde, 0xdf);
  for (const k of keys) {
    w.str(k);
    encodeInto(w, value[k], attrs[k] as TfType, path ? `${path}.${k}` : k);
  }
}

function describe(v: TfValue): string {
  if (Array.isArray(v)) return 'a list';
  if (isRecord(v)) return 'an object';
  return `${typeof v} ${String(v)}`;
}

/** Encodes a value of the given type; object attributes missing from the value are sent as null. */
export function encodeValue(value: TfValue, type: TfType): Buffer {
  const w = new Writer();
  encodeInto(w, value, type, '');
  return w.result();
}
