// What a resource or data source file provides, shaped like terraform-plugin-framework:
// schema, config validation, plan modification, CRUD and import.
import type { TfRecord } from '../plugin/values.js';
import type { Diagnostics } from './diagnostics.js';
import type { Logger } from '../plugin/log.js';
import type { SchemaDef } from './schema.js';

export interface OperationContext<Client> {
  client: Client;
  /** Aborted when the operation's timeout passes. */
  signal: AbortSignal;
  diags: Diagnostics;
  log: Logger;
}

export interface PlanRequest<Client> {
  config: TfRecord;
  prior: TfRecord | null;
  /** The plan so far; modifyPlan may change computed values in place. */
  plan: TfRecord;
  ctx: OperationContext<Client>;
}

export interface ResourceDef<Client> {
  typeName: string;
  schema: SchemaDef;
  /** Cross-attribute checks on the configuration (values may be unknown). */
  validateConfig?(config: TfRecord, diags: Diagnostics): void;
  /** Plan-time checks that may read the API (e.g. free space); add errors on the attribute at fault. */
  modifyPlan?(req: PlanRequest<Client>): Promise<void>;
  create(plan: TfRecord, ctx: OperationContext<Client>): Promise<TfRecord | null>;
  /** Returns null when the object is gone (terraform then drops it from state and plans a create). */
  read(state: TfRecord, ctx: OperationContext<Client>): Promise<TfRecord | null>;
  update(plan: TfRecord, prior: TfRecord, ctx: OperationContext<Client>): Promise<TfRecord | null>;
  delete(prior: TfRecord, ctx: OperationContext<Client>): Promise<void>;
  /** Turns an import id into a state that read() can complete. */
  importState(id: string, ctx: OperationContext<Client>): Promise<TfRecord | null>;
  /** Default timeouts per operation, e.g. { create: '10m' }. */
  timeouts?: Partial<Record<'create' | 'read' | 'update' | 'delete', string>>;
}

export interface DataSourceDef<Client> {
  typeName: string;
  schema: SchemaDef;
  validateConfig?(config: TfRecord, diags: Diagnostics): void;
  read(config: TfRecord, ctx: OperationContext<Client>): Promise<TfRecord | null>;
}

export interface ProviderDef<Client> {
  /** The provider type name: resources are `<typeName>_...`. */
  typeName: string;
  schema: SchemaDef;
  validateConfig?(config: TfRecord, diags: Diagnostics): void;
  /** Builds the API client from the provider block; errors go to diags. */
  configure(config: TfRecord, diags: Diagnostics, terraformVersion: string): Promise<Client | null>;
  resources: ResourceDef<Client>[];
  dataSources: DataSourceDef<Client>[];
}
