// shared_lvm_attachment: a volume attached to a compute host, i.e. active there under a sanlock lease
// (exclusive when it is the volume's only attachment, shared when the volume is multi-attached).
//
// UNVERIFIED CONTRACT: the attachment endpoints come with host mode (issue 4) and are not in
// openapi/sharedlvm.yaml yet. Reads go through the contract's GET /v1/volumes/{id} (its `attachments`
// list); attach/detach use the shape issue 4 describes, through `client.raw`:
//   PUT    /v1/volumes/{id}/attachments/{host}  {mode}  -> {host, mode, lock_mode?, device_path?}
//   DELETE /v1/volumes/{id}/attachments/{host}
// Switch them to `client.api` once the contract has them.
import { call, type AgentClient, type Volume } from '../client/agent-client.js';
import { DiagnosticError } from '../framework/diagnostics.js';
import { known, str } from '../framework/model.js';
import { requiresReplace, useStateForUnknown } from '../framework/plan-modifiers.js';
import type { OperationContext, ResourceDef } from '../framework/resource.js';
import type { SchemaDef } from '../framework/schema.js';
import { timeoutsBlock } from '../framework/timeouts.js';
import { stringLength, stringMatches, stringOneOf } from '../framework/validators.js';
import { record, type TfRecord } from '../plugin/values.js';
import { objectIdValidators } from './names.js';

export const ATTACHMENT_TYPE = 'shared_lvm_attachment';

export const attachmentSchema: SchemaDef = {
  version: 0,
  description:
    'Attaches a `shared_lvm_volume` to a compute host: the host\'s agent activates the LV there under a sanlock lease, ' +
    'exclusive when it is the volume\'s only attachment and shared when the volume is `multiattach`. No iSCSI target is ' +
    'involved; the host opens `device_path` directly. Destroyed (detached) before its volume.',
  attributes: {
    id: { type: 'string', computed: true, description: '`<volume_id>/<host>`. Use it to import.', planModifiers: [useStateForUnknown()] },
    volume_id: { type: 'string', required: true, description: 'Id of the volume to attach. Changing it replaces the attachment.', validators: objectIdValidators, planModifiers: [requiresReplace()] },
    host: {
      type: 'string',
      required: true,
      description: 'Name of the host, as registered in the control agent\'s configuration. Changing it replaces the attachment.',
      validators: [stringLength(1, 63), stringMatches(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'must be a host name (letters, digits, `_ . -`)')],
      planModifiers: [requiresReplace()],
    },
    mode: { type: 'string', optional: true, computed: true, default: 'rw', description: 'Access on the host: `rw` (default) or `ro`. Changing it replaces the attachment.', validators: [stringOneOf('rw', 'ro')], planModifiers: [requiresReplace()] },
    lock_mode: { type: 'string', computed: true, description: 'The sanlock lease the host holds: `exclusive` (the only attachment) or `shared` (a multi-attached volume).' },
    device_path: { type: 'string', computed: true, description: 'Block device path on the host, e.g. `/dev/labvg/slvm-vol-<id>`.', planModifiers: [useStateForUnknown()] },
  },
  blocks: { timeouts: timeoutsBlock(['create', 'delete'], { create: '10m', delete: '10m' }) },
};

interface AttachResponse {
  host?: string;
  mode?: string;
  lock_mode?: string;
  device_path?: string;
}

function lockModeOf(v: Volume, host: string, reported?: string): string {
  if (reported === 'exclusive' || reported === 'shared') return reported;
  const others = v.attachments.filter((a) => a.host !== host).length;
  return others > 0 ? 'shared' : 'exclusive';
}

async function readVolume(id: string, ctx: OperationContext<AgentClient>): Promise<Volume | null> {
  const { client } = ctx;
  return call(client, 'Read volume', () => client.api.GET('/v1/volumes/{id}', { params: { path: { id }, query: { refresh: 'true' } }, signal: client.signal(ctx.signal) }), { notFound: 'null' });
}

function stateFrom(v: Volume, host: string, extra: AttachResponse = {}): TfRecord | null {
  const a = v.attachments.find((x) => x.host === host);
  if (!a) return null;
  const withLock = a as typeof a & { lock_mode?: string; device_path?: string };
  return record({
    id: `${v.id}/${host}`,
    volume_id: v.id,
    host,
    mode: a.mode,
    lock_mode: lockModeOf(v, host, extra.lock_mode ?? withLock.lock_mode),
    device_path: extra.device_path ?? withLock.device_path ?? v.path,
  });
}

function parseId(id: string): { volumeId: string; host: string } {
  const [volumeId, host, ...rest] = id.split('/');
  if (!volumeId || !host || rest.length > 0) {
    throw new DiagnosticError('Invalid import id', `Expected "<volume_id>/<host>", got "${id}".`);
  }
  return { volumeId, host };
}

export const attachmentResource: ResourceDef<AgentClient> = {
  typeName: ATTACHMENT_TYPE,
  schema: attachmentSchema,
  timeouts: { create: '10m', delete: '10m', read: '2m' },
  async modifyPlan({ prior, plan, ctx }) {
    // A second attachment of a volume not created multiattach fails at plan time when terraform can know.
    const volumeId = str(plan.volume_id);
    const host = str(plan.host);
    if (prior !== null || volumeId === null || host === null || !known(plan.volume_id)) return;
    const v = await ctx.client.refreshedVolume(volumeId, ctx.signal);
    if (v === null) return; // created in this same apply: the agent decides then
    const others = v.attachments.filter((a) => a.host !== host);
    if (!v.multiattach && others.length > 0) {
      ctx.diags.error(
        'Volume is not multi-attachable',
        `Volume "${v.name}" (${v.id}) is already attached to ${others.map((a) => a.host).join(', ')} and was not created with multiattach = true, ` +
          'so it can be attached to one host at a time (exclusive lease). Detach it first, or create the volume with multiattach = true.',
        ['volume_id'],
      );
    }
    if (others.length > 0) plan.lock_mode = 'shared';
  },
  async create(plan, ctx) {
    const volumeId = str(plan.volume_id) as string;
    const host = str(plan.host) as string;
    const { client } = ctx;
    const res = await call(client, 'Attach volume', () =>
      client.raw('PUT', `/v1/volumes/${encodeURIComponent(volumeId)}/attachments/${encodeURIComponent(host)}`, { mode: str(plan.mode) ?? 'rw' }, ctx.signal), {
      fields: { mode: 'mode', host: 'host' },
    });
    const v = await readVolume(volumeId, ctx);
    const state = v && stateFrom(v, host, (res ?? {}) as AttachResponse);
    if (!state) throw new DiagnosticError('Attachment not recorded', `The agent accepted the attachment of ${volumeId} to ${host} but the volume does not list it.`);
    return state;
  },
  async read(state, ctx) {
    const { volumeId, host } = parseId(str(state.id) ?? '');
    const v = await ctx.client.refreshedVolume(volumeId, ctx.signal);
    return v && stateFrom(v, host);
  },
  async update(plan) {
    return plan; // every configurable attribute forces replacement; only timeouts change in place
  },
  async delete(prior, ctx) {
    const { volumeId, host } = parseId(str(prior.id) ?? '');
    const { client } = ctx;
    await call(client, 'Detach volume', () =>
      client.raw('DELETE', `/v1/volumes/${encodeURIComponent(volumeId)}/attachments/${encodeURIComponent(host)}`, undefined, ctx.signal), { notFound: 'null' });
  },
  async importState(id, ctx) {
    const { volumeId, host } = parseId(id);
    const v = await readVolume(volumeId, ctx);
    return v && stateFrom(v, host);
  },
};
