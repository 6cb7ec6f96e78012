/** One condition of readiness: whether it holds, and what is wrong when it does not. */
export interface Check {
  ok: boolean;
  detail?: string;
}

export interface ReadinessReport {
  ready: boolean;
  /** The names of the checks that do not hold. */
  failing: string[];
  checks: Record<string, Check>;
}

/** How long a readiness check waits for the database to answer a read. */
const READ_TIMEOUT_MS = 2000;

export interface ReadinessChecks {
  /** The store's write health (a write failed for a cause of the store's). */
  storeWrites(): Check;
  /** A small read, to see an unreachable database that nothing has written to yet. */
  storeRead(): Promise<unknown>;
  /** Only for a cluster: whether the bus is connected. */
  bus?(): Check;
}

/**
 * Whether this node should be given clients: its listeners are up and it is
 * not shutting down, its store can write, and in a cluster its bus is
 * connected. A load balancer takes a node that is not ready out of rotation
 * without restarting it (liveness is /healthz).
 */
export class Readiness {
  private listening = false;
  private stopping = false;

  constructor(private readonly checks: ReadinessChecks) {}

  /** Every listener is accepting connections. */
  listenersUp(): void {
    this.listening = true;
  }

  /** Shutdown has begun: new clients should go elsewhere. */
  shuttingDown(): void {
    this.stopping = true;
  }

  async report(): Promise<ReadinessReport> {
    const checks: Record<string, Check> = {
      listeners: this.stopping
        ? { ok: false, detail: "shutting down" }
        : this.listening
          ? { ok: true }
          : { ok: false, detail: "starting" },
      store: await this.store(),
    };
    if (this.checks.bus) checks.bus = this.checks.bus();
    const failing = Object.keys(checks).filter((k) => !checks[k]?.ok);
    return { ready: failing.length === 0, failing, checks };
  }

  private async store(): Promise<Check> {
    const writes = this.checks.storeWrites();
    if (!writes.ok) return writes;
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        this.checks.storeRead(),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error("timeout")), READ_TIMEOUT_MS);
        }),
      ]);
      return { ok: true };
    } catch (err) {
      return { ok: false, detail: (err as Error).message === "timeout" ? "no answer" : "cannot read" };
    } finally {
      clearTimeout(timer);
    }
  }
}
