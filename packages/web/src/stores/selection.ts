import { Store } from "./store.js";

/**
 * Multi-select in one chat: which messages are ticked. Selecting starts
 * from a message's menu and ends with an action on the selection or Cancel;
 * moving to another chat ends it too, so a selection never spans chats.
 */
export class Selection extends Store {
  private conversation: string | undefined;
  private readonly seqs = new Set<bigint>();

  /** The chat being selected in, if selecting. */
  get active(): string | undefined {
    return this.conversation;
  }

  /** Starts selecting in a chat, with `seq` ticked when given. */
  start(conversationId: string, seq?: bigint): void {
    if (this.conversation !== conversationId) this.seqs.clear();
    this.conversation = conversationId;
    if (seq !== undefined) this.seqs.add(seq);
    this.changed();
  }

  toggle(seq: bigint): void {
    if (!this.conversation) return;
    if (!this.seqs.delete(seq)) this.seqs.add(seq);
    this.changed();
  }

  has(seq: bigint): boolean {
    return this.seqs.has(seq);
  }

  /** The ticked seqs, ascending. */
  chosen(): bigint[] {
    return [...this.seqs].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  }

  get size(): number {
    return this.seqs.size;
  }

  /** Ends selecting (after an action, on Cancel, or on leaving the chat). */
  cancel(): void {
    if (!this.conversation && this.seqs.size === 0) return;
    this.conversation = undefined;
    this.seqs.clear();
    this.changed();
  }
}
