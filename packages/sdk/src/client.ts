import {
  type Conversation,
  ErrorCode,
  type HistoryResult,
  type Invite,
  isValidClientMsgId,
  MAX_CLIENT_MSG_ID_LENGTH,
  type Member,
  type MentionsPage,
  type PresenceState,
  type PresenceStatus,
  type ReadersResult,
  type SearchResults,
  type SendAck,
  type SessionInfo,
  type Settings,
  StarlingError,
  type Welcome,
} from "@starling/protocol";
import { asError } from "./client-errors.js";
import type { RequestBody } from "./connection.js";
import { DirectoryClient } from "./directory.js";
import { Emitter, type Listener } from "./emitter.js";
import { type Favourite, type FavouritesQuery, toFavourite } from "./favourites.js";
import { randomId } from "./ids.js";
import type { ClientOptions } from "./options.js";
import type { PushDevice, PushDeviceInput, PushDeviceRef } from "./push-devices.js";
import type { RetryPolicy } from "./requester.js";
import { type SeqLike, toWire } from "./seq.js";
import { Session } from "./session.js";
import type { SyncState } from "./sync-state.js";
import type {
  ClientState,
  EditInput,
  HistoryQuery,
  SearchOptions,
  SendInput,
  SendState,
  SettingsInput,
  StarlingClientEvents,
} from "./types.js";

/** User ids per SubscribePresence, the server's most. */
const PRESENCE_PAGE = 500;

/**
 * A Starling client for browsers and Node. It stays connected across
 * network changes and server restarts, sends every message exactly once and
 * in order, and emits every message of every conversation once, in seq
 * order. In Node, createNodeClient from "@starling/sdk/node" adds TCP/TLS.
 */
export class StarlingClient {
  private readonly emitter: Emitter<StarlingClientEvents>;
  private readonly session: Session;
  /**
   * Users whose presence the app subscribed to. Subscriptions end with each
   * connection, so they are renewed on the next one (after a drop, a
   * failover, or a node asking the client to move).
   */
  private readonly watching = new Set<string>();
  private renewWatching = false;
  /** The organisation directory: requests, and a local copy kept up to date by sync(). */
  readonly directory: DirectoryClient;

  constructor(options: ClientOptions) {
    this.emitter = new Emitter((err, event) => {
      // An app bug must surface somewhere: on `error` if someone listens,
      // else as an uncaught exception, like a throw in any other callback.
      if (event === "error" || this.emitter.listenerCount("error") === 0) {
        queueMicrotask(() => {
          throw err;
        });
      } else this.emitter.emit("error", asError(err));
    });
    this.session = new Session(options, this.emitter);
    this.directory = new DirectoryClient(
      () => this.session.requester,
      (update) => this.emitter.emit("directory", update),
      options.directoryPageLimit,
    );
    this.emitter.on("directoryChanged", ({ version }) => this.directory.changed(version));
    this.emitter.on("state", (state) => {
      if (state === "reconnecting") this.renewWatching = true;
      else if (state === "online" && this.renewWatching) void this.renewPresence();
    });
  }

  /** Subscribes again on the new connection; the current states arrive as `presence` events. */
  private async renewPresence(): Promise<void> {
    this.renewWatching = false;
    const ids = [...this.watching];
    try {
      for (let i = 0; i < ids.length; i += PRESENCE_PAGE) {
        const body: RequestBody = {
          case: "subscribePresence",
          value: { userIds: ids.slice(i, i + PRESENCE_PAGE) },
        };
        const list = await this.session.requester.expect(body, "idempotent", "presence");
        for (const state of list.states) this.emitter.emit("presence", state);
      }
    } catch (err) {
      // Dropped again: the next connection renews them.
      if (this.session.state === "online") this.emitter.emit("error", asError(err));
    }
  }

  /** Adds a listener; returns a function that removes it. */
  on<K extends keyof StarlingClientEvents>(
    event: K,
    listener: Listener<StarlingClientEvents[K]>,
  ): () => void {
    return this.emitter.on(event, listener);
  }

  once<K extends keyof StarlingClientEvents>(
    event: K,
    listener: Listener<StarlingClientEvents[K]>,
  ): () => void {
    return this.emitter.once(event, listener);
  }

  off<K extends keyof StarlingClientEvents>(event: K, listener: Listener<StarlingClientEvents[K]>): void {
    this.emitter.off(event, listener);
  }

  get state(): ClientState {
    return this.session.state;
  }

  /** The full user id ("alice@example.com") once connected; "" before. */
  get userId(): string {
    return this.session.userId;
  }

  /** The session token to log in with next time (from the password login, or as given). */
  get token(): string | undefined {
    return this.session.credentials.token;
  }

  /** Every conversation the client knows, kept current by sync and pushes. */
  get conversations(): ReadonlyMap<string, Conversation> {
    return this.session.cache.view;
  }

  /**
   * Connects and resolves once online: logged in and caught up. Rejects if
   * no endpoint can be reached in a first round, or login is refused.
   */
  connect(): Promise<Welcome> {
    return this.session.connect();
  }

  /** Closes the connection. Pending sends and requests fail with a retryable ConnectionClosedError. */
  close(): Promise<void> {
    return this.session.close();
  }

  /** Ends this device's session on the server (the token stops working), then closes. */
  async logout(): Promise<void> {
    this.session.loggingOut = true;
    try {
      await this.session.requester.call({ case: "logout", value: {} }, "once");
    } catch (err) {
      this.session.loggingOut = false;
      throw err;
    }
    this.session.credentials.forgetToken();
    await this.session.close();
  }

  /**
   * Sends a message. Resolves with the server's ack once it is stored, after
   * as many reconnects and retries as that takes; rejects only on a refusal
   * that retrying cannot fix, or when the client closes first.
   */
  send(input: SendInput): Promise<SendAck> {
    if ((input.to === undefined) === (input.conversationId === undefined)) {
      return Promise.reject(
        new StarlingError(ErrorCode.INVALID_ARGUMENT, "give exactly one of to and conversationId"),
      );
    }
    if (input.clientMsgId !== undefined && !isValidClientMsgId(input.clientMsgId)) {
      return Promise.reject(
        new StarlingError(
          ErrorCode.INVALID_ARGUMENT,
          `client_msg_id must be 1-${MAX_CLIENT_MSG_ID_LENGTH} printable ASCII characters`,
          { details: { field: "client_msg_id" } },
        ),
      );
    }
    const clientMsgId = input.clientMsgId ?? randomId();
    const content = {
      text: input.text ?? "",
      mentions: input.mentions ?? [],
      replyToSeq: toWire(input.replyToSeq),
      ...(input.custom ? { custom: input.custom } : {}),
      attachments: (input.attachments ?? []).map((a) => ({ fileId: a.fileId, kind: a.kind ?? 0 })),
    };
    const message = {
      conversationId: input.conversationId ?? "",
      toUserId: input.to ?? "",
      clientMsgId,
      content,
    };
    return this.session.send(clientMsgId, { ...input, clientMsgId }, message);
  }

  /** Sends not yet acknowledged, in order, each with its clientMsgId (to persist and resend later). */
  pendingSends(): SendInput[] {
    return this.session.pendingSends();
  }

  /**
   * Sends not yet acknowledged, in order, with where each stands ("queued"
   * or "sending") and whether it can still be cancelled; the `sends` event
   * carries the same list whenever it changes.
   */
  sendStates(): SendState[] {
    return this.session.sendStates();
  }

  /**
   * Withdraws a send that was never transmitted: its promise rejects with
   * SendCancelledError and it is never stored. Returns false, changing
   * nothing, when the send is unknown or already went out on some
   * connection (the server may have stored it; its ack will still come).
   */
  cancelSend(clientMsgId: string): boolean {
    return this.session.cancelSend(clientMsgId);
  }

  /** Reads history directly; does not affect what the `message` event delivers. */
  history(conversationId: string, query: HistoryQuery = {}): Promise<HistoryResult> {
    const value = {
      conversationId,
      afterSeq: toWire(query.afterSeq),
      beforeSeq: toWire(query.beforeSeq),
      limit: query.limit ?? 50,
    };
    return this.session.requester.expect({ case: "getHistory", value }, "idempotent", "history");
  }

  /** Runs a sync pass now (catching up every changed conversation); resolves with what changed. */
  sync(): Promise<Conversation[]> {
    return this.session.sync();
  }

  async markRead(conversationId: string, seq: SeqLike): Promise<void> {
    await this.call({ case: "markRead", value: { conversationId, seq: toWire(seq) } }, "idempotent");
    this.session.cache.applyRead(conversationId, toWire(seq));
  }

  async markDelivered(conversationId: string, seq: SeqLike): Promise<void> {
    await this.call({ case: "markDelivered", value: { conversationId, seq: toWire(seq) } }, "idempotent");
  }

  /** Recalls a message; the recall itself arrives as a new message with event.messageRecalled. */
  async recall(conversationId: string, seq: SeqLike): Promise<void> {
    await this.call({ case: "recall", value: { conversationId, seq: toWire(seq) } }, "once");
  }

  /**
   * Replaces the text of one's own message (within Welcome.editWindowMs; 0: no limit). The
   * message keeps its seq; every device, this one too, gets a message_edited event
   * (the `messageEdited` event here), and history returns the new content with editedAt.
   */
  async editMessage(conversationId: string, seq: SeqLike, content: EditInput | string): Promise<void> {
    const c = typeof content === "string" ? { text: content } : content;
    const value = {
      conversationId,
      seq: toWire(seq),
      content: { text: c.text, mentions: c.mentions ?? [], ...(c.custom ? { custom: c.custom } : {}) },
    };
    await this.call({ case: "editMessage", value }, "once");
  }

  /**
   * Adds (or with add = false removes) one's reaction with `emoji` on a message. Adding twice or
   * removing what is not there changes nothing, so a retry is safe; each change reaches every
   * device as a reaction_changed event (the `reaction` event here).
   */
  async react(conversationId: string, seq: SeqLike, emoji: string, add = true): Promise<void> {
    await this.call({ case: "react", value: { conversationId, seq: toWire(seq), emoji, add } }, "idempotent");
  }

  /**
   * Pins a message in the conversation for every member (pinned false unpins): either peer of a
   * 1:1 chat, a group's owner or admins. Everyone sees a message_pinned event; resolves once the
   * conversation (with its pinnedSeqs) has been fetched again.
   */
  async pinMessage(conversationId: string, seq: SeqLike, pinned = true): Promise<void> {
    await this.call(
      { case: "pinMessage", value: { conversationId, seq: toWire(seq), pinned } },
      "idempotent",
    );
    await this.getConversation(conversationId);
  }

  /**
   * Hides messages from the user's own view on all their devices (delete for me); the other
   * members still see them. They stay in history and in the `message` stream: leave out the
   * seqs in conversation.hiddenSeqs when showing the conversation. Resolves once the
   * conversation has been fetched again.
   */
  async hideMessages(conversationId: string, seqs: SeqLike[]): Promise<void> {
    await this.call(
      { case: "hideMessages", value: { conversationId, seqs: seqs.map(toWire) } },
      "idempotent",
    );
    await this.getConversation(conversationId);
  }

  /** Saves a message the user may read; saving it again resolves with the same favourite. */
  async addFavourite(conversationId: string, seq: SeqLike): Promise<Favourite> {
    const body: RequestBody = { case: "addFavourite", value: { conversationId, seq: toWire(seq) } };
    return toFavourite(await this.session.requester.expect(body, "idempotent", "favourite"));
  }

  async removeFavourite(favouriteId: string): Promise<void> {
    await this.call({ case: "removeFavourite", value: { id: favouriteId } }, "once");
  }

  /** The user's favourites, newest first; page on with before = the last id while hasMore. */
  async favourites(options: FavouritesQuery = {}): Promise<{ favourites: Favourite[]; hasMore: boolean }> {
    const body: RequestBody = {
      case: "listFavourites",
      value: { before: options.before ?? "", limit: options.limit ?? 0 },
    };
    const list = await this.session.requester.expect(body, "idempotent", "favourites");
    return { favourites: list.favourites.map(toFavourite), hasMore: list.hasMore };
  }

  readers(conversationId: string, seq: SeqLike): Promise<ReadersResult> {
    const value = { conversationId, seq: toWire(seq) };
    return this.session.requester.expect({ case: "getReaders", value }, "idempotent", "readers");
  }

  /**
   * One search over people, groups, messages and files. Give a scope for
   * pages of one kind (pass the result's nextCursor back as cursor).
   */
  search(query: string, options: SearchOptions = {}): Promise<SearchResults> {
    const { since, until, ...rest } = options;
    const value = {
      query,
      ...rest,
      ...(since !== undefined ? { sinceTime: BigInt(since) } : {}),
      ...(until !== undefined ? { untilTime: BigInt(until) } : {}),
    };
    return this.session.requester.expect({ case: "search", value }, "idempotent", "searchResults");
  }

  /**
   * The messages mentioning this user (by id, or everyone in a group) across
   * their conversations, newest first; pass the page's nextCursor back for older ones.
   */
  listMentions(options: { limit?: number; cursor?: string } = {}): Promise<MentionsPage> {
    const value = { limit: options.limit ?? 0, cursor: options.cursor ?? "" };
    return this.session.requester.expect({ case: "listMentions", value }, "idempotent", "mentions");
  }

  /** Best effort: skipped while offline. */
  async typing(conversationId: string, typing = true): Promise<void> {
    await this.call({ case: "typing", value: { conversationId, typing } }, "droppable");
  }

  async setPresence(status: PresenceStatus): Promise<void> {
    await this.call({ case: "setPresence", value: { status } }, "idempotent");
  }

  /** Returns the users' current status; later changes arrive as `presence` events. */
  async subscribePresence(userIds: string[]): Promise<PresenceState[]> {
    const body: RequestBody = { case: "subscribePresence", value: { userIds } };
    const states = (await this.session.requester.expect(body, "idempotent", "presence")).states;
    for (const id of userIds) this.watching.add(id);
    return states;
  }

  async unsubscribePresence(userIds: string[]): Promise<void> {
    for (const id of userIds) this.watching.delete(id);
    await this.call({ case: "unsubscribePresence", value: { userIds } }, "idempotent");
  }

  /** Creates a group with the user as owner; its messages are emitted from seq 1. */
  async createGroup(name: string, memberIds: string[]): Promise<Conversation> {
    const body: RequestBody = { case: "createGroup", value: { name, memberIds } };
    const conversation = await this.session.requester.expect(body, "once", "conversation");
    this.session.noteConversation(conversation.id);
    this.session.learned(conversation);
    return conversation;
  }

  async renameGroup(conversationId: string, name: string): Promise<void> {
    await this.call({ case: "renameGroup", value: { conversationId, name } }, "once");
  }

  async addMembers(conversationId: string, userIds: string[]): Promise<void> {
    await this.call({ case: "addMembers", value: { conversationId, userIds } }, "once");
  }

  async removeMembers(conversationId: string, userIds: string[]): Promise<void> {
    await this.call({ case: "removeMembers", value: { conversationId, userIds } }, "once");
  }

  async leaveGroup(conversationId: string): Promise<void> {
    await this.call({ case: "leaveGroup", value: { conversationId } }, "once");
  }

  async disbandGroup(conversationId: string): Promise<void> {
    await this.call({ case: "disbandGroup", value: { conversationId } }, "once");
  }

  /** role: "admin" or "member"; "owner" hands ownership over. */
  async setMemberRole(conversationId: string, userId: string, role: string): Promise<void> {
    await this.call({ case: "setMemberRole", value: { conversationId, userId, role } }, "once");
  }

  /** Owners and admins; empty text clears it. Members see it on the conversation and as an event. */
  async setAnnouncement(conversationId: string, text: string): Promise<void> {
    await this.call({ case: "setAnnouncement", value: { conversationId, text } }, "once");
  }

  /** Owners and admins: a new invite link token (shown only now), valid for 7 days. */
  createInvite(conversationId: string): Promise<Invite> {
    const body: RequestBody = { case: "createInvite", value: { conversationId } };
    return this.session.requester.expect(body, "once", "invite");
  }

  /** What an invite token is for (group name, member count, whether the user is in it already). */
  previewInvite(token: string): Promise<Invite> {
    const body: RequestBody = { case: "joinByInvite", value: { token, preview: true } };
    return this.session.requester.expect(body, "idempotent", "invite");
  }

  /** Joins the group of an invite token (same domain only); joining twice changes nothing. */
  async joinByInvite(token: string): Promise<Conversation> {
    const body: RequestBody = { case: "joinByInvite", value: { token, preview: false } };
    const conversation = await this.session.requester.expect(body, "idempotent", "conversation");
    this.session.noteConversation(conversation.id);
    this.session.learned(conversation);
    return conversation;
  }

  /** Owners and admins: every invite link of the group made so far stops working. */
  async revokeInvite(conversationId: string): Promise<void> {
    await this.call({ case: "revokeInvite", value: { conversationId } }, "idempotent");
  }

  async members(conversationId: string): Promise<Member[]> {
    const body: RequestBody = { case: "getMembers", value: { conversationId } };
    return (await this.session.requester.expect(body, "idempotent", "members")).members;
  }

  /** The user's own settings of a conversation, on all their devices; unset fields stay as they are. */
  async setConversationPrefs(
    conversationId: string,
    prefs: { pinned?: boolean; muted?: boolean; announcementSeenAt?: bigint },
  ): Promise<Conversation> {
    await this.call({ case: "setConversationPrefs", value: { conversationId, ...prefs } }, "idempotent");
    return this.getConversation(conversationId);
  }

  async getConversation(conversationId: string): Promise<Conversation> {
    const body: RequestBody = { case: "getConversation", value: { conversationId } };
    const conversation = await this.session.requester.expect(body, "idempotent", "conversation");
    this.session.learned(conversation);
    return conversation;
  }

  /**
   * Sets a new password. Required first when Welcome.mustChangePassword is set
   * (every other request fails with PASSWORD_CHANGE_REQUIRED until then).
   * Other devices' sessions stop working; this one stays, and catches up
   * (a login that had to change its password has not synced before).
   */
  async changePassword(oldPassword: string, newPassword: string): Promise<void> {
    await this.call({ case: "changePassword", value: { oldPassword, newPassword } }, "once");
    this.session.passwordChanged();
  }

  /** The user's login sessions (one per device login), most recently used first; `current` is this one. */
  async listSessions(): Promise<SessionInfo[]> {
    const body: RequestBody = { case: "listSessions", value: {} };
    return (await this.session.requester.expect(body, "idempotent", "sessionList")).sessions;
  }

  /** Ends one of the user's sessions by its id: its token stops working, its connections close. */
  async revokeSession(sessionId: string): Promise<void> {
    await this.call({ case: "revokeSession", value: { sessionId } }, "once");
  }

  /** Ends every session of the user but this one. */
  async revokeOtherSessions(): Promise<void> {
    await this.call({ case: "revokeSession", value: { allOthers: true } }, "once");
  }

  /**
   * Registers this device for push notifications, or updates its registration; a token
   * registered before (by anyone) becomes this user's. Past the server's per-user limit the
   * user's least recently used device is dropped.
   */
  registerPushDevice(input: PushDeviceInput): Promise<PushDevice> {
    const value = {
      provider: input.provider,
      platform: input.platform,
      appId: input.appId ?? "",
      token: input.token,
      locale: input.locale ?? "",
    };
    return this.session.requester.expect({ case: "registerPushDevice", value }, "idempotent", "pushDevice");
  }

  /** Removes one of the user's push registrations (this device's on logout, say). */
  async unregisterPushDevice(ref: PushDeviceRef): Promise<void> {
    const value = "id" in ref ? { deviceId: ref.id } : { token: ref.token };
    await this.call({ case: "unregisterPushDevice", value }, "once");
  }

  /** The user's devices registered for push notifications. */
  async listPushDevices(): Promise<PushDevice[]> {
    const body: RequestBody = { case: "listPushDevices", value: {} };
    return (await this.session.requester.expect(body, "idempotent", "pushDevices")).devices;
  }

  /** The user's roaming settings (the same on every device). */
  async settings(): Promise<Settings> {
    return this.setSettings({});
  }

  /** Changes roaming settings; the user's other devices get a `settings` event. */
  async setSettings(input: SettingsInput): Promise<Settings> {
    const body: RequestBody = { case: "setSettings", value: input };
    return this.session.requester.expect(body, "idempotent", "settings");
  }

  /** The device state to store and pass back as `options.state` next run. */
  syncState(): SyncState {
    return this.session.syncState();
  }

  private async call(body: RequestBody, policy: RetryPolicy): Promise<void> {
    await this.session.requester.call(body, policy);
  }
}
