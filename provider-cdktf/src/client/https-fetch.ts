// fetch() over node:https with extra trusted CAs, for `ca_bundle`. Node's built-in fetch takes no CA
// option; undici's Agent would, but it is 400 KB of bundle parsed on every provider launch.
import type { Agent } from 'node:https';

export function fetchTrusting(ca: string): typeof fetch {
  // node:https (and node:http under it) load only when a ca_bundle is used: every launch pays for modules.
  let agent: Promise<{ agent: Agent; request: typeof import('node:https').request }> | null = null;
  return async (input, init) => {
    agent ??= import('node:https').then((https) => ({ agent: new https.Agent({ ca, keepAlive: true }), request: https.request }));
    const { agent: httpsAgent, request } = await agent;
    const req = input instanceof Request ? input : new Request(input, init);
    const body = req.body ? Buffer.from(await req.arrayBuffer()) : undefined;
    return new Promise<Response>((resolve, reject) => {
      const headers: Record<string, string> = {};
      req.headers.forEach((value, key) => (headers[key] = value));
      const outgoing = request(req.url, { method: req.method, headers, agent: httpsAgent, signal: req.signal }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const status = res.statusCode ?? 500;
          const responseHeaders = new Headers();
          for (const [k, v] of Object.entries(res.headers)) {
            for (const item of Array.isArray(v) ? v : v === undefined ? [] : [v]) responseHeaders.append(k, item);
          }
          const nullBody = status === 204 || status === 304 || req.method === 'HEAD';
          resolve(new Response(nullBody ? null : Buffer.concat(chunks), { status, statusText: res.statusMessage ?? '', headers: responseHeaders }));
        });
      });
      outgoing.on('error', reject);
      outgoing.end(body);
    });
  };
}
