// The dashboard is one static page (agent/dashboard/index.html) that calls the /v1 API from the
// browser with the user's token: no second data path, no build step.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { findSpecPath } from '../openapi/spec.js';

/** Read once at start-up from the checkout, found the same way as the OpenAPI document. */
export function loadDashboard(): string {
  const root = dirname(dirname(findSpecPath()));
  return readFileSync(join(root, 'agent', 'dashboard', 'index.html'), 'utf8');
}
