import { type Conversation, ConversationKind, type Message, type Receipt } from "@starling/protocol";

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
      c.lastMessage = message;
      if (message.senderId !== me && message.content !== undefined && message.seq > c.readSeq)
        c.unreadCount++;
    }
    return true;
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
    if (seq >= c.lastSeq) c.unreadCount = 0;
  }
}
