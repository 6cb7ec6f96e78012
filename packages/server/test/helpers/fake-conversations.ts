import { ContentSchema, create, toBinary } from "@starling/protocol";
import type { Bus, BusReceiver, Clock, KickReason } from "../../src/core/kernel/ports.js";
import type {
  ConversationKind,
  ConversationRecord,
  MemberRecord,
  MemberRole,
  MessageRecord,
  ReactionRecord,
} from "../../src/core/kernel/records.js";
import type {
  ConversationReader,
  ConversationWriter,
  StorePort,
} from "../../src/core/kernel/shared-store.js";
import type { EditTx, RecallTx } from "../../src/core/messaging/store.js";

interface Tables {
  conversations: Map<string, ConversationRecord>;
  members: Map<string, MemberRecord>;
  messages: Map<string, MessageRecord>;
  version: number;
}

const memberKey = (conversationId: string, userId: string) => `${conversationId}\n${userId}`;
const messageKey = (conversationId: string, seq: number) => `${conversationId}\n${seq}`;

/**
 * Conversations, members and messages in memory: the kernel's conversation
 * port (and recall's write) without a database, for core tests. A
 * transaction works on a copy that replaces the tables only when it
 * returns, so a refused change leaves nothing behind, as a rollback would.
 * Transactions run one at a time.
 */
export class FakeConversations implements StorePort<ConversationReader, RecallTx & EditTx> {
  private tables: Tables = { conversations: new Map(), members: new Map(), messages: new Map(), version: 0 };
  private queue: Promise<unknown> = Promise.resolve();

  get read(): ConversationReader {
    return new FakeTx(this.tables);
  }

  transaction<T>(fn: (tx: RecallTx & EditTx) => Promise<T>): Promise<T> {
    const run = async () => {
      const copy = structuredClone(this.tables);
      const result = await fn(new FakeTx(copy));
      this.tables = copy;
      return result;
    };
    const done = this.queue.then(run, run);
    this.queue = done.catch(() => {});
    return done;
  }

  /** A conversation with these members (the first of a group is its owner), and no messages yet. */
  addConversation(
    id: string,
    kind: ConversationKind,
    members: readonly (string | { userId: string; role: MemberRole; active?: boolean })[],
  ): ConversationRecord {
    const conv: ConversationRecord = {
      id,
      kind,
      domain: "example.com",
      name: kind === "group" ? id : "",
      lastSeq: 0,
      memberCount: members.length,
      memberVersion: 1,
      disbanded: false,
      createdAt: 0,
      version: ++this.tables.version,
    };
    this.tables.conversations.set(id, conv);
    members.forEach((m, i) => {
      const { userId, role, active } =
        typeof m === "string"
          ? {
              userId: m,
              role: (kind === "group" && i === 0 ? "owner" : "member") as MemberRole,
              active: true,
            }
          : m;
      this.tables.members.set(memberKey(id, userId), {
        conversationId: id,
        userId,
        role,
        active: active ?? true,
        readSeq: 0,
        deliveredSeq: 0,
        joinedAt: 0,
        version: conv.version,
      });
    });
    return conv;
  }

  /** A text message (its content is beside the point) appended to the conversation at `serverTime`. */
  addMessage(conversationId: string, senderId: string, serverTime: number): MessageRecord {
    const conv = this.tables.conversations.get(conversationId);
    if (!conv) throw new Error(`no conversation ${conversationId}`);
    const seq = ++conv.lastSeq;
    const row: MessageRecord = {
      conversationId,
      seq,
      senderId,
      clientMsgId: `m${seq}`,
      serverTime,
      content: toBinary(ContentSchema, create(ContentSchema, { text: `m${seq}` })),
      event: null,
      recalledBy: null,
      recalledAt: null,
    };
    this.tables.messages.set(messageKey(conversationId, seq), row);
    return row;
  }

  conversation(id: string): ConversationRecord | undefined {
    return this.tables.conversations.get(id);
  }

  member(conversationId: string, userId: string): MemberRecord | undefined {
    return this.tables.members.get(memberKey(conversationId, userId));
  }

  message(conversationId: string, seq: number): MessageRecord | undefined {
    return this.tables.messages.get(messageKey(conversationId, seq));
  }

  /** Disbands a group, as the owner's disband would have. */
  disband(id: string): void {
    const conv = this.tables.conversations.get(id);
    if (conv) conv.disbanded = true;
  }
}

/** The port's methods over one set of tables; records go out as copies, as rows read from a database would. */
class FakeTx implements RecallTx, EditTx {
  constructor(private readonly t: Tables) {}

  async getConversation(id: string): Promise<ConversationRecord | undefined> {
    const c = this.t.conversations.get(id);
    return c && { ...c };
  }

  async getMember(conversationId: string, userId: string): Promise<MemberRecord | undefined> {
    const m = this.t.members.get(memberKey(conversationId, userId));
    return m && { ...m };
  }

  async listMembers(conversationId: string, activeOnly: boolean): Promise<MemberRecord[]> {
    return [...this.t.members.values()]
      .filter((m) => m.conversationId === conversationId && (m.active || !activeOnly))
      .map((m) => ({ ...m }));
  }

  async getMessage(conversationId: string, seq: number): Promise<MessageRecord | undefined> {
    const m = this.t.messages.get(messageKey(conversationId, seq));
    return m && { ...m };
  }

  async nextVersions(count: number): Promise<number> {
    const first = this.t.version + 1;
    this.t.version += count;
    return first;
  }

  async insertConversation(conv: ConversationRecord): Promise<boolean> {
    if (this.t.conversations.has(conv.id)) return false;
    this.t.conversations.set(conv.id, { ...conv });
    return true;
  }

  async updateConversation(id: string, patch: Parameters<ConversationWriter["updateConversation"]>[1]) {
    const c = this.t.conversations.get(id);
    if (c) Object.assign(c, patch);
  }

  async upsertMember(member: MemberRecord): Promise<void> {
    this.t.members.set(memberKey(member.conversationId, member.userId), { ...member });
  }

  async updateMember(
    conversationId: string,
    userId: string,
    patch: Parameters<ConversationWriter["updateMember"]>[2],
  ): Promise<void> {
    const m = this.t.members.get(memberKey(conversationId, userId));
    if (m) Object.assign(m, patch);
  }

  async insertMessages(rows: readonly MessageRecord[]): Promise<void> {
    for (const r of rows) {
      const key = messageKey(r.conversationId, r.seq);
      if (this.t.messages.has(key)) throw new Error(`seq ${r.seq} of ${r.conversationId} is taken`);
      this.t.messages.set(key, { ...r });
    }
  }

  async recallMessage(conversationId: string, seq: number, by: string, at: number): Promise<void> {
    const m = this.t.messages.get(messageKey(conversationId, seq));
    if (m) Object.assign(m, { content: null, recalledBy: by, recalledAt: at, reactions: undefined });
    for (const e of this.t.messages.values())
      if (e.conversationId === conversationId && e.editOf === seq) e.content = null;
  }

  async editMessage(
    conversationId: string,
    seq: number,
    content: Uint8Array,
    editedAt: number,
  ): Promise<void> {
    const m = this.t.messages.get(messageKey(conversationId, seq));
    if (m) Object.assign(m, { content, editedAt });
  }

  async setReactions(
    conversationId: string,
    seq: number,
    reactions: readonly ReactionRecord[],
  ): Promise<void> {
    const m = this.t.messages.get(messageKey(conversationId, seq));
    if (m) m.reactions = reactions.map((r) => ({ emoji: r.emoji, userIds: [...r.userIds] }));
  }

  /** The fake keeps no mentions index: the rule tests look at events and errors. */
  async indexMentions(): Promise<void> {}
}

/** What a bus was asked to publish, by whom it was for. */
export interface Published {
  userIds: string[];
  frame: Uint8Array;
}

/** A bus that only records what it was asked to publish. */
export class RecordingBus implements Bus {
  readonly published: Published[] = [];
  publish(userIds: readonly string[], frame: Uint8Array): void {
    this.published.push({ userIds: [...userIds], frame });
  }
  publishLocal(userIds: readonly string[], frame: Uint8Array): void {
    this.publish(userIds, frame);
  }
  publishDomain(): void {}
  kick(_userIds: readonly string[], _reason: KickReason): void {}
  publishTo(): boolean {
    return false;
  }
  attach(_receiver: BusReceiver): void {}
}

/** A clock the test moves. */
export class ManualClock implements Clock {
  constructor(public t = 1_000_000) {}
  now(): number {
    return this.t;
  }
}
