import { randomUUID } from "node:crypto";
import { type PresenceState, PresenceStatus } from "@starling/protocol";
import { nativeJid, type XmppContext } from "./context.js";
import { nativeCaps } from "./disco.js";
import type { Jid } from "./jid.js";
import { rosterElement, rosterItems } from "./roster-vcard.js";
import { child, el, NS, textOf, type XElement } from "./stanza.js";

/** The presence stanza (RFC 6121 section 4) a Starling presence state is shown as. */
function presenceStanza(state: PresenceState, to: string): XElement {
  if (state.status === PresenceStatus.OFFLINE)
    return el("presence", { xmlns: NS.client, from: nativeJid(state.userId), to, type: "unavailable" });
  return el(
    "presence",
    { xmlns: NS.client, from: nativeJid(state.userId), to },
    state.status === PresenceStatus.AWAY && el("show", {}, "away"),
    nativeCaps(),
  );
}

/**
 * One session's roster and presence (RFC 6121 sections 2 and 4). The roster
 * is built from chats and the department; once fetched, a new chat partner
 * is pushed to it. The user's own broadcast sets online or away and starts
 * (or stops) presence from the roster's people; a subscription request is
 * approved at once, since everyone in a domain may see everyone's presence.
 */
export class RosterPresence {
  private available = false;
  private watching: string[] = [];
  /** The roster's JIDs once the client asked for it. */
  private roster: Set<string> | undefined;
  private closed = false;

  constructor(private readonly ctx: XmppContext) {}

  private get me(): string {
    return this.ctx.session.userId;
  }

  /** A roster get or set (sets are refused: the roster is made, not kept). */
  rosterIq(stanza: XElement, type: "get" | "set"): void {
    if (type === "set") {
      this.ctx.error(stanza, "cancel", "not-allowed", "the roster is made from chats and the organisation");
      return;
    }
    this.ctx.answer(stanza, async () => {
      const items = await rosterItems(this.ctx.core, this.me);
      this.roster = new Set(items.keys());
      return rosterElement(items);
    });
  }

  /** Presence from the client not addressed to a room. */
  presence(stanza: XElement, to: Jid | undefined): void {
    const type = stanza.attrs.type;
    if (type === "error" || type === "probe") return;
    if (to === undefined) {
      this.broadcast(stanza, type);
      return;
    }
    if (!to.local || type !== "subscribe") return;
    const contact = `${to.local}@${to.domain}`;
    this.ctx.session.send(
      el("presence", { xmlns: NS.client, from: contact, to: this.me, type: "subscribed" }),
    );
    if (this.watching.includes(contact)) return;
    try {
      this.follow(this.ctx.core.presence.targets(this.me, [contact]));
    } catch {
      // Another domain: nothing to watch.
    }
  }

  /** A contact's presence changed. */
  changed(state: PresenceState): void {
    if (this.watching.includes(state.userId))
      this.ctx.session.send(presenceStanza(state, this.ctx.session.fullJid));
  }

  /** Someone the user chats with; pushed to a fetched roster when new (RFC 6121 section 2.1.6). */
  partner(peer: string): void {
    if (!this.roster || this.roster.has(peer)) return;
    // Marked at once, so the messages that follow do not push the same person again.
    this.roster.add(peer);
    this.push(peer).catch((err) =>
      this.ctx.log.warn({ err, session: this.ctx.session.id }, "xmpp roster push"),
    );
  }

  close(): void {
    this.closed = true;
    this.unwatch();
  }

  private broadcast(stanza: XElement, type: string | undefined): void {
    if (type === "unavailable") {
      this.available = false;
      this.unwatch();
      return;
    }
    if (type !== undefined) return;
    const show = textOf(child(stanza, "show", NS.client) ?? el("show"));
    const away = show === "away" || show === "xa" || show === "dnd";
    this.ctx.core.presence.setStatus(this.me, away ? PresenceStatus.AWAY : PresenceStatus.ONLINE);
    const self = this.ctx.session.fullJid;
    this.ctx.session.send(
      el("presence", { xmlns: NS.client, from: self, to: self }, away && el("show", {}, show)),
    );
    if (this.available) return;
    this.available = true;
    this.watch().catch((err) =>
      this.ctx.log.warn({ err, session: this.ctx.session.id }, "xmpp roster presence"),
    );
  }

  /** Starts presence from the roster's people: their current state, then their changes. */
  private async watch(): Promise<void> {
    const items = await rosterItems(this.ctx.core, this.me);
    if (this.closed || !this.available) return;
    const ids = [...items.keys()]
      .filter((id) => !this.watching.includes(id))
      .slice(0, this.ctx.core.limits.maxIdsPerRequest);
    this.follow(this.ctx.core.presence.targets(this.me, ids));
  }

  private follow(targets: string[]): void {
    this.watching.push(...targets);
    for (const s of this.ctx.core.presence.subscribe(this.me, targets))
      if (s.status !== PresenceStatus.OFFLINE)
        this.ctx.session.send(presenceStanza(s, this.ctx.session.fullJid));
  }

  private unwatch(): void {
    if (this.watching.length === 0) return;
    this.ctx.core.presence.unsubscribe(this.me, this.watching);
    this.watching = [];
  }

  private async push(peer: string): Promise<void> {
    const user = await this.ctx.core.directory.person(this.me, peer);
    if (!user || this.closed) return;
    this.ctx.session.send(
      el(
        "iq",
        { xmlns: NS.client, type: "set", id: randomUUID(), to: this.ctx.session.fullJid },
        rosterElement(new Map([[peer, { user, groups: ["Chats"] }]])),
      ),
    );
  }
}
