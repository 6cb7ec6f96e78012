import type { OneToOneJob, OneToOneResult } from "../lib/channel.js";
import { tokenFor, userId } from "../lib/users.js";
import { type Emit, frameHandler, Meter, runClosedLoop, Sender } from "./closed-loop.js";
import { closeAll, Keepalive, openAll } from "./pool.js";
import { benchText } from "./text.js";

/**
 * 1:1 chat: users 2p and 2p+1 talk to each other over TLS, both sending.
 * A message completes when the sender has its ack and the peer has the push.
 * With a peer endpoint, odd users sit on the other node.
 */
export async function runOneToOne(job: OneToOneJob, emit: Emit): Promise<OneToOneResult> {
  const users = Array.from({ length: job.pairs * 2 }, (_, i) => i);
  emit({ type: "progress", message: `opening ${users.length} TLS connections` });
  const conns = await openAll({
    transport: "tcp",
    endpoint: job.endpoint,
    endpointFor: (u) => (u % 2 === 1 && job.peerEndpoint ? job.peerEndpoint : job.endpoint),
    users,
    token: (u) => tokenFor(job.tokenSalt, u),
    concurrency: 50,
    deadlineMs: 60_000,
  });
  const keepalive = new Keepalive(conns);
  const meter = new Meter();
  const text = benchText(job.textBytes);
  const senders = users.map(
    (u) => new Sender(u, conns[u]!, { toUserId: userId(u ^ 1) }, text, 1, job.window, meter),
  );
  users.forEach((u) => {
    const c = conns[u]!;
    c.onFrame = frameHandler(u, senders, meter);
    c.onClose = () => meter.failures.disconnects++;
  });
  try {
    await runClosedLoop(senders, meter, job, emit);
  } finally {
    keepalive.stop();
    for (const c of conns) c.onClose = () => {};
    await closeAll(conns);
  }
  return {
    scenario: "one-to-one",
    connections: conns.length,
    window: job.window,
    ...meter.figures(),
  };
}
