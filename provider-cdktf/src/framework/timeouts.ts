// `timeouts { create = "10m" ... }` blocks and Go-style durations.
import type { NestedBlockDef } from './schema.js';
import { duration } from './validators.js';
import { isRecord, type TfRecord } from '../plugin/values.js';

export type Operation = 'create' | 'read' | 'update' | 'delete';

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** "1h30m", "45s", "500ms" -> milliseconds; null when not a duration. */
export function parseDuration(text: string): number | null {
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h)/gy;
  let total = 0;
  let matched = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    total += Number(m[1]) * (UNIT_MS[m[2] as string] as number);
    matched = re.lastIndex;
  }
  return matched === text.length && text.length > 0 ? total : null;
}

export function timeoutsBlock(operations: Operation[], defaults: Partial<Record<Operation, string>>): NestedBlockDef {
  const attributes: NestedBlockDef['attributes'] = {};
  for (const op of operations) {
    attributes[op] = {
      type: 'string',
      optional: true,
      description: `How long to wait for ${op} before giving up (default \`${defaults[op] ?? '10m'}\`).`,
      validators: [duration],
    };
  }
  return { nesting: 'single', description: 'Timeouts for long operations, as durations such as `30s`, `10m` or `1h`.', attributes };
}

/** The timeout of an operation from a resource's state/plan, in milliseconds. */
export function timeoutMs(value: TfRecord | null, op: Operation, fallback: string): number {
  const block = value?.timeouts;
  const text = isRecord(block) && typeof block[op] === 'string' ? (block[op] as string) : fallback;
  return parseDuration(text) ?? (parseDuration(fallback) as number);
}
