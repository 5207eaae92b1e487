// HTTP for tests that call agents and exec servers behind the lab's forwarded ports. node:http with
// a fresh connection per call, not global fetch: QEMU's user network accepts a connection on the
// host side even when nothing listens in the guest and then drops it, and Node 20's fetch (undici)
// leaves such a request pending with no handle open, so the test process ends with "Promise
// resolution is still pending but the event loop has already resolved" (measured here).
import { request } from 'node:http';

export interface HttpOptions {
  method?: string;
  headers?: Record<string, string>;
  /** JSON-encoded unless it is already a string. */
  body?: unknown;
  timeoutMs?: number;
}

export interface HttpReply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  /** The body parsed as JSON, or the text when it is not JSON. */
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  seconds: number;
}

/** One request; rejects on any network failure or timeout, never stays pending. */
export function labHttp(url: string, opts: HttpOptions = {}): Promise<HttpReply> {
  const payload = opts.body === undefined ? undefined : typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body);
  const headers: Record<string, string> = { ...(opts.headers ?? {}) };
  if (payload !== undefined) {
    headers['content-length'] = String(Buffer.byteLength(payload));
    if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) headers['content-type'] = 'application/json';
  }
  const timeoutMs = opts.timeoutMs ?? 300_000;
  const started = Date.now();
  return new Promise((resolve, reject) => {
    let settled = false;
    const fail = (error: Error) => { if (!settled) { settled = true; reject(error); } };
    const req = request(url, { method: opts.method ?? 'GET', headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        if (settled) return;
        settled = true;
        const text = Buffer.concat(chunks).toString();
        let body: unknown = text;
        try { body = text ? JSON.parse(text) : undefined; } catch { /* not JSON: the text */ }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, body, seconds: (Date.now() - started) / 1000 });
      });
      res.on('error', (e) => fail(new Error(`${opts.method ?? 'GET'} ${url}: ${e.message}`)));
      res.on('close', () => fail(new Error(`${opts.method ?? 'GET'} ${url}: connection closed before the answer was complete`)));
    });
    // A whole-exchange deadline (a ref'd timer), not only socket idleness.
    const timer = setTimeout(() => req.destroy(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    req.on('close', () => clearTimeout(timer));
    req.on('error', (e) => fail(new Error(`${opts.method ?? 'GET'} ${url}: ${e.message}`)));
    req.end(payload);
  });
}

/** The status of a request, or 0 when nothing answered. */
export async function labHttpStatus(url: string, opts: HttpOptions = {}): Promise<number> {
  try {
    return (await labHttp(url, { timeoutMs: 3000, ...opts })).status;
  } catch {
    return 0;
  }
}
