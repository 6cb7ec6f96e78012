import { ContentSchema, fromBinary, isValidClientMsgId } from "@starling/protocol";
import { ErrorCode, invalid, StarlingError } from "../kernel/errors.js";
import { domainOf, fullUserId } from "../kernel/ids.js";
import type { CoreLimits } from "../kernel/limits.js";
import type { Metrics } from "../kernel/metrics.js";
import type { Logger, Random } from "../kernel/ports.js";
import type { MessageRecord } from "../kernel/records.js";
import type { ConversationReader, UserReader } from "../kernel/shared-store.js";
import { validateContent } from "../messaging/content.js";
import type { OutgoingMessage, RemotePeers } from "../messaging/remote.js";
import type { ReceivedAppend, SendRequest } from "../messaging/send-pipeline.js";
import { messageDocument } from "../search/document.js";
import { admits } from "./allow-list.js";
import type { FrameHandler } from "./inbox.js";
import type { FederationOutbox } from "./outbox.js";
import type { FederationTx } from "./store.js";

/** The frame kind of a 1:1 message from a user of the sending server to one of the receiving one. */
export const DIRECT_KIND = "dm";

/** A "dm" frame's payload, as JSON: who to whom, the sender's id for it, and its encoded Content. */
interface DirectFrame {
  from: string;
  to: string;
  clientMsgId: string;
  /** When the sender's server stored it (its copy's server_time). */
  sentAt: number;
  /** starling.v1.Content, base64. */
  content: string;
}

export interface DirectMessagesDeps<Tx> {
  outbox: FederationOutbox;
  localDomain: string;
  limits: CoreLimits;
  random: Random;
  log: Logger;
  metrics: Metrics;
  /** The send pipeline's append of a received message, inside the inbox's transaction. */
  append(tx: Tx, req: SendRequest): Promise<ReceivedAppend>;
}

/** A frame refused after it was read: acknowledged and dropped, so one bad frame cannot wedge the link. */
class Dropped extends Error {
  constructor(readonly reason: string) {
    super(reason);
  }
}

function encode(frame: DirectFrame): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(frame));
}

function decode(payload: Uint8Array): DirectFrame {
  let f: Partial<DirectFrame>;
  try {
    f = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(payload)) as Partial<DirectFrame>;
  } catch {
    throw new Dropped("bad_message");
  }
  if (
    typeof f !== "object" ||
    f === null ||
    typeof f.from !== "string" ||
    typeof f.to !== "string" ||
    typeof f.clientMsgId !== "string" ||
    typeof f.sentAt !== "number" ||
    typeof f.content !== "string"
  )
    throw new Dropped("bad_message");
  return f as DirectFrame;
}

/**
 * 1:1 messages across a link (docs/federation.md, "Messages"). Sending: the
 * send pipeline asks `check` and `enqueue` inside the transaction that stores
 * the message in this side's copy. Receiving: `handler` appends it to this
 * side's copy inside the inbox's transaction, after checking that the peer
 * speaks for the sender and that this side's allow-list admits the recipient.
 */
export class DirectMessages<Tx extends FederationTx & UserReader & ConversationReader>
  implements RemotePeers<Tx>
{
  constructor(private readonly deps: DirectMessagesDeps<Tx>) {}

  reaches(senderId: string, peerDomain: string): boolean {
    return domainOf(senderId) === this.deps.localDomain && peerDomain !== this.deps.localDomain;
  }

  async check(tx: Tx, message: OutgoingMessage, peerId: string): Promise<void> {
    const { senderId } = message;
    const peerDomain = domainOf(peerId);
    const link = await tx.getFederationLink(peerDomain);
    // No link: the same answer as before federation, for a server that has none.
    if (!link)
      throw new StarlingError(
        ErrorCode.CROSS_DOMAIN,
        `messaging another domain is not enabled: no link to ${peerDomain}`,
      );
    if (link.state !== "active")
      throw new StarlingError(ErrorCode.FEDERATION_LINK_SUSPENDED, `the link to ${peerDomain} is suspended`);
    // The reply comes back over the same link and is authorised against this allow-list.
    if (!(await admits(tx, link.allow, senderId)))
      throw new StarlingError(
        ErrorCode.FEDERATION_NOT_ALLOWED,
        `the link to ${peerDomain} does not admit ${senderId}`,
      );
    // Files stay on this server: nothing on the peer's could serve them.
    if (message.hasAttachments) throw invalid("files do not cross a federation link", "attachments");
    // Checked here, where one message can still be refused alone: in `enqueue` the whole batch would fail.
    const size = encode({
      from: senderId,
      to: peerId,
      clientMsgId: "x".repeat(this.deps.limits.maxClientMsgIdLength),
      sentAt: Number.MAX_SAFE_INTEGER,
      content: Buffer.from(message.content).toString("base64"),
    }).length;
    if (size > this.deps.outbox.maxPayloadBytes)
      throw new StarlingError(
        ErrorCode.FRAME_TOO_LARGE,
        "the message exceeds what the federation link carries",
        {
          details: { limit: String(this.deps.outbox.maxPayloadBytes), size: String(size) },
        },
      );
  }

  async enqueue(tx: Tx, row: MessageRecord, peerId: string): Promise<void> {
    const frame = encode({
      from: row.senderId,
      to: peerId,
      clientMsgId: row.clientMsgId,
      sentAt: row.serverTime,
      content: Buffer.from(row.content ?? new Uint8Array()).toString("base64"),
    });
    await this.deps.outbox.enqueue(tx, domainOf(peerId), DIRECT_KIND, frame);
  }

  queued(peerDomain: string): void {
    this.deps.outbox.queued(peerDomain);
  }

  /** The inbox handler of "dm" frames. */
  readonly handler: FrameHandler<Tx> = async (tx, peerDomain, seq, payload) => {
    try {
      return await this.receive(tx, peerDomain, payload);
    } catch (err) {
      if (!(err instanceof Dropped)) throw err;
      this.deps.log.warn({ peer: peerDomain, seq, reason: err.reason }, "federation message refused");
      this.deps.metrics.inc("starling_federation_refused_total", { peer: peerDomain, reason: err.reason });
      return undefined;
    }
  };

  private async receive(tx: Tx, peerDomain: string, payload: Uint8Array): Promise<() => void> {
    const f = decode(payload);
    let from: string;
    let to: string;
    try {
      from = fullUserId(f.from, "from");
      to = fullUserId(f.to, "to");
    } catch {
      throw new Dropped("bad_message");
    }
    // A link speaks for its own domain's users only.
    if (domainOf(from) !== peerDomain) throw new Dropped("forged_sender");
    if (domainOf(to) !== this.deps.localDomain || !(await tx.getUser(to))) throw new Dropped("not_local");
    const link = await tx.getFederationLink(peerDomain);
    if (!link || !(await admits(tx, link.allow, to))) throw new Dropped("not_allowed");
    if (!isValidClientMsgId(f.clientMsgId, this.deps.limits.maxClientMsgIdLength))
      throw new Dropped("bad_message");
    let content: Uint8Array;
    let text: string;
    try {
      const parsed = fromBinary(ContentSchema, Buffer.from(f.content, "base64"));
      // Files stay on the sender's server; nothing here could serve them.
      if (parsed.attachments.length > 0) throw new Dropped("bad_message");
      content = validateContent(parsed, this.deps.limits);
      text = parsed.text;
    } catch (err) {
      if (err instanceof Dropped) throw err;
      throw new Dropped("bad_message");
    }
    const appended = await this.deps.append(tx, {
      senderId: from,
      toUserId: to,
      clientMsgId: f.clientMsgId,
      content,
      contentDigest: this.deps.random.sha256(Buffer.from(content).toString("base64")),
      search: messageDocument(text, []),
    });
    if ("error" in appended.outcome) {
      const e = appended.outcome.error;
      if (e instanceof StarlingError) throw new Dropped(`refused_${e.code}`);
      throw e;
    }
    return appended.published;
  }
}
