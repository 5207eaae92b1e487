// Adopting an LV made outside the agent (manage) and handing a volume back (unmanage). Both are two
// commands; either half-way state is recognised by the reconciler (an LV outside the naming scheme
// that still carries the agent's name tag) and rolled to "not managed".
import type { components } from '../../../../openapi/generated/types.js';
import { AgentError } from '../errors.js';
import { lvKind } from '../lvm/attr.js';
import { lvNameProblem } from '../lvm/names.js';
import { encodeTags, isAgentTag } from '../lvm/tags.js';
import type { VolumeContext } from './context.js';
import { lvNameFor, newId, parseLvName } from './ids.js';
import type { Volume } from './model.js';

type VolumeManage = components['schemas']['VolumeManage'];

export function manageVolume(ctx: VolumeContext, body: VolumeManage): Promise<Volume> {
  const cache = ctx.cacheFor(body.vg);
  const problem = lvNameProblem(body.lv_name);
  if (problem) throw new AgentError('bad_request', `lv_name ${problem}`, { errors: [{ pointer: '/body/lv_name', message: problem }] });
  const id = body.id ?? newId();
  return ctx.withVolume(id, () => ctx.mutate(cache, async () => {
    const snapshot = await cache.read({ refresh: true });
    const lv = snapshot.lvs.get(body.lv_name);
    if (!lv) throw new AgentError('not_found', `LV ${body.vg}/${body.lv_name} not found`, { errors: [{ pointer: '/body/lv_name', message: 'not found' }] });
    if (parseLvName(ctx.prefix, lv.lv_name)) throw new AgentError('already_exists', `LV ${body.vg}/${body.lv_name} is already managed`);
    const kind = lvKind(lv.lv_attr);
    if (kind !== 'linear' && kind !== 'thin' && kind !== 'origin') {
      throw new AgentError('not_applicable', `LV ${body.vg}/${body.lv_name} is a ${kind}; only plain and thin volumes can be managed`);
    }
    const lvName = lvNameFor(ctx.prefix, 'volume', id);
    if (snapshot.lvs.has(lvName) || (await ctx.find('volume', id, false, true))) throw new AgentError('already_exists', `a volume with id ${id} already exists`);
    const name = body.name ?? body.lv_name;
    ctx.checkNameFree(snapshot, 'volume', name);
    const stale = lv.lv_tags.filter(isAgentTag);
    const tags = encodeTags({ name, createdAt: ctx.createdAt(), source: `adopted:${body.lv_name}` });
    // Tags first: until the rename, the LV is still the user's (the reconciler strips them again).
    await ctx.lvm.changeTags(body.vg, body.lv_name, { remove: stale, add: tags, autoactivation: false });
    await ctx.lvm.rename(body.vg, body.lv_name, lvName);
    return id;
  }, (adopted) => ctx.requireVolumeAfter(cache, adopted)));
}

export function unmanageVolume(ctx: VolumeContext, id: string, lvNameWanted?: string): Promise<{ vg: string; lv_name: string; path: string }> {
  return ctx.changeVolume(id, (cache) => ctx.mutate(cache, async () => {
    const { lv, snapshot, volume } = await ctx.requireVolumeIn(cache, id);
    const vg = lv.vg_name;
    if (volume.snapshot_ids.length > 0) throw new AgentError('has_snapshots', `volume ${id} has snapshots; delete them before unmanaging`);
    if (volume.attachments.length > 0) throw new AgentError('has_attachments', `volume ${id} is attached; detach it before unmanaging`);
    const target = lvNameWanted ?? volume.name;
    const problem = lvNameProblem(target);
    if (problem) throw new AgentError('bad_request', `LV name ${JSON.stringify(target)} ${problem}; give lv_name`, { errors: [{ pointer: '/body/lv_name', message: problem }] });
    if (parseLvName(ctx.prefix, target)) throw new AgentError('bad_request', `LV name ${target} is in the agent's own naming scheme`, { errors: [{ pointer: '/body/lv_name', message: 'reserved' }] });
    if (snapshot.lvs.has(target)) throw new AgentError('already_exists', `LV ${vg}/${target} already exists`, { errors: [{ pointer: '/body/lv_name', message: 'exists' }] });
    await ctx.lvm.rename(vg, lv.lv_name, target);
    cache.forget(lv.lv_name);
    await ctx.lvm.changeTags(vg, target, { remove: lv.lv_tags.filter(isAgentTag) });
    return { vg, lv_name: target, path: `/dev/${vg}/${target}` };
  }));
}
