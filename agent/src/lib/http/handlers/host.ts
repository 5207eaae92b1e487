// The /v1/host/... handlers over this host's HostService (host and all mode): activation, locks,
// restore, and the holder's side of extend, snapshot, revert and move.
import type { Logger } from 'pino';
import type { AgentConfig } from '../../config/schema.js';
import type { HostService } from '../../host/activation.js';
import {
  createSnapshotOfHeld, deleteSnapshotOfHeld, extendHeld, revertHeld, startMoveHeld,
} from '../../host/holder-ops.js';
import { restoreHost } from '../../host/restore.js';
import type { HostOperationId } from './groups.js';
import { ok, type Handlers } from './types.js';

export interface HostHandlerOptions {
  mode: AgentConfig['mode'];
  logger: Logger;
  copyTimeoutMs: number;
}

export function hostHandlers(host: HostService, options: HostHandlerOptions): Handlers<HostOperationId> {
  const lv = (input: { params: { vg: string; lv: string } }) => [input.params.vg, input.params.lv] as const;
  return {
    getHostStatus: async () => {
      const locks = await host.readLocks();
      return {
        status: 200,
        body: {
          name: host.hostName,
          mode: options.mode,
          lock_type: host.lockType,
          vgs: await Promise.all(host.vgNames.map((vg) => host.vgLock(vg, locks))),
          volumes: await host.listVolumes(),
          restore: host.lastRestore,
        },
      };
    },
    listHostVolumes: async (input) => ok({ items: await host.listVolumes(input.query.vg) }),
    getHostVolume: async (input) => ok(await host.getVolume(...lv(input))),
    activateHostVolume: async (input) => ok(await host.activate(...lv(input), input.body)),
    deactivateHostVolume: async (input) => ok(await host.deactivate(...lv(input))),
    refreshHostVolume: async (input) => ok(await host.refresh(...lv(input))),
    extendHostVolume: async (input) => ok(await extendHeld(host, ...lv(input), input.body.size_bytes)),
    createHostSnapshot: async (input) => ({
      status: 201,
      body: await createSnapshotOfHeld(host, ...lv(input), input.body),
    }),
    deleteHostSnapshot: async (input) => {
      await deleteSnapshotOfHeld(host, ...lv(input), input.params.snapshot);
      return { status: 204 };
    },
    revertHostVolume: async (input) => ({
      status: 200,
      body: await revertHeld(host, ...lv(input), input.body.snapshot_lv_name, options.copyTimeoutMs),
    }),
    lockStartHostVg: async (input) => ok(await host.lockStart(input.params.vg)),
    lockStopHostVg: async (input) => ok(await host.lockStop(input.params.vg)),
    getHostLocks: async () => ok(await host.lockStatus()),
    restoreHost: async () => ok(await restoreHost(host, options.logger)),
    startHostMove: async (input) => ({ status: 202, body: await startMoveHeld(host, ...lv(input), input.body) }),
    getHostMove: async (input) => ok(await host.moveStatus(...lv(input))),
  };
}
