// The human docs page, rendered from the OpenAPI document (no external scripts or fonts).
import type { OpenApiDocument, Operation } from '../openapi/spec.js';
import { dereference } from '../openapi/spec.js';
import { ERROR_CODES } from '../errors.js';
import { problemType } from './problem.js';

const escapeHtml = (value: string) =>
  value.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');

function schemaBlock(schema: unknown): string {
  return `<pre>${escapeHtml(JSON.stringify(schema, null, 2))}</pre>`;
}

export function renderDocs(document: OpenApiDocument, operations: Operation[]): string {
  const info = document.info as { title?: string; version?: string; description?: string };
  const sections = operations.map((op) => {
    const raw = dereference(document, document.paths[op.path]![op.method]) as Record<string, unknown>;
    const responses = Object.entries((raw.responses as Record<string, { description?: string }>) ?? {})
      .map(([status, response]) => `<li><code>${escapeHtml(status)}</code> ${escapeHtml(response.description ?? '')}</li>`)
      .join('');
    const parameters = op.parameters
      .map((p) => `<li><code>${escapeHtml(p.name)}</code> (${p.in}${p.required ? ', required' : ''}): <code>${escapeHtml(JSON.stringify(p.schema))}</code></li>`)
      .join('');
    const flags = [op.public ? 'no authentication' : 'bearer token', op.mutates ? 'changes metadata: refused in host mode' : 'read-only'];
    return `<section id="${escapeHtml(op.operationId)}">
<h3><span class="m ${op.method}">${op.method.toUpperCase()}</span> <code>${escapeHtml(op.path)}</code></h3>
<p><b>${escapeHtml(op.summary)}</b> <small>(${escapeHtml(op.operationId)}; ${flags.join('; ')})</small></p>
${raw.description ? `<p>${escapeHtml(String(raw.description))}</p>` : ''}
${parameters ? `<h4>Parameters</h4><ul>${parameters}</ul>` : ''}
${op.body ? `<h4>Request body${op.body.required ? '' : ' (optional)'}</h4>${schemaBlock(op.body.schema)}` : ''}
<h4>Responses</h4><ul>${responses}</ul>
</section>`;
  });
  const problems = Object.entries(ERROR_CODES)
    .map(([code, { status, title }]) => `<tr id="problem-${code}"><td><code>${code}</code></td><td>${status}</td><td>${escapeHtml(title)}</td><td><code>${escapeHtml(problemType(code))}</code></td></tr>`)
    .join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(info.title ?? 'API')} ${escapeHtml(info.version ?? '')}</title>
<style>body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;line-height:1.4}
pre{background:#f4f4f4;padding:.6rem;overflow:auto;font-size:.85rem}section{border-top:1px solid #ddd;padding-top:.5rem}
.m{font-family:monospace;padding:0 .3rem;border-radius:3px;color:#fff;background:#555}.get{background:#2a6}.post{background:#26a}
.patch{background:#a72}.delete{background:#a33}table{border-collapse:collapse}td{border:1px solid #ddd;padding:.2rem .4rem}</style></head>
<body><h1>${escapeHtml(info.title ?? 'API')} <small>${escapeHtml(info.version ?? '')}</small></h1>
<p>${escapeHtml(info.description ?? '').replaceAll('\n\n', '</p><p>')}</p>
<p>Machine-readable: <a href="openapi.json">openapi.json</a>.</p>
<h2>Operations</h2>
<ul>${operations.map((op) => `<li><a href="#${escapeHtml(op.operationId)}">${op.method.toUpperCase()} ${escapeHtml(op.path)}</a> ${escapeHtml(op.summary)}</li>`).join('')}</ul>
${sections.join('\n')}
<h2>Problem codes</h2><table><tr><th>code</th><th>status</th><th>title</th><th>type</th></tr>${problems}</table>
<h2>Schemas</h2>
${Object.entries(document.components.schemas).map(([name, schema]) => `<h3 id="schema-${escapeHtml(name)}">${escapeHtml(name)}</h3>${schemaBlock(schema)}`).join('\n')}
</body></html>`;
}
