import {
  type Conversation,
  ConversationKind,
  ConversationSchema,
  create,
  type Message,
  type SyncResult,
  SyncResultSchema,
} from "@starling/protocol";
import { invalid } from "../kernel/errors.js";
import { directPeers } from "../kernel/ids.js";
import type { CoreLimits } from "../kernel/limits.js";
import type { ConversationView, MessageRecord } from "../kernel/records.js";
import { decodeEvent, toWireMessage } from "./content.js";
import type { MessagingReader } from "./store.js";
import { readableUpTo, type Visibility } from "./visibility.js";

/** Longest preview text; a full sync page must stay far below the frame limit. */
const PREVIEW_CHARS = 200;

/** The newest message cut down for a conversation list: short text, no custom payload body. */
function preview(m: Message): Message {
  const c = m.content;
  if (c) {
    if (c.text.length > PREVIEW_CHARS) c.text = c.text.slice(0, PREVIEW_CHARS);
    c.mentions = c.mentions.filter((x) => x.offset + x.length <= c.text.length);
    if (c.custom) c.custom.json = "";
  }
  return m;
}

/** Rows read back past edits and reactions to find the message a conversation list shows. */
const PREVIEW_LOOKBACK = 20;

/** An edit or reaction event: a change to an earlier message. */
function isChange(m: MessageRecord): boolean {
  if (!m.event) return false;
  if (m.editOf !== undefined) return true;
  const kind = decodeEvent(m.event).kind.case;
  return kind === "messageEdited" || kind === "reactionChanged";
}

/** Pinned and hidden seqs by conversation id. */
interface Marks {
  pinned: Map<string, number[]>;
  hidden: Map<string, number[]>;
}

/** Unread counts above this are shown as "999+"; counting further is wasted work. */
const UNREAD_CAP = 999;

/**
 * The user's change stream. Every write that changes what a member sees
 * stamps the conversation or member row with a new version from one
 * monotonic counter; "what changed since cursor" is every view whose
 * version is above it.
 */
export class SyncService {
  constructor(
    private readonly reader: MessagingReader,
    private readonly visibility: Visibility,
    private readonly limits: CoreLimits,
  ) {}

  async since(userId: string, cursor: number, limitIn: number): Promise<SyncResult> {
    if (!Number.isSafeInteger(cursor) || cursor < 0)
      throw invalid("cursor must be a non-negative integer", "cursor");
    const limit = Math.min(Math.max(limitIn || 100, 1), this.limits.syncMaxLimit);
    const rows = await this.reader.changedConversations(userId, cursor, limit + 1);
    let page = rows;
    let hasMore = false;
    if (rows.length > limit) {
      hasMore = true;
      page = rows.slice(0, limit);
      // Never split rows of one version across pages: the next page starts
      // strictly after the cursor, so the rest of that version would be lost.
      const last = page[page.length - 1] as ConversationView;
      const next = rows[limit] as ConversationView;
      if (next.version === last.version) {
        const cut = page.filter((v) => v.version < last.version);
        if (cut.length > 0) page = cut;
        else page = rows.filter((v) => v.version === last.version);
      }
    }
    const marks = await this.marksOf(
      userId,
      page.map((v) => v.conversation.id),
    );
    const conversations = await Promise.all(page.map((v) => this.view(userId, v, marks)));
    const newCursor = page.length > 0 ? (page[page.length - 1] as ConversationView).version : cursor;
    return create(SyncResultSchema, { conversations, cursor: BigInt(newCursor), hasMore });
  }

  /** One conversation as the user sees it; a former member gets it too, read-only (active false). */
  async one(userId: string, conversationId: string): Promise<Conversation> {
    const { conv, member } = await this.visibility.require(userId, conversationId);
    return this.view(userId, { conversation: conv, member, version: Math.max(conv.version, member.version) });
  }

  /** Pinned and hidden seqs of many conversations in two queries, instead of two per conversation. */
  private async marksOf(userId: string, ids: string[]): Promise<Marks> {
    const [pinned, hidden] = await Promise.all([
      this.reader.pinnedSeqs(ids),
      this.reader.hiddenSeqs(userId, ids),
    ]);
    return { pinned, hidden };
  }

  /**
   * The message a conversation list shows as the latest: the newest one the user did not hide
   * (delete for me). An edit or a reaction changes an earlier message, not what was said last, so
   * the newest message that is neither (and not hidden) stands for it, with its current text,
   * looking back a few rows at most.
   */
  private async shownLast(
    conversationId: string,
    lastSeq: number,
    hidden: ReadonlySet<number>,
  ): Promise<MessageRecord | undefined> {
    let seq = lastSeq;
    while (seq > 0 && hidden.has(seq)) seq--;
    if (seq === 0) return undefined;
    const last = await this.reader.getMessage(conversationId, seq);
    if (!last || !isChange(last)) return last;
    const rows = await this.reader.getMessages(conversationId, 0, last.seq, PREVIEW_LOOKBACK, true);
    return rows.find((r) => !isChange(r) && !hidden.has(r.seq)) ?? last;
  }

  async view(userId: string, v: ConversationView, marksIn?: Marks): Promise<Conversation> {
    const c = v.conversation;
    const m = v.member;
    // Someone who left sees no later activity, not even its extent: up to the last message they may read.
    const lastSeq = readableUpTo(c, m) ?? 0;
    const out = create(ConversationSchema, {
      id: c.id,
      kind: c.kind === "direct" ? ConversationKind.DIRECT : ConversationKind.GROUP,
      name: c.name,
      lastSeq: BigInt(lastSeq),
      readSeq: BigInt(m.readSeq),
      deliveredSeq: BigInt(m.deliveredSeq),
      memberCount: m.active ? c.memberCount : 0,
      role: c.kind === "group" ? m.role : "",
      active: m.active,
      disbanded: c.disbanded,
      pinnedAt: BigInt(m.pinnedAt ?? 0),
      muted: m.muted ?? false,
      announcement: c.announcement ?? "",
      announcementBy: c.announcementBy ?? "",
      announcementAt: BigInt(c.announcementAt ?? 0),
      announcementSeenAt: BigInt(m.announcementSeenAt ?? 0),
      avatar: c.avatar ?? "",
    });
    if (m.active && c.lastSeq > m.readSeq) {
      out.unreadCount = await this.reader.countUnread(c.id, userId, m.readSeq, UNREAD_CAP);
      if (out.unreadCount > 0)
        out.unreadMentions = await this.reader.countUnreadMentions(c.id, userId, m.readSeq, UNREAD_CAP);
    }
    const marks = marksIn ?? (await this.marksOf(userId, [c.id]));
    // A former member sees the pins of no later time than what they may read: none.
    if (m.active) out.pinnedSeqs = (marks.pinned.get(c.id) ?? []).map(BigInt);
    const hidden = marks.hidden.get(c.id) ?? [];
    out.hiddenSeqs = hidden.map(BigInt);
    if (lastSeq > 0) {
      const last = await this.shownLast(c.id, lastSeq, new Set(hidden));
      if (last) out.lastMessage = preview(toWireMessage(last));
    }
    const peers = directPeers(c.id);
    if (peers) {
      const peerId = peers[0] === userId ? peers[1] : peers[0];
      out.peerId = peerId;
      const peer = await this.reader.getMember(c.id, peerId);
      if (peer) {
        out.peerReadSeq = BigInt(peer.readSeq);
        out.peerDeliveredSeq = BigInt(peer.deliveredSeq);
      }
    }
    return out;
  }
}
