import { type Content, isValidClientMsgId, PresenceStatus, type SendMessage } from "@starling/protocol";
import { Accounts } from "./accounts/accounts.js";
import { Activation } from "./accounts/activation.js";
import { OwnSessions } from "./accounts/own-sessions.js";
import { UserSettings } from "./accounts/user-settings.js";
import { Bots } from "./bots/bots.js";
import { Webhooks } from "./bots/webhooks.js";
import { Auditor } from "./directory/audit.js";
import { Directory } from "./directory/directory.js";
import { DirectoryAdmin } from "./directory/directory-admin.js";
import { UserImporter } from "./directory/import-users.js";
import { DIRECT_KIND, DirectMessages } from "./federation/direct.js";
import type { Federation } from "./federation/federation.js";
import { Avatars } from "./files/avatars.js";
import { DEFAULT_FILE_LIMITS, type FileLimits, Files } from "./files/files.js";
import { Groups } from "./groups/groups.js";
import { GroupInvites } from "./groups/invites.js";
import { ConnectionLimiter } from "./kernel/connection-limiter.js";
import { invalid } from "./kernel/errors.js";
import { checkConversationId, completeUserId, domainOf } from "./kernel/ids.js";
import type { CoreLimits } from "./kernel/limits.js";
import { LogThrottle } from "./kernel/log-throttle.js";
import { type Metrics, NO_METRICS } from "./kernel/metrics.js";
import type {
  BlobStore,
  Bus,
  Clock,
  Logger,
  MediaProbe,
  PasswordHasher,
  PresenceDirectory,
  Random,
} from "./kernel/ports.js";
import { ArchivePages } from "./messaging/archive-page.js";
import { validateContent } from "./messaging/content.js";
import { ConversationPrefs } from "./messaging/conversation-prefs.js";
import { Editor } from "./messaging/edit.js";
import { Favourites } from "./messaging/favourites.js";
import { HiddenMessages } from "./messaging/hidden.js";
import { History } from "./messaging/history.js";
import { Membership } from "./messaging/membership.js";
import { mentionedIds, mentionsEveryone } from "./messaging/mention-rules.js";
import { MentionsList } from "./messaging/mentions-list.js";
import { MessagePins } from "./messaging/pins.js";
import { Reactions } from "./messaging/reactions.js";
import { Recaller } from "./messaging/recall.js";
import { Receipts } from "./messaging/receipts.js";
import { SendPipeline, type SendResult } from "./messaging/send-pipeline.js";
import { SyncService } from "./messaging/sync.js";
import { TypingRelay } from "./messaging/typing.js";
import { Visibility } from "./messaging/visibility.js";
import { Presence } from "./presence/presence.js";
import { PushDevices } from "./push/devices.js";
import { DEFAULT_PUSH_SETTINGS, PushDispatcher, type PushSettings } from "./push/dispatcher.js";
import type { PushProvider } from "./push/provider.js";
import { messageDocument } from "./search/document.js";
import { SearchService } from "./search/search-service.js";
import type { Store, StoreTx } from "./store.js";

export interface CoreDeps {
  store: Store;
  /** Links to other domains: 1:1 messages to their users cross them. */
  federation?: Federation<StoreTx>;
  bus: Bus;
  presence: PresenceDirectory;
  clock: Clock;
  hasher: PasswordHasher;
  random: Random;
  log: Logger;
  limits: CoreLimits;
  defaultDomain: string;
  /** Where file contents go; without it there is no file service. */
  blobs?: BlobStore;
  fileLimits?: FileLimits;
  /** Image sizes, thumbnails and durations; without it files are stored as they are. */
  media?: MediaProbe;
  /** Where counters and timings go; without it nothing is recorded. */
  metrics?: Metrics;
  /** The channels push notifications go out through: devices register for them, and nobody is notified without any. */
  pushProviders?: readonly PushProvider[];
  /** The Web Push application server key (VAPID, raw P-256, base64url) that browsers subscribe with. */
  webPushPublicKey?: string;
  /** The rules and rates of push notifications. */
  pushSettings?: PushSettings;
}

/** The domain logic, assembled from its services. Transports call into this and nothing below it. */
export class Core {
  readonly accounts: Accounts;
  /** One-time codes with which invited people choose their first password. */
  readonly activation: Activation;
  /** A user's own login sessions: listed and ended from their settings. */
  readonly ownSessions: OwnSessions;
  /** Settings that follow a user to every device. */
  readonly settings: UserSettings;
  /** The one read rule: how far a user may read a conversation. */
  readonly visibility: Visibility;
  readonly history: History;
  /** The messages mentioning a user across their conversations. */
  readonly mentions: MentionsList;
  /** Archive pages across conversations (what XMPP MAM serves), bounded by the read rule. */
  readonly archive: ArchivePages;
  readonly receipts: Receipts;
  readonly recaller: Recaller;
  /** Edits of one's own messages, and emoji reactions on any. */
  readonly editor: Editor;
  readonly reactions: Reactions;
  readonly sync: SyncService;
  readonly groups: Groups;
  readonly invites: GroupInvites;
  readonly presence: Presence;
  readonly typing: TypingRelay;
  readonly directory: Directory;
  readonly directoryAdmin: DirectoryAdmin;
  readonly importer: UserImporter;
  readonly auditor: Auditor;
  readonly files: Files | undefined;
  readonly search: SearchService;
  readonly prefs: ConversationPrefs;
  /** Messages pinned in a conversation for every member. */
  readonly pins: MessagePins;
  /** Messages a user hid from their own view (delete for me). */
  readonly hidden: HiddenMessages;
  /** Messages a user saved, on all their devices. */
  readonly favourites: Favourites;
  readonly avatars: Avatars | undefined;
  /** A user's devices registered for push notifications. */
  readonly pushDevices: PushDevices;
  /** Bot accounts and their tokens. */
  readonly bots: Bots;
  /** Incoming webhooks, which post as bots. */
  readonly webhooks: Webhooks;
  /** For Welcome.webpush_public_key and the HTTP push config; undefined when Web Push is off. */
  readonly webPushPublicKey: string | undefined;
  readonly limits: CoreLimits;
  /** Connection caps that every listener of this node asks. */
  readonly connections: ConnectionLimiter;
  /** The metrics port, for the doors to report what they see. */
  readonly metrics: Metrics;
  /** Push notifications of stored messages, when there is a provider to send them by. */
  readonly pushDispatcher: PushDispatcher | undefined;
  private readonly pipeline: SendPipeline<StoreTx>;

  constructor(private readonly deps: CoreDeps) {
    const { store, bus, clock, hasher, random, log, limits } = deps;
    const members = new Membership();
    const metrics = deps.metrics ?? NO_METRICS;
    this.metrics = metrics;
    this.limits = limits;
    this.auditor = new Auditor(clock, random);
    this.files = deps.blobs
      ? new Files(
          store,
          deps.blobs,
          clock,
          random,
          deps.fileLimits ?? DEFAULT_FILE_LIMITS,
          log,
          deps.media,
          metrics,
        )
      : undefined;
    this.directory = new Directory(store.read);
    this.visibility = new Visibility(store.read);
    this.search = new SearchService(store.read, this.directory, this.visibility);
    this.directoryAdmin = new DirectoryAdmin(store, bus, random, this.auditor, clock);
    this.importer = new UserImporter(store, hasher, random, clock, this.directoryAdmin, this.auditor);
    this.accounts = new Accounts(
      store,
      hasher,
      random,
      clock,
      bus,
      limits,
      log,
      deps.defaultDomain,
      (d, v) => this.directoryAdmin.notify(d, v),
      metrics,
    );
    this.activation = new Activation(store, this.accounts, random, clock, limits, log, metrics);
    this.ownSessions = new OwnSessions(store, bus, clock, random);
    this.settings = new UserSettings(store, bus);
    const providers = deps.pushProviders ?? [];
    this.pushDispatcher =
      providers.length > 0
        ? new PushDispatcher({
            store,
            providers,
            settings: deps.pushSettings ?? DEFAULT_PUSH_SETTINGS,
            clock,
            random,
            log,
            metrics,
            isActive: (userId) => this.presence.state(userId).status === PresenceStatus.ONLINE,
          })
        : undefined;
    const after = this.pushDispatcher ? { listener: this.pushDispatcher, log } : undefined;
    const direct = deps.federation
      ? new DirectMessages<StoreTx>({
          outbox: deps.federation.outbox,
          localDomain: deps.federation.localDomain,
          limits,
          random,
          log,
          metrics,
          append: (tx, req) => this.pipeline.appendReceived(tx, req),
        })
      : undefined;
    this.pipeline = new SendPipeline<StoreTx>(store, bus, clock, members, log, metrics, after, direct);
    if (direct) deps.federation?.inbox.register(DIRECT_KIND, direct.handler);
    this.history = new History(store, this.visibility, limits);
    this.mentions = new MentionsList(store.read);
    this.archive = new ArchivePages(store.read, this.visibility);
    this.receipts = new Receipts(store, bus, members, after);
    this.prefs = new ConversationPrefs(store, bus, clock);
    this.recaller = new Recaller(store, bus, clock, members, limits, after);
    this.editor = new Editor(store, bus, clock, members, limits);
    this.reactions = new Reactions(store, bus, clock, members);
    this.pins = new MessagePins(store, bus, clock, members, this.visibility);
    this.hidden = new HiddenMessages(store, bus, this.visibility);
    this.favourites = new Favourites(store, bus, clock, random, this.visibility);
    this.sync = new SyncService(store.read, this.visibility, limits);
    this.groups = new Groups(store, bus, clock, random, members, this.sync, limits);
    this.invites = new GroupInvites(store, bus, clock, random, this.sync, limits);
    this.avatars =
      deps.blobs && deps.media
        ? new Avatars(store, deps.blobs, deps.media, this.directoryAdmin, log, this.groups)
        : undefined;
    this.presence = new Presence(bus, deps.presence, clock, limits);
    this.typing = new TypingRelay(store, bus, members);
    this.pushDevices = new PushDevices(store, clock, random, limits, deps.pushProviders ?? []);
    this.bots = new Bots(store, this.accounts, this.auditor, random, clock, bus);
    this.webhooks = new Webhooks(store, this.bots, this.auditor, random, clock, (sender, msg) =>
      this.send(sender, msg),
    );
    this.webPushPublicKey = deps.webPushPublicKey;
    this.connections = new ConnectionLimiter(
      limits.connections,
      (userId) => this.presence.localSessions(userId),
      new LogThrottle(log, clock),
      metrics,
    );
  }

  /**
   * Validates a send and queues it for the next group commit. Validation is
   * synchronous so a connection's sends enter the queue in the order they
   * arrived.
   */
  send(senderId: string, msg: SendMessage, sessionId?: string): Promise<SendResult> {
    try {
      const clientMsgId = msg.clientMsgId;
      if (!isValidClientMsgId(clientMsgId, this.limits.maxClientMsgIdLength)) {
        throw invalid(
          `client_msg_id must be 1-${this.limits.maxClientMsgIdLength} printable ASCII characters`,
          "client_msg_id",
        );
      }
      const content = validateContent(msg.content, this.limits);
      const parsed = msg.content as Content;
      const extra = {
        // Of the validated content as sent, before attachments are filled in: a retry of the
        // same send hashes the same, whatever the server stored or recalled since.
        contentDigest: this.deps.random.sha256(Buffer.from(content).toString("base64")),
        ...(parsed.attachments.length > 0 ? { withAttachments: parsed } : {}),
        search: messageDocument(parsed.text, parsed.attachments),
        ...(mentionsEveryone(parsed) ? { mentionsEveryone: true } : {}),
        ...(parsed.mentions.length > 0 ? { mentioned: mentionedIds(parsed) } : {}),
      };
      if (msg.conversationId) {
        return this.pipeline.send({
          senderId,
          sessionId,
          conversationId: checkConversationId(msg.conversationId),
          clientMsgId,
          content,
          ...extra,
        });
      }
      if (!msg.toUserId) throw invalid("give conversation_id or to_user_id", "conversation_id");
      const toUserId = completeUserId(msg.toUserId, domainOf(senderId), "to_user_id");
      return this.pipeline.send({ senderId, sessionId, toUserId, clientMsgId, content, ...extra });
    } catch (err) {
      return Promise.reject(err);
    }
  }

  /**
   * Hands `frame` to the one session of `userId` known by `address` (an XMPP
   * resource) on another node of the cluster; false when no other node can
   * have it (a single node, or the user is connected nowhere).
   */
  relayTo(userId: string, address: string, frame: Uint8Array): boolean {
    if (this.presence.state(userId).status === PresenceStatus.OFFLINE) return false;
    return this.deps.bus.publishTo(userId, address, frame);
  }

  /** Waits for queued writes; used on shutdown. */
  idle(): Promise<void> {
    return this.pipeline.idle();
  }

  /** Stops what runs on timers (push bursts and retries), giving what is in flight a moment. */
  async close(): Promise<void> {
    await this.pipeline.idle();
    await this.pushDispatcher?.close();
  }
}
