import {
  ContentSchema,
  create,
  ErrorCode,
  type Push,
  SendMessageSchema,
  StarlingError,
} from "@starling/protocol";
import type { Core } from "../../core/core.js";
import { directConversationId } from "../../core/kernel/ids.js";
import type { Logger } from "../../core/kernel/ports.js";
import { CatchUp } from "./catch-up.js";
import { clientIq } from "./client-iq-routing.js";
import { conferenceDomain, type RouterSession, uploadDomain } from "./context.js";
import { correct, react, reactionsOf } from "./corrections.js";
import { accountInfo, serverInfo } from "./disco.js";
import { attachmentsOf, uploadIq } from "./http-upload.js";
import { type Jid, parseJid } from "./jid.js";
import { mamFields, mamMetadata, mamQuery } from "./mam.js";
import { clientMsgIdOf, newStreamKey, scopedId } from "./message-ids.js";
import { Muc, type RoomContext, type SentAck } from "./muc.js";
import { OfflineDelivery } from "./offline-delivery.js";
import { PUSH_NS, pushEnabled, pushIq } from "./push-enable.js";
import { PushRenderer } from "./pushes.js";
import { parseArchiveId } from "./render.js";
import { RosterPresence } from "./roster-presence.js";
import { vcardOf } from "./roster-vcard.js";
import {
  child,
  childElements,
  el,
  NS,
  type StanzaErrorType,
  stanzaError,
  textOf,
  type XElement,
} from "./stanza.js";
import type { XmppConfig } from "./xmpp-config.js";

export type { RouterSession } from "./context.js";

/** A StarlingError as the stanza error (RFC 6120 section 8.3.3) a client can act on. */
function stanzaCondition(err: unknown): { type: StanzaErrorType; condition: string } {
  if (!(err instanceof StarlingError)) return { type: "cancel", condition: "internal-server-error" };
  switch (err.code) {
    case ErrorCode.NOT_FOUND:
      return { type: "cancel", condition: "item-not-found" };
    case ErrorCode.INVALID_ARGUMENT:
      return { type: "modify", condition: "bad-request" };
    case ErrorCode.FORBIDDEN:
    case ErrorCode.NOT_A_MEMBER:
    case ErrorCode.CROSS_DOMAIN:
    case ErrorCode.RECALL_WINDOW_EXPIRED:
    case ErrorCode.EDIT_WINDOW_EXPIRED:
      return { type: "auth", condition: "forbidden" };
    case ErrorCode.CONFLICT:
    case ErrorCode.CLIENT_MSG_ID_REUSED:
      return { type: "cancel", condition: "conflict" };
    case ErrorCode.RATE_LIMITED:
      return { type: "wait", condition: "resource-constraint" };
    default:
      return err.retryable
        ? { type: "wait", condition: "resource-constraint" }
        : { type: "cancel", condition: "internal-server-error" };
  }
}

/**
 * The stanzas of an established session, on top of the core. 1:1 chat
 * (RFC 6121) becomes sends; groups are rooms (XEP-0045, in `muc.ts`);
 * receipts (XEP-0184) and chat markers (XEP-0333) move the delivered and read
 * cursors and are made from them; carbons (XEP-0280) copy the user's own
 * messages from other devices; retraction (XEP-0424) is recall; presence
 * follows the roster; archives (XEP-0313) and uploads (XEP-0363) have their
 * own files. Pushes from the core become stanzas in `pushes.ts`.
 */
export class StanzaRouter implements RoomContext {
  readonly muc: Muc;
  private readonly people: RosterPresence;
  private readonly offline = new OfflineDelivery(this);
  private readonly catchUp: CatchUp;
  private readonly pushes: PushRenderer;
  private closed = false;
  /** Scopes stanza ids to this stream and its resumptions (see clientMsgIdOf). */
  private readonly streamKey = newStreamKey();

  constructor(
    readonly session: RouterSession,
    readonly core: Core,
    readonly log: Logger,
    readonly config: XmppConfig,
  ) {
    this.muc = new Muc(this);
    this.people = new RosterPresence(this);
    this.catchUp = new CatchUp(this);
    this.pushes = new PushRenderer(this, this.muc, this.people, this.offline, this.catchUp);
  }

  handle(stanza: XElement): void {
    const toAttr = stanza.attrs.to;
    const to = toAttr === undefined ? undefined : parseJid(toAttr);
    if (toAttr !== undefined && !to) {
      if (stanza.attrs.type !== "error") this.error(stanza, "modify", "jid-malformed");
      return;
    }
    if (to && to.domain === conferenceDomain(this.session.domain)) {
      this.muc.handle(stanza, to);
      return;
    }
    if (to && to.domain === uploadDomain(this.session.domain) && !to.local) {
      if (stanza.name === "iq") uploadIq(this, stanza);
      else if (stanza.attrs.type !== "error") this.error(stanza, "cancel", "service-unavailable");
      return;
    }
    if (stanza.name === "message") this.message(stanza, to);
    else if (stanza.name === "iq") this.iq(stanza, to);
    else {
      if (!to && stanza.attrs.type === undefined) this.offline.initialPresence();
      this.people.presence(stanza, to);
    }
  }

  /** A push from the core for this user. */
  push(push: Push): void {
    this.pushes.push(push);
  }

  /** Pushes may have been lost (the cluster bus was down): show what this session missed. */
  resync(): void {
    this.pushes.resync();
  }

  /** The client acknowledged `h` stanzas (XEP-0198). */
  acknowledged(h: number): void {
    this.offline.acknowledged(h);
  }

  /** The session ended: stop watching presence. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.pushes.close();
    this.offline.close();
    this.people.close();
    this.muc.close();
  }

  // --- RoomContext (the XmppContext every handler works with)

  result(iq: XElement, payload?: XElement): void {
    this.session.send(
      el(
        "iq",
        {
          xmlns: NS.client,
          type: "result",
          id: iq.attrs.id,
          // An IQ without a "to" is answered by the account itself: no "from" (RFC 6120 section 8.1.2.1).
          from: iq.attrs.to,
          to: this.session.fullJid,
        },
        payload,
      ),
    );
  }

  error(stanza: XElement, type: StanzaErrorType, condition: string, text?: string): void {
    this.session.send(
      stanzaError(stanza, {
        type,
        condition,
        from: stanza.attrs.to ?? this.session.domain,
        to: this.session.fullJid,
        ...(text ? { text } : {}),
      }),
    );
  }

  failed(stanza: XElement, err: unknown): void {
    if (!(err instanceof StarlingError))
      this.log.error({ err, session: this.session.id }, `xmpp ${stanza.name} failed`);
    const c = stanzaCondition(err);
    this.error(stanza, c.type, c.condition, err instanceof StarlingError ? err.message : undefined);
  }

  answer(iq: XElement, make: () => Promise<XElement | undefined>): void {
    make().then(
      (payload) => this.result(iq, payload),
      (err) => this.failed(iq, err),
    );
  }

  // --- what clients send

  private message(stanza: XElement, to: Jid | undefined): void {
    const type = stanza.attrs.type ?? "normal";
    if (type === "error") return;
    if (type === "groupchat") {
      this.error(stanza, "modify", "bad-request", "groupchat messages go to a room");
      return;
    }
    if (!to?.local) {
      // Carbons and other server-addressed payloads without a body are ignored.
      if (child(stanza, "body", NS.client)) this.error(stanza, "modify", "jid-malformed");
      return;
    }
    const peer = `${to.local}@${to.domain}`;
    const conversationId = directConversationId(this.session.userId, peer);
    const receipt = child(stanza, "received", NS.receipts);
    const marker =
      child(stanza, "displayed", NS.markers) ??
      child(stanza, "acknowledged", NS.markers) ??
      child(stanza, "received", NS.markers);
    if (receipt || marker) {
      const read = marker !== undefined && marker.name !== "received";
      const id = (marker ?? receipt)?.attrs.id ?? "";
      this.mark(conversationId, peer, id, read).catch((err) =>
        this.log.debug({ err }, "xmpp marker ignored"),
      );
    }
    const retract = this.retraction(stanza);
    if (retract !== undefined) {
      this.retract(stanza, conversationId, retract);
      return;
    }
    const bodyEl = child(stanza, "body", NS.client);
    const reactions = child(stanza, "reactions", NS.reactions);
    if (reactions) {
      // XEP-0444: the id is the one the message was shown with, the peer's or the user's own.
      const id = reactions.attrs.id ?? "";
      this.findMessage(conversationId, peer, id)
        .then(async (seq) => seq ?? (await this.ownSeq(conversationId, id)))
        .then((seq) => react(this, conversationId, seq, reactionsOf(reactions)))
        .catch((err) => this.failed(stanza, err));
      return;
    }
    const replace = child(stanza, "replace", NS.correct);
    if (replace && bodyEl) {
      this.ownSeq(conversationId, replace.attrs.id ?? "")
        .then((seq) => correct(this, conversationId, seq, textOf(bodyEl)))
        .catch((err) => this.failed(stanza, err));
      return;
    }
    if (!bodyEl) {
      const state = childElements(stanza).find((c) => c.ns === NS.chatStates);
      if (state && (state.name === "composing" || state.name === "paused" || state.name === "active"))
        this.core.typing
          .typing(this.session.userId, conversationId, state.name === "composing")
          .catch(() => {});
      return;
    }
    if (type !== "chat" && type !== "normal") {
      this.error(stanza, "cancel", "service-unavailable", "unsupported message type");
      return;
    }
    this.sendContent(stanza, { toUserId: peer }, textOf(bodyEl));
  }

  /** Sends a message with a body to a user or a group; `then` runs with the ack. */
  sendContent(
    stanza: XElement,
    target: { toUserId: string } | { conversationId: string },
    body: string,
    then?: (ack: SentAck) => void,
  ): void {
    const clientMsgId = clientMsgIdOf(stanza, this.streamKey);
    this.catchUp.sent(clientMsgId);
    attachmentsOf(this, stanza, body)
      .then(({ text, fileIds }) => {
        const send = create(SendMessageSchema, {
          ...target,
          clientMsgId,
          content: create(ContentSchema, { text, attachments: fileIds.map((fileId) => ({ fileId })) }),
        });
        return this.core.send(this.session.userId, send, this.session.id);
      })
      .then(
        (ack) => then?.({ ...ack, clientMsgId }),
        (err) => this.failed(stanza, err),
      );
  }

  /** The id a retraction (XEP-0424, versions 1 and 0) names, if the message is one. */
  private retraction(stanza: XElement): string | undefined {
    const v1 = child(stanza, "retract", NS.retract);
    if (v1) return v1.attrs.id ?? "";
    const applyTo = child(stanza, "apply-to", NS.fasten);
    if (applyTo && child(applyTo, "retract", NS.retract0)) return applyTo.attrs.id ?? "";
    return undefined;
  }

  /** A retraction of one's own 1:1 message, named by its id (origin id) or its stanza-id: a recall. */
  private retract(stanza: XElement, conversationId: string, id: string): void {
    this.ownSeq(conversationId, id)
      .then((seq) => {
        if (seq === undefined) throw new StarlingError(ErrorCode.NOT_FOUND, "no such message of yours");
        return this.core.recaller.recall(this.session.userId, conversationId, seq);
      })
      .catch((err) => this.failed(stanza, err));
  }

  /** The seq of the user's own message named by its id (origin id), stanza-id, or this stream's id. */
  async ownSeq(conversationId: string, id: string): Promise<number | undefined> {
    const me = this.session.userId;
    // A message sent without an origin-id on this stream is stored under its scoped stanza id.
    return (
      (await this.findMessage(conversationId, me, id)) ??
      (await this.findMessage(conversationId, me, scopedId(this.streamKey, id)))
    );
  }

  /** The seq of a message named by a client: its stanza-id (`conversation:seq`) or the sender's id. */
  async findMessage(conversationId: string, senderId: string, id: string): Promise<number | undefined> {
    if (!id) return undefined;
    const archived = parseArchiveId(id);
    if (archived) return archived.conversationId === conversationId ? archived.seq : undefined;
    return this.core.history.seqOfClientId(this.session.userId, conversationId, senderId, id);
  }

  /** A receipt or marker for a message from `peer`: the delivered or read cursor moves up to it. */
  private async mark(conversationId: string, peer: string, id: string, read: boolean): Promise<void> {
    const seq = await this.findMessage(conversationId, peer, id);
    if (seq === undefined) return;
    if (read) await this.core.receipts.markRead(this.session.userId, conversationId, seq);
    else await this.core.receipts.markDelivered(this.session.userId, conversationId, seq);
  }

  private iq(stanza: XElement, to: Jid | undefined): void {
    if (clientIq(this, stanza, to)) return;
    const type = stanza.attrs.type;
    if (type === "result" || type === "error") return;
    const payload = childElements(stanza);
    if ((type !== "get" && type !== "set") || !stanza.attrs.id || payload.length !== 1) {
      this.error(stanza, "modify", "bad-request");
      return;
    }
    const q = payload[0] as XElement;
    if (q.name === "vCard" && q.ns === NS.vcard) {
      this.vcard(stanza, type, to);
      return;
    }
    const toServer = to === undefined || (!to.local && !to.resource && to.domain === this.session.domain);
    const toAccount =
      to !== undefined &&
      !to.resource &&
      to.local !== "" &&
      `${to.local}@${to.domain}` === this.session.userId;
    if (!toServer && !toAccount) {
      this.error(stanza, "cancel", "service-unavailable");
      return;
    }
    if (q.ns === NS.mam && (q.name === "query" || q.name === "metadata")) {
      this.offline.queriedArchive();
      if (q.name === "metadata") mamMetadata(this, stanza);
      else if (type === "set") mamQuery(this, stanza, q);
      else mamFields(this, stanza);
      return;
    }
    // RFC 3921's session establishment, a no-op since RFC 6121; clients such as Converse.js still send it after binding.
    if (type === "set" && q.name === "session" && q.ns === NS.session) {
      this.result(stanza);
      return;
    }
    if (q.name === "query" && q.ns === NS.roster) {
      this.people.rosterIq(stanza, type);
      return;
    }
    if (type === "set" && q.ns === NS.carbons && (q.name === "enable" || q.name === "disable")) {
      this.pushes.carbons = q.name === "enable";
      this.result(stanza);
      return;
    }
    if (type === "set" && q.ns === PUSH_NS && (q.name === "enable" || q.name === "disable")) {
      pushIq(this, stanza, q);
      return;
    }
    if (type === "get" && q.name === "ping" && q.ns === NS.ping) {
      this.result(stanza);
      return;
    }
    if (type === "get" && q.name === "query" && q.ns === NS.discoInfo && !q.attrs.node) {
      this.result(stanza, toServer ? serverInfo() : accountInfo(pushEnabled(this)));
      return;
    }
    if (type === "get" && q.name === "query" && q.ns === NS.discoItems && !q.attrs.node) {
      const items = toServer
        ? [
            el("item", { jid: conferenceDomain(this.session.domain), name: "Groups" }),
            el("item", { jid: uploadDomain(this.session.domain), name: "File upload" }),
          ]
        : [];
      this.result(stanza, el("query", { xmlns: NS.discoItems }, ...items));
      return;
    }
    this.error(stanza, "cancel", "service-unavailable");
  }

  /** A vCard from the directory: one's own (no `to`) or a colleague's bare JID; never settable here. */
  private vcard(stanza: XElement, type: string, to: Jid | undefined): void {
    if (type === "set") {
      this.error(stanza, "cancel", "not-allowed", "profiles are changed in the directory");
      return;
    }
    if (to && (!to.local || to.resource)) {
      this.error(stanza, "modify", "bad-request");
      return;
    }
    const target = to ? `${to.local}@${to.domain}` : this.session.userId;
    this.answer(stanza, async () => {
      const card = await vcardOf(this.core, this.session.userId, target);
      if (!card) throw new StarlingError(ErrorCode.NOT_FOUND, "no such user");
      return card;
    });
  }
}
