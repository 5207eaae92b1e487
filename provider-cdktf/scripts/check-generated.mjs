#!/usr/bin/env node
// Fails when committed generated files drift from their sources: the protobuf code (buf + ts-proto
// from provider-cdktf/proto) and the registry-style docs (from the provider's schema descriptions).
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GENERATED_DIR, manifest } from './proto-manifest.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const files = (dir) => readdirSync(dir).flatMap((f) => (statSync(join(dir, f)).isDirectory() ? files(join(dir, f)) : [join(dir, f)]));
let drift = 0;

function compareTrees(label, committedDir, freshDir) {
  const want = new Map(files(freshDir).map((f) => [relative(freshDir, f), readFileSync(f, 'utf8')]));
  const have = new Map(files(committedDir).map((f) => [relative(committedDir, f), readFileSync(f, 'utf8')]));
  for (const [name, text] of want) {
    if (have.get(name) !== text) {
      console.error(`${label}: ${name} is out of date`);
      drift++;
    }
  }
  for (const name of have.keys()) {
    if (!want.has(name)) {
      console.error(`${label}: ${name} is not generated any more`);
      drift++;
    }
  }
}

// 1. protobuf code: the manifest says which inputs made which outputs; both must still hold. Where buf
//    is installed (npm run gen:proto fetches it with npx), regenerate and compare byte for byte too.
{
  const recorded = JSON.parse(readFileSync(join(GENERATED_DIR, 'MANIFEST.json'), 'utf8'));
  const now = manifest();
  for (const part of ['inputs', 'outputs']) {
    const keys = new Set([...Object.keys(recorded[part]), ...Object.keys(now[part])]);
    for (const k of keys) {
      if (recorded[part][k] !== now[part][k]) {
        console.error(`protobuf: ${part === 'inputs' ? 'source' : 'generated file'} ${k} changed since the code was generated`);
        drift++;
      }
    }
  }
}
const localBuf = join(root, 'node_modules/.bin/buf');
if (existsSync(localBuf)) {
  const proto = mkdtempSync(join(tmpdir(), 'tfproto-'));
  try {
    const out = join(proto, 'out');
    const template = readFileSync(join(root, 'provider-cdktf/proto/buf.gen.yaml'), 'utf8').replace(/out: .*/, `out: ${out}`);
    writeFileSync(join(proto, 'buf.gen.yaml'), template);
    execFileSync(localBuf, ['generate', 'provider-cdktf/proto', '--template', join(proto, 'buf.gen.yaml')], { cwd: root, stdio: 'inherit' });
    writeFileSync(join(out, 'MANIFEST.json'), readFileSync(join(GENERATED_DIR, 'MANIFEST.json')));
    compareTrees('protobuf', GENERATED_DIR, out);
  } finally {
    rmSync(proto, { recursive: true, force: true });
  }
}

// 2. docs
const docs = mkdtempSync(join(tmpdir(), 'tfdocs-'));
try {
  execFileSync(process.execPath, [join(root, 'dist/provider-cdktf/src/docs/gen-docs.js'), docs], { cwd: root, stdio: 'ignore' });
  // Only the generated part of docs/: provider.md, resources/, data-sources/.
  const committed = mkdtempSync(join(tmpdir(), 'tfdocs-have-'));
  try {
    cpSync(join(root, 'docs'), committed, { recursive: true, filter: (src) => !/\/docs\/[^/]+$/.test(src) || /\/docs\/(provider\.md|resources|data-sources)$/.test(src) });
    compareTrees('docs', committed, docs);
  } finally {
    rmSync(committed, { recursive: true, force: true });
  }
} finally {
  rmSync(docs, { recursive: true, force: true });
}

if (drift > 0) {
  console.error(`${drift} generated file(s) drifted: run \`npm run gen:proto\` / \`npm run gen:docs\` and commit`);
  process.exit(1);
}
console.error('generated protobuf code and docs are up to date');
