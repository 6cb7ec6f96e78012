import { type BenchConn, connectAndLogin, type Endpoint, type Transport } from "./connection.js";
import { encodePing } from "./wire.js";

export interface OpenPlan {
  transport: Transport;
  endpoint: Endpoint;
  /** Overrides `endpoint` per user (users spread over the nodes of a cluster). */
  endpointFor?(user: number): Endpoint;
  /** User indexes to log in, one connection each. */
  users: readonly number[];
  token(user: number): string;
  /** Connections being opened at once: enough to keep both sides busy, few enough not to trip timeouts. */
  concurrency: number;
  /** The whole opening phase gives up after this long. */
  deadlineMs: number;
}

export interface Opened {
  /** By position in `plan.users`; undefined where opening failed. */
  conns: (BenchConn | undefined)[];
  failed: number;
  /** The first few distinct failure messages, for the report. */
  errors: string[];
  seconds: number;
}

/** Opens and logs in one connection per user, `concurrency` at a time. */
export async function openMany(plan: OpenPlan): Promise<Opened> {
  const started = performance.now();
  const deadline = started + plan.deadlineMs;
  const conns: (BenchConn | undefined)[] = new Array(plan.users.length).fill(undefined);
  const errors = new Set<string>();
  let failed = 0;
  let next = 0;
  const worker = async () => {
    while (next < plan.users.length) {
      const i = next++;
      const left = deadline - performance.now();
      if (left <= 0) {
        failed++;
        errors.add("opening phase deadline passed");
        continue;
      }
      const user = plan.users[i] as number;
      try {
        conns[i] = await connectAndLogin(
          plan.transport,
          plan.endpointFor?.(user) ?? plan.endpoint,
          plan.token(user),
          `bench-${user}`,
          Math.min(left, 30_000),
        );
      } catch (err) {
        failed++;
        if (errors.size < 5) errors.add(err instanceof Error ? err.message : String(err));
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, plan.concurrency) }, worker));
  return { conns, failed, errors: [...errors], seconds: (performance.now() - started) / 1000 };
}

/**
 * Pings every open connection on a timer, so connections that only listen
 * (group receivers, idle sockets) are not dropped by the server's heartbeat
 * check (75 s of silence by default).
 */
/** Opens every connection of the plan, or closes what opened and throws. */
export async function openAll(plan: OpenPlan): Promise<BenchConn[]> {
  const opened = await openMany(plan);
  if (opened.failed > 0) {
    await closeAll(opened.conns);
    throw new Error(`${opened.failed} connections failed: ${opened.errors.join("; ")}`);
  }
  return opened.conns.map((c) => c as BenchConn);
}

export class Keepalive {
  private readonly timer: NodeJS.Timeout;

  constructor(conns: readonly (BenchConn | undefined)[], everyMs = 20_000) {
    this.timer = setInterval(() => {
      for (const c of conns) if (c && !c.closed) c.send(encodePing(c.nextId()));
    }, everyMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }
}

/** Closes every connection and waits (bounded) until the sockets report closed. */
export async function closeAll(conns: readonly (BenchConn | undefined)[], waitMs = 10_000): Promise<number> {
  const open = conns.filter((c): c is BenchConn => c !== undefined && !c.closed);
  const gone = open.map(
    (c) =>
      new Promise<void>((resolve) => {
        const prev = c.onClose;
        c.onClose = () => {
          prev();
          resolve();
        };
      }),
  );
  for (const c of open) c.close();
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([Promise.all(gone), new Promise((r) => (timer = setTimeout(r, waitMs)))]);
  clearTimeout(timer);
  return open.filter((c) => !c.closed).length;
}
