import {
  type ClientState,
  type Conversation,
  type Member,
  type Message,
  PresenceStatus,
  StarlingClient,
  StarlingError,
  webSocketTransportFactory,
} from "@starling/sdk";

const SESSION_KEY = "starling.session";
const PAGE = 50;
/**
 * Messages kept loaded per conversation. Scrolling further loads the next
 * page and drops the far end, so a chat of 100,000 messages never has more
 * than this many in the page.
 */
export const WINDOW = 300;

export type Phase = "signedOut" | "connecting" | ClientState;

interface SavedSession {
  token: string;
  userId: string;
}

/** Where the native protocol is, beside the page that served us. */
function wsEndpoint(): string {
  return `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/ws`;
}

function deviceId(): string {
  const key = "starling.device";
  let id = localStorage.getItem(key);
  if (!id) {
    id = `web-${crypto.randomUUID()}`;
    localStorage.setItem(key, id);
  }
  return id;
}

/**
 * The web client's state around one SDK client: the session (its token kept
 * in localStorage so a reload stays logged in), the conversation list as the
 * SDK keeps it, and the messages loaded per conversation, in seq order.
 * Components read it through `subscribe`/`version` (useSyncExternalStore).
 */
export class ChatStore {
  phase: Phase = "signedOut";
  userId = "";
  /** The longest message text the server accepts, from its Welcome (older servers send none). */
  maxTextLength = 16384;
  /** Messages loaded per conversation, ascending by seq, no duplicates. */
  readonly messages = new Map<string, Message[]>();
  /** Conversations whose oldest messages are loaded. */
  readonly complete = new Set<string>();
  /** Conversations whose loaded messages stop short of the newest (after a jump into history). */
  readonly behind = new Set<string>();
  /** 1:1 chats opened before their first message: conversation id -> the peer. */
  readonly drafts = new Map<string, string>();
  private client: StarlingClient | undefined;
  private readonly typingSent = new Map<string, number>();
  private readonly typists = new Map<string, Map<string, number>>();
  private readonly members = new Map<string, Member[]>();
  private readonly membersLoading = new Set<string>();
  /** Presence of the people this client watches (1:1 peers), by user id. */
  private readonly presence = new Map<string, PresenceStatus>();
  private readonly watched = new Set<string>();
  /** Display names from the directory, by user id; fetched in batches as they are asked for. */
  private readonly names = new Map<string, string>();
  /** Avatar paths from the directory (with their version), and the pictures fetched for them. */
  private readonly avatarPaths = new Map<string, string>();
  private readonly avatarUrls = new Map<string, string>();
  private readonly wantedNames = new Set<string>();
  private nameTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly listeners = new Set<() => void>();
  private revision = 0;

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  readonly version = (): number => this.revision;

  private changed(): void {
    this.revision++;
    for (const l of this.listeners) l();
  }

  get token(): string | undefined {
    return this.client?.token;
  }

  /** Conversations, most recent activity first. */
  conversations(): Conversation[] {
    const all = [...(this.client?.conversations.values() ?? [])].filter((c) => c.active || c.lastSeq > 0n);
    const at = (c: Conversation) => Number(c.lastMessage?.serverTime ?? 0n);
    const pin = (c: Conversation) => Number(c.pinnedAt);
    // Pinned first (the latest pin on top), then by latest activity.
    return all.sort(
      (a, b) =>
        Number(pin(b) > 0) - Number(pin(a) > 0) ||
        pin(b) - pin(a) ||
        at(b) - at(a) ||
        a.id.localeCompare(b.id),
    );
  }

  conversation(id: string): Conversation | undefined {
    return this.client?.conversations.get(id);
  }

  /** The SDK client, for the panels (directory, search, groups); undefined when signed out. */
  sdk(): StarlingClient | undefined {
    return this.client;
  }

  /** The 1:1 chat with `peerId`: its id, remembered as a draft until its first message. */
  openDirect(peerId: string): string {
    const me = this.userId;
    const id = me < peerId ? `d:${me}|${peerId}` : `d:${peerId}|${me}`;
    if (!this.conversation(id)) this.drafts.set(id, peerId);
    this.changed();
    return id;
  }

  /** Loads the messages around `seq`, replacing what was loaded (the jump target of a search hit). */
  async openAt(conversationId: string, seq: bigint): Promise<void> {
    const c = this.client;
    const conv = c?.conversations.get(conversationId);
    if (!c || !conv) return;
    const from = seq > 25n ? seq - 25n : 0n;
    const page = await c.history(conversationId, { afterSeq: from, limit: PAGE });
    this.messages.set(conversationId, []);
    this.complete.delete(conversationId);
    if (from === 0n) this.complete.add(conversationId);
    this.merge(conversationId, page.messages);
    const last = page.messages[page.messages.length - 1]?.seq ?? 0n;
    if (last < conv.lastSeq) this.behind.add(conversationId);
    else this.behind.delete(conversationId);
    this.changed();
  }

  /** The page after the newest loaded message, when the loaded window is behind. */
  async loadNewer(conversationId: string): Promise<void> {
    const c = this.client;
    const have = this.messages.get(conversationId);
    const conv = c?.conversations.get(conversationId);
    if (!c || !have || !conv || !this.behind.has(conversationId)) return;
    const newest = have[have.length - 1]?.seq ?? 0n;
    const page = await c.history(conversationId, { afterSeq: newest, limit: PAGE });
    this.merge(conversationId, page.messages);
    const last = page.messages[page.messages.length - 1]?.seq ?? newest;
    if (!page.hasMore || last >= conv.lastSeq) this.behind.delete(conversationId);
    const list = this.messages.get(conversationId) ?? [];
    if (list.length > WINDOW) {
      this.messages.set(conversationId, list.slice(list.length - WINDOW));
      this.complete.delete(conversationId);
    }
    this.changed();
  }

  /** A stored session from an earlier visit, if any. */
  saved(): SavedSession | undefined {
    try {
      const s = JSON.parse(localStorage.getItem(SESSION_KEY) ?? "null") as SavedSession | null;
      return s?.token ? s : undefined;
    } catch {
      return undefined;
    }
  }

  async login(userId: string, password: string): Promise<void> {
    await this.start({ userId, password });
  }

  /** Logs in again with the stored token; false when there is none or it no longer works. */
  async resume(): Promise<boolean> {
    const s = this.saved();
    if (!s) return false;
    try {
      await this.start({ token: s.token });
      return true;
    } catch (err) {
      if (err instanceof StarlingError && !err.retryable) localStorage.removeItem(SESSION_KEY);
      this.phase = "signedOut";
      this.changed();
      return false;
    }
  }

  async logout(): Promise<void> {
    const c = this.client;
    this.client = undefined;
    localStorage.removeItem(SESSION_KEY);
    this.messages.clear();
    this.complete.clear();
    this.behind.clear();
    this.drafts.clear();
    this.members.clear();
    this.typists.clear();
    this.presence.clear();
    this.watched.clear();
    this.names.clear();
    this.wantedNames.clear();
    for (const url of this.avatarUrls.values()) if (url) URL.revokeObjectURL(url);
    this.avatarUrls.clear();
    this.avatarPaths.clear();
    this.phase = "signedOut";
    this.changed();
    await c?.logout().catch(() => c.close());
  }

  /** The newest page of a conversation, unless loaded already. */
  async open(conversationId: string): Promise<void> {
    if (this.messages.has(conversationId)) return;
    const c = this.client;
    const conv = c?.conversations.get(conversationId);
    if (!c || !conv) return;
    this.messages.set(conversationId, []);
    const page = await c.history(conversationId, { beforeSeq: conv.lastSeq + 1n, limit: PAGE });
    this.merge(conversationId, page.messages);
    if (!page.hasMore) this.complete.add(conversationId);
    this.changed();
  }

  /** The page before the oldest loaded message. */
  async loadOlder(conversationId: string): Promise<void> {
    const c = this.client;
    const have = this.messages.get(conversationId);
    if (!c || !have || this.complete.has(conversationId)) return;
    const oldest = have[0]?.seq;
    if (oldest === undefined || oldest <= 1n) {
      this.complete.add(conversationId);
      this.changed();
      return;
    }
    const page = await c.history(conversationId, { beforeSeq: oldest, limit: PAGE });
    this.merge(conversationId, page.messages);
    if (!page.hasMore) this.complete.add(conversationId);
    const list = this.messages.get(conversationId) ?? [];
    if (list.length > WINDOW) {
      this.messages.set(conversationId, list.slice(0, WINDOW));
      this.behind.add(conversationId);
    }
    this.changed();
  }

  async send(
    conversationId: string,
    text: string,
    extra: {
      attachments?: { fileId: string }[];
      replyToSeq?: bigint;
      mentions?: { userId: string; offset: number; length: number }[];
    } = {},
  ): Promise<void> {
    const c = this.client;
    if (!c) return;
    const peer = this.drafts.get(conversationId);
    if (peer && !this.conversation(conversationId)) {
      await c.send({ to: peer, text, ...extra });
      this.drafts.delete(conversationId);
      await c.getConversation(conversationId);
      this.messages.delete(conversationId);
      await this.open(conversationId);
      return;
    }
    await c.send({ conversationId, text, ...extra });
  }

  /** Pins or mutes a conversation for this user on all their devices. */
  async setPrefs(conversationId: string, prefs: { pinned?: boolean; muted?: boolean }): Promise<void> {
    await this.client?.setConversationPrefs(conversationId, prefs);
    this.changed();
  }

  async recall(conversationId: string, seq: bigint): Promise<void> {
    await this.client?.recall(conversationId, seq);
  }

  /** Tells the others this user is typing (at most every few seconds). */
  typing(conversationId: string): void {
    const now = Date.now();
    if (!this.client || now - (this.typingSent.get(conversationId) ?? 0) < 3000) return;
    this.typingSent.set(conversationId, now);
    void this.client.typing(conversationId, true).catch(() => {});
  }

  /** Who else is typing in the conversation now. */
  typingIn(conversationId: string): string[] {
    const now = Date.now();
    return [...(this.typists.get(conversationId) ?? new Map<string, number>())]
      .filter(([, until]) => until > now)
      .map(([who]) => who);
  }

  /** A person's display name from the directory; their id's local part until it is known. */
  displayName(userId: string): string {
    const known = this.names.get(userId);
    if (known !== undefined) return known;
    if (this.client && !this.wantedNames.has(userId)) {
      this.wantedNames.add(userId);
      this.nameTimer ??= setTimeout(() => void this.fetchNames(), 30);
    }
    return userId.split("@")[0] ?? userId;
  }

  private async fetchNames(): Promise<void> {
    this.nameTimer = undefined;
    const c = this.client;
    const ids = [...this.wantedNames].filter((id) => !this.names.has(id)).slice(0, 500);
    if (!c || ids.length === 0) return;
    try {
      for (const card of await c.directory.cards(ids)) {
        this.names.set(card.id, card.displayName);
        if (card.avatar.startsWith("/api/v1/avatars/")) this.avatarPaths.set(card.id, card.avatar);
      }
      // Ids the directory does not know keep their short form.
      for (const id of ids) if (!this.names.has(id)) this.names.set(id, id.split("@")[0] ?? id);
      this.changed();
    } catch {
      for (const id of ids) this.wantedNames.delete(id);
    }
  }

  /**
   * A person's avatar as an object URL, once fetched with the session token
   * (an <img> cannot send it); undefined while unknown or absent.
   */
  avatar(userId: string): string | undefined {
    this.displayName(userId);
    const path = this.avatarPaths.get(userId);
    if (!path) return undefined;
    const known = this.avatarUrls.get(path);
    if (known !== undefined) return known || undefined;
    this.avatarUrls.set(path, "");
    const token = this.token;
    if (token)
      void fetch(`${path}&size=64`, { headers: { authorization: `Bearer ${token}` } })
        .then(async (r) => {
          if (!r.ok) return;
          this.avatarUrls.set(path, URL.createObjectURL(await r.blob()));
          this.changed();
        })
        .catch(() => {});
    return undefined;
  }

  /** Sets the user's own avatar from a picture. */
  async setAvatar(file: File): Promise<void> {
    const token = this.token;
    if (!token) return;
    const r = await fetch("/api/v1/me/avatar", {
      method: "PUT",
      headers: { authorization: `Bearer ${token}`, "content-type": file.type || "application/octet-stream" },
      body: file,
    });
    const body = (await r.json().catch(() => ({}))) as { avatar?: string; message?: string };
    if (!r.ok || !body.avatar) throw new Error(body.message ?? `the picture was refused (${r.status})`);
    this.avatarPaths.set(this.userId, body.avatar);
    this.changed();
  }

  /** Whether a user is online, away or offline, for those watched (1:1 peers). */
  presenceOf(userId: string): "online" | "away" | "offline" | undefined {
    const s = this.presence.get(userId);
    return s === PresenceStatus.ONLINE
      ? "online"
      : s === PresenceStatus.AWAY
        ? "away"
        : s
          ? "offline"
          : undefined;
  }

  /** Watches the presence of every 1:1 peer not watched yet. */
  private watchPeers(): void {
    const c = this.client;
    if (!c) return;
    const peers = [...c.conversations.values()]
      .map((conv) => conv.peerId)
      .filter((p) => p && !this.watched.has(p))
      .slice(0, 500);
    if (peers.length === 0) return;
    for (const p of peers) this.watched.add(p);
    void c
      .subscribePresence(peers)
      .then((states) => {
        for (const st of states) this.presence.set(st.userId, st.status);
        this.changed();
      })
      .catch(() => {
        for (const p of peers) this.watched.delete(p);
      });
  }

  /** The group's members with their read cursors (loaded on demand, then kept by receipts). */
  groupMembers(conversationId: string): Member[] | undefined {
    const have = this.members.get(conversationId);
    if (!have && this.client && !this.membersLoading.has(conversationId)) {
      this.membersLoading.add(conversationId);
      void this.client
        .members(conversationId)
        .then((list) => {
          this.members.set(conversationId, list);
          this.changed();
        })
        .catch(() => {})
        .finally(() => this.membersLoading.delete(conversationId));
    }
    return have;
  }

  /** Marks a conversation read up to its last message (when it is on screen). */
  async markRead(conversationId: string): Promise<void> {
    const c = this.client;
    const conv = c?.conversations.get(conversationId);
    if (!c || !conv || conv.lastSeq <= conv.readSeq) return;
    await c.markRead(conversationId, conv.lastSeq);
    this.changed();
  }

  private async start(auth: { userId: string; password: string } | { token: string }): Promise<void> {
    await this.client?.close();
    const client = new StarlingClient({
      endpoints: [wsEndpoint()],
      auth,
      device: { platform: "web", deviceId: deviceId() },
      transport: webSocketTransportFactory,
    });
    this.client = client;
    let connected = false;
    // Until the first login succeeds the screen stays as it is (the login form, with its own progress).
    client.on("state", (state) => {
      if (this.client !== client || !connected) return;
      this.phase = state;
      this.changed();
    });
    client.on("message", (m) => {
      if (this.client !== client) return;
      if (this.messages.has(m.conversationId) && !this.behind.has(m.conversationId))
        this.merge(m.conversationId, [m]);
      this.typists.get(m.conversationId)?.delete(m.senderId);
      this.notify(m);
      this.changed();
    });
    client.on("receipt", (r) => {
      if (this.client !== client) return;
      const m = this.members.get(r.conversationId)?.find((x) => x.userId === r.userId);
      if (m) {
        if (r.readSeq > m.readSeq) m.readSeq = r.readSeq;
        if (r.deliveredSeq > m.deliveredSeq) m.deliveredSeq = r.deliveredSeq;
      }
      this.changed();
    });
    client.on("directoryChanged", () => {
      if (this.client !== client) return;
      // Names and pictures may have changed: asked for again as they are shown.
      this.names.clear();
      this.wantedNames.clear();
      this.avatarPaths.clear();
      this.changed();
    });
    client.on("presence", (st) => {
      if (this.client !== client) return;
      this.presence.set(st.userId, st.status);
      this.changed();
    });
    client.on("conversation", (conv) => {
      if (this.client !== client) return;
      if (connected) this.watchPeers();
      // Membership may have changed: the member list is read again when next needed.
      this.members.delete(conv.id);
      this.changed();
    });
    client.on("typing", (e) => {
      if (this.client !== client || e.userId === this.userId) return;
      const map = this.typists.get(e.conversationId) ?? new Map<string, number>();
      if (e.typing) map.set(e.userId, Date.now() + 6000);
      else map.delete(e.userId);
      this.typists.set(e.conversationId, map);
      this.changed();
      setTimeout(() => this.changed(), 6100);
    });
    try {
      const welcome = await client.connect();
      connected = true;
      this.userId = welcome.userId;
      if (welcome.maxTextLength > 0) this.maxTextLength = welcome.maxTextLength;
      this.watched.clear();
      this.watchPeers();
      const token = client.token;
      if (token) localStorage.setItem(SESSION_KEY, JSON.stringify({ token, userId: welcome.userId }));
      this.phase = client.state;
      this.changed();
    } catch (err) {
      this.client = undefined;
      await client.close().catch(() => {});
      this.phase = "signedOut";
      this.changed();
      throw err;
    }
  }

  /** A desktop notification for a message from someone else while the tab is hidden. */
  private notify(m: Message): void {
    if (m.senderId === this.userId || !m.content || document.visibilityState === "visible") return;
    if (typeof Notification === "undefined" || Notification.permission !== "granted") return;
    const conv = this.conversation(m.conversationId);
    if (conv?.muted) return;
    const from = m.senderId.split("@")[0] ?? m.senderId;
    const n = new Notification(conv?.name || from, {
      body: m.content.text || (m.content.attachments[0]?.name ?? ""),
      tag: m.conversationId,
    });
    n.onclick = () => window.focus();
  }

  private merge(conversationId: string, incoming: readonly Message[]): void {
    const list = this.messages.get(conversationId) ?? [];
    const bySeq = new Map(list.map((m) => [m.seq, m]));
    for (const m of incoming) bySeq.set(m.seq, m);
    this.messages.set(
      conversationId,
      [...bySeq.values()].sort((a, b) => (a.seq < b.seq ? -1 : a.seq > b.seq ? 1 : 0)),
    );
  }
}

export const store = new ChatStore();
