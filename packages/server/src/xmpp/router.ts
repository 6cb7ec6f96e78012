import { randomUUID } from "node:crypto";
import {
  AttachmentKind,
  ContentSchema,
  create,
  ErrorCode,
  type Message,
  SendMessageSchema,
  StarlingError,
} from "@starling/protocol";
import type { Core } from "../core/core.js";
import { isDirectId } from "../core/ids.js";
import type { Logger } from "../core/ports.js";
import { parseJid } from "./jid.js";
import { rosterOf, vcardOf } from "./roster-vcard.js";
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

/** What the router needs of the session it serves. */
export interface RouterSession {
  readonly id: string;
  readonly userId: string;
  readonly fullJid: string;
  readonly domain: string;
  send(e: XElement): void;
}

/** The features disco#info lists for the server (XEP-0030). */
export const SERVER_FEATURES = [NS.discoInfo, NS.discoItems, NS.ping, NS.stanzaId, NS.vcard] as const;

/** Longest stanza id kept as a client_msg_id; longer ones get a random id. */
const MAX_ID_LENGTH = 64;
const CLIENT_MSG_ID = /^[\x21-\x7e]+$/;

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
      return { type: "auth", condition: "forbidden" };
    case ErrorCode.RATE_LIMITED:
      return { type: "wait", condition: "resource-constraint" };
    default:
      return err.retryable
        ? { type: "wait", condition: "resource-constraint" }
        : { type: "cancel", condition: "internal-server-error" };
  }
}

/**
 * The stanzas of an established session, on top of the core: 1:1 chat
 * messages (RFC 6121 section 5) become sends, pushed messages become
 * stanzas; the server answers ping (XEP-0199) and disco (XEP-0030) itself.
 */
export class StanzaRouter {
  constructor(
    private readonly session: RouterSession,
    private readonly core: Core,
    private readonly log: Logger,
  ) {}

  handle(stanza: XElement): void {
    if (stanza.name === "message") this.message(stanza);
    else if (stanza.name === "iq") this.iq(stanza);
    // Presence is not routed yet: being connected is what makes a user online.
  }

  /** A pushed message as the stanza this session gets, or nothing (events, other kinds of conversation). */
  fromPush(msg: Message): XElement | undefined {
    if (!isDirectId(msg.conversationId) || !msg.content || msg.senderId === this.session.userId)
      return undefined;
    const body =
      msg.content.text ||
      msg.content.attachments.map((a) => `[${AttachmentKind[a.kind].toLowerCase()}: ${a.name}]`).join(" ");
    if (!body) return undefined;
    return el(
      "message",
      {
        xmlns: NS.client,
        from: msg.senderId,
        to: this.session.fullJid,
        type: "chat",
        id: msg.clientMsgId,
      },
      el("body", {}, body),
      el("stanza-id", {
        xmlns: NS.stanzaId,
        by: this.session.userId,
        id: `${msg.conversationId}:${msg.seq}`,
      }),
    );
  }

  private message(stanza: XElement): void {
    const type = stanza.attrs.type ?? "normal";
    if (type === "error") return;
    const bodyEl = child(stanza, "body", NS.client);
    // Chat states and other payloads without a body are not stored.
    if (!bodyEl) return;
    if (type !== "chat" && type !== "normal") {
      this.error(stanza, "cancel", "service-unavailable", "only 1:1 chat is supported");
      return;
    }
    const to = parseJid(stanza.attrs.to ?? "");
    if (!to?.local) {
      this.error(stanza, "modify", "jid-malformed");
      return;
    }
    const id = stanza.attrs.id ?? "";
    const clientMsgId = id.length <= MAX_ID_LENGTH && CLIENT_MSG_ID.test(id) ? id : randomUUID();
    const send = create(SendMessageSchema, {
      toUserId: `${to.local}@${to.domain}`,
      clientMsgId,
      content: create(ContentSchema, { text: textOf(bodyEl) }),
    });
    this.core.send(this.session.userId, send, this.session.id).catch((err) => {
      if (!(err instanceof StarlingError))
        this.log.error({ err, session: this.session.id }, "xmpp message send failed");
      const c = stanzaCondition(err);
      this.error(stanza, c.type, c.condition);
    });
  }

  private iq(stanza: XElement): void {
    const type = stanza.attrs.type;
    if (type === "result" || type === "error") return;
    const payload = childElements(stanza);
    if ((type !== "get" && type !== "set") || !stanza.attrs.id || payload.length !== 1) {
      this.error(stanza, "modify", "bad-request");
      return;
    }
    const q = payload[0] as XElement;
    if (q.name === "vCard" && q.ns === NS.vcard) {
      this.vcard(stanza, type);
      return;
    }
    const to = stanza.attrs.to;
    const toServer = to === undefined || to === this.session.domain;
    const toOwnAccount = to === this.session.userId;
    if (!toServer && !toOwnAccount) {
      this.error(stanza, "cancel", "service-unavailable");
      return;
    }
    if (q.name === "query" && q.ns === NS.roster) {
      if (type === "set") {
        this.error(stanza, "cancel", "not-allowed", "the roster is made from chats and the organisation");
        return;
      }
      this.answer(stanza, () => rosterOf(this.core, this.session.userId));
      return;
    }
    if (type === "get" && q.name === "ping" && q.ns === NS.ping) {
      this.result(stanza);
      return;
    }
    if (type === "get" && toServer && q.name === "query" && q.ns === NS.discoInfo && !q.attrs.node) {
      this.result(
        stanza,
        el(
          "query",
          { xmlns: NS.discoInfo },
          el("identity", { category: "server", type: "im", name: "Starling" }),
          ...SERVER_FEATURES.map((f) => el("feature", { var: f })),
        ),
      );
      return;
    }
    if (type === "get" && toServer && q.name === "query" && q.ns === NS.discoItems && !q.attrs.node) {
      this.result(stanza, el("query", { xmlns: NS.discoItems }));
      return;
    }
    this.error(stanza, "cancel", "service-unavailable");
  }

  /** A vCard from the directory: one's own (no `to`) or a colleague's bare JID; never settable here. */
  private vcard(stanza: XElement, type: string): void {
    if (type === "set") {
      this.error(stanza, "cancel", "not-allowed", "profiles are changed in the directory");
      return;
    }
    const to = stanza.attrs.to ? parseJid(stanza.attrs.to) : undefined;
    if (stanza.attrs.to && (!to?.local || to.resource)) {
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

  /** Answers an IQ with what `make` builds, or with the stanza error its failure means. */
  private answer(stanza: XElement, make: () => Promise<XElement>): void {
    make().then(
      (payload) => this.result(stanza, payload),
      (err) => {
        if (!(err instanceof StarlingError))
          this.log.error({ err, session: this.session.id }, "xmpp iq failed");
        const c = stanzaCondition(err);
        this.error(stanza, c.type, c.condition);
      },
    );
  }

  private result(iq: XElement, payload?: XElement): void {
    this.session.send(
      el(
        "iq",
        {
          xmlns: NS.client,
          type: "result",
          id: iq.attrs.id,
          from: iq.attrs.to ?? this.session.domain,
          to: this.session.fullJid,
        },
        payload,
      ),
    );
  }

  private error(stanza: XElement, type: StanzaErrorType, condition: string, text?: string): void {
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
}
