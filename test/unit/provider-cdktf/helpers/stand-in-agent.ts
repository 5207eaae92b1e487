// A local stand-in for the control agent (node:http on 127.0.0.1) and a harness that drives the
// provider's RPC handlers (ApplyResourceChange, ReadResource) directly, with msgpack values as
// terraform sends them. Each request takes the next scripted answer; every request is recorded.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAgentClient, type AgentClient } from '../../../../provider-cdktf/src/client/agent-client.js';
import type { ProviderDef, ResourceDef } from '../../../../provider-cdktf/src/framework/resource.js';
import { blockObjectType } from '../../../../provider-cdktf/src/framework/schema.js';
import { createProviderServer } from '../../../../provider-cdktf/src/framework/server.js';
import type { Diagnostic } from '../../../../provider-cdktf/src/plugin/generated/tfplugin6.js';
import { decodeValue, encodeValue } from '../../../../provider-cdktf/src/plugin/msgpack.js';
import type { TfRecord } from '../../../../provider-cdktf/src/plugin/values.js';

export interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: Record<string, unknown> | null;
}

/** 'drop': the connection is closed after the request arrived (the outcome is unknown to the client). */
export interface Reply {
  status: number;
  json: unknown;
  /** content-type; default problem+json for 4xx/5xx, JSON otherwise */
  type?: string;
}

export type Answer = 'drop' | Reply | ((seen: Seen) => Reply);

export class StandInAgent {
  readonly seen: Seen[] = [];
  private script: Answer[] = [];
  private server: Server | null = null;
  url = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      let text = '';
      req.on('data', (c: Buffer) => (text += c.toString()));
      req.on('end', () => {
        const body = text ? (JSON.parse(text) as Record<string, unknown>) : null;
        const seen: Seen = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body };
        this.seen.push(seen);
        const next = this.script.shift();
        if (next === undefined) {
          return res.writeHead(500, { 'content-type': 'text/plain' }).end('stand-in: no answer scripted');
        }
        if (next === 'drop') return req.socket.destroy();
        const a = typeof next === 'function' ? next(seen) : next;
        const type = a.type ?? (a.status >= 400 ? 'application/problem+json' : 'application/json');
        res.writeHead(a.status, { 'content-type': type }).end(JSON.stringify(a.json));
      });
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  answer(...answers: Answer[]): void {
    this.script = [...answers];
    this.seen.length = 0;
  }

  close(): void {
    this.server?.closeAllConnections();
    this.server?.close();
  }
}

export function problem(code: string, status: number, extra: Record<string, unknown> = {}): Reply {
  const type = `https://sharedlvm.dev/problems/${code}`;
  return { status, json: { type, title: code, status, code, detail: `stand-in ${code}`, ...extra } };
}

export const testClient = (endpoint: string): AgentClient =>
  createAgentClient({
    endpoint, token: 't0ken', caBundle: null, requestTimeoutMs: 5000, userAgent: 'test',
    createRetryDelaysMs: [10, 10, 10],
  });

export interface RpcResult {
  state: TfRecord | null;
  diagnostics: Diagnostic[];
}

/** The provider's RPC handlers over `resources`, configured with a client for `endpoint`. */
export async function providerFor(endpoint: string, resources: ResourceDef<AgentClient>[]) {
  const def: ProviderDef<AgentClient> = {
    typeName: 'shared_lvm',
    schema: { version: 0, description: 'test', attributes: {} },
    configure: async () => testClient(endpoint),
    resources,
    dataSources: [],
  };
  const { server } = createProviderServer(def);
  type Unary<Req, Res> = (c: { request: Req }, cb: (e: Error | null, r?: Res) => void) => void;
  const unary = <Req, Res>(handler: unknown, request: Req): Promise<Res> =>
    new Promise((resolve, reject) =>
      (handler as Unary<Req, Res>)({ request }, (e, r) => (e ? reject(e) : resolve(r as Res))));
  await unary(server.configureProvider, {});
  type Resource = ResourceDef<AgentClient>;
  type Response = { newState?: { msgpack?: Uint8Array }; diagnostics: Diagnostic[] };
  const encode = (r: Resource, v: TfRecord | null) => ({ msgpack: encodeValue(v, blockObjectType(r.schema)) });
  const decode = (r: Resource, dv: { msgpack?: Uint8Array } | undefined): TfRecord | null =>
    (dv?.msgpack && dv.msgpack.length > 0
      ? (decodeValue(dv.msgpack, blockObjectType(r.schema)) as TfRecord | null)
      : null);
  return {
    /** ApplyResourceChange of a create (prior null) or a delete (planned null). */
    async apply(r: Resource, prior: TfRecord | null, planned: TfRecord | null): Promise<RpcResult> {
      const res = await unary<unknown, Response>(server.applyResourceChange, {
        typeName: r.typeName,
        priorState: encode(r, prior),
        plannedState: encode(r, planned),
        config: encode(r, planned),
      });
      return { state: decode(r, res.newState), diagnostics: res.diagnostics };
    },
    async read(r: Resource, current: TfRecord): Promise<RpcResult> {
      const request = { typeName: r.typeName, currentState: encode(r, current) };
      const res = await unary<unknown, Response>(server.readResource, request);
      return { state: decode(r, res.newState), diagnostics: res.diagnostics };
    },
  };
}
