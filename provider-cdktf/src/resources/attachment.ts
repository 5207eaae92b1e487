// shared_lvm_attachment: a volume attached to a compute host, i.e. active there under a sanlock lease
// (exclusive when it is the volume's only attachment, shared when the volume is multi-attached).
// The contract: POST /v1/attachments, GET and DELETE /v1/attachments/{volume_id}/{host}.
import { call, type AgentClient, type AttachmentRecord } from '../client/agent-client.js';
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

function stateFrom(r: AttachmentRecord): TfRecord {
  return record({ id: r.id, volume_id: r.volume_id, host: r.host, mode: r.mode, lock_mode: r.lock_mode, device_path: r.path });
}

async function readAttachment(volumeId: string, host: string, ctx: OperationContext<AgentClient>): Promise<AttachmentRecord | null> {
  const { client } = ctx;
  return call(client, 'Read attachment', () =>
    client.api.GET('/v1/attachments/{volume_id}/{host}', { params: { path: { volume_id: volumeId, host }, query: { refresh: 'true' } }, signal: client.signal(ctx.signal) }), { notFound: 'null' });
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
    const { client } = ctx;
    const body = { volume_id: str(plan.volume_id) as string, host: str(plan.host) as string, mode: (str(plan.mode) ?? 'rw') as 'rw' | 'ro' };
    const created = await call(client, 'Attach volume', () => client.api.POST('/v1/attachments', { body, signal: client.signal(ctx.signal) }), {
      fields: { volume_id: 'volume_id', host: 'host', mode: 'mode' },
    });
    if (!created) throw new DiagnosticError('Attachment not recorded', `The agent accepted the attachment of ${body.volume_id} to ${body.host} but returned no record.`);
    return stateFrom(created);
  },
  async read(state, ctx) {
    const { volumeId, host } = parseId(str(state.id) ?? '');
    const r = await readAttachment(volumeId, host, ctx);
    return r && stateFrom(r);
  },
  async update(plan) {
    return plan; // every configurable attribute forces replacement; only timeouts change in place
  },
  async delete(prior, ctx) {
    const { volumeId, host } = parseId(str(prior.id) ?? '');
    const { client } = ctx;
    await call(client, 'Detach volume', () =>
      client.api.DELETE('/v1/attachments/{volume_id}/{host}', { params: { path: { volume_id: volumeId, host } }, signal: client.signal(ctx.signal) }), { notFound: 'null' });
  },
  async importState(id, ctx) {
    const { volumeId, host } = parseId(id);
    const r = await readAttachment(volumeId, host, ctx);
    return r && stateFrom(r);
  },
};
