import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AgentError } from '../../../../../agent/src/lib/errors.js';
import { TokenChecker } from '../../../../../agent/src/lib/http/auth.js';

const checker = new TokenChecker(['first-token-0123456789', 'second-token-0123456789']);

const cases: [string, { given: string | undefined; want: 'ok' | 'unauthorized' }][] = [
  ['first token', { given: 'Bearer first-token-0123456789', want: 'ok' }],
  ['second token', { given: 'Bearer second-token-0123456789', want: 'ok' }],
  ['no header', { given: undefined, want: 'unauthorized' }],
  ['wrong token', { given: 'Bearer first-token-0123456788', want: 'unauthorized' }],
  ['prefix of a token', { given: 'Bearer first-token', want: 'unauthorized' }],
  ['basic auth', { given: 'Basic Zmlyc3QtdG9rZW4=', want: 'unauthorized' }],
  ['lower-case scheme', { given: 'bearer first-token-0123456789', want: 'unauthorized' }],
  ['trailing space', { given: 'Bearer first-token-0123456789 ', want: 'unauthorized' }],
];

for (const [name, { given, want }] of cases) {
  test(`TokenChecker: ${name}`, () => {
    if (want === 'ok') checker.check(given);
    else assert.throws(() => checker.check(given), (error: unknown) => error instanceof AgentError && error.status === 401);
  });
}
