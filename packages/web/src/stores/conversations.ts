import { type Conversation, directConversationId, type Message } from "@starling/sdk";
import { contentSummary } from "../ui/plain-text.js";
import type { Notice } from "./environment.js";
import type { OfflineCache } from "./offline-cache.js";
import type { Session } from "./session.js";
import { Store } from "./store.js";
import { unreadTotal } from "./unread.js";

/** Pinned first (the latest pin on top), then by latest activity, then by id. */
export function byListOrder(a: Conversation, b: Conversation): number {
  const at = (c: Conversation) => Number(c.lastMessage?.serverTime ?? 0n);
  const pin = (c: Conversation) => Number(c.pinnedAt);
  return (
    Number(pin(b) > 0) - Number(pin(a) > 0) || pin(b) - pin(a) || at(b) - at(a) || a.id.localeCompare(b.id)
  );
}

/**
 * The conversation list as the SDK keeps it (last message, unread count,
 * pins, mutes, the peer's cursors), in the order the list shows it; 1:1
 * chats opened before their first message (drafts); desktop notices.
 */
/** How a message from someone else may alert the user right now (their settings and do-not-disturb). */
export interface AlertPolicy {
  desktop: boolean;
  sound: boolean;
  /** The message text in the notice; without it, only who sent it. */
  preview: boolean;
}

const ALERT_ALL: AlertPolicy = { desktop: true, sound: false, preview: true };

export class Conversations extends Store {
  /** 1:1 chats opened before their first message: conversation id -> the peer. */
  readonly drafts = new Map<string, string>();

  constructor(
    private readonly session: Session,
    private readonly notify?: (notice: Notice) => void,
    /** A person's display name, fetched if need be (a notice's title). */
    private readonly nameOf: (userId: string) => Promise<string> = async (id) => id.split("@")[0] ?? id,
    private readonly alerts: () => AlertPolicy = () => ALERT_ALL,
    private readonly chime?: () => void,
    /** What was saved on this device, shown while offline. */
    private readonly offline?: OfflineCache,
  ) {
    super();
  }

  /** Conversations with a message or still joined, in list order. */
  list(): Conversation[] {
    const all = [...this.all()];
    return all.filter((c) => c.active || c.lastSeq > 0n).sort(byListOrder);
  }

  /** Unread messages over all chats but the muted ones and the one being read (the tab's, title's and favicon's count). */
  unreadTotal(reading?: string): number {
    return unreadTotal(this.all(), reading);
  }

  get(id: string): Conversation | undefined {
    const live = this.session.client?.conversations.get(id);
    return live ?? this.offline?.savedConversations()?.find((c) => c.id === id);
  }

  /** The SDK's conversations; while offline, the ones saved on this device. */
  private all(): Iterable<Conversation> {
    return this.offline?.savedConversations() ?? this.session.client?.conversations.values() ?? [];
  }

  /** The 1:1 chat with `peerId`: its id, remembered as a draft until its first message. */
  openDirect(peerId: string): string {
    const id = directConversationId(this.session.userId, peerId);
    if (!this.get(id)) this.drafts.set(id, peerId);
    this.changed();
    return id;
  }

  /** Pins or mutes a conversation for this user on all their devices. */
  async setPrefs(
    conversationId: string,
    prefs: { pinned?: boolean; muted?: boolean; announcementSeenAt?: bigint },
  ): Promise<void> {
    await this.session.client?.setConversationPrefs(conversationId, prefs);
    this.changed();
  }

  /** A message arrived: the SDK has moved its conversation's last message and unread count. */
  received(m: Message): void {
    this.notice(m);
    this.changed();
  }

  reset(): void {
    this.drafts.clear();
    this.changed();
  }

  /**
   * A notice (and its sound) for a message from someone else in a chat that is not muted (or
   * that mentions me), titled with a name, not an id; a new group announcement is told like a
   * message; as the user's settings allow, and never in do-not-disturb.
   */
  private notice(m: Message): void {
    const content = m.content;
    const announced = m.event?.kind.case === "announcementChanged" ? m.event.kind.value.text : "";
    if (m.senderId === this.session.userId || (!content && !announced)) return;
    const conv = this.get(m.conversationId);
    // A mention of me gets through even when the chat is muted.
    if (conv?.muted && !mentionsMe(m, this.session.userId, !!conv.name)) return;
    const policy = this.alerts();
    if (policy.sound) this.chime?.();
    const notify = this.notify;
    if (!notify || !policy.desktop) return;
    const body = policy.preview ? (content ? contentSummary(content) : announced) : "";
    const show = (title: string) => notify({ title, body, conversationId: m.conversationId });
    if (conv?.name) show(conv.name);
    else void this.nameOf(m.senderId).then(show);
  }
}

/** Whether a message mentions `me` by id, or everyone in a group. */
function mentionsMe(m: Message, me: string, group: boolean): boolean {
  return (m.content?.mentions ?? []).some((x) => x.userId === me || (group && x.userId === "@all"));
}
