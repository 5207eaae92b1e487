// tfplugin6.Provider over a ProviderDef: decodes DynamicValues with the schema, dispatches to the
// resource files, and turns every failure into diagnostics (never a crashed RPC).
import type { handleUnaryCall } from '@grpc/grpc-js';
import type { DynamicValue, Diagnostic, ProviderServer, Schema } from '../plugin/generated/tfplugin6.js';
import { log } from '../plugin/log.js';
import { decodeValue, encodeValue } from '../plugin/msgpack.js';
import { isKnown, isRecord, record, type TfRecord, type TfValue } from '../plugin/values.js';
import { DiagnosticError, Diagnostics, UnknownCreateOutcomeError, type AttrPath } from './diagnostics.js';
import {
  completeObject, finalizeApplied, fromJsonState, normalizeRead, partialApplied, planAttributes,
} from './plan.js';
import type { DataSourceDef, OperationContext, ProviderDef, ResourceDef } from './resource.js';
import { blockObjectType, schemaToProto, type AttributeDef, type NestedBlockDef, type SchemaDef } from './schema.js';
import { timeoutMs, type Operation } from './timeouts.js';

const DEFAULT_TIMEOUT = '20m';

function decode(dv: DynamicValue | undefined, schema: SchemaDef): TfRecord | null {
  if (!dv) return null;
  if (dv.msgpack && dv.msgpack.length > 0) {
    const v = decodeValue(dv.msgpack, blockObjectType(schema));
    return v === null ? null : (v as TfRecord);
  }
  if (dv.json && dv.json.length > 0) return fromJsonState(schema, JSON.parse(Buffer.from(dv.json).toString('utf8')));
  return null;
}

function encode(value: TfRecord | null, schema: SchemaDef): DynamicValue {
  return { msgpack: encodeValue(value, blockObjectType(schema)) };
}

/** Runs attribute validators on known, non-null values, with the attribute path on each diagnostic. */
export function validateAttributes(
  block: { attributes: Record<string, AttributeDef>; blocks?: Record<string, NestedBlockDef> },
  config: TfRecord,
  diags: Diagnostics,
  prefix: AttrPath = [],
): void {
  for (const [name, a] of Object.entries(block.attributes)) {
    const value = config[name] ?? null;
    if (value === null || !isKnown(value)) continue;
    for (const v of a.validators ?? []) {
      const problem = v.validate(value);
      if (problem) diags.error(`Invalid value for "${name}"`, problem, [...prefix, name]);
    }
  }
  for (const [name, b] of Object.entries(block.blocks ?? {})) {
    const value: TfValue = config[name] ?? null;
    const items: TfValue[] = b.nesting === 'single' ? [value] : Array.isArray(value) ? value : [];
    items.forEach((item, i) => {
      if (isRecord(item)) validateAttributes(b, item, diags, b.nesting === 'single' ? [...prefix, name] : [...prefix, name, i]);
    });
  }
}

export interface ProviderServerHandle {
  server: ProviderServer;
  /** Cancels waits on terraform's StopProvider (in-flight API calls finish, so no orphans). */
  stop(): void;
}

export function createProviderServer<Client>(def: ProviderDef<Client>): ProviderServerHandle {
  const resources = new Map<string, ResourceDef<Client>>(def.resources.map((r) => [r.typeName, r]));
  const dataSources = new Map<string, DataSourceDef<Client>>(def.dataSources.map((d) => [d.typeName, d]));
  let client: Client | null = null;
  const stopController = new AbortController();

  function context(diags: Diagnostics, timeout: number): OperationContext<Client> & { done(): void } {
    if (client === null) throw new DiagnosticError('Provider not configured', 'The provider block could not be configured; see the earlier error.');
    const timer = new AbortController();
    const t = setTimeout(() => timer.abort(new Error(`timed out after ${Math.round(timeout / 1000)} s`)), timeout);
    return { client, signal: timer.signal, diags, log, done: () => clearTimeout(t) };
  }

  /** Wraps a handler: thrown DiagnosticErrors and bugs become error diagnostics on the response. */
  function rpc<Req, Res>(
    name: string,
    body: (req: Req, diags: Diagnostics) => Promise<Res>,
  ): handleUnaryCall<Req, Res> {
    return (call, callback) => {
      const diags = new Diagnostics();
      const started = Date.now();
      body(call.request, diags)
        .catch((err: unknown): Res => {
          if (err instanceof DiagnosticError) diags.add(err.toDiag());
          else {
            log.error(`${name} failed`, { error: err instanceof Error ? (err.stack ?? err.message) : String(err) });
            diags.error('Provider error', `${name}: ${err instanceof Error ? err.message : String(err)}`);
          }
          return {} as Res;
        })
        .then((res) => {
          log.trace(`${name} done`, { ms: Date.now() - started, diagnostics: diags.items.length });
          const own = (res as { diagnostics?: Diagnostic[] }).diagnostics ?? [];
          callback(null, { ...res, diagnostics: [...own, ...diags.toProto()] } as Res);
        })
        .catch((err: unknown) => callback(err as Error));
    };
  }

  function resourceOf(typeName: string | undefined): ResourceDef<Client> {
    const r = resources.get(typeName ?? '');
    if (!r) throw new DiagnosticError('Unknown resource type', `This provider has no resource type "${typeName}".`);
    return r;
  }
  function dataSourceOf(typeName: string | undefined): DataSourceDef<Client> {
    const d = dataSources.get(typeName ?? '');
    if (!d) throw new DiagnosticError('Unknown data source', `This provider has no data source "${typeName}".`);
    return d;
  }
  function timeoutOf(r: ResourceDef<Client>, value: TfRecord | null, op: Operation): number {
    return timeoutMs(value, op, r.timeouts?.[op] ?? DEFAULT_TIMEOUT);
  }

  const schemas = {
    provider: schemaToProto(def.schema),
    resources: Object.fromEntries(def.resources.map((r) => [r.typeName, schemaToProto(r.schema)])) as Record<string, Schema>,
    dataSources: Object.fromEntries(def.dataSources.map((d) => [d.typeName, schemaToProto(d.schema)])) as Record<string, Schema>,
  };
  const capabilities = { planDestroy: false, getProviderSchemaOptional: true, moveResourceState: false };

  const server: ProviderServer = {
    getMetadata: rpc('GetMetadata', async () => ({
      serverCapabilities: capabilities,
      resources: def.resources.map((r) => ({ typeName: r.typeName })),
      dataSources: def.dataSources.map((d) => ({ typeName: d.typeName })),
      functions: [],
      ephemeralResources: [],
    })),
    getProviderSchema: rpc('GetProviderSchema', async () => ({
      provider: schemas.provider,
      resourceSchemas: schemas.resources,
      dataSourceSchemas: schemas.dataSources,
      functions: {},
      ephemeralResourceSchemas: {},
      serverCapabilities: capabilities,
    })),
    validateProviderConfig: rpc('ValidateProviderConfig', async (req, diags) => {
      const config = decode(req.config, def.schema) ?? record();
      validateAttributes(def.schema, config, diags);
      def.validateConfig?.(config, diags);
      return {};
    }),
    configureProvider: rpc('ConfigureProvider', async (req, diags) => {
      const config = decode(req.config, def.schema) ?? record();
      client = await def.configure(config, diags, req.terraformVersion ?? '');
      return {};
    }),
    validateResourceConfig: rpc('ValidateResourceConfig', async (req, diags) => {
      const r = resourceOf(req.typeName);
      const config = decode(req.config, r.schema) ?? record();
      validateAttributes(r.schema, config, diags);
      r.validateConfig?.(config, diags);
      return {};
    }),
    validateDataResourceConfig: rpc('ValidateDataResourceConfig', async (req, diags) => {
      const d = dataSourceOf(req.typeName);
      const config = decode(req.config, d.schema) ?? record();
      validateAttributes(d.schema, config, diags);
      d.validateConfig?.(config, diags);
      return {};
    }),
    upgradeResourceState: rpc('UpgradeResourceState', async (req) => {
      const r = resourceOf(req.typeName);
      const json = req.rawState?.json;
      const state = json && json.length > 0 ? fromJsonState(r.schema, JSON.parse(Buffer.from(json).toString('utf8'))) : null;
      return { upgradedState: encode(state && completeObject(r.schema, state), r.schema) };
    }),
    readResource: rpc('ReadResource', async (req, diags) => {
      const r = resourceOf(req.typeName);
      const prior = decode(req.currentState, r.schema);
      if (prior === null) return { newState: encode(null, r.schema), private: req.private };
      const ctx = context(diags, timeoutOf(r, prior, 'read'));
      try {
        const fresh = await r.read(prior, ctx);
        if (fresh === null) log.info('object no longer exists; removing it from state', { type: r.typeName, id: String(prior.id) });
        const state = fresh === null ? null : normalizeRead(r.schema, prior, fresh);
        return { newState: encode(diags.hasErrors ? prior : state, r.schema), private: req.private };
      } catch (err) {
        // A failed read says nothing about the object: the prior state stands.
        if (!(err instanceof DiagnosticError)) throw err;
        diags.add(err.toDiag());
        return { newState: encode(prior, r.schema), private: req.private };
      } finally {
        ctx.done();
      }
    }),
    planResourceChange: rpc('PlanResourceChange', async (req, diags) => {
      const r = resourceOf(req.typeName);
      const prior = decode(req.priorState, r.schema);
      const proposed = decode(req.proposedNewState, r.schema);
      const config = decode(req.config, r.schema) ?? record();
      if (proposed === null) return { plannedState: encode(null, r.schema), plannedPrivate: req.priorPrivate };
      const { plan, requiresReplace } = planAttributes(r.schema, prior, proposed, config);
      if (r.modifyPlan) {
        const ctx = context(diags, timeoutOf(r, plan, 'read'));
        try {
          await r.modifyPlan({ config, prior, plan, ctx });
        } finally {
          ctx.done();
        }
      }
      return {
        plannedState: encode(plan, r.schema),
        requiresReplace: requiresReplace.map((p) => ({ steps: p.map((s) => ({ attributeName: String(s) })) })),
        plannedPrivate: req.priorPrivate,
      };
    }),
    applyResourceChange: rpc('ApplyResourceChange', async (req, diags) => {
      const r = resourceOf(req.typeName);
      const prior = decode(req.priorState, r.schema);
      const planned = decode(req.plannedState, r.schema);
      const op: Operation = planned === null ? 'delete' : prior === null ? 'create' : 'update';
      const ctx = context(diags, timeoutOf(r, planned ?? prior, op));
      try {
        if (planned === null) {
          if (prior) await r.delete(prior, ctx);
          return { newState: encode(diags.hasErrors ? prior : null, r.schema) };
        }
        const result = prior === null ? await r.create(planned, ctx) : await r.update(planned, prior, ctx);
        if (result === null) return { newState: encode(diags.hasErrors ? prior : null, r.schema) };
        return { newState: encode(finalizeApplied(r.schema, planned, result, diags), r.schema) };
      } catch (err) {
        if (!(err instanceof DiagnosticError)) throw err;
        diags.add(err.toDiag());
        // A create that may have made its object: record its id with the error (terraform taints it).
        if (err instanceof UnknownCreateOutcomeError && prior === null && planned !== null) {
          return { newState: encode(partialApplied(r.schema, planned, err.state), r.schema) };
        }
        // Keep what exists: on a failed update the prior state stands, on a failed create nothing was made.
        return { newState: encode(prior, r.schema) };
      } finally {
        ctx.done();
      }
    }),
    importResourceState: rpc('ImportResourceState', async (req, diags) => {
      const r = resourceOf(req.typeName);
      const ctx = context(diags, timeoutOf(r, null, 'read'));
      try {
        const state = await r.importState(req.id ?? '', ctx);
        if (state === null) {
          diags.error('Cannot import a non-existent object', `No ${r.typeName} with id "${req.id}" exists.`);
          return {};
        }
        return { importedResources: [{ typeName: r.typeName, state: encode(completeObject(r.schema, state), r.schema) }] };
      } finally {
        ctx.done();
      }
    }),
    moveResourceState: rpc('MoveResourceState', async (_req, diags) => {
      diags.error('Move not supported', 'This provider does not support moving state between resource types.');
      return {};
    }),
    readDataSource: rpc('ReadDataSource', async (req, diags) => {
      const d = dataSourceOf(req.typeName);
      const config = decode(req.config, d.schema) ?? record();
      const ctx = context(diags, timeoutMs(config, 'read', DEFAULT_TIMEOUT));
      try {
        const result = await d.read(config, ctx);
        if (result === null) return {};
        const state = completeObject(d.schema, record(Object.entries(config)));
        for (const [k, v] of Object.entries(result)) if (config[k] === null || config[k] === undefined) state[k] = v;
        return { state: encode(state, d.schema) };
      } finally {
        ctx.done();
      }
    }),
    validateEphemeralResourceConfig: rpc('ValidateEphemeralResourceConfig', async (_req, diags) => {
      diags.error('Ephemeral resources not supported', 'This provider has no ephemeral resources.');
      return {};
    }),
    openEphemeralResource: rpc('OpenEphemeralResource', async (_req, diags) => {
      diags.error('Ephemeral resources not supported', 'This provider has no ephemeral resources.');
      return {};
    }),
    renewEphemeralResource: rpc('RenewEphemeralResource', async (_req, diags) => {
      diags.error('Ephemeral resources not supported', 'This provider has no ephemeral resources.');
      return {};
    }),
    closeEphemeralResource: rpc('CloseEphemeralResource', async (_req, diags) => {
      diags.error('Ephemeral resources not supported', 'This provider has no ephemeral resources.');
      return {};
    }),
    getFunctions: rpc('GetFunctions', async () => ({ functions: {} })),
    callFunction: (_call, callback) => callback(null, { error: { text: 'This provider has no functions.' } }),
    stopProvider: (_call, callback) => {
      stopController.abort();
      log.info('StopProvider: finishing in-flight requests, starting no new waits');
      callback(null, {});
    },
  };
  return { server, stop: () => stopController.abort() };
}

