import { ErrorCode, type Event, type Message, StarlingError } from "@starling/protocol";
import { localPartOf } from "../../core/kernel/ids.js";
import type { MemberRole } from "../../core/kernel/records.js";
import { roomConversation, roomJid, type XmppContext } from "./context.js";
import { correct, react, reactionsOf } from "./corrections.js";
import type { Jid } from "./jid.js";
import { MAM_FEATURES, mamFields, mamMetadata, mamQuery } from "./mam.js";
import { archiveId, delayOf, messageStanza, parseArchiveId } from "./render.js";
import { vcardOf } from "./roster-vcard.js";
import { child, childElements, el, NS, textOf, type XElement } from "./stanza.js";

/** Room history sent on joining when the client does not say how much (as Prosody does). */
const DEFAULT_HISTORY = 20;
const MAX_HISTORY = 50;
/** Rooms listed by disco#items on the service. */
const MAX_LISTED_ROOMS = 500;

/** The features of every room: members-only, persistent, everyone's JID visible, archived. */
const ROOM_FEATURES = [
  NS.muc,
  "muc_membersonly",
  "muc_persistent",
  "muc_nonanonymous",
  "muc_unmoderated",
  "muc_hidden",
  ...MAM_FEATURES,
  NS.stanzaId,
  NS.discoInfo,
] as const;

/** A Starling role as a MUC affiliation and role (XEP-0045 section 5). */
function affiliationOf(role: MemberRole | "none"): { affiliation: string; role: string } {
  switch (role) {
    case "owner":
      return { affiliation: "owner", role: "moderator" };
    case "admin":
      return { affiliation: "admin", role: "moderator" };
    case "none":
      return { affiliation: "none", role: "none" };
    default:
      return { affiliation: "member", role: "participant" };
  }
}

/** The acknowledgement of a message the session sent, with the id it was stored under. */
export interface SentAck {
  conversationId: string;
  seq: number;
  serverTime: number;
  clientMsgId: string;
}

/** What the rooms need of the session's stanza handling (the router): the context, and sending. */
export interface RoomContext extends XmppContext {
  /** Sends a message with a body to a user or a group; `then` runs with the ack. */
  sendContent(
    stanza: XElement,
    target: { toUserId: string } | { conversationId: string },
    body: string,
    then?: (ack: SentAck) => void,
  ): void;
  /** The seq of the user's own message named by the id they sent it with (or its stanza-id). */
  ownSeq(conversationId: string, id: string): Promise<number | undefined>;
}

/**
 * Groups as multi-user chat rooms (XEP-0045) at `conference.<domain>`: a
 * group `g:abc` is the room `abc@conference.<domain>` and each member's
 * nickname is their user name, so everyone is seen by their JID. A room is
 * members-only and its occupants are the group's members; joining is for
 * receiving the room's messages in this session, not for becoming a member
 * (membership is managed in Starling). Messages are stored with the group's
 * next seq and reflected to the sender with their stanza-id.
 */
export class Muc {
  /** Rooms this session has joined: conversation id to the nickname in use. */
  private readonly joined = new Map<string, string>();

  constructor(private readonly r: RoomContext) {}

  private get domain(): string {
    return this.r.session.domain;
  }

  private get me(): string {
    return this.r.session.userId;
  }

  handle(stanza: XElement, to: Jid): void {
    if (!to.local) {
      this.service(stanza);
      return;
    }
    const conversationId = roomConversation(to.local);
    if (!conversationId) {
      if (stanza.attrs.type !== "error") this.r.error(stanza, "cancel", "item-not-found");
      return;
    }
    if (stanza.name === "presence") this.presence(stanza, conversationId, to);
    else if (stanza.name === "message") this.message(stanza, conversationId, to);
    else this.iq(stanza, conversationId, to);
  }

  /** The rooms this session is in. */
  joinedRooms(): string[] {
    return [...this.joined.keys()];
  }

  /** A group message pushed to this user: shown if this session is in the room. */
  deliver(msg: Message): void {
    if (!this.joined.has(msg.conversationId)) return;
    const stanza = messageStanza(this.r.session, msg);
    if (stanza) this.r.session.send(stanza);
  }

  /** A group's membership or settings changed: occupants and the subject follow. */
  event(msg: Message, event: Event): void {
    const room = roomJid(msg.conversationId, this.domain);
    const kind = event.kind;
    if (kind.case === "groupCreated" || kind.case === "membersAdded") {
      const added = kind.case === "groupCreated" ? kind.value.memberIds : kind.value.userIds;
      // A direct invitation (XEP-0249) lets the client join a group it was just put in.
      if (added.includes(this.me) && kind.value.by !== this.me && !this.joined.has(msg.conversationId))
        this.r.session.send(
          el(
            "message",
            { xmlns: NS.client, from: room, to: this.r.session.fullJid, id: msg.clientMsgId },
            el("x", { xmlns: "jabber:x:conference", jid: room }),
          ),
        );
    }
    if (!this.joined.has(msg.conversationId)) return;
    switch (kind.case) {
      case "membersAdded":
        for (const id of kind.value.userIds)
          if (id !== this.me) this.r.session.send(this.occupant(msg.conversationId, id, "member"));
        return;
      case "memberJoined":
        if (kind.value.userId !== this.me)
          this.r.session.send(this.occupant(msg.conversationId, kind.value.userId, "member"));
        return;
      case "membersRemoved":
        for (const id of kind.value.userIds) this.gone(msg.conversationId, id, "321");
        return;
      case "memberLeft":
        this.gone(msg.conversationId, kind.value.userId, undefined);
        return;
      case "roleChanged":
        this.r.session.send(
          this.occupant(msg.conversationId, kind.value.userId, kind.value.role as MemberRole),
        );
        return;
      case "groupRenamed":
        this.r.session.send(this.subject(msg.conversationId, kind.value.name, kind.value.by, msg));
        return;
      case "groupDisbanded":
        this.joined.delete(msg.conversationId);
        this.r.session.send(
          el(
            "presence",
            {
              xmlns: NS.client,
              from: `${room}/${localPartOf(this.me)}`,
              to: this.r.session.fullJid,
              type: "unavailable",
            },
            el(
              "x",
              { xmlns: NS.mucUser },
              el("item", { ...affiliationOf("none"), jid: this.me }),
              el("destroy", {}, el("reason", {}, "The group was disbanded.")),
              el("status", { code: "110" }),
            ),
          ),
        );
        return;
      default:
        // The announcement and the picture have no MUC counterpart (the subject is the
        // group's name, both ways), so XMPP clients are not told of them.
        return;
    }
  }

  /**
   * An event about a message in a joined room (a recall, an edit, a reaction), as `payload` from
   * the one who made it.
   */
  relayEvent(event: Message, payload: XElement[]): void {
    if (!this.joined.has(event.conversationId)) return;
    this.r.session.send(
      el(
        "message",
        {
          xmlns: NS.client,
          from: `${roomJid(event.conversationId, this.domain)}/${localPartOf(event.senderId)}`,
          to: this.r.session.fullJid,
          type: "groupchat",
          id: event.clientMsgId,
        },
        ...payload,
      ),
    );
  }

  close(): void {
    this.joined.clear();
  }

  // --- the service itself

  private service(stanza: XElement): void {
    const type = stanza.attrs.type;
    if (stanza.name !== "iq") {
      if (stanza.name === "message" && type !== "error")
        this.r.error(stanza, "cancel", "service-unavailable");
      return;
    }
    if (type === "result" || type === "error") return;
    const q = childElements(stanza)[0];
    if (type === "get" && q?.name === "query" && q.ns === NS.discoInfo && !q.attrs.node) {
      this.r.result(
        stanza,
        el(
          "query",
          { xmlns: NS.discoInfo },
          el("identity", { category: "conference", type: "text", name: "Groups" }),
          el("feature", { var: NS.muc }),
          el("feature", { var: NS.discoInfo }),
          el("feature", { var: NS.discoItems }),
        ),
      );
      return;
    }
    if (type === "get" && q?.name === "query" && q.ns === NS.discoItems && !q.attrs.node) {
      // Only the user's own groups are listed: other groups are private to their members.
      this.r.answer(stanza, async () => {
        const groups = await this.r.core.groups.groupsOf(this.me, MAX_LISTED_ROOMS);
        return el(
          "query",
          { xmlns: NS.discoItems },
          ...groups.map((g) => el("item", { jid: roomJid(g.id, this.domain), name: g.name })),
        );
      });
      return;
    }
    if (type === "get" && q?.name === "ping" && q.ns === NS.ping) {
      this.r.result(stanza);
      return;
    }
    this.r.error(stanza, "cancel", "service-unavailable");
  }

  // --- a room

  /** Joining (available presence to room/nick) and leaving (unavailable). */
  private presence(stanza: XElement, conversationId: string, to: Jid): void {
    const type = stanza.attrs.type;
    if (type === "error" || type === "probe" || type?.startsWith("subscri") || type?.startsWith("unsubscri"))
      return;
    const room = roomJid(conversationId, this.domain);
    const nick = localPartOf(this.me);
    if (type === "unavailable") {
      if (!this.joined.delete(conversationId)) return;
      this.r.session.send(
        el(
          "presence",
          { xmlns: NS.client, from: `${room}/${nick}`, to: this.r.session.fullJid, type: "unavailable" },
          el(
            "x",
            { xmlns: NS.mucUser },
            el("item", { ...affiliationOf("member"), role: "none", jid: this.r.session.fullJid }),
            el("status", { code: "110" }),
          ),
        ),
      );
      return;
    }
    if (!to.resource) {
      this.r.error(stanza, "modify", "jid-malformed", "a nickname is required to join");
      return;
    }
    const asked = to.resource;
    const history = child(child(stanza, "x", NS.muc) ?? el("x"), "history", NS.muc);
    this.join(conversationId, asked !== nick, history).catch((err) => this.joinFailed(stanza, err));
  }

  /**
   * Sends the occupants (the group's members), the user's own presence, the
   * recent history and the subject, in the order XEP-0045 section 7.2 gives.
   */
  private async join(conversationId: string, nickChanged: boolean, history?: XElement): Promise<void> {
    const { conv, members } = await this.r.core.groups.withMembers({ userId: this.me }, conversationId);
    if (!conv || conv.disbanded) throw new StarlingError(ErrorCode.NOT_FOUND, "no such group");
    const room = roomJid(conversationId, this.domain);
    const nick = localPartOf(this.me);
    const rejoin = this.joined.has(conversationId);
    this.joined.set(conversationId, nick);
    const myRole = members.find((m) => m.userId === this.me)?.role ?? "member";
    if (!rejoin)
      for (const m of members)
        if (m.userId !== this.me) this.r.session.send(this.occupant(conversationId, m.userId, m.role));
    this.r.session.send(
      el(
        "presence",
        { xmlns: NS.client, from: `${room}/${nick}`, to: this.r.session.fullJid },
        el(
          "x",
          { xmlns: NS.mucUser },
          el("item", { ...affiliationOf(myRole), jid: this.r.session.fullJid }),
          el("status", { code: "100" }),
          el("status", { code: "110" }),
          nickChanged && el("status", { code: "210" }),
        ),
      ),
    );
    if (rejoin) return;
    const max = this.historyLimit(history);
    const since = history?.attrs.since ? Date.parse(history.attrs.since) : Number.NaN;
    if (max > 0) {
      const page = await this.r.core.history.page(this.me, conversationId, {
        afterSeq: 0,
        beforeSeq: conv.lastSeq + 1,
        limit: max,
      });
      for (const m of page.messages) {
        if (!m.content || m.recalled) continue;
        if (!Number.isNaN(since) && Number(m.serverTime) < since) continue;
        const stanza = messageStanza(this.r.session, m);
        if (stanza) {
          stanza.children.push(delayOf(m.serverTime, room));
          this.r.session.send(stanza);
        }
      }
    }
    this.r.session.send(this.subject(conversationId, conv.name ?? "", undefined));
  }

  private historyLimit(history?: XElement): number {
    if (!history) return DEFAULT_HISTORY;
    if (history.attrs.maxchars === "0") return 0;
    const n = Number(history.attrs.maxstanzas ?? DEFAULT_HISTORY);
    return Number.isSafeInteger(n) && n >= 0 ? Math.min(n, MAX_HISTORY) : DEFAULT_HISTORY;
  }

  private joinFailed(stanza: XElement, err: unknown): void {
    const code = err instanceof StarlingError ? err.code : undefined;
    if (code === ErrorCode.NOT_A_MEMBER || code === ErrorCode.FORBIDDEN) {
      // Members-only (XEP-0045 section 7.2.7).
      this.r.error(stanza, "auth", "registration-required", "only the group's members can join");
      return;
    }
    if (code === ErrorCode.NOT_FOUND || code === ErrorCode.INVALID_ARGUMENT) {
      this.r.error(stanza, "cancel", "item-not-found");
      return;
    }
    this.r.failed(stanza, err);
  }

  /** Messages to the room (groupchat) or to an occupant (a private message becomes a 1:1 chat). */
  private message(stanza: XElement, conversationId: string, to: Jid): void {
    const type = stanza.attrs.type ?? "normal";
    if (type === "error") return;
    if (to.resource) {
      const body = child(stanza, "body", NS.client);
      if (!body) return;
      this.r.sendContent(stanza, { toUserId: `${to.resource}@${this.domain}` }, textOf(body));
      return;
    }
    if (type !== "groupchat") {
      // Invitations and other mediated messages: membership is managed in Starling.
      this.r.error(stanza, "cancel", "feature-not-implemented", "add members in Starling");
      return;
    }
    if (!this.joined.has(conversationId)) {
      this.r.error(stanza, "modify", "not-acceptable", "join the room first");
      return;
    }
    const marker = child(stanza, "displayed", NS.markers);
    if (marker) {
      const seq = this.seqOf(conversationId, marker.attrs.id ?? "");
      if (seq) this.r.core.receipts.markRead(this.me, conversationId, seq).catch(() => {});
    }
    const retract = child(stanza, "retract", NS.retract);
    if (retract) {
      const seq = this.seqOf(conversationId, retract.attrs.id ?? "");
      if (!seq) this.r.error(stanza, "modify", "bad-request", "retract a message by its stanza-id");
      else
        this.r.core.recaller.recall(this.me, conversationId, seq).catch((err) => this.r.failed(stanza, err));
      return;
    }
    const body = child(stanza, "body", NS.client);
    const reactions = child(stanza, "reactions", NS.reactions);
    if (reactions) {
      // XEP-0444 section 3.2: in a room the message is named by the room's stanza-id.
      const seq = this.seqOf(conversationId, reactions.attrs.id ?? "");
      react(this.r, conversationId, seq, reactionsOf(reactions)).catch((err) => this.r.failed(stanza, err));
      return;
    }
    const replace = child(stanza, "replace", NS.correct);
    if (replace && body) {
      this.r
        .ownSeq(conversationId, replace.attrs.id ?? "")
        .then((seq) => correct(this.r, conversationId, seq, textOf(body)))
        .catch((err) => this.r.failed(stanza, err));
      return;
    }
    const subject = child(stanza, "subject", NS.client);
    if (!body && subject) {
      this.r.core.groups
        .rename({ userId: this.me }, conversationId, textOf(subject))
        .catch((err) => this.r.failed(stanza, err));
      return;
    }
    if (!body) return;
    this.r.sendContent(stanza, { conversationId }, textOf(body), (ack) => {
      // The sender's copy (XEP-0045 section 7.4): the stanza as sent, from the room, with its stanza-id.
      const room = roomJid(conversationId, this.domain);
      const keep = stanza.children.filter(
        (c) => typeof c === "string" || c.ns !== NS.stanzaId || c.name !== "stanza-id",
      );
      this.r.session.send(
        el(
          "message",
          {
            xmlns: NS.client,
            from: `${room}/${localPartOf(this.me)}`,
            to: this.r.session.fullJid,
            type: "groupchat",
            id: stanza.attrs.id ?? ack.clientMsgId,
          },
          ...keep,
          el("stanza-id", {
            xmlns: NS.stanzaId,
            by: room,
            id: archiveId({ conversationId, seq: BigInt(ack.seq) }),
          }),
        ),
      );
    });
  }

  /** A message of this room named by its stanza-id. */
  private seqOf(conversationId: string, id: string): number | undefined {
    const parsed = parseArchiveId(id);
    return parsed?.conversationId === conversationId ? parsed.seq : undefined;
  }

  private iq(stanza: XElement, conversationId: string, to: Jid): void {
    const type = stanza.attrs.type;
    if (type === "result" || type === "error") return;
    const payload = childElements(stanza);
    if ((type !== "get" && type !== "set") || !stanza.attrs.id || payload.length !== 1) {
      this.r.error(stanza, "modify", "bad-request");
      return;
    }
    const q = payload[0] as XElement;
    if (to.resource) {
      // Self-ping (XEP-0410) tells a client whether it is still in the room.
      if (type === "get" && q.name === "ping" && q.ns === NS.ping) {
        if (this.joined.get(conversationId) === to.resource) this.r.result(stanza);
        else this.r.error(stanza, "modify", "not-acceptable");
        return;
      }
      if (type === "get" && q.name === "vCard" && q.ns === NS.vcard) {
        this.r.answer(stanza, async () => {
          await this.r.core.groups.listMembers({ userId: this.me }, conversationId);
          const card = await vcardOf(this.r.core, this.me, `${to.resource}@${this.domain}`);
          if (!card) throw new StarlingError(ErrorCode.NOT_FOUND, "no such occupant");
          return card;
        });
        return;
      }
      this.r.error(stanza, "cancel", "service-unavailable");
      return;
    }
    if (q.ns === NS.mam && (q.name === "query" || q.name === "metadata")) {
      if (q.name === "metadata") mamMetadata(this.r, stanza);
      else if (type === "set") mamQuery(this.r, stanza, q);
      else mamFields(this.r, stanza);
      return;
    }
    if (type === "get" && q.name === "query" && q.ns === NS.discoInfo && !q.attrs.node) {
      this.r.answer(stanza, async () => {
        const { conv, members } = await this.r.core.groups.withMembers({ userId: this.me }, conversationId);
        return el(
          "query",
          { xmlns: NS.discoInfo },
          el("identity", { category: "conference", type: "text", name: conv?.name ?? "" }),
          ...ROOM_FEATURES.map((f) => el("feature", { var: f })),
          el(
            "x",
            { xmlns: NS.dataForms, type: "result" },
            el(
              "field",
              { var: "FORM_TYPE", type: "hidden" },
              el("value", {}, "http://jabber.org/protocol/muc#roominfo"),
            ),
            el("field", { var: "muc#roominfo_occupants" }, el("value", {}, String(members.length))),
          ),
        );
      });
      return;
    }
    if (type === "get" && q.name === "query" && q.ns === NS.discoItems && !q.attrs.node) {
      // Occupants are not listed to non-occupants (XEP-0045 section 6.5); members see them in presence.
      this.r.result(stanza, el("query", { xmlns: NS.discoItems }));
      return;
    }
    this.r.error(stanza, "cancel", "service-unavailable");
  }

  /** An occupant's presence in a room this session is in. */
  private occupant(conversationId: string, userId: string, role: MemberRole): XElement {
    return el(
      "presence",
      {
        xmlns: NS.client,
        from: `${roomJid(conversationId, this.domain)}/${localPartOf(userId)}`,
        to: this.r.session.fullJid,
      },
      el("x", { xmlns: NS.mucUser }, el("item", { ...affiliationOf(role), jid: userId })),
    );
  }

  /** Someone left the group (or was removed, status 321); if it is this user, the room is left. */
  private gone(conversationId: string, userId: string, status: string | undefined): void {
    const self = userId === this.me;
    if (self) this.joined.delete(conversationId);
    this.r.session.send(
      el(
        "presence",
        {
          xmlns: NS.client,
          from: `${roomJid(conversationId, this.domain)}/${localPartOf(userId)}`,
          to: this.r.session.fullJid,
          type: "unavailable",
        },
        el(
          "x",
          { xmlns: NS.mucUser },
          el("item", { ...affiliationOf("none"), jid: userId }),
          status && el("status", { code: status }),
          self && el("status", { code: "110" }),
        ),
      ),
    );
  }

  /** The room's subject: the group's name (XEP-0045 section 8.1). */
  private subject(conversationId: string, name: string, by: string | undefined, msg?: Message): XElement {
    const room = roomJid(conversationId, this.domain);
    return el(
      "message",
      {
        xmlns: NS.client,
        from: by ? `${room}/${localPartOf(by)}` : room,
        to: this.r.session.fullJid,
        type: "groupchat",
        id: msg?.clientMsgId,
      },
      el("subject", {}, name),
      msg && el("stanza-id", { xmlns: NS.stanzaId, by: room, id: archiveId(msg) }),
    );
  }
}
