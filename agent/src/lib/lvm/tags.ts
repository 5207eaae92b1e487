// The agent's metadata as LVM tags. Identity is the LV name; everything else a volume or snapshot
// carries (user-facing name, creation time, source, options, attachments) is an `slvm.*` tag, so the
// VG alone holds the state. Tag values are restricted to LVM's tag characters by construction.
import { tagProblem } from './names.js';

export const TAG_PREFIX = 'slvm.';

export interface ObjectTags {
  name?: string;
  createdAt?: string;
  /** `snapshot:<id>`, `volume:<id>`, `adopted:<old lv name>`. */
  source?: string;
  multiattach?: boolean;
  /** Set while data is being copied into a new volume; removed when it is complete. */
  creating?: boolean;
  /** Hash of the create request, for idempotent retries. */
  requestHash?: string;
  /** User tags (list filter). */
  userTags?: string[];
  /** Attachments recorded by the attachment API (host mode issue): `host:mode`. */
  attachments?: string[];
  /** The long operation an LV is part of (its id), so a restarted agent reports it under that id. */
  operation?: string;
  /** A volume being deleted with a wipe (`del-` LV): the mode, so a restart resumes it. */
  wipe?: 'zero' | 'discard';
  /** The PV a move was asked to put the volume on (with `operation`), so a restarted agent can tell
   *  a finished move from one that never started. */
  moveTo?: string;
}

const KEY = {
  name: 'slvm.name=',
  createdAt: 'slvm.created=',
  source: 'slvm.source=',
  multiattach: 'slvm.multiattach',
  creating: 'slvm.creating',
  requestHash: 'slvm.req=',
  userTag: 'slvm.tag.',
  attachment: 'slvm.att=',
  operation: 'slvm.op=',
  wipe: 'slvm.wipe=',
  moveTo: 'slvm.moveto=',
} as const;

/** The LVM tags for `tags`, each checked against LVM's tag rules. */
export function encodeTags(tags: ObjectTags): string[] {
  const out: string[] = [];
  if (tags.name !== undefined) out.push(KEY.name + tags.name);
  if (tags.createdAt !== undefined) out.push(KEY.createdAt + tags.createdAt);
  if (tags.source !== undefined) out.push(KEY.source + tags.source);
  if (tags.multiattach) out.push(KEY.multiattach);
  if (tags.creating) out.push(KEY.creating);
  if (tags.requestHash !== undefined) out.push(KEY.requestHash + tags.requestHash);
  for (const tag of tags.userTags ?? []) out.push(KEY.userTag + tag);
  for (const attachment of tags.attachments ?? []) out.push(KEY.attachment + attachment);
  if (tags.operation !== undefined) out.push(KEY.operation + tags.operation);
  if (tags.wipe !== undefined) out.push(KEY.wipe + tags.wipe);
  if (tags.moveTo !== undefined) out.push(KEY.moveTo + tags.moveTo);
  for (const tag of out) {
    const problem = tagProblem(tag);
    if (problem) throw new Error(`tag ${JSON.stringify(tag)} ${problem}`);
  }
  return out;
}

export function decodeTags(lvTags: readonly string[]): ObjectTags {
  const tags: ObjectTags = { userTags: [], attachments: [] };
  for (const tag of lvTags) {
    if (tag.startsWith(KEY.name)) tags.name = tag.slice(KEY.name.length);
    else if (tag.startsWith(KEY.createdAt)) tags.createdAt = tag.slice(KEY.createdAt.length);
    else if (tag.startsWith(KEY.source)) tags.source = tag.slice(KEY.source.length);
    else if (tag === KEY.multiattach) tags.multiattach = true;
    else if (tag === KEY.creating) tags.creating = true;
    else if (tag.startsWith(KEY.requestHash)) tags.requestHash = tag.slice(KEY.requestHash.length);
    else if (tag.startsWith(KEY.userTag)) tags.userTags!.push(tag.slice(KEY.userTag.length));
    else if (tag.startsWith(KEY.attachment)) tags.attachments!.push(tag.slice(KEY.attachment.length));
    else if (tag.startsWith(KEY.operation)) tags.operation = tag.slice(KEY.operation.length);
    else if (tag === `${KEY.wipe}zero` || tag === `${KEY.wipe}discard`) tags.wipe = tag.slice(KEY.wipe.length) as 'zero' | 'discard';
    else if (tag.startsWith(KEY.moveTo)) tags.moveTo = tag.slice(KEY.moveTo.length);
  }
  return tags;
}

/** `--addtag t` pairs for lvcreate/lvchange. */
export function addTagArgs(tags: readonly string[]): string[] {
  return tags.flatMap((tag) => ['--addtag', tag]);
}

export function delTagArgs(tags: readonly string[]): string[] {
  return tags.flatMap((tag) => ['--deltag', tag]);
}

export function isAgentTag(tag: string): boolean {
  return tag.startsWith(TAG_PREFIX);
}
