import {
  type Conversation,
  ConversationKind,
  create,
  type Message,
  type Reaction,
  ReactionSchema,
  type Receipt,
} from "@starling/protocol";

/**
 * A message's reactions after one change, as the server folds them (emoji in the order first
 * used, users in the order they reacted), for apps that keep messages and apply events to them.
 */
export function applyReaction(
  reactions: readonly Reaction[],
  userId: string,
  emoji: string,
  added: boolean,
): Reaction[] {
  const out = reactions.map((r) => create(ReactionSchema, { emoji: r.emoji, userIds: [...r.userIds] }));
  const entry = out.find((r) => r.emoji === emoji);
  if (added) {
    if (!entry) out.push(create(ReactionSchema, { emoji, userIds: [userId] }));
    else if (!entry.userIds.includes(userId)) entry.userIds.push(userId);
    return out;
  }
  if (entry) entry.userIds = entry.userIds.filter((u) => u !== userId);
  return out.filter((r) => r.userIds.length > 0);
}

/**
 * The client's copy of the user's conversations: replaced by the server's
 * copy on every sync, and kept current in between from the messages and
 * receipts the client sees, so previews and unread counts move live.
 */
export class ConversationCache {
  private readonly map = new Map<string, Conversation>();

  get view(): ReadonlyMap<string, Conversation> {
    return this.map;
  }

  get(id: string): Conversation | undefined {
    return this.map.get(id);
  }

  put(conversation: Conversation): void {
    this.map.set(conversation.id, conversation);
  }

  /** A message handed to the app; returns false if the conversation is not cached yet. */
  applyMessage(message: Message, me: string): boolean {
    const c = this.map.get(message.conversationId);
    if (c === undefined) return false;
    if (message.seq > c.lastSeq) {
      c.lastSeq = message.seq;
      // An edit or a reaction changes an earlier message (applyChange); the latest one stays, as
      // the server's sync shows it.
      const kind = message.event?.kind.case;
      if (kind !== "messageEdited" && kind !== "reactionChanged") c.lastMessage = message;
      if (message.senderId !== me && message.content !== undefined && message.seq > c.readSeq) {
        c.unreadCount++;
        // Mentions of everyone count only in groups, where the server lets its admins make them.
        if (
          message.content.mentions.some(
            (m) => m.userId === me || (m.userId === "@all" && c.kind === ConversationKind.GROUP),
          )
        )
          c.unreadMentions++;
      }
    }
    return true;
  }

  /**
   * Folds an edit or a reaction event into the conversation's last message when that message is
   * its target, so a preview shows the current text. Other messages are the app's to update.
   */
  applyChange(event: Message): void {
    const c = this.map.get(event.conversationId);
    const kind = event.event?.kind;
    const last = c?.lastMessage;
    if (!last || !kind) return;
    if (kind.case === "messageEdited" && last.seq === kind.value.targetSeq) {
      last.content = kind.value.content;
      last.editedAt = kind.value.editedAt;
    } else if (kind.case === "reactionChanged" && last.seq === kind.value.targetSeq) {
      last.reactions = applyReaction(last.reactions, kind.value.by, kind.value.emoji, kind.value.added);
    }
  }

  applyReceipt(receipt: Receipt, me: string): void {
    const c = this.map.get(receipt.conversationId);
    if (c === undefined) return;
    if (receipt.userId === me) {
      this.applyRead(c.id, receipt.readSeq);
      if (receipt.deliveredSeq > c.deliveredSeq) c.deliveredSeq = receipt.deliveredSeq;
    } else if (c.kind === ConversationKind.DIRECT && receipt.userId === c.peerId) {
      if (receipt.readSeq > c.peerReadSeq) c.peerReadSeq = receipt.readSeq;
      if (receipt.deliveredSeq > c.peerDeliveredSeq) c.peerDeliveredSeq = receipt.deliveredSeq;
    }
  }

  /** The user read up to seq (here or on another device). */
  applyRead(id: string, seq: bigint): void {
    const c = this.map.get(id);
    if (c === undefined || seq <= c.readSeq) return;
    c.readSeq = seq;
    // Unread counts only messages after read_seq; an exact count needs the
    // server, so this only knows the case where everything was read.
    if (seq >= c.lastSeq) {
      c.unreadCount = 0;
      c.unreadMentions = 0;
    }
  }
}
