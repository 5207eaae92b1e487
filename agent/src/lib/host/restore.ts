// Start-up of a host agent (and `sharedlvm-agent restore`): lock-start every managed VG, then
// re-activate the attachments recorded for this host, before the agent reports ready (listens) and
// before the hypervisor starts (systemd ordering). After a reboot this host holds nothing, and its old
// locks are free to any host at once: the records say what is ours, and we take it back first.
//
// Restores of one host run one at a time: a restore asked for while another runs (POST
// /v1/host/restore twice, or during the start-up restore) waits for it to finish, then makes its own
// pass, so its report reflects the records as they were after it was asked for. (A pass is cheap when
// everything is active already: activation is idempotent.) This holds within one agent process; the
// `sharedlvm-agent restore` command runs before the agent starts (systemd ordering).
import type { Logger } from 'pino';
import type { components } from '../../../../openapi/generated/types.js';
import { lockModeFor } from '../attachments/model.js';
import { attachmentsFromTags } from '../attachments/tags.js';
import { parseLvName } from '../volumes/ids.js';
import type { HostService, HostVgLock } from './activation.js';

export type RestoreReport = components['schemas']['RestoreReport'];

/** The last restore asked for per host: the next one starts when it settled. */
const lastAsked = new WeakMap<HostService, Promise<unknown>>();

export function restoreHost(host: HostService, logger: Logger): Promise<RestoreReport> {
  const previous = lastAsked.get(host) ?? Promise.resolve();
  const pass = previous.then(() => restorePass(host, logger), () => restorePass(host, logger));
  lastAsked.set(host, pass);
  return pass;
}

async function restorePass(host: HostService, logger: Logger): Promise<RestoreReport> {
  const startedAt = new Date();
  const vgs: HostVgLock[] = [];
  const volumes: RestoreReport['volumes'] = [];
  for (const vg of host.vgNames) {
    let lock: HostVgLock;
    try {
      lock = await host.lockStart(vg);
    } catch (error) {
      logger.error({ err: error, vg }, 'restore: lock-start failed; this VG\'s attachments stay inactive');
      vgs.push({ vg, lock_type: host.lockType, started: false, host_id: null, sanlock: null });
      continue;
    }
    vgs.push(lock);
    let lvs;
    try {
      lvs = await host.readVg(vg);
    } catch (error) {
      logger.error({ err: error, vg }, 'restore: cannot read the VG');
      continue;
    }
    for (const lv of lvs.values()) {
      const attachments = attachmentsFromTags(lv.lv_tags);
      const mine = attachments.find((attachment) => attachment.host === host.hostName);
      if (!mine) continue;
      const lockMode = lockModeFor(attachments.length);
      const parsed = parseLvName(host.prefix, lv.lv_name);
      const volumeId = parsed?.kind === 'volume' ? parsed.id : null;
      const item: RestoreReport['volumes'][number] = {
        vg, lv_name: lv.lv_name, volume_id: volumeId, lock: lockMode, access: mine.mode, ok: true,
      };
      try {
        await host.activate(vg, lv.lv_name, { lock: lockMode, access: mine.mode });
        logger.info({ vg, lv: lv.lv_name, lock: lockMode, access: mine.mode }, 'restore: attachment active again');
      } catch (error) {
        item.ok = false;
        item.error = (error as Error).message;
        logger.error({ err: error, vg, lv: lv.lv_name }, 'restore: could not re-activate a recorded attachment');
      }
      volumes.push(item);
    }
  }
  const report: RestoreReport = {
    host: host.hostName,
    started_at: startedAt.toISOString(),
    seconds: (Date.now() - startedAt.getTime()) / 1000,
    ok: vgs.every((vg) => vg.started || vg.lock_type === 'none') && volumes.every((volume) => volume.ok),
    vgs,
    volumes,
  };
  host.lastRestore = report;
  return report;
}
