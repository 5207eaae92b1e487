// waitOperation against a local stand-in of the agent's operations endpoint: progress is logged, a
// failed operation is a diagnostic with the agent's detail, the resource timeout ends the wait.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { createAgentClient, waitOperation, type Operation } from '../../../../provider-cdktf/src/client/agent-client.js';
import { DiagnosticError } from '../../../../provider-cdktf/src/framework/diagnostics.js';

const base: Operation = {
  id: 'op-wipe-1', kind: 'wipe', volume_id: 'v1', vg: 'labvg', target: 'zero', host: 'a', state: 'running', percent: 0,
  started_at: '2026-11-22T00:00:00.000Z', finished_at: null, resumed: false, error: null,
};
const script: Record<string, Operation[]> = {
  'op-wipe-1': [{ ...base, percent: 50 }, { ...base, state: 'succeeded', percent: 100 }],
  'op-wipe-2': [{ ...base, id: 'op-wipe-2', state: 'failed', error: { type: 't', title: 'LVM command failed', status: 500, code: 'lvm_failed', detail: 'blkdiscard: I/O error' } }],
  'op-wipe-3': [],
};
const server = createServer((req, res) => {
  const id = decodeURIComponent(req.url!.split('/').pop()!);
  const next = script[id]!.shift() ?? { ...base, id };
  res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(next));
});
let url = '';
before(async () => { await new Promise<void>((r) => server.listen(0, '127.0.0.1', r)); url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`; });
after(() => server.close());

const client = () => createAgentClient({ endpoint: url, token: 't0ken', caBundle: null, requestTimeoutMs: 5000, userAgent: 'test' });

const cases: [string, { given: string; timeoutMs: number; want: RegExp | 'ok' }][] = [
  ['progress until succeeded', { given: 'op-wipe-1', timeoutMs: 5000, want: 'ok' }],
  ['a failed operation is a diagnostic with the agent\'s detail', { given: 'op-wipe-2', timeoutMs: 5000, want: /blkdiscard: I\/O error/ }],
  ['the resource timeout ends the wait, naming the operation', { given: 'op-wipe-3', timeoutMs: 150, want: /still running .* GET \/v1\/operations\/op-wipe-3/ }],
];

for (const [name, { given, timeoutMs, want }] of cases) {
  test(name, async () => {
    const lines: string[] = [];
    const run = waitOperation(client(), 'Delete volume', { ...base, id: given }, AbortSignal.timeout(timeoutMs), { info: (m) => lines.push(m) }, 20);
    if (want === 'ok') {
      await run;
      assert.ok(lines.some((l) => /50% done/.test(l)), lines.join('\n'));
      assert.ok(lines.some((l) => /wipe done/.test(l)));
    } else {
      await assert.rejects(run, (e: unknown) => e instanceof DiagnosticError && want.test(`${e.summary} ${e.detail}`));
    }
  });
}
