// The schema-driven parts of planning and state handling, kept pure for table tests:
// defaults, unknown computed values, plan modifiers, and state normalisation.
import { Unknown, isKnown, record, valuesEqual, type TfRecord, type TfValue } from '../plugin/values.js';
import type { AttrPath } from './diagnostics.js';
import { blockObjectType, type AttributeDef, type NestedBlockDef, type SchemaDef } from './schema.js';
import type { Diagnostics } from './diagnostics.js';

export interface AttributePlan {
  plan: TfRecord;
  requiresReplace: AttrPath[];
}

/**
 * Plans the top-level attributes: defaults where config is null, unknown for computed values that
 * may change, then plan modifiers (replacement, use-state-for-unknown).
 */
export function planAttributes(schema: SchemaDef, prior: TfRecord | null, proposed: TfRecord, config: TfRecord): AttributePlan {
  const plan = record(Object.entries(proposed));
  const attrs = Object.entries(schema.attributes);
  for (const [name, a] of attrs) {
    if (!a.computed || config[name] !== null) continue;
    if (a.default !== undefined) plan[name] = a.default;
    else if (prior === null) plan[name] = Unknown;
  }
  const requiresReplace: AttrPath[] = [];
  if (prior === null) return { plan, requiresReplace };

  const changed = attrs.some(([name]) => !valuesEqual(plan[name], prior[name], schema.attributes[name]?.type)) ||
    Object.keys(schema.blocks ?? {}).some((name) => !valuesEqual(plan[name], prior[name]));
  if (changed) {
    for (const [name, a] of attrs) {
      if (a.computed && config[name] === null && a.default === undefined) plan[name] = Unknown;
    }
  }
  for (const [name, a] of attrs) {
    for (const modifier of a.planModifiers ?? []) {
      const result = modifier.modify({ config: config[name] ?? null, state: prior[name] ?? null, plan: plan[name] ?? null });
      if (result.plan !== undefined) plan[name] = result.plan;
      if (result.requiresReplace && !requiresReplace.some((p) => p[0] === name)) requiresReplace.push([name]);
    }
  }
  if (requiresReplace.length > 0) {
    // A new object: every computed value without configuration is new too.
    for (const [name, a] of attrs) {
      if (a.computed && config[name] === null && a.default === undefined) plan[name] = Unknown;
    }
  }
  return { plan, requiresReplace };
}

/**
 * The state after create/update: planned known values stand (terraform insists on them), the
 * resource's result fills what was unknown. Anything still unknown becomes null, with an error.
 */
export function finalizeApplied(schema: SchemaDef, planned: TfRecord, result: TfRecord, diags: Diagnostics): TfRecord {
  const out = record();
  for (const name of Object.keys(schema.attributes)) {
    const p = planned[name] ?? null;
    let v: TfValue = isKnown(p) ? p : (result[name] ?? null);
    if (!isKnown(v)) {
      diags.error('Provider left a value unknown', `The provider did not set "${name}" after apply. This is a bug in the provider.`, [name]);
      v = null;
    }
    out[name] = v;
  }
  for (const name of Object.keys(schema.blocks ?? {})) out[name] = planned[name] ?? null;
  return out;
}

/**
 * The state recorded for a create whose outcome is unknown: what the resource knows (its id), then
 * the planned values; whatever is still unknown becomes null (terraform accepts that with an error).
 */
export function partialApplied(schema: SchemaDef, planned: TfRecord, known: TfRecord): TfRecord {
  const out = record();
  for (const name of Object.keys(schema.attributes)) {
    const v = known[name] ?? planned[name] ?? null;
    out[name] = isKnown(v) ? v : null;
  }
  for (const name of Object.keys(schema.blocks ?? {})) out[name] = planned[name] ?? null;
  return out;
}

/**
 * The state after a read: equal values keep their prior encoding (a number terraform sent as "0.1"
 * stays so), attributes the API does not know keep their prior value. No perpetual diffs.
 */
export function normalizeRead(schema: SchemaDef, prior: TfRecord, result: TfRecord): TfRecord {
  const out = record();
  for (const [name, a] of Object.entries(schema.attributes)) {
    const fresh = result[name];
    const old = prior[name] ?? null;
    out[name] = fresh === undefined || valuesEqual(fresh, old, a.type) ? old : fresh;
  }
  for (const name of Object.keys(schema.blocks ?? {})) out[name] = prior[name] ?? null;
  return out;
}

/** A complete object of the schema's type: missing attributes null, missing list blocks []. */
export function completeObject(schema: { attributes: Record<string, AttributeDef>; blocks?: Record<string, NestedBlockDef> }, value: TfRecord): TfRecord {
  const out = record();
  for (const name of Object.keys(schema.attributes)) out[name] = value[name] ?? null;
  for (const [name, b] of Object.entries(schema.blocks ?? {})) out[name] = value[name] ?? (b.nesting === 'list' ? [] : null);
  return out;
}

/** Converts terraform's JSON state (UpgradeResourceState) into a value of the schema's type. */
export function fromJsonState(schema: SchemaDef, json: unknown): TfRecord {
  const type = blockObjectType(schema);
  const conv = (v: unknown, t: typeof type): TfValue => {
    if (v === null || v === undefined) return null;
    if (t === 'string') return typeof v === 'string' ? v : String(v);
    if (t === 'bool') return typeof v === 'boolean' ? v : v === 'true';
    if (t === 'number') return typeof v === 'number' ? v : Number(v);
    const [kind, inner] = t;
    if (kind === 'list' || kind === 'set') return Array.isArray(v) ? v.map((x) => conv(x, inner)) : null;
    if (typeof v !== 'object' || Array.isArray(v)) return null;
    const out = record();
    if (kind === 'map') {
      for (const [k, x] of Object.entries(v as Record<string, unknown>)) out[k] = conv(x, inner);
      return out;
    }
    for (const [k, at] of Object.entries(inner as Record<string, typeof type>)) out[k] = conv((v as Record<string, unknown>)[k], at);
    return out;
  };
  return conv(json, type) as TfRecord;
}
