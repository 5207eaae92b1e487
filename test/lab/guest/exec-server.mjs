// The lab's exec server, run inside each guest: lets tests on the host run an argv (never a shell
// string) as root and get its exit code and output. Loopback-forwarded only; bearer token checked.
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { openSync } from 'node:fs';
import { timingSafeEqual } from 'node:crypto';

const token = Buffer.from(process.env.LAB_TOKEN ?? '');
const port = 7400;

function authorized(req) {
  const given = Buffer.from((req.headers.authorization ?? '').replace(/^Bearer /, ''));
  return token.length > 0 && given.length === token.length && timingSafeEqual(given, token);
}

function readJson(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => { try { resolve(JSON.parse(Buffer.concat(chunks).toString() || '{}')); } catch (e) { reject(e); } });
    req.on('error', reject);
  });
}

function run({ argv, stdin, timeoutMs = 120000, env = {} }) {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(argv[0], argv.slice(1), { env: { ...process.env, LC_ALL: 'C', ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
    const out = []; const err = [];
    let timedOut = false;
    const timer = setTimeout(() => { timedOut = true; child.kill('SIGKILL'); }, timeoutMs);
    child.stdout.on('data', (c) => out.push(c));
    child.stderr.on('data', (c) => err.push(c));
    child.on('error', (e) => { clearTimeout(timer); resolve({ code: 127, stdout: '', stderr: String(e.message), durationMs: Date.now() - started }); });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: timedOut ? 124 : (code ?? 128), signal, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString(), durationMs: Date.now() - started });
    });
    child.stdin.on('error', () => {});
    child.stdin.end(stdin ?? '');
  });
}

function spawnDetached({ argv, env = {}, logFile = '/dev/null' }) {
  const fd = openSync(logFile, 'a');
  const child = spawn(argv[0], argv.slice(1), { env: { ...process.env, LC_ALL: 'C', ...env }, stdio: ['ignore', fd, fd], detached: true });
  child.unref();
  return { pid: child.pid };
}

createServer(async (req, res) => {
  const reply = (status, body) => { res.writeHead(status, { 'content-type': 'application/json' }); res.end(JSON.stringify(body)); };
  try {
    if (req.url === '/health') return reply(200, { ok: true });
    if (!authorized(req)) return reply(401, { error: 'bad token' });
    const body = await readJson(req);
    if (!Array.isArray(body.argv) || body.argv.length === 0 || !body.argv.every((a) => typeof a === 'string')) {
      return reply(400, { error: 'argv must be a non-empty array of strings' });
    }
    if (req.method === 'POST' && req.url === '/exec') return reply(200, await run(body));
    if (req.method === 'POST' && req.url === '/spawn') return reply(200, spawnDetached(body));
    return reply(404, { error: 'no such route' });
  } catch (e) {
    return reply(500, { error: String(e?.message ?? e) });
  }
}).listen(port, '0.0.0.0', () => console.log(`listening on ${port}`));
