import type { IdleJob, IdleOpened } from "../lib/channel.js";
import { tokenFor } from "../lib/users.js";
import type { BenchConn } from "./connection.js";
import { closeAll, Keepalive, openMany } from "./pool.js";

/**
 * Opens `connections` authenticated connections in `steps` equal steps;
 * they then only heartbeat. After each step it reports and waits for the
 * orchestrator (which reads the server's memory) to say continue; after the
 * last, continuing closes them all.
 */
export async function runIdle(
  job: IdleJob,
  onOpened: (opened: IdleOpened) => void,
  nextCommand: () => Promise<void>,
): Promise<{ stillOpen: number; disconnects: number }> {
  const conns: (BenchConn | undefined)[] = [];
  const keepalive = new Keepalive(conns);
  let disconnects = 0;
  let failed = 0;
  let seconds = 0;
  const errors = new Set<string>();
  const perStep = Math.ceil(job.connections / job.steps);
  for (let first = 0; first < job.connections; first += perStep) {
    const users = Array.from({ length: Math.min(perStep, job.connections - first) }, (_, i) => first + i);
    const opened = await openMany({
      transport: job.transport,
      endpoint: job.endpoint,
      users,
      token: (u) => tokenFor(job.tokenSalt, u),
      concurrency: job.concurrency,
      deadlineMs: 300_000,
    });
    for (const c of opened.conns) if (c) c.onClose = () => disconnects++;
    conns.push(...opened.conns);
    failed += opened.failed;
    seconds += opened.seconds;
    for (const e of opened.errors) errors.add(e);
    onOpened({
      transport: job.transport,
      opened: conns.length - failed,
      failed,
      errors: [...errors].slice(0, 5),
      openSeconds: Math.round(seconds * 10) / 10,
    });
    await nextCommand();
  }
  keepalive.stop();
  for (const c of conns) if (c) c.onClose = () => {};
  return { stillOpen: await closeAll(conns, 30_000), disconnects };
}
