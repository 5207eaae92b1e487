import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parse } from 'yaml';
import { CONTRACT_PATTERNS } from '../../../../provider-cdktf/src/resources/names.js';
import { repoRoot } from '../../../helpers/fake-lvm.js';

// The provider checks names at plan time with the contract's own patterns: fail when they drift.
const contract = parse(readFileSync(join(repoRoot(), 'openapi/sharedlvm.yaml'), 'utf8')) as {
  components: { schemas: Record<string, { pattern?: string }> };
};

for (const [schema, pattern] of Object.entries(CONTRACT_PATTERNS)) {
  test(`name pattern ${schema} matches openapi/sharedlvm.yaml`, () => {
    assert.equal(pattern, contract.components.schemas[schema]?.pattern);
  });
}
