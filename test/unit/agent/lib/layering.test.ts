// The core of the agent (everything under agent/src/lib but the HTTP layer and the assembly) imports
// neither express nor anything from http/ or assemble/: the error model, the services and the LVM
// layer stay usable without the web framework (problem bodies come from lib/problem.ts).
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { test } from 'node:test';
import { repoRoot } from '../../../helpers/fake-lvm.js';

const LIB = join(repoRoot(), 'agent', 'src', 'lib');
/** Directories of lib/ that may use express: the HTTP layer and the assembly that builds the app. */
const EDGE = ['http', 'assemble'];

/** Every module specifier of a TypeScript source: static imports and re-exports, bare imports, import(). */
function importsOf(source: string): string[] {
  const out: string[] = [];
  const patterns = [
    /\b(?:import|export)\b[^'"`;]*?\bfrom\s*['"]([^'"]+)['"]/g,
    /\bimport\s*['"]([^'"]+)['"]/g,
    /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
  ];
  for (const pattern of patterns) for (const match of source.matchAll(pattern)) out.push(match[1]!);
  return out;
}

/** Why importing `specifier` from `file` breaks the layering, or null. */
function violation(file: string, specifier: string): string | null {
  if (specifier === 'express' || specifier.startsWith('express/')) return 'imports express';
  if (!specifier.startsWith('.')) return null;
  const target = relative(LIB, resolve(dirname(file), specifier));
  const top = target.split(sep)[0]!;
  return EDGE.includes(top) ? `imports ${top}/ (${specifier})` : null;
}

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return EDGE.includes(relative(LIB, path)) ? [] : sources(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

const cases: [string, { given: string; want: string[] }][] = [
  ['named import', { given: "import { AgentError } from '../errors.js';", want: ['../errors.js'] }],
  ['type import over lines', { given: "import type {\n  Request,\n  Response,\n} from 'express';", want: ['express'] }],
  ['default import', { given: "import express from 'express';", want: ['express'] }],
  ['re-export', { given: "export { toProblem } from '../http/problem.js';", want: ['../http/problem.js'] }],
  ['bare import', { given: "import '../http/app.js';", want: ['../http/app.js'] }],
  ['dynamic import', { given: "const m = await import('../http/app.js');", want: ['../http/app.js'] }],
  ['no import', { given: "const text = 'import from nowhere';", want: [] }],
];
for (const [name, { given, want }] of cases) {
  test(`importsOf: ${name}`, () => assert.deepEqual(importsOf(given), want));
}

test('the check itself: express and http/ imports are found, others are not', () => {
  const file = join(LIB, 'operations', 'registry.ts');
  assert.equal(violation(file, 'express'), 'imports express');
  assert.equal(violation(file, '../http/problem.js'), 'imports http/ (../http/problem.js)');
  assert.equal(violation(file, '../assemble/build.js'), 'imports assemble/ (../assemble/build.js)');
  assert.equal(violation(file, '../problem.js'), null);
  assert.equal(violation(file, 'pino'), null);
});

test('no core module imports express, http/ or assemble/', () => {
  const files = sources(LIB);
  assert.ok(files.some((file) => file.endsWith(join('operations', 'registry.ts'))), 'the core sources were found');
  const found: string[] = [];
  for (const file of files) {
    for (const specifier of importsOf(readFileSync(file, 'utf8'))) {
      const problem = violation(file, specifier);
      if (problem) found.push(`${relative(repoRoot(), file)} ${problem}`);
    }
  }
  assert.deepEqual(found, []);
});
