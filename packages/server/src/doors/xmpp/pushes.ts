import { randomUUID } from "node:crypto";
import type { Message, Push, Receipt, TypingEvent } from "@starling/protocol";
import type { Core } from "../../core/core.js";
import { isDirectId } from "../../core/kernel/ids.js";
import type { Logger } from "../../core/kernel/ports.js";
import type { CatchUp } from "./catch-up.js";
import { nativeJid, type RouterSession, type XmppContext } from "./context.js";
import { correctionStanza, reactionsStanza } from "./corrections.js";
import { ownId } from "./message-ids.js";
import type { Muc } from "./muc.js";
import type { OfflineDelivery } from "./offline-delivery.js";
import { archiveId, messageStanza, peerOf } from "./render.js";
import type { RosterPresence } from "./roster-presence.js";
import { el, NS, type XElement } from "./stanza.js";

/**
 * What the core pushes to a user, as the stanzas one XMPP session is shown:
 * 1:1 messages (with carbons, XEP-0280, of the user's own from other
 * devices), receipts (XEP-0184) and chat markers (XEP-0333) made from the
 * peer's cursors, recalls as retractions (XEP-0424), typing as chat states
 * (XEP-0085) and presence; group messages and events go to the rooms
 * (`muc.ts`). What the client sends is routed in `router.ts`.
 */
export class PushRenderer {
  /** Whether the client asked for carbons (XEP-0280); set by the router. */
  carbons = false;
  /** Asynchronous push handling (receipts, retractions), kept in order among itself. */
  private pending: Promise<void> = Promise.resolve();
  /** Per 1:1 conversation, the peer's cursors already shown as receipts and markers. */
  private readonly shown = new Map<string, { read: number; delivered: number }>();
  private closed = false;
  private readonly session: RouterSession;
  private readonly core: Core;
  private readonly log: Logger;

  constructor(
    ctx: XmppContext,
    private readonly muc: Muc,
    private readonly people: RosterPresence,
    private readonly offline: OfflineDelivery,
    private readonly catchUp: CatchUp,
  ) {
    this.session = ctx.session;
    this.core = ctx.core;
    this.log = ctx.log;
  }

  /** A push from the core for this user. */
  push(push: Push): void {
    if (this.closed) return;
    const body = push.body;
    switch (body.case) {
      case "message":
        this.onMessage(body.value);
        return;
      case "receipt":
        this.later(() => this.onReceipt(body.value));
        return;
      case "presence":
        this.people.changed(body.value);
        return;
      case "typing":
        this.onTyping(body.value);
        return;
      default:
        return;
    }
  }

  /** Pushes may have been lost (the cluster bus was down): show what this session missed. */
  resync(): void {
    if (this.closed) return;
    this.later(async () => {
      for (const msg of await this.catchUp.missed(this.muc.joinedRooms()))
        if (!this.closed) this.onMessage(msg);
    });
  }

  /** The session ended: nothing more is shown. */
  close(): void {
    this.closed = true;
  }

  private later(step: () => Promise<void>): void {
    this.pending = this.pending
      .then(step)
      .catch((err) => this.log.warn({ err, session: this.session.id }, "xmpp push not shown"));
  }

  private onMessage(msg: Message): void {
    if (!this.catchUp.observe(msg)) return;
    const event = msg.event;
    if (event) {
      if (event.kind.case === "messageRecalled") {
        const targetSeq = Number(event.kind.value.targetSeq);
        this.later(() => this.onRecalled(msg, targetSeq));
      } else if (event.kind.case === "messageEdited" || event.kind.case === "reactionChanged") {
        const targetSeq = Number(event.kind.value.targetSeq);
        this.later(() => this.onChanged(msg, targetSeq));
      } else if (!isDirectId(msg.conversationId)) this.muc.event(msg, event);
      return;
    }
    if (!msg.content) return;
    if (!isDirectId(msg.conversationId)) {
      this.muc.deliver(msg);
      return;
    }
    const stanza = messageStanza(this.session, msg);
    if (!stanza) return;
    const peer = peerOf(msg.conversationId, this.session.userId);
    if (peer) this.people.partner(peer);
    if (msg.senderId !== this.session.userId) {
      this.session.send(stanza);
      this.offline.shown(msg);
    } else if (this.carbons) this.session.send(this.carbon("sent", stanza));
  }

  /** A carbon copy (XEP-0280) of a message to or from this user's other devices. */
  private carbon(kind: "sent" | "received", inner: XElement): XElement {
    return el(
      "message",
      { xmlns: NS.client, from: this.session.userId, to: this.session.fullJid, type: inner.attrs.type },
      el(kind, { xmlns: NS.carbons }, el("forwarded", { xmlns: NS.forward }, inner)),
    );
  }

  /** A recall as a retraction (XEP-0424) naming the message by its origin id (1:1) or stanza-id (rooms). */
  private async onRecalled(event: Message, targetSeq: number): Promise<void> {
    const direct = isDirectId(event.conversationId);
    const target = direct
      ? await this.core.history.message(this.session.userId, event.conversationId, targetSeq)
      : undefined;
    // The sender's devices know their message by the id they gave it; others by the one they were shown.
    const id = direct
      ? target && (target.senderId === this.session.userId ? ownId(target.clientMsgId) : target.clientMsgId)
      : archiveId({ conversationId: event.conversationId, seq: BigInt(targetSeq) });
    if (!id) return;
    const retract = [
      el("retract", { xmlns: NS.retract, id }),
      el("fallback", { xmlns: NS.fallback, for: NS.retract }),
      el("body", {}, "This message was recalled."),
      el("store", { xmlns: NS.hints }),
    ];
    if (!direct) {
      this.muc.relayEvent(event, retract);
      return;
    }
    const peer = peerOf(event.conversationId, this.session.userId);
    if (!peer || !target) return;
    // The sender's own other devices hear of it as a carbon of what they sent.
    const mine = target.senderId === this.session.userId;
    if (mine && !this.carbons) return;
    const inner = el(
      "message",
      {
        xmlns: NS.client,
        type: "chat",
        id: event.clientMsgId,
        from: mine ? this.session.userId : nativeJid(peer),
        to: mine ? peer : this.session.fullJid,
      },
      ...retract,
    );
    this.session.send(mine ? this.carbon("sent", inner) : inner);
  }

  /** An edit (XEP-0308) or a reaction (XEP-0444) on a message, as the stanza XMPP clients apply. */
  private async onChanged(event: Message, targetSeq: number): Promise<void> {
    const target = await this.core.history.message(this.session.userId, event.conversationId, targetSeq);
    if (!target || target.recalledBy) return;
    const edit = event.event?.kind.case === "messageEdited";
    const made = edit
      ? correctionStanza(this.session, event, target)
      : reactionsStanza(this.session, event, target)?.stanza;
    if (!made) return;
    if (!isDirectId(event.conversationId)) {
      this.muc.relayEvent(
        event,
        made.children.filter((c): c is XElement => typeof c !== "string"),
      );
      return;
    }
    // The user's own changes reach their other devices as carbons of what they sent.
    if (event.senderId !== this.session.userId) this.session.send(made);
    else if (this.carbons) this.session.send(this.carbon("sent", made));
  }

  /**
   * A peer's cursor moved in a 1:1 chat: the last of this user's messages it
   * now covers is acknowledged with a receipt (XEP-0184) and a chat marker
   * (XEP-0333), once.
   */
  private async onReceipt(r: Receipt): Promise<void> {
    if (!isDirectId(r.conversationId) || r.userId === this.session.userId) return;
    const shown = this.shown.get(r.conversationId) ?? { read: 0, delivered: 0 };
    const read = Number(r.readSeq);
    const delivered = Number(r.deliveredSeq);
    const next = { read: Math.max(shown.read, read), delivered: Math.max(shown.delivered, delivered) };
    if (this.shown.size > 1000 && !this.shown.has(r.conversationId)) this.shown.clear();
    this.shown.set(r.conversationId, next);
    const upTo = Math.max(read > shown.read ? read : 0, delivered > shown.delivered ? delivered : 0);
    if (upTo === 0) return;
    const low = Math.min(shown.read, shown.delivered);
    const rows = await this.core.history.records(this.session.userId, r.conversationId, {
      afterSeq: low,
      beforeSeq: upTo + 1,
      limit: 20,
      backwards: true,
    });
    const mine = (limit: number) =>
      rows.find((m) => m.seq <= limit && m.senderId === this.session.userId && !m.event);
    const from = nativeJid(r.userId);
    const send = (payload: XElement[]) =>
      this.session.send(
        el(
          "message",
          { xmlns: NS.client, from, to: this.session.fullJid, type: "chat", id: randomUUID() },
          ...payload,
          el("store", { xmlns: NS.hints }),
        ),
      );
    if (delivered > shown.delivered) {
      const m = mine(delivered);
      if (m && m.seq > shown.delivered)
        send([
          el("received", { xmlns: NS.receipts, id: ownId(m.clientMsgId) }),
          el("received", { xmlns: NS.markers, id: ownId(m.clientMsgId) }),
        ]);
    }
    if (read > shown.read) {
      const m = mine(read);
      if (m && m.seq > shown.read) send([el("displayed", { xmlns: NS.markers, id: ownId(m.clientMsgId) })]);
    }
  }

  /** Typing in a 1:1 chat as a chat state (XEP-0085). */
  private onTyping(t: TypingEvent): void {
    if (!isDirectId(t.conversationId) || t.userId === this.session.userId) return;
    this.session.send(
      el(
        "message",
        { xmlns: NS.client, from: nativeJid(t.userId), to: this.session.fullJid, type: "chat" },
        el(t.typing ? "composing" : "paused", { xmlns: NS.chatStates }),
        el("no-store", { xmlns: NS.hints }),
      ),
    );
  }
}
