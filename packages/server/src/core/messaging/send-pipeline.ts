import {
  type Attachment,
  type Content,
  ContentSchema,
  ErrorCode,
  fromBinary,
  StarlingError,
  toBinary,
} from "@starling/protocol";
import { resolveAttachments } from "../files/attachments.js";
import { invalid, notAMember, notFound, unavailable } from "../kernel/errors.js";
import { directConversationId, directPeers, domainOf } from "../kernel/ids.js";
import { type Metrics, NO_METRICS } from "../kernel/metrics.js";
import type { Bus, Clock, Logger } from "../kernel/ports.js";
import type { ConversationRecord, FileShare, MentionEntry, MessageRecord } from "../kernel/records.js";
import type { StorePort } from "../kernel/shared-store.js";
import { messageKind, type SearchDocument, type SearchEntry } from "../search/document.js";
import { type AfterCommitHook, tellAfterCommit } from "./after-commit.js";
import type { Membership } from "./membership.js";
import { checkMentionEveryone } from "./mention-rules.js";
import { storedMessageFrame } from "./push.js";
import type { RemotePeers } from "./remote.js";
import type { MessagingReader, MessagingTx } from "./store.js";

export interface SendRequest {
  senderId: string;
  /** The sending session: it learns of its message from the ack, so the push skips it. */
  sessionId?: string;
  /** Either an existing conversation... */
  conversationId?: string;
  /** ...or the peer of a 1:1 chat (created on first use). */
  toUserId?: string;
  clientMsgId: string;
  /** Encoded, validated starling.v1.Content. */
  content: Uint8Array;
  /** sha256 of `content`, stored with the message: a resend under its id must match it. */
  contentDigest: string;
  /** The same Content, when it has attachments to look up and fill in as it is stored. */
  withAttachments?: Content;
  /** What the search index keeps of it, if anything. */
  search?: SearchDocument;
  /** It mentions everyone: allowed to a group's owner and admins only (mention-rules.ts). */
  mentionsEveryone?: boolean;
  /** Whom it mentions (user ids, "@all"), once each, for the mentions index. */
  mentioned?: readonly string[];
  /**
   * It came from the sender's server over a federation link: the recipient
   * (`toUserId`) is the local one, and the message is stored, never sent back.
   */
  received?: boolean;
}

export interface SendResult {
  conversationId: string;
  seq: number;
  serverTime: number;
  duplicate: boolean;
  /** The attachments as stored (filled in from the files), when there are any. */
  attachments?: Attachment[];
}

interface Pending {
  req: SendRequest;
  conversationId: string;
  /** When it was queued (clock ms), for the ack latency. */
  queuedAt: number;
  resolve(r: SendResult): void;
  reject(e: unknown): void;
}

interface BatchOutcome {
  rows: MessageRecord[];
  /** The session that sent each row (same index), which the push skips. */
  senderSessions: (string | undefined)[];
  recipients: Map<string, string[]>;
  /** Resolves or rejects each request; run only after the commit. */
  outcomes: (() => void)[];
  /** Of the batch, the resends answered with their original ack. */
  duplicates: number;
  /** The peer domains that have new frames queued. */
  remoteDomains: Set<string>;
}

/** What `appendReceived` stored, and what to do once its transaction committed. */
export interface ReceivedAppend {
  /** The ack it would have had, or the refusal. */
  outcome: { result: SendResult } | { error: unknown };
  /** Fans it out to the recipient's sessions: call after the commit. */
  published(): void;
}

/** The user of another domain a message goes to, if it is a 1:1 message across domains. */
function remotePeerOf(req: SendRequest, conversationId: string): string | undefined {
  if (req.received) return undefined;
  const peer = req.toUserId ?? directPeers(conversationId)?.find((id) => id !== req.senderId);
  return peer !== undefined && domainOf(peer) !== domainOf(req.senderId) ? peer : undefined;
}

const MAX_BATCH = 512;

function reused(): StarlingError {
  return new StarlingError(
    ErrorCode.CLIENT_MSG_ID_REUSED,
    "this client_msg_id was already used for a different message; give a new message a new id",
    { details: { field: "client_msg_id" } },
  );
}

/** The attachments of a stored Content (a resend's ack carries them again). */
function storedAttachments(content: Uint8Array): Attachment[] {
  try {
    return fromBinary(ContentSchema, content).attachments;
  } catch {
    return [];
  }
}

/**
 * Group commit for sends: requests queue up while one transaction is in
 * flight and the next transaction stores them all, so throughput is not one
 * fsync per message. Order of arrival is the order of seq within each
 * conversation. Acks resolve only after the commit; fan-out follows it.
 */
export class SendPipeline<Tx extends MessagingTx = MessagingTx> {
  private queue: Pending[] = [];
  private running = false;
  private draining: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: StorePort<MessagingReader, Tx>,
    private readonly bus: Bus,
    private readonly clock: Clock,
    private readonly members: Membership,
    private readonly log: Logger,
    private readonly metrics: Metrics = NO_METRICS,
    private readonly after?: AfterCommitHook,
    private readonly remote?: RemotePeers<Tx>,
  ) {}

  /** Enqueues synchronously, so one connection's sends keep their order. */
  send(req: SendRequest): Promise<SendResult> {
    let conversationId = req.conversationId ?? "";
    if (!conversationId) {
      const to = req.toUserId ?? "";
      if (to === req.senderId)
        return Promise.reject(invalid("cannot open a 1:1 chat with yourself", "to_user_id"));
      const peerDomain = domainOf(to);
      if (peerDomain !== domainOf(req.senderId) && !this.remote?.reaches(req.senderId, peerDomain)) {
        return Promise.reject(
          new StarlingError(ErrorCode.CROSS_DOMAIN, "messaging another domain is not enabled"),
        );
      }
      conversationId = directConversationId(req.senderId, to);
    }
    return new Promise<SendResult>((resolve, reject) => {
      this.queue.push({ req, conversationId, queuedAt: this.clock.now(), resolve, reject });
      if (!this.running) {
        this.running = true;
        this.draining = new Promise((done) => setImmediate(() => void this.drain().then(done)));
      }
    });
  }

  /** Resolves once everything queued so far is stored (for shutdown). */
  idle(): Promise<void> {
    return this.draining;
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, MAX_BATCH);
      this.metrics.observe("starling_send_batch_size", batch.length);
      let outcome: BatchOutcome;
      try {
        outcome = await this.store.transaction((tx) => this.storeBatch(tx, batch));
      } catch (err) {
        this.metrics.inc("starling_sends_total", { outcome: "failed" }, batch.length);
        this.observeAcks(batch);
        // A store that cannot write says so once per episode and answers with a retryable
        // error of its own; anything else is logged here and refused as retryable too.
        const known = err instanceof StarlingError && err.code === ErrorCode.UNAVAILABLE;
        if (!known) this.log.error({ err, batch: batch.length }, "storing a batch of messages failed");
        const refusal = known ? err : unavailable();
        for (const p of batch) p.reject(refusal);
        continue;
      }
      // Committed: now, and only now, acknowledge and fan out.
      for (const settle of outcome.outcomes) settle();
      this.observeAcks(batch);
      const { rows, duplicates } = outcome;
      this.metrics.inc("starling_sends_total", { outcome: "stored" }, rows.length);
      this.metrics.inc("starling_sends_total", { outcome: "duplicate" }, duplicates);
      this.metrics.inc(
        "starling_sends_total",
        { outcome: "refused" },
        batch.length - rows.length - duplicates,
      );
      this.published(outcome);
    }
    this.running = false;
  }

  /**
   * Stores a message a peer server sent, inside the caller's transaction (the
   * federation inbox's, which also moves the peer's mark), through the same
   * checks, dedupe and seq allocation as a local send.
   */
  async appendReceived(tx: Tx, req: SendRequest): Promise<ReceivedAppend> {
    const conversationId = directConversationId(req.senderId, req.toUserId ?? "");
    let outcome: ReceivedAppend["outcome"] = { error: unavailable() };
    const pending: Pending = {
      req: { ...req, received: true },
      conversationId,
      queuedAt: this.clock.now(),
      resolve: (result) => {
        outcome = { result };
      },
      reject: (error) => {
        outcome = { error };
      },
    };
    const batch = await this.storeBatch(tx, [pending]);
    for (const settle of batch.outcomes) settle();
    return { outcome, published: () => this.published(batch) };
  }

  /**
   * After the commit: the fan-out, the peer servers' senders, then push.
   * Publishing never waits for the bus: a push it cannot carry is found by sync.
   */
  private published(outcome: BatchOutcome): void {
    const { rows } = outcome;
    rows.forEach((row, i) => {
      const to = outcome.recipients.get(row.conversationId);
      if (to) this.bus.publish(to, storedMessageFrame(row), outcome.senderSessions[i]);
    });
    for (const domain of outcome.remoteDomains) this.remote?.queued(domain);
    // Last, and only handed over: push notifications are for whoever the fan-out did not reach.
    if (rows.length > 0) tellAfterCommit(this.after, (l) => l.stored(rows, outcome.recipients));
  }

  private observeAcks(batch: Pending[]): void {
    const now = this.clock.now();
    for (const p of batch) this.metrics.observe("starling_send_ack_seconds", (now - p.queuedAt) / 1000);
  }

  /**
   * Inside the transaction: checks membership, drops duplicates, allocates
   * seqs. Each item is resolved or rejected here; a throw rolls everything
   * back and the caller rejects the whole batch as retryable.
   */
  private async storeBatch(tx: Tx, batch: Pending[]): Promise<BatchOutcome> {
    const now = this.clock.now();
    const ids = [...new Set(batch.map((p) => p.conversationId))];
    // Both reads are independent: issuing them together saves a round trip to the store.
    const [convRows, found] = await Promise.all([
      tx.getConversations(ids),
      tx.findByClientIds(
        batch.map((p) => ({
          conversationId: p.conversationId,
          senderId: p.req.senderId,
          clientMsgId: p.req.clientMsgId,
        })),
      ),
    ]);
    const convs = new Map<string, ConversationRecord>();
    for (const c of convRows) convs.set(c.id, c);
    // A message to another domain needs a link that may carry it; refused ones create nothing.
    const refused = new Map<Pending, Error>();
    const remotePeers = new Map<Pending, string>();
    for (const p of batch) {
      const peer = remotePeerOf(p.req, p.conversationId);
      if (peer === undefined) continue;
      try {
        if (!this.remote)
          throw new StarlingError(ErrorCode.CROSS_DOMAIN, "messaging another domain is not enabled");
        const message = {
          senderId: p.req.senderId,
          content: p.req.content,
          hasAttachments: (p.req.withAttachments?.attachments.length ?? 0) > 0,
        };
        await this.remote.check(tx, message, peer);
        remotePeers.set(p, peer);
      } catch (err) {
        if (!(err instanceof StarlingError)) throw err;
        refused.set(p, err);
      }
    }
    await this.createDirectConversations(
      tx,
      batch.filter((p) => !refused.has(p)),
      convs,
      now,
    );

    // Duplicates first: a resend must get its original ack even if the
    // sender has since left or the group was disbanded.
    const existing = new Map<string, MessageRecord>();
    for (const m of found) existing.set(`${m.conversationId}\n${m.senderId}\n${m.clientMsgId}`, m);

    const accepted: Pending[] = [];
    const outcomes: (() => void)[] = [];
    let duplicates = 0;
    for (const p of batch) {
      const conv = convs.get(p.conversationId);
      if (!conv) {
        const what = p.req.toUserId ? "no such user" : "no such conversation";
        const refusal = refused.get(p) ?? notFound(what);
        outcomes.push(() => p.reject(refusal));
        continue;
      }
      if (existing.has(`${p.conversationId}\n${p.req.senderId}\n${p.req.clientMsgId}`)) {
        accepted.push(p);
        continue;
      }
      const refusal = refused.get(p);
      if (refusal) {
        outcomes.push(() => p.reject(refusal));
        continue;
      }
      const set = await this.members.of(tx, conv);
      if (!set.roles.has(p.req.senderId)) {
        // Someone who never belonged must not learn that the conversation exists.
        const was = await tx.getMember(conv.id, p.req.senderId);
        outcomes.push(() => p.reject(was ? notAMember() : notFound("no such conversation")));
        continue;
      }
      if (conv.disbanded) {
        outcomes.push(() =>
          p.reject(new StarlingError(ErrorCode.CONVERSATION_CLOSED, "the group was disbanded")),
        );
        continue;
      }
      if (p.req.mentionsEveryone) {
        try {
          checkMentionEveryone(conv, set.roles.get(p.req.senderId));
        } catch (err) {
          outcomes.push(() => p.reject(err as Error));
          continue;
        }
      }
      accepted.push(p);
    }

    const rows: MessageRecord[] = [];
    const shares: FileShare[] = [];
    const index: SearchEntry[] = [];
    const mentions: MentionEntry[] = [];
    const senderSessions: (string | undefined)[] = [];
    const remoteDomains = new Set<string>();
    const touched = new Map<string, ConversationRecord>();
    for (const p of accepted) {
      const key = `${p.conversationId}\n${p.req.senderId}\n${p.req.clientMsgId}`;
      const dup = existing.get(key);
      if (dup) {
        // The same id with other content is not a retry: answering with the first ack would
        // tell the sender their second text was delivered. Rows from before digests pass.
        if (dup.contentDigest !== undefined && dup.contentDigest !== p.req.contentDigest) {
          outcomes.push(() => p.reject(reused()));
          continue;
        }
        const attachments = dup.content ? storedAttachments(dup.content) : [];
        const r = {
          conversationId: dup.conversationId,
          seq: dup.seq,
          serverTime: dup.serverTime,
          duplicate: true,
          ...(attachments.length > 0 ? { attachments } : {}),
        };
        duplicates++;
        outcomes.push(() => p.resolve(r));
        continue;
      }
      let content = p.req.content;
      let search = p.req.search;
      let fileIds: string[] = [];
      let filled: Attachment[] = [];
      if (p.req.withAttachments) {
        try {
          const c = p.req.withAttachments;
          const attachments = await resolveAttachments(tx, p.req.senderId, c.attachments);
          content = toBinary(ContentSchema, { ...c, attachments });
          fileIds = attachments.map((a) => a.fileId);
          filled = attachments;
          if (search) search = { ...search, kind: messageKind(attachments) };
        } catch (err) {
          if (!(err instanceof StarlingError)) throw err;
          outcomes.push(() => p.reject(err));
          continue;
        }
      }
      const conv = convs.get(p.conversationId) as ConversationRecord;
      conv.lastSeq += 1;
      touched.set(conv.id, conv);
      const row: MessageRecord = {
        conversationId: conv.id,
        seq: conv.lastSeq,
        senderId: p.req.senderId,
        clientMsgId: p.req.clientMsgId,
        serverTime: now,
        content,
        event: null,
        recalledBy: null,
        recalledAt: null,
        contentDigest: p.req.contentDigest,
      };
      existing.set(key, row);
      rows.push(row);
      for (const fileId of fileIds) shares.push({ fileId, conversationId: conv.id, seq: row.seq });
      if (search)
        index.push({
          conversationId: conv.id,
          seq: row.seq,
          senderId: row.senderId,
          serverTime: now,
          ...search,
        });
      for (const userId of p.req.mentioned ?? [])
        mentions.push({
          userId,
          conversationId: conv.id,
          seq: row.seq,
          senderId: row.senderId,
          serverTime: now,
        });
      senderSessions.push(p.req.sessionId);
      const peer = remotePeers.get(p);
      if (peer !== undefined && this.remote) {
        // In seq order, in this transaction: the peer's copy gets them in the order stored here.
        await this.remote.enqueue(tx, row, peer);
        remoteDomains.add(domainOf(peer));
      }
      const r = {
        conversationId: conv.id,
        seq: row.seq,
        serverTime: now,
        duplicate: false,
        ...(filled.length > 0 ? { attachments: filled } : {}),
      };
      outcomes.push(() => p.resolve(r));
    }

    const recipients = new Map<string, string[]>();
    if (rows.length > 0) {
      const [, first] = await Promise.all([
        tx.insertMessages(rows),
        tx.nextVersions(touched.size),
        tx.indexMessages(index),
        tx.shareFiles(shares),
        tx.indexMentions(mentions),
      ]);
      let version = first;
      for (const conv of touched.values()) {
        conv.version = version++;
        recipients.set(conv.id, [...(await this.members.of(tx, conv)).roles.keys()]);
      }
      await tx.advanceConversations(
        [...touched.values()].map((c) => ({ id: c.id, lastSeq: c.lastSeq, version: c.version })),
      );
    }
    return { rows, senderSessions, recipients, outcomes, duplicates, remoteDomains };
  }

  /** 1:1 conversations are created with their first message. */
  private async createDirectConversations(
    tx: Tx,
    batch: Pending[],
    convs: Map<string, ConversationRecord>,
    now: number,
  ): Promise<void> {
    // In id order, like the row locks, so two nodes creating the same pair of chats cannot deadlock.
    const firsts = batch
      .filter((p) => p.req.toUserId)
      .sort((a, b) =>
        a.conversationId < b.conversationId ? -1 : a.conversationId > b.conversationId ? 1 : 0,
      );
    for (const p of firsts) {
      if (convs.has(p.conversationId) || !p.req.toUserId) continue;
      // A user of another server has no account here: their server vouched for them (the link).
      const remote = domainOf(p.req.toUserId) !== domainOf(p.req.senderId) && !p.req.received;
      const peer = remote ? { id: p.req.toUserId } : await tx.getUser(p.req.toUserId);
      if (!peer) continue; // rejected as NOT_FOUND below
      const version = await tx.nextVersions(1);
      const conv: ConversationRecord = {
        id: p.conversationId,
        kind: "direct",
        // The domain of the member who is a user of this server.
        domain: domainOf(p.req.received ? p.req.toUserId : p.req.senderId),
        name: "",
        lastSeq: 0,
        memberCount: 2,
        memberVersion: 1,
        disbanded: false,
        createdAt: now,
        version,
      };
      if (!(await tx.insertConversation(conv))) {
        // Another node created it in the meantime (both sides wrote first): use theirs, members included.
        const [theirs] = await tx.getConversations([conv.id]);
        if (theirs) convs.set(theirs.id, theirs);
        continue;
      }
      for (const userId of [p.req.senderId, peer.id]) {
        await tx.upsertMember({
          conversationId: conv.id,
          userId,
          role: "member",
          active: true,
          readSeq: 0,
          deliveredSeq: 0,
          joinedAt: now,
          version,
        });
      }
      convs.set(conv.id, conv);
    }
  }
}
