// Which operations belong to which part of the agent. The assembly (../../assemble/handler-set.ts)
// gives each mode its handlers group by group; every operation not listed here is a volume operation
// (volumes, snapshots, VGs, long operations) served by the VolumeService in every mode.
import type { ApiOperationId } from './types.js';

/** /v1/host/...: activation and locks on this host (host and all mode). */
export const HOST_OPERATIONS = [
  'getHostStatus', 'listHostVolumes', 'getHostVolume', 'activateHostVolume', 'deactivateHostVolume',
  'refreshHostVolume', 'extendHostVolume', 'createHostSnapshot', 'deleteHostSnapshot', 'revertHostVolume',
  'lockStartHostVg', 'lockStopHostVg', 'getHostLocks', 'restoreHost', 'startHostMove', 'getHostMove',
] as const satisfies readonly ApiOperationId[];

/** /v1/hosts, /v1/attachments, /v1/migrations: the attachments over the hosts (control and all mode). */
export const ATTACHMENT_OPERATIONS = [
  'listHosts', 'listAttachments', 'createAttachment', 'getAttachment', 'deleteAttachment',
  'listMigrations', 'startMigration', 'completeMigration', 'abortMigration',
] as const satisfies readonly ApiOperationId[];

/** Volume operations that must run where an attached volume's lock is held: where attachments exist
 *  (control and all mode) the attachment orchestrator serves them and sends them to the holder. */
export const HOLDER_OPERATIONS = [
  'updateVolume', 'createSnapshot', 'deleteSnapshot', 'revertVolume',
] as const satisfies readonly ApiOperationId[];

export type HostOperationId = (typeof HOST_OPERATIONS)[number];
export type AttachmentOperationId = (typeof ATTACHMENT_OPERATIONS)[number];
export type HolderOperationId = (typeof HOLDER_OPERATIONS)[number];
export type VolumeOperationId = Exclude<ApiOperationId, HostOperationId | AttachmentOperationId>;
