// Every operation on a volume (update, extend, snapshot create/delete, revert, use as a clone source,
// retype, move, attach, detach, delete, wipe) runs alone on that volume. Re-entrant within one async
// flow (the attachment orchestrator holds a volume and then calls the volume service for it), and
// several volumes are taken in one sorted order, so two flows never wait on each other in a cycle.
import { AsyncLocalStorage } from 'node:async_hooks';
import { KeyedQueue } from './queue.js';

export class VolumeLocks {
  private readonly queue = new KeyedQueue();
  private readonly held = new AsyncLocalStorage<ReadonlySet<string>>();

  /** Runs `work` once it holds every volume in `ids` (those this flow holds already are skipped). */
  run<T>(ids: string | readonly string[], work: () => Promise<T>): Promise<T> {
    const held = this.held.getStore() ?? new Set<string>();
    const wanted = [...new Set(typeof ids === 'string' ? [ids] : ids)].filter((id) => !held.has(id)).sort();
    return this.acquire(held, wanted, work);
  }

  /** True while any flow holds or waits for `id`. */
  busy(id: string): boolean {
    return this.queue.busy(id);
  }

  /** True when the current async flow holds `id`. */
  holds(id: string): boolean {
    return this.held.getStore()?.has(id) ?? false;
  }

  private acquire<T>(held: ReadonlySet<string>, wanted: string[], work: () => Promise<T>): Promise<T> {
    const [first, ...rest] = wanted;
    if (first === undefined) return work();
    return this.queue.run(first, () => {
      const now = new Set(held).add(first);
      return this.held.run(now, () => this.acquire(now, rest, work));
    });
  }
}
