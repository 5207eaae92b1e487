// Typed reads of a resource's values (config, plan or state) for the resource files' models.
import { Unknown, isNumber, numberValue, type TfRecord, type TfValue } from '../plugin/values.js';

export function str(v: TfValue | undefined): string | null {
  return typeof v === 'string' ? v : null;
}
export function num(v: TfValue | undefined): number | null {
  return isNumber(v) ? numberValue(v) : null;
}
export function bool(v: TfValue | undefined): boolean | null {
  return typeof v === 'boolean' ? v : null;
}
export function strings(v: TfValue | undefined): string[] | null {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : null;
}
export function known(v: TfValue | undefined): boolean {
  return v !== Unknown && v !== undefined;
}

/** Reads a record into a model with one converter per field. */
export function readModel<M>(rec: TfRecord, fields: { [K in keyof M]: (v: TfValue | undefined) => M[K] }): M {
  const out = {} as M;
  for (const key of Object.keys(fields) as (keyof M)[]) out[key] = fields[key](rec[key as string]);
  return out;
}
