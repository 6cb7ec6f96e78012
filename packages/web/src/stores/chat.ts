import type { StarlingClient } from "@starling/sdk";
import { Conversations } from "./conversations.js";
import { Drafts } from "./drafts.js";
import type { Environment } from "./environment.js";
import { FileLinks } from "./file-links.js";
import { Forwarding } from "./forward.js";
import { MessageExtras } from "./message-extras.js";
import { MessageWindows } from "./message-windows.js";
import { OfflineCache } from "./offline-cache.js";
import { Outbox } from "./outbox.js";
import { People } from "./people.js";
import { Presence } from "./presence.js";
import { Receipts } from "./receipts.js";
import { Selection } from "./selection.js";
import { Session } from "./session.js";
import { Settings } from "./settings.js";
import { Typing } from "./typing.js";
import { WebPush } from "./web-push.js";

/**
 * The web client's state: one small store per concern, all around one
 * session, created by the app (or a test) with the environment it runs in
 * and handed down to the components. This is the one place that says which
 * SDK event moves which store.
 */
export class Chat {
  readonly session: Session;
  readonly conversations: Conversations;
  readonly windows: MessageWindows;
  readonly receipts: Receipts;
  readonly typing: Typing;
  readonly presence: Presence;
  readonly people: People;
  readonly files: FileLinks;
  readonly drafts: Drafts;
  readonly outbox: Outbox;
  readonly settings: Settings;
  readonly selection = new Selection();
  readonly forwarding: Forwarding;
  /** Pins, favourites and delete-for-me. */
  readonly extras: MessageExtras;
  /** The last list and messages on this device, shown while the server cannot be reached. */
  readonly offline: OfflineCache;
  /** Notifications while the app is closed. */
  readonly webPush: WebPush;
  /** The client whose login has succeeded (until then its conversation events watch no one). */
  private connected: StarlingClient | undefined;

  constructor(env: Environment) {
    const now = env.now ?? Date.now;
    this.offline = new OfflineCache(env.offline);
    this.session = new Session(env, {
      started: (client) => this.listen(client),
      connected: (client) => {
        this.connected = client;
        this.presence.restart();
        this.outbox.restore(client);
        void this.settings.load();
        void this.webPush.connected();
        // Live data replaces what was saved; the chats shown from it load their history.
        void this.offline.live(client.userId).then(() => {
          this.conversations.changed();
          this.windows.reopen();
          this.saveForOffline();
        });
      },
      ended: () => this.reset(),
      signingOut: (client) => this.webPush.signingOut(client),
      offline: (userId) => {
        void this.offline.show(userId).then(() => {
          this.conversations.changed();
          this.windows.changed();
          this.outbox.changed();
        });
      },
    });
    this.people = new People(this.session, env.apiBase);
    this.settings = new Settings(this.session, env.storage);
    this.conversations = new Conversations(
      this.session,
      env.notify,
      this.people.nameOf.bind(this.people),
      () => {
        // Do-not-disturb silences everything; messages still arrive and count as unread.
        const quiet = this.people.inDnd(this.session.userId, now());
        const s = this.settings.roaming;
        return {
          desktop: s.desktopNotifications && !quiet,
          sound: s.notificationSound && !quiet,
          preview: s.messagePreviews,
        };
      },
      env.chime,
      this.offline,
    );
    this.outbox = new Outbox(this.session, env.storage, env.randomId);
    this.windows = new MessageWindows(this.session, this.conversations, this.outbox, this.offline);
    // What the list and the open chats show is saved for opening offline (a write per burst).
    this.conversations.subscribe(() => this.saveForOffline());
    this.windows.subscribe(() => this.saveForOffline());
    this.receipts = new Receipts(this.session);
    this.typing = new Typing(this.session, now);
    this.presence = new Presence(this.session);
    this.files = new FileLinks(this.session, env.apiBase, now);
    this.drafts = new Drafts(this.session, env.storage);
    this.forwarding = new Forwarding(this.session);
    this.extras = new MessageExtras(this.session);
    this.webPush = new WebPush(this.session, env.storage, env.push);
  }

  /** Closes the connection, keeping the stored session (as a closed tab does), and stops every timer. */
  async close(): Promise<void> {
    this.connected = undefined;
    this.offline.stop();
    await this.session.close();
    this.typing.reset();
    this.people.reset();
  }

  private listen(client: StarlingClient): void {
    const mine = () => this.session.owns(client);
    client.on("message", (m) => {
      if (!mine()) return;
      this.windows.received(m);
      this.typing.messageFrom(m);
      this.conversations.received(m);
    });
    client.on("receipt", (r) => {
      if (!mine()) return;
      this.receipts.received(r);
      // A 1:1 peer's cursors are on the conversation.
      this.conversations.changed();
    });
    client.on("conversation", (conv) => {
      if (!mine()) return;
      if (this.connected === client) this.presence.watchPeers();
      this.receipts.conversationChanged(conv.id);
      this.conversations.changed();
      // Pinned and hidden messages are on the conversation.
      this.extras.changed();
    });
    client.on("typing", (e) => {
      if (mine()) this.typing.received(e);
    });
    client.on("presence", (st) => {
      if (mine()) this.presence.received(st);
    });
    client.on("sends", (states) => {
      if (mine()) this.outbox.sendsChanged(states);
    });
    client.on("directoryChanged", () => {
      if (mine()) this.people.directoryChanged();
    });
    client.on("settings", (s) => {
      if (mine()) this.settings.received(s);
    });
    this.extras.listen(client, mine);
  }

  /** Saves the list and the loaded chats' newest messages, once connected (see OfflineCache). */
  private saveForOffline(): void {
    if (!this.connected) return;
    this.offline.record(() => ({
      conversations: this.conversations.list(),
      messages: this.windows.recent(),
    }));
  }

  private reset(): void {
    this.connected = undefined;
    void this.offline.clear();
    this.windows.reset();
    this.conversations.reset();
    this.receipts.reset();
    this.typing.reset();
    this.presence.reset();
    this.people.reset();
    this.files.reset();
    this.drafts.reset();
    this.outbox.reset();
    this.settings.reset();
    this.selection.cancel();
    this.extras.reset();
    this.webPush.reset();
  }
}
