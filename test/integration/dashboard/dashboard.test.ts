// The dashboard in headless Chromium (Debian's /usr/bin/chromium driven by playwright-core) against
// the agents in the lab: a volume created and attached through the API shows with its lock mode.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { chromium, type Browser } from 'playwright-core';
import { LAB_VG, projectDir } from '../../lab/client.js';
import { labHttp } from '../../lab/http.js';
import { startAgents, type LabAgent } from '../../lab/agents.js';

const CHROMIUM = '/usr/bin/chromium';
const TOKEN = 'dashboard-test-token-0123456789';
const LV_PREFIX = 'dash-';
const artifacts = join(projectDir, 'test-artifacts');
let agents: { a: LabAgent; b: LabAgent } | undefined;
let browser: Browser | undefined;

async function api(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const reply = await labHttp(agents!.a.url + path, { method, headers: { authorization: `Bearer ${TOKEN}` }, body, timeoutMs: 300_000 });
  return { status: reply.status, body: reply.body };
}

before(async () => {
  assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is missing: apt-get install chromium (make test does it)`);
  agents = await startAgents({ token: TOKEN, lvPrefix: LV_PREFIX });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}, { timeout: 600_000 });

after(async () => {
  await browser?.close();
  if (agents) {
    const volumes = await api('GET', '/v1/volumes').catch(() => undefined);
    for (const v of volumes?.body?.items ?? []) {
      if (!String(v.name).startsWith('dash-')) continue;
      for (const a of v.attachments ?? []) await api('DELETE', `/v1/attachments/${v.id}/${a.host}`).catch(() => undefined);
      await api('DELETE', `/v1/volumes/${v.id}`).catch(() => undefined);
    }
    await agents.a.stop();
    await agents.b.stop();
  }
}, { timeout: 600_000 });

test('the dashboard lists a volume made through the API with its lock mode per host', { timeout: 600_000 }, async () => {
  const created = await api('POST', '/v1/volumes', { name: 'dash-vol', vg: LAB_VG, size_gib: 0.125 });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const volume = created.body;
  assert.ok(volume.lv_name.startsWith(LV_PREFIX));
  const attached = await api('POST', '/v1/attachments', { volume_id: volume.id, host: 'b', mode: 'rw' });
  assert.equal(attached.status, 201, JSON.stringify(attached.body));

  const page = await browser!.newPage({ viewport: { width: 1400, height: 900 } });
  const consoleErrors: string[] = [];
  page.on('pageerror', (e) => consoleErrors.push(e.message));
  await page.goto(`${agents!.a.url}/dashboard#token=${TOKEN}`);
  const pill = page.locator(`tr[data-volume-id="${volume.id}"] [data-host="b"]`);
  await pill.waitFor({ timeout: 60_000 });
  assert.equal(await pill.getAttribute('data-lock-mode'), 'exclusive');
  assert.match(await page.locator(`tr[data-volume-id="${volume.id}"]`).innerText(), /dash-vol/);
  assert.match(await page.locator(`tr[data-vg="${LAB_VG}"]`).innerText(), /sanlock/);
  assert.equal(await page.locator('#errors').isHidden(), true, await page.locator('#errors').innerText());
  mkdirSync(artifacts, { recursive: true });
  await page.screenshot({ path: join(artifacts, 'dashboard.png'), fullPage: true });
  assert.deepEqual(consoleErrors, []);

  // A wrong token is said plainly, not shown as an empty page.
  const other = await browser!.newPage();
  await other.goto(`${agents!.a.url}/dashboard#token=wrong-token`);
  await other.locator('#errors li').first().waitFor({ timeout: 30_000 });
  assert.match(await other.locator('#errors').innerText(), /refused the token/);
});
