// Attachment records as LV tags on the shared VG: `slvm.att=<host>:<rw|ro>` per attachment (the
// format volumes/model.ts reads) and `slvm.mig=<from>:<to>` while an attachment moves. Tags can be
// changed from any host while another holds the LV (they take only the VG lock), so the control agent
// records intent before any host acts, and every agent rebuilds the records from the VG after a restart.
import { decodeTags } from '../lvm/tags.js';
import { parseAttachment, type Attachment } from '../volumes/model.js';

const ATTACHMENT = 'slvm.att=';
const MIGRATION = 'slvm.mig=';

export interface MigrationRecord {
  from: string;
  to: string;
}

export function attachmentTag(attachment: Attachment): string {
  return `${ATTACHMENT}${attachment.host}:${attachment.mode}`;
}

export function migrationTag(migration: MigrationRecord): string {
  return `${MIGRATION}${migration.from}:${migration.to}`;
}

export function attachmentsFromTags(lvTags: readonly string[]): Attachment[] {
  return (decodeTags(lvTags).attachments ?? []).map(parseAttachment).filter((a): a is Attachment => a !== null);
}

export function migrationFromTags(lvTags: readonly string[]): MigrationRecord | null {
  for (const tag of lvTags) {
    if (!tag.startsWith(MIGRATION)) continue;
    const [from, to, ...rest] = tag.slice(MIGRATION.length).split(':');
    if (from && to && rest.length === 0) return { from, to };
  }
  return null;
}
