// Each mode's handlers, chosen here and nowhere else:
//   control  volumes (extend/snapshot/revert through the attachment orchestrator, which sends them to
//            the holder of an attached volume) + attachments; host routes refused
//   host     volumes (reads; the app refuses the writes in host mode) + host routes; attachments refused
//   all      volumes (through the orchestrator) + attachments + host routes
// The result is a HandlerMap: a mode that lacks a handler for an operation of the contract does not
// compile.
import type { AttachmentService } from '../attachments/orchestrator.js';
import type { HostService } from '../host/activation.js';
import { attachmentHandlers, holderHandlers } from '../http/handlers/attachments.js';
import { ATTACHMENT_OPERATIONS, HOST_OPERATIONS } from '../http/handlers/groups.js';
import { hostHandlers, type HostHandlerOptions } from '../http/handlers/host.js';
import { refusedHandlers } from '../http/handlers/refused.js';
import type { HandlerMap } from '../http/handlers/types.js';
import { volumeHandlers } from '../http/handlers/volumes.js';
import type { VolumeService } from '../volumes/service.js';

/** The services of one agent, as its mode has them. */
export type AgentParts =
  | { mode: 'control'; volumes: VolumeService; attachments: AttachmentService }
  | { mode: 'host'; volumes: VolumeService; host: HostService }
  | { mode: 'all'; volumes: VolumeService; attachments: AttachmentService; host: HostService };

const NO_HOST_ROUTES = 'host-mode routes (activation, locks): send them to a host agent';
const NO_ATTACHMENTS = 'attachments: send them to the control agent';

export function handlerSet(parts: AgentParts, options: Omit<HostHandlerOptions, 'mode'>): HandlerMap {
  const hostOptions = { ...options, mode: parts.mode };
  switch (parts.mode) {
    case 'control':
      return {
        ...volumeHandlers(parts.volumes),
        ...holderHandlers(parts.attachments),
        ...attachmentHandlers(parts.attachments),
        ...refusedHandlers(HOST_OPERATIONS, parts.mode, NO_HOST_ROUTES),
      };
    case 'host':
      return {
        ...volumeHandlers(parts.volumes),
        ...hostHandlers(parts.host, hostOptions),
        ...refusedHandlers(ATTACHMENT_OPERATIONS, parts.mode, NO_ATTACHMENTS),
      };
    case 'all':
      return {
        ...volumeHandlers(parts.volumes),
        ...holderHandlers(parts.attachments),
        ...attachmentHandlers(parts.attachments),
        ...hostHandlers(parts.host, hostOptions),
      };
  }
}
