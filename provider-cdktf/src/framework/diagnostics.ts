// Diagnostics as terraform shows them: severity, summary, detail, and the attribute at fault.
import { Diagnostic_Severity, type Diagnostic } from '../plugin/generated/tfplugin6.js';
import type { TfRecord } from '../plugin/values.js';

/** An attribute path: attribute names, map keys (strings in an element position) and list indexes. */
export type AttrPath = ReadonlyArray<string | number | { key: string }>;

export interface Diag {
  severity: 'error' | 'warning';
  summary: string;
  detail: string;
  path?: AttrPath | undefined;
}

export class Diagnostics {
  readonly items: Diag[] = [];
  error(summary: string, detail = '', path?: AttrPath): void {
    this.items.push({ severity: 'error', summary, detail, path });
  }
  warning(summary: string, detail = '', path?: AttrPath): void {
    this.items.push({ severity: 'warning', summary, detail, path });
  }
  add(...diags: Diag[]): void {
    this.items.push(...diags);
  }
  get hasErrors(): boolean {
    return this.items.some((d) => d.severity === 'error');
  }
  toProto(): Diagnostic[] {
    return this.items.map(diagToProto);
  }
}

export function diagToProto(d: Diag): Diagnostic {
  const out: Diagnostic = {
    severity: d.severity === 'error' ? Diagnostic_Severity.ERROR : Diagnostic_Severity.WARNING,
    summary: d.summary,
    detail: d.detail,
  };
  if (d.path && d.path.length > 0) {
    out.attribute = {
      steps: d.path.map((s) =>
        typeof s === 'string' ? { attributeName: s } : typeof s === 'number' ? { elementKeyInt: s } : { elementKeyString: s.key },
      ),
    };
  }
  return out;
}

/** Thrown by resource code to stop with a diagnostic; the framework turns it into the response. */
export class DiagnosticError extends Error {
  override name = 'DiagnosticError';
  constructor(
    readonly summary: string,
    readonly detail: string,
    readonly path?: AttrPath,
  ) {
    super(detail ? `${summary}: ${detail}` : summary);
  }
  toDiag(): Diag {
    return { severity: 'error', summary: this.summary, detail: this.detail, path: this.path };
  }
}

/**
 * A create whose outcome is unknown (connection lost, timeout, 5xx after the request was sent): the
 * object may exist under the id the provider chose. The framework records `state` (that id, unknowns
 * as null) with the error, so terraform marks the resource tainted and the next apply replaces it.
 */
export class UnknownCreateOutcomeError extends DiagnosticError {
  override name = 'UnknownCreateOutcomeError';
  constructor(
    summary: string,
    detail: string,
    readonly state: TfRecord,
  ) {
    super(summary, detail);
  }
}
