const MAX_ID = 0xffff_ffff;

/**
 * Hands out request ids for one connection: uint32, never 0 (the protocol
 * reserves it), and never an id that is still waiting for its response, even
 * after wrapping around.
 */
export class RequestIdAllocator {
  private nextId: number;

  /** `first` lets tests start near the wrap-around. */
  constructor(first = 1) {
    this.nextId = first >= 1 && first <= MAX_ID ? Math.floor(first) : 1;
  }

  allocate(inUse: { has(id: number): boolean; readonly size: number }): number {
    if (inUse.size >= MAX_ID) throw new RangeError("every request id is in use");
    for (;;) {
      const id = this.nextId;
      this.nextId = id >= MAX_ID ? 1 : id + 1;
      if (!inUse.has(id)) return id;
    }
  }
}
