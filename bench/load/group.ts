import { decodeEnvelope, encodeEnvelope } from "@starling/protocol";
import type { GroupJob, GroupResult } from "../lib/channel.js";
import { tokenFor, userId } from "../lib/users.js";
import { type Emit, frameHandler, Meter, runClosedLoop, Sender } from "./closed-loop.js";
import type { BenchConn } from "./connection.js";
import { closeAll, Keepalive, openAll } from "./pool.js";
import { benchText } from "./text.js";

/**
 * One large group, every member online over WebSocket, a few members
 * sending. A message completes when its sender has the ack and every other
 * member has the push; each of those pushes is one delivery.
 */
export async function runGroup(job: GroupJob, emit: Emit): Promise<GroupResult> {
  const users = Array.from({ length: job.members }, (_, i) => i);
  emit({ type: "progress", message: `opening ${users.length} WebSocket connections` });
  const conns = await openAll({
    transport: "ws",
    endpoint: job.endpoint,
    users,
    token: (u) => tokenFor(job.tokenSalt, u),
    concurrency: 100,
    deadlineMs: 60_000,
  });
  const keepalive = new Keepalive(conns);
  const meter = new Meter();
  try {
    emit({ type: "progress", message: `creating a ${job.members}-member group through the protocol` });
    const conversationId = await createGroupAndWait(conns, users.slice(1).map(userId));
    const text = benchText(job.textBytes);
    const senders: (Sender | undefined)[] = users.map((u) =>
      u < job.senders
        ? new Sender(u, conns[u]!, { conversationId }, text, job.members - 1, job.window, meter)
        : undefined,
    );
    users.forEach((u) => {
      const c = conns[u]!;
      c.onFrame = frameHandler(u, senders, meter);
      c.onClose = () => meter.failures.disconnects++;
    });
    await runClosedLoop(
      senders.filter((s): s is Sender => s !== undefined),
      meter,
      job,
      emit,
    );
  } finally {
    keepalive.stop();
    for (const c of conns) c.onClose = () => {};
    await closeAll(conns);
  }
  return {
    scenario: "group",
    members: job.members,
    senders: job.senders,
    window: job.window,
    ...meter.figures(),
    deliveries: meter.deliveries,
    deliveriesPerSec: Math.round(meter.deliveries / meter.measuredSec),
  };
}

/**
 * conns[0] creates the group; resolves with its id once every member's
 * connection has received the group-created event, which proves all of them
 * are online and registered for pushes before the load starts.
 */
async function createGroupAndWait(conns: readonly BenchConn[], memberIds: string[]): Promise<string> {
  let pending = conns.length;
  let allSeen: () => void = () => {};
  const seen = new Promise<void>((r) => (allSeen = r));
  conns.forEach((c) => {
    let counted = false;
    c.onFrame = (frame) => {
      const env = decodeEnvelope(frame);
      if (!counted && env.kind.case === "push" && env.kind.value.body.case === "message") {
        counted = true;
        if (--pending === 0) allSeen();
      }
    };
  });
  const creator = conns[0]!;
  const prev = creator.onFrame;
  const created = new Promise<string>((resolve, reject) => {
    creator.onFrame = (frame) => {
      const env = decodeEnvelope(frame);
      const res = env.kind.case === "response" ? env.kind.value : undefined;
      if (res?.body.case === "conversation") resolve(res.body.value.id);
      else if (res?.body.case === "error")
        reject(new Error(`create_group failed: ${res.body.value.code} ${res.body.value.message}`));
      else prev(frame);
    };
  });
  creator.send(
    encodeEnvelope({
      kind: {
        case: "request",
        value: { id: creator.nextId(), body: { case: "createGroup", value: { name: "bench", memberIds } } },
      },
    }),
  );
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`group event reached only ${conns.length - pending} members in 30 s`)),
      30_000,
    );
  });
  try {
    const [id] = await Promise.race([Promise.all([created, seen]), timeout]);
    return id;
  } finally {
    clearTimeout(timer);
  }
}
