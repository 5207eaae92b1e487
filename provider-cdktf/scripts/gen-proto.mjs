#!/usr/bin/env node
// `npm run gen:proto`: regenerates the static protobuf code (buf + ts-proto) from provider-cdktf/proto
// and records a manifest of input and output hashes that `check-generated.mjs` verifies.
// buf is run through npx, not kept in devDependencies: the registry has only its Linux builds, and a
// lock file without the other platforms' optional packages breaks `npm ci`.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GENERATED_DIR, manifest, root } from './proto-manifest.mjs';

execFileSync('npx', ['--yes', '--package', '@bufbuild/buf@1.75.0', 'buf', 'generate', 'provider-cdktf/proto', '--template', 'provider-cdktf/proto/buf.gen.yaml'], {
  cwd: root,
  stdio: 'inherit',
});
writeFileSync(join(GENERATED_DIR, 'MANIFEST.json'), JSON.stringify(manifest(), null, 2) + '\n');
console.error('protobuf code regenerated; manifest written');
