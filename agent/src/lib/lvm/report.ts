// Parsing of lvm's JSON reports (`--reportformat json --units b --nosuffix -o <fields>`). Each row is
// validated with zod: a field lvm did not print or printed differently is an error, not an undefined.
import { z } from 'zod';
import { LvmError } from './errors.js';

export type ReportKind = 'lv' | 'vg' | 'pv';

const reportDocument = z.object({
  report: z.array(z.record(z.string(), z.unknown())).min(1),
});

/** Parses stdout of lvs/vgs and validates each row with `row`. */
export function parseReport<T>(stdout: string, kind: ReportKind, row: z.ZodType<T>, argv: string[]): T[] {
  let json: unknown;
  try {
    json = JSON.parse(stdout);
  } catch {
    throw new LvmError({ argv, exitCode: 0, stderr: `unparsable report output: ${stdout.slice(0, 200)}` });
  }
  const document = reportDocument.safeParse(json);
  if (!document.success) throw new LvmError({ argv, exitCode: 0, stderr: `unexpected report shape: ${document.error.message}` });
  const rows: T[] = [];
  for (const section of document.data.report) {
    const items = section[kind];
    if (items === undefined) continue;
    const parsed = z.array(row).safeParse(items);
    if (!parsed.success) throw new LvmError({ argv, exitCode: 0, stderr: `unexpected ${kind} row: ${parsed.error.message}` });
    rows.push(...parsed.data);
  }
  return rows;
}

/** lvm prints numbers as strings; "" means "not applicable". */
const bytes = z.string().regex(/^\d+$/).transform(Number);
const optionalBytes = z.string().transform((value, ctx) => {
  if (value === '') return null;
  if (!/^\d+$/.test(value)) {
    ctx.addIssue({ code: 'custom', message: `not a byte count: ${value}` });
    return z.NEVER;
  }
  return Number(value);
});
const percent = z.string().transform((value, ctx) => {
  if (value === '') return null;
  const number = Number(value);
  if (!Number.isFinite(number)) {
    ctx.addIssue({ code: 'custom', message: `not a percentage: ${value}` });
    return z.NEVER;
  }
  return number;
});
const count = z.string().regex(/^\d+$/).transform(Number);
const tagList = z.string().transform((value) => (value === '' ? [] : value.split(',')));

export const LV_FIELDS = [
  'vg_name', 'lv_name', 'lv_uuid', 'lv_attr', 'lv_size', 'origin', 'origin_size', 'pool_lv',
  'data_percent', 'metadata_percent', 'lv_tags', 'lv_time', 'devices', 'move_pv', 'copy_percent',
] as const;

export const lvRow = z.object({
  vg_name: z.string(),
  lv_name: z.string(),
  lv_uuid: z.string(),
  lv_attr: z.string().min(10),
  lv_size: bytes,
  origin: z.string(),
  origin_size: optionalBytes,
  pool_lv: z.string(),
  data_percent: percent,
  metadata_percent: percent,
  lv_tags: tagList,
  lv_time: z.string(),
  /** `/dev/vda(0),/dev/vdb(12)`; `pvmove0(0)` while the LV is being moved. */
  devices: z.string().default(''),
  /** pvmove LVs (`[pvmove0]`): the source PV and the share copied so far. */
  move_pv: z.string().default(''),
  copy_percent: percent.default(null),
});
export type LvRow = z.infer<typeof lvRow>;

export const VG_FIELDS = [
  'vg_name', 'vg_uuid', 'vg_attr', 'vg_size', 'vg_free', 'vg_extent_size', 'pv_count', 'lv_count',
  'vg_lock_type', 'vg_mda_free', 'vg_mda_size',
] as const;

export const vgRow = z.object({
  vg_name: z.string(),
  vg_uuid: z.string(),
  vg_attr: z.string(),
  vg_size: bytes,
  vg_free: bytes,
  vg_extent_size: bytes,
  pv_count: count,
  lv_count: count,
  vg_lock_type: z.string(),
  vg_mda_free: bytes,
  vg_mda_size: bytes,
});
export type VgRow = z.infer<typeof vgRow>;

export const PV_FIELDS = ['pv_name', 'vg_name', 'pv_size', 'pv_free'] as const;

export const pvRow = z.object({
  pv_name: z.string(),
  vg_name: z.string(),
  pv_size: bytes,
  pv_free: bytes,
});
export type PvRow = z.infer<typeof pvRow>;

/** The PVs in an LV's `devices` field (`/dev/vda(0),/dev/vdb(12)`), without pvmove/sub-LV entries. */
export function devicesPvs(devices: string): string[] {
  const out: string[] = [];
  for (const entry of devices.split(',')) {
    const name = entry.trim().replace(/\(\d+\)$/, '');
    if (name.startsWith('/') && !out.includes(name)) out.push(name);
  }
  return out;
}

/** The pvmove LV (`pvmove0`) an LV's extents are being moved through, if any. */
export function movingThrough(devices: string): string | undefined {
  return /(?:^|,)\s*(pvmove\d+)\(\d+\)/.exec(devices)?.[1];
}

/** lv_time as printed with LC_ALL=C ("2026-11-22 05:07:00 +0000") to ISO 8601, or null. */
export function lvTimeToIso(value: string): string | null {
  const match = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2}) ([+-]\d{2})(\d{2})$/.exec(value.trim());
  if (!match) return null;
  const date = new Date(`${match[1]}T${match[2]}${match[3]}:${match[4]}`);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}
