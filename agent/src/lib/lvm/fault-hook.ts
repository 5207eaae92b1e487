// Test-only fault injection: SIGKILL this process right after its Nth metadata- or lock-changing lvm
// command, so tests can stop the agent at every step boundary of a multi-command change and check
// that a restart (and the reconciler) leaves LVM consistent. Off unless SHAREDLVM_TEST_KILL_AFTER_WRITES
// is set; armed only once start-up (and its own reconcile) is over, so N counts a request's commands.
import type { WriteObserver } from './commands.js';

export const KILL_AFTER_WRITES_ENV = 'SHAREDLVM_TEST_KILL_AFTER_WRITES';

export interface FaultHook {
  observer: WriteObserver;
  /** Starts counting (after start-up). */
  arm(): void;
}

export function faultHookFromEnv(env: NodeJS.ProcessEnv = process.env, kill: () => void = killNow): FaultHook | undefined {
  const raw = env[KILL_AFTER_WRITES_ENV];
  if (raw === undefined || raw === '') return undefined;
  const limit = Number(raw);
  if (!Number.isInteger(limit) || limit < 1) throw new Error(`${KILL_AFTER_WRITES_ENV} must be a positive integer, not ${raw}`);
  let armed = false;
  let count = 0;
  return {
    arm: () => {
      armed = true;
    },
    observer: () => {
      if (!armed) return;
      count += 1;
      if (count === limit) kill();
    },
  };
}

function killNow(): void {
  process.stderr.write(`${KILL_AFTER_WRITES_ENV}: killing the agent (SIGKILL)\n`);
  process.kill(process.pid, 'SIGKILL');
}
