/**
 * Runs tasks one at a time per key and concurrently across keys. The worker receives several
 * messages for one order at once; serialising them per order keeps the order's decisions in
 * arrival order inside this process. The database constraints still guard across processes.
 */
export class KeyedSerializer {
  readonly #tails = new Map<string, Promise<unknown>>();

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.#tails.get(key) ?? Promise.resolve();
    const result = previous.then(task, task);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.#tails.set(key, tail);

    // Forget the key once nothing is queued behind this task, so the map does not grow.
    void tail.then(() => {
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    });
    return result;
  }

  /** Number of keys with a task running or queued. */
  get activeKeys(): number {
    return this.#tails.size;
  }
}
