#!/usr/bin/env node
// Fails when openapi/generated/types.ts is not what openapi-typescript makes from openapi/sharedlvm.yaml
// (run `npm run gen:openapi` and commit the result).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const temp = mkdtempSync(join(tmpdir(), 'openapi-check-'));
try {
  const fresh = join(temp, 'types.ts');
  execFileSync(process.execPath, [join(root, 'node_modules', 'openapi-typescript', 'bin', 'cli.js'), join(root, 'openapi', 'sharedlvm.yaml'), '-o', fresh], { stdio: ['ignore', 'ignore', 'inherit'] });
  const committed = readFileSync(join(root, 'openapi', 'generated', 'types.ts'), 'utf8');
  if (readFileSync(fresh, 'utf8') !== committed) {
    console.error('openapi/generated/types.ts is out of date with openapi/sharedlvm.yaml: run `npm run gen:openapi` and commit it');
    process.exit(1);
  }
  console.log('openapi/generated/types.ts matches openapi/sharedlvm.yaml');
} finally {
  rmSync(temp, { recursive: true, force: true });
}
