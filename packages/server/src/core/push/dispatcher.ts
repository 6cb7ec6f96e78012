import { type Content, ContentSchema, fromBinary } from "@starling/protocol";
import { dndHolds } from "../directory/dnd.js";
import { domainOf } from "../kernel/ids.js";
import { LogThrottle } from "../kernel/log-throttle.js";
import type { Metrics } from "../kernel/metrics.js";
import type { Clock, Logger, Random } from "../kernel/ports.js";
import type {
  ConversationRecord,
  MemberRecord,
  MessageRecord,
  PushDeviceRecord,
  UserRecord,
} from "../kernel/records.js";
import type { ConversationReader, StorePort } from "../kernel/shared-store.js";
import type { AfterCommit } from "../messaging/after-commit.js";
import { mentionedIds, mentionsEveryone } from "../messaging/mention-rules.js";
import { type BurstNote, Bursts } from "./bursts.js";
import { type DeliverySettings, PushDelivery } from "./delivery.js";
import { NotifiedDevices } from "./notified.js";
import type { PushNotification, PushProvider } from "./provider.js";
import { type PushRuleSettings, pushLevel } from "./rules.js";
import type { PushReader, PushTx } from "./store.js";
import { notificationWording, type PreviewPolicy } from "./wording.js";

export interface PushSettings extends DeliverySettings, PushRuleSettings {
  /** Messages after the first of a burst within this window are said in one trailing notification; 0: off. */
  collapseMs: number;
  previews: PreviewPolicy;
}

export const DEFAULT_PUSH_SETTINGS: PushSettings = {
  queueLimit: 100_000,
  ratePerSecond: 500,
  maxAttempts: 5,
  retryBaseMs: 1000,
  collapseMs: 5000,
  mentionsOnlyAbove: 100,
  previews: "none",
};

/** The store as the dispatcher reads it: devices and badges, and the conversations' members. */
export type PushDispatchStore = StorePort<PushReader & ConversationReader, PushTx & ConversationReader>;

export interface PushDispatcherDeps {
  store: PushDispatchStore;
  providers: readonly PushProvider[];
  settings: PushSettings;
  clock: Clock;
  random: Random;
  log: Logger;
  metrics: Metrics;
  /** Online on some device and not away (presence). */
  isActive(userId: string): boolean;
}

/** Stored messages considered together: one query for their recipients' devices, one for badges. */
const BATCH_ROWS = 256;
/** The badge counts each conversation up to this, as the conversation list does. */
const BADGE_CAP = 999;
/** Bursts open at once, and chats remembered for clearing, at most. */
const OPEN_BURSTS = 100_000;
const REMEMBERED_CHATS = 100_000;
/** Recipients decided between two turns of the event loop. */
const YIELD_EVERY = 256;
/** How long shutdown waits for notifications in flight. */
const CLOSE_GRACE_MS = 2000;

interface Queued {
  row: MessageRecord;
  recipients: readonly string[];
}

interface Read {
  userId: string;
  conversationId: string;
  seq: number;
}

/** What a held note needs to be worded again as the trailing notification of its burst. */
interface Held {
  device: PushDeviceRecord;
  notification: PushNotification;
  senderName: string;
  groupName?: string;
}

/**
 * Push notifications for stored messages: told by messaging after the commit
 * and the fan-out, it decides per recipient by the rules (rules.ts), collapses
 * bursts per device, and hands each notification to its provider (delivery.ts).
 * All of it runs off the send path, from a bounded queue; overflow is dropped,
 * since sync, not push, is what makes devices complete.
 */
export class PushDispatcher implements AfterCommit {
  private queue: Queued[] = [];
  private reads: Read[] = [];
  private draining: Promise<void> | undefined;
  private closed = false;
  private readonly delivery: PushDelivery;
  private readonly bursts: Bursts<Held>;
  private readonly notified = new NotifiedDevices(REMEMBERED_CHATS);
  private readonly throttle: LogThrottle;

  constructor(private readonly deps: PushDispatcherDeps) {
    this.throttle = new LogThrottle(deps.log, deps.clock);
    this.delivery = new PushDelivery(
      deps.providers,
      deps.settings,
      deps.store,
      deps.clock,
      deps.random,
      deps.log,
      this.throttle,
      deps.metrics,
      (ids) => this.notified.forget(ids),
    );
    this.bursts = new Bursts<Held>(deps.settings.collapseMs, OPEN_BURSTS, (newest, _held, count) =>
      this.sayTrailing(newest, count),
    );
    deps.metrics.track("starling_push_queue_depth", () => this.queue.length + this.delivery.depth());
  }

  stored(rows: readonly MessageRecord[], recipients: ReadonlyMap<string, readonly string[]>): void {
    if (this.closed) return;
    const room = this.deps.settings.queueLimit - this.queue.length;
    if (rows.length > room) {
      this.deps.metrics.inc("starling_push_dropped_total", {}, rows.length - Math.max(0, room));
      this.throttle.warn("push queue full: messages not notified", { limit: this.deps.settings.queueLimit });
    }
    for (const row of rows.slice(0, Math.max(0, room))) {
      const to = recipients.get(row.conversationId);
      if (to && row.content && !row.event) this.queue.push({ row, recipients: to });
    }
    this.kick();
  }

  read(userId: string, conversationId: string, seq: number): void {
    if (this.closed || this.reads.length >= this.deps.settings.queueLimit) return;
    this.reads.push({ userId, conversationId, seq });
    this.kick();
  }

  recalled(conversationId: string, seq: number): void {
    this.queue = this.queue.filter((q) => q.row.conversationId !== conversationId || q.row.seq !== seq);
    this.bursts.withdraw(conversationId, seq);
  }

  /** Waits until what was handed over so far is decided and queued for its provider (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.draining) await this.draining;
  }

  /** Stops timers and takes nothing more; what is in flight gets a short grace. */
  async close(): Promise<void> {
    if (this.closed) return;
    await this.idle();
    this.closed = true;
    this.bursts.close();
    await this.delivery.close(CLOSE_GRACE_MS);
  }

  private kick(): void {
    this.draining ??= new Promise<void>((r) => setImmediate(r)).then(() => this.drain());
  }

  private async drain(): Promise<void> {
    try {
      while (this.queue.length > 0 || this.reads.length > 0) {
        const batch = this.queue.splice(0, BATCH_ROWS);
        const reads = this.reads.splice(0, BATCH_ROWS);
        try {
          if (batch.length > 0) await this.dispatch(batch);
          if (reads.length > 0) await this.clear(reads);
        } catch (err) {
          // A store that cannot read now loses these notifications, not the next ones.
          this.throttle.warn("push: deciding notifications failed", { err });
        }
      }
    } finally {
      this.draining = undefined;
    }
  }

  /**
   * Whether each recipient's domain shows message text in notifications: the domain's own
   * setting, else the server's push.previews. The recipient's, since it is their company's
   * choice what shows on their lock screens.
   */
  private async previewsByDomain(userIds: readonly string[]): Promise<Map<string, PreviewPolicy>> {
    const names = [...new Set(userIds.map(domainOf))];
    const domains = await Promise.all(names.map((n) => this.deps.store.read.getDomain(n)));
    return new Map(names.map((n, i) => [n, domains[i]?.pushPreviews || this.deps.settings.previews]));
  }

  private async dispatch(batch: Queued[]): Promise<void> {
    const { store } = this.deps;
    const everyone = new Set<string>();
    for (const q of batch) for (const u of q.recipients) if (u !== q.row.senderId) everyone.add(u);
    if (everyone.size === 0) return;
    const devices = new Map<string, PushDeviceRecord[]>();
    for (const d of await store.read.pushDevicesOf([...everyone])) {
      if (!this.delivery.has(d.provider)) continue;
      const list = devices.get(d.userId);
      if (list) list.push(d);
      else devices.set(d.userId, [d]);
    }
    if (devices.size === 0) return;
    const targets = [...devices.keys()];
    const convIds = [...new Set(batch.map((q) => q.row.conversationId))];
    const senders = batch.map((q) => q.row.senderId);
    const [badges, users, convs] = await Promise.all([
      store.read.unreadTotals(targets, BADGE_CAP),
      store.read.getUsers([...new Set([...targets, ...senders])]),
      Promise.all(convIds.map((id) => this.conversation(id))),
    ]);
    const userById = new Map<string, UserRecord>(users.map((u) => [u.id, u]));
    const previews = await this.previewsByDomain(targets);
    const convById = new Map(convs.filter((c) => c !== undefined).map((c) => [c.conv.id, c]));
    const now = this.deps.clock.now();
    for (const { row, recipients } of batch) {
      const chat = convById.get(row.conversationId);
      const content = decode(row.content);
      if (!chat || !content) continue;
      const group = chat.conv.kind === "group";
      const mentioned = new Set(mentionedIds(content));
      const all = mentionsEveryone(content);
      const senderName = userById.get(row.senderId)?.displayName || row.senderId;
      const groupName = group ? chat.conv.name || undefined : undefined;
      let decided = 0;
      for (const userId of recipients) {
        const own = devices.get(userId);
        if (!own || userId === row.senderId) continue;
        // A big group's message is thousands of decisions: let acks and deliveries in between.
        if (++decided % YIELD_EVERY === 0) await new Promise((r) => setImmediate(r));
        const user = userById.get(userId);
        const level = pushLevel(
          {
            group,
            memberCount: chat.conv.memberCount,
            muted: chat.members.get(userId)?.muted === true,
            mentioned: mentioned.has(userId),
            mentionsEveryone: all,
            active: this.deps.isActive(userId),
            doNotDisturb: user ? dndHolds(user.dnd, now) : false,
          },
          this.deps.settings,
        );
        if (level === "none") continue;
        for (const device of own) {
          const wording = notificationWording({
            locale: device.locale,
            senderName,
            ...(groupName ? { groupName } : {}),
            count: 1,
            ...(previews.get(domainOf(userId)) === "text" ? { text: content.text } : {}),
          });
          const notification: PushNotification = {
            kind: "message",
            conversationId: row.conversationId,
            seq: row.seq,
            count: 1,
            quiet: level === "quiet",
            mention: mentioned.has(userId) || all,
            ...wording,
            badge: badges.get(userId) ?? 0,
            senderId: row.senderId,
            sentAt: row.serverTime,
          };
          const note: BurstNote<Held> = {
            deviceId: device.id,
            conversationId: row.conversationId,
            seq: row.seq,
            value: { device, notification, senderName, ...(groupName ? { groupName } : {}) },
          };
          if (this.bursts.offer(note)) this.send(device, notification);
        }
      }
    }
  }

  /** The conversation and its active members by user id, or undefined when it is gone. */
  private async conversation(
    id: string,
  ): Promise<{ conv: ConversationRecord; members: Map<string, MemberRecord> } | undefined> {
    const conv = await this.deps.store.read.getConversation(id);
    if (!conv) return undefined;
    const members = await this.deps.store.read.listMembers(id, true);
    return { conv, members: new Map(members.map((m) => [m.userId, m])) };
  }

  /** The end of a burst's window: one notification for what was held, worded for their number. */
  private sayTrailing(newest: BurstNote<Held>, count: number): void {
    const { device, notification, senderName, groupName } = newest.value;
    const wording =
      count === 1
        ? { title: notification.title, body: notification.body }
        : notificationWording({
            locale: device.locale,
            senderName,
            ...(groupName ? { groupName } : {}),
            count,
          });
    this.send(device, { ...notification, ...wording, count });
  }

  private send(device: PushDeviceRecord, notification: PushNotification): void {
    if (this.delivery.enqueue(device, notification))
      this.notified.remember(device, notification.conversationId, notification.seq);
  }

  /** Read elsewhere: what is still held is dropped and what was shown is withdrawn, with the badge. */
  private async clear(reads: Read[]): Promise<void> {
    const due: { device: PushDeviceRecord; read: Read }[] = [];
    for (const read of reads)
      for (const device of this.notified.take(read.userId, read.conversationId, read.seq)) {
        this.bursts.drop(device.id, read.conversationId);
        due.push({ device, read });
      }
    if (due.length === 0) return;
    const badges = await this.deps.store.read.unreadTotals(
      [...new Set(due.map((d) => d.read.userId))],
      BADGE_CAP,
    );
    const now = this.deps.clock.now();
    for (const { device, read } of due)
      this.delivery.enqueue(device, {
        kind: "clear",
        conversationId: read.conversationId,
        seq: read.seq,
        count: 0,
        quiet: true,
        mention: false,
        title: "",
        body: "",
        badge: badges.get(read.userId) ?? 0,
        senderId: "",
        sentAt: now,
      });
  }
}

function decode(content: Uint8Array | null): Content | undefined {
  if (!content) return undefined;
  try {
    return fromBinary(ContentSchema, content);
  } catch {
    return undefined;
  }
}
