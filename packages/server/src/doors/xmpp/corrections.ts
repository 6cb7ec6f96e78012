import { ContentSchema, create, ErrorCode, type Message, StarlingError } from "@starling/protocol";
import { isDirectId, localPartOf } from "../../core/kernel/ids.js";
import type { MessageRecord } from "../../core/kernel/records.js";
import { toWireMessage } from "../../core/messaging/content.js";
import { nativeJid, type RouterSession, roomJid, type XmppContext } from "./context.js";
import { ownId } from "./message-ids.js";
import { archiveId, messageStanza, peerOf } from "./render.js";
import { childElements, el, NS, textOf, type XElement } from "./stanza.js";

/*
 * Edits as Last Message Correction (XEP-0308) and reactions as Message Reactions (XEP-0444), both
 * ways. The core's edit and reaction rules decide; this file only maps stanzas to them and their
 * events back to stanzas.
 */

/**
 * The id an XMPP client knows a message by, which a correction or reaction names: in a 1:1 chat
 * the id it was shown with (the sender's own stanza id on their devices); in a room, for reactions,
 * the room's stanza-id (XEP-0444 section 3.2), and for corrections the message's id as relayed.
 */
export function shownId(session: RouterSession, target: MessageRecord, forReactions: boolean): string {
  if (!isDirectId(target.conversationId) && forReactions)
    return archiveId({ conversationId: target.conversationId, seq: BigInt(target.seq) });
  return target.senderId === session.userId ? ownId(target.clientMsgId) : target.clientMsgId;
}

/**
 * A message_edited event as a corrected message (XEP-0308 section 3): addressed as the original
 * was, with the new text and `<replace id="original id"/>`; its own ids are the event's.
 */
export function correctionStanza(
  session: RouterSession,
  event: Message,
  target: MessageRecord,
): XElement | undefined {
  const kind = event.event?.kind;
  if (kind?.case !== "messageEdited" || !kind.value.content) return undefined;
  const shown = create(ContentSchema, { ...kind.value.content, attachments: [] });
  const stanza = messageStanza(session, {
    ...toWireMessage({ ...target, content: null }),
    seq: event.seq,
    clientMsgId: event.clientMsgId,
    content: shown,
  });
  if (!stanza) return undefined;
  stanza.children.push(
    el("replace", { xmlns: NS.correct, id: shownId(session, target, false) }),
    el("store", { xmlns: NS.hints }),
  );
  return stanza;
}

/**
 * A reaction_changed event as the reacting user's whole set of reactions on the message
 * (XEP-0444 section 3.1), from that user: an XMPP client replaces the set it had.
 */
export function reactionsStanza(
  session: RouterSession,
  event: Message,
  target: MessageRecord,
): { stanza: XElement; mine: boolean } | undefined {
  const kind = event.event?.kind;
  if (kind?.case !== "reactionChanged") return undefined;
  const by = kind.value.by;
  const emojis = (target.reactions ?? []).filter((r) => r.userIds.includes(by)).map((r) => r.emoji);
  const payload = [
    el(
      "reactions",
      { xmlns: NS.reactions, id: shownId(session, target, true) },
      ...emojis.map((e) => el("reaction", {}, e)),
    ),
    el("store", { xmlns: NS.hints }),
  ];
  const mine = by === session.userId;
  if (isDirectId(event.conversationId)) {
    const peer = peerOf(event.conversationId, session.userId);
    if (!peer) return undefined;
    const attrs = {
      xmlns: NS.client,
      type: "chat",
      id: event.clientMsgId,
      from: mine ? session.userId : nativeJid(by),
      to: mine ? peer : session.fullJid,
    };
    return { stanza: el("message", attrs, ...payload), mine };
  }
  const room = roomJid(event.conversationId, session.domain);
  const attrs = {
    xmlns: NS.client,
    type: "groupchat",
    id: event.clientMsgId,
    from: `${room}/${localPartOf(by)}`,
    to: session.fullJid,
  };
  return { stanza: el("message", attrs, ...payload), mine };
}

/** The emoji a `<reactions/>` element holds, each once, in order. */
export function reactionsOf(reactions: XElement): string[] {
  const out: string[] = [];
  for (const r of childElements(reactions)) {
    if (r.name !== "reaction" || r.ns !== NS.reactions) continue;
    const e = textOf(r).trim();
    if (e && !out.includes(e)) out.push(e);
  }
  return out;
}

/**
 * A client's correction of its message at `seq` (XEP-0308): an edit, which the core allows only
 * to the sender within the edit window.
 */
export async function correct(
  ctx: XmppContext,
  conversationId: string,
  seq: number | undefined,
  text: string,
) {
  if (seq === undefined) throw new StarlingError(ErrorCode.NOT_FOUND, "no such message of yours");
  await ctx.core.editor.edit(
    ctx.session.userId,
    conversationId,
    seq,
    create(ContentSchema, { text }),
    ownChangeSkips(ctx, conversationId),
  );
}

/**
 * A client's reactions on the message at `seq` (XEP-0444): its full set, so the difference from
 * what the user has there now is added and removed, one core change each.
 */
export async function react(
  ctx: XmppContext,
  conversationId: string,
  seq: number | undefined,
  emojis: string[],
) {
  if (seq === undefined) throw new StarlingError(ErrorCode.NOT_FOUND, "no such message");
  const me = ctx.session.userId;
  const target = await ctx.core.history.message(me, conversationId, seq);
  if (!target) throw new StarlingError(ErrorCode.NOT_FOUND, "no such message");
  const had = (target.reactions ?? []).filter((r) => r.userIds.includes(me)).map((r) => r.emoji);
  const skip = ownChangeSkips(ctx, conversationId);
  for (const e of had)
    if (!emojis.includes(e)) await ctx.core.reactions.react(me, conversationId, seq, e, false, skip);
  for (const e of emojis)
    if (!had.includes(e)) await ctx.core.reactions.react(me, conversationId, seq, e, true, skip);
}

/**
 * The session not to tell of its own change: in a 1:1 chat the client already shows what it sent,
 * and its other resources get it as a carbon (XEP-0280 section 6: never to the sending resource);
 * a room reflects every message to its sender too (XEP-0045 section 7.4), so there nobody is skipped.
 */
function ownChangeSkips(ctx: XmppContext, conversationId: string): string | undefined {
  return isDirectId(conversationId) ? ctx.session.id : undefined;
}
