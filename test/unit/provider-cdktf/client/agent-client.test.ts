import assert from 'node:assert/strict';
import { test } from 'node:test';
import { problemToDiagnostic, transportToDiagnostic } from '../../../../provider-cdktf/src/client/agent-client.js';

const fields = { vg: 'volume_group', size_gib: 'size_gib', name: 'name' };

type Want = { summary: string; detail: RegExp; path?: string[] };
const cases: [string, { status: number; problem: unknown; want: Want }][] = [
  ['input error lands on the mapped attribute', {
    status: 400,
    problem: { type: 'about:blank', title: 'Invalid request', status: 400, code: 'bad_request', detail: 'body is invalid', errors: [{ pointer: '/body/vg', message: 'must match pattern' }] },
    want: { summary: 'Create volume: Invalid request', detail: /body is invalid\n- \/body\/vg: must match pattern\n\(HTTP 400, code bad_request\)/, path: ['volume_group'] },
  }],
  ['lvm failure shows the command and its stderr', {
    status: 507,
    problem: { type: 'x', title: 'Insufficient free space in the volume group', status: 507, code: 'insufficient_space', detail: 'needs 5 GiB', lvm: { exit_code: 5, stderr: '  Volume group "labvg" has insufficient free space\n', command: ['lvcreate', '-L', '5g'] } },
    want: { summary: 'Create volume: Insufficient free space in the volume group', detail: /LVM command lvcreate -L 5g exited 5: Volume group "labvg" has insufficient free space/ },
  }],
  ['a conflict without input errors keeps the fallback path', {
    status: 409,
    problem: { type: 'x', title: 'Volumes can only grow', status: 409, code: 'shrink_not_supported', detail: 'from 2 to 1' },
    want: { summary: 'Create volume: Volumes can only grow', detail: /from 2 to 1\n\(HTTP 409, code shrink_not_supported\)/, path: ['size_gib'] },
  }],
  ['not a problem document', {
    status: 502,
    problem: 'Bad Gateway',
    want: { summary: 'Create volume: request failed', detail: /Bad Gateway\n\(HTTP 502\)/ },
  }],
];

for (const [name, { status, problem, want }] of cases) {
  test(`problemToDiagnostic: ${name}`, () => {
    const d = problemToDiagnostic('Create volume', status, problem, fields, name.includes('fallback') ? ['size_gib'] : undefined).toDiag();
    assert.equal(d.summary, want.summary);
    assert.match(d.detail, want.detail);
    assert.deepEqual(d.path, want.path);
  });
}

test('transportToDiagnostic: names the endpoint and the cause', () => {
  const err = Object.assign(new TypeError('fetch failed'), { cause: { message: 'connect ECONNREFUSED 127.0.0.1:7480', code: 'ECONNREFUSED' } });
  const d = transportToDiagnostic('Read volume', 'http://127.0.0.1:7480', err).toDiag();
  assert.equal(d.summary, 'Read volume: cannot reach the shared-lvm agent');
  assert.match(d.detail, /http:\/\/127\.0\.0\.1:7480 failed: connect ECONNREFUSED/);
});
