// Attribute validators: each returns the detail of what is wrong (or null); the framework puts the
// diagnostic on the attribute at fault. They run at validate time on known, non-null values only.
import { isNumber, numberValue, type TfValue } from '../plugin/values.js';
import { parseDuration } from './timeouts.js';

export interface Validator {
  /** Markdown sentence for the docs, e.g. "must be one of `rw`, `ro`". */
  description: string;
  validate(value: TfValue): string | null;
}

export function stringMatches(pattern: RegExp, description: string): Validator {
  return {
    description,
    validate: (v) => (typeof v === 'string' && !pattern.test(v) ? `${JSON.stringify(v)} ${description}.` : null),
  };
}

export function stringLength(min: number, max: number): Validator {
  return {
    description: `must be ${min} to ${max} characters long`,
    validate: (v) => (typeof v === 'string' && (v.length < min || v.length > max) ? `must be ${min} to ${max} characters long, got ${v.length}.` : null),
  };
}

export function stringOneOf(...values: string[]): Validator {
  const list = values.map((v) => `\`${v}\``).join(', ');
  return {
    description: `must be one of ${list}`,
    validate: (v) => (typeof v === 'string' && !values.includes(v) ? `${JSON.stringify(v)} is not one of ${list}.` : null),
  };
}

export function wholeNumberBetween(min: number, max: number): Validator {
  return {
    description: `must be a whole number from ${min} to ${max}`,
    validate: (v) => {
      if (!isNumber(v)) return null;
      const n = numberValue(v);
      return Number.isInteger(n) && n >= min && n <= max ? null : `must be a whole number from ${min} to ${max}, got ${String(v)}.`;
    },
  };
}

/** A positive number of at most `max` that is a whole multiple of `step` (e.g. 1/1024 GiB = 1 MiB). */
export function positiveMultipleOf(step: number, max: number, unitText: string): Validator {
  return {
    description: `must be greater than 0 and at most ${max}, in steps of ${unitText}`,
    validate: (v) => {
      if (!isNumber(v)) return null;
      const n = numberValue(v);
      const steps = n / step;
      return n > 0 && n <= max && Math.abs(steps - Math.round(steps)) < 1e-9 ? null : `must be greater than 0 and at most ${max}, in steps of ${unitText}; got ${String(v)}.`;
    },
  };
}

export function setSize(max: number): Validator {
  return {
    description: `at most ${max} elements`,
    validate: (v) => (Array.isArray(v) && v.length > max ? `at most ${max} elements are allowed, got ${v.length}.` : null),
  };
}

export function eachString(inner: Validator): Validator {
  return {
    description: `each element ${inner.description}`,
    validate: (v) => {
      if (!Array.isArray(v)) return null;
      for (const item of v) {
        const problem = inner.validate(item);
        if (problem) return problem;
      }
      return null;
    },
  };
}

export const duration: Validator = {
  description: 'a duration such as `30s`, `10m` or `1h30m`',
  validate: (v) => (typeof v === 'string' && parseDuration(v) === null ? `${JSON.stringify(v)} is not a duration such as "30s", "10m" or "1h30m".` : null),
};
