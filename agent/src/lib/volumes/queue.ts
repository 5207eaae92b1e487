// Serializes the metadata-changing work per VG: lvm would take the VG lock anyway, but the agent's own
// read-check-write sequences (exists? has snapshots? then remove) must not interleave.
export class KeyedQueue {
  private readonly tails = new Map<string, Promise<unknown>>();

  /** True while work for `key` runs or waits. */
  busy(key: string): boolean {
    return this.tails.has(key);
  }

  run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const result = previous.then(work, work);
    const tail = result.catch(() => undefined);
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }
}
