/**
 * What every store of the web client has: listeners told after each change
 * and a version that grows with it, the pair `useSyncExternalStore` reads.
 */
export class Store {
  private readonly listeners = new Set<() => void>();
  private revision = 0;

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  readonly version = (): number => this.revision;

  /** Tells the listeners the store has changed. */
  changed(): void {
    this.revision++;
    for (const l of this.listeners) l();
  }
}
