// examples/curl documents every API operation and its scripts are valid bash.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { listOperations, loadSpec } from '../../../agent/src/lib/openapi/spec.js';
import { repoRoot } from '../../helpers/fake-lvm.js';

const dir = join(repoRoot(), 'examples', 'curl');
const readme = readFileSync(join(dir, 'README.md'), 'utf8');

for (const op of listOperations(loadSpec())) {
  test(`examples/curl covers ${op.operationId}`, () => assert.ok(readme.includes(op.operationId), `${op.operationId} in README.md`));
}

for (const script of readdirSync(dir).filter((name) => name.endsWith('.sh'))) {
  test(`examples/curl/${script} parses (bash -n) and is listed`, () => {
    execFileSync('bash', ['-n', join(dir, script)]);
    if (script !== 'env.sh') assert.ok(readme.includes(script), `${script} in README.md`);
  });
}
