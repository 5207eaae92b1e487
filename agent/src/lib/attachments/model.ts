// Attachment records as the API shows them, and the rule that picks the lock mode: one attachment
// holds the LV exclusively; several (a multiattach volume, or both ends of a move) hold it shared.
import type { components } from '../../../../openapi/generated/types.js';
import type { LockMode } from '../host/lock-status.js';
import type { Attachment } from '../volumes/model.js';
import type { MigrationRecord } from './tags.js';

export type AttachmentRecord = components['schemas']['AttachmentRecord'];
export type Migration = components['schemas']['Migration'];

export function lockModeFor(attachmentCount: number): LockMode {
  return attachmentCount > 1 ? 'shared' : 'exclusive';
}

export function attachmentId(volumeId: string, host: string): string {
  return `${volumeId}/${host}`;
}

export interface AttachedLv {
  volumeId: string;
  vg: string;
  lvName: string;
  attachments: Attachment[];
  migration: MigrationRecord | null;
}

export function toRecord(lv: AttachedLv, attachment: Attachment): AttachmentRecord {
  const role = lv.migration?.from === attachment.host ? 'source' : lv.migration?.to === attachment.host ? 'target' : null;
  return {
    id: attachmentId(lv.volumeId, attachment.host),
    volume_id: lv.volumeId,
    vg: lv.vg,
    lv_name: lv.lvName,
    host: attachment.host,
    mode: attachment.mode,
    lock_mode: lockModeFor(lv.attachments.length),
    path: `/dev/${lv.vg}/${lv.lvName}`,
    migration: role,
  };
}

export function toMigration(lv: AttachedLv): Migration | null {
  if (!lv.migration) return null;
  return {
    volume_id: lv.volumeId,
    from_host: lv.migration.from,
    to_host: lv.migration.to,
    lock_mode: lockModeFor(lv.attachments.length),
    attachments: lv.attachments.map((attachment) => toRecord(lv, attachment)),
  };
}
