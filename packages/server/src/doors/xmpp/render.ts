import { AttachmentKind, type Message } from "@starling/protocol";
import { directPeers, isDirectId, localPartOf } from "../../core/kernel/ids.js";
import { nativeJid, type RouterSession, roomJid } from "./context.js";
import { attachmentUrl } from "./http-upload.js";
import { ownId } from "./message-ids.js";
import { el, NS, type XElement } from "./stanza.js";

/** The stanza-id (XEP-0359) of a message: its conversation and seq. */
export const archiveId = (msg: Pick<Message, "conversationId" | "seq">) => `${msg.conversationId}:${msg.seq}`;

/** Parses an archive id back into conversation and seq. */
export function parseArchiveId(id: string): { conversationId: string; seq: number } | undefined {
  const colon = id.lastIndexOf(":");
  if (colon <= 0) return undefined;
  const seq = Number(id.slice(colon + 1));
  if (!Number.isSafeInteger(seq) || seq <= 0) return undefined;
  return { conversationId: id.slice(0, colon), seq };
}

/** The body an XMPP client shows: the text, else each attachment as its download URL or `[kind: name]`. */
export function bodyOf(session: RouterSession, msg: Message): string {
  const content = msg.content;
  if (!content) return "";
  if (content.text) return content.text;
  return content.attachments
    .map(
      (a) =>
        attachmentUrl(session, msg, a) ?? `[${AttachmentKind[a.kind]?.toLowerCase() ?? "file"}: ${a.name}]`,
    )
    .join("\n");
}

/** Out-of-band data (XEP-0066) for the first attachment that has a URL, which clients show inline. */
function oobOf(session: RouterSession, msg: Message): XElement | undefined {
  for (const a of msg.content?.attachments ?? []) {
    const url = attachmentUrl(session, msg, a);
    if (url) return el("x", { xmlns: NS.oob }, el("url", {}, url));
  }
  return undefined;
}

/** The peer of a 1:1 conversation, seen from `userId`. */
export function peerOf(conversationId: string, userId: string): string | undefined {
  const peers = directPeers(conversationId);
  if (!peers) return undefined;
  return peers[0] === userId ? peers[1] : peers[0];
}

/**
 * A stored message with content as the stanza this session's user gets
 * (RFC 6121 chat, or XEP-0045 groupchat), or undefined when it has no XMPP
 * form. A 1:1 message the user sent themselves is addressed from them to the
 * peer, as carbons (XEP-0280) and archives (XEP-0313) show it.
 */
export function messageStanza(session: RouterSession, msg: Message): XElement | undefined {
  const body = bodyOf(session, msg);
  if (!body) return undefined;
  const mine = msg.senderId === session.userId;
  const id = mine ? ownId(msg.clientMsgId) : msg.clientMsgId;
  const sid = archiveId(msg);
  if (isDirectId(msg.conversationId)) {
    const peer = peerOf(msg.conversationId, session.userId);
    if (!peer) return undefined;
    return el(
      "message",
      {
        xmlns: NS.client,
        from: mine ? session.userId : nativeJid(msg.senderId),
        to: mine ? peer : session.fullJid,
        type: "chat",
        id,
      },
      el("body", {}, body),
      oobOf(session, msg),
      el("stanza-id", { xmlns: NS.stanzaId, by: session.userId, id: sid }),
      el("origin-id", { xmlns: NS.stanzaId, id }),
      !mine && el("request", { xmlns: NS.receipts }),
      !mine && el("markable", { xmlns: NS.markers }),
    );
  }
  const room = roomJid(msg.conversationId, session.domain);
  return el(
    "message",
    {
      xmlns: NS.client,
      from: `${room}/${localPartOf(msg.senderId)}`,
      to: session.fullJid,
      type: "groupchat",
      id,
    },
    el("body", {}, body),
    oobOf(session, msg),
    el("stanza-id", { xmlns: NS.stanzaId, by: room, id: sid }),
    el("origin-id", { xmlns: NS.stanzaId, id }),
    !mine && el("markable", { xmlns: NS.markers }),
  );
}

/** A delay stamp (XEP-0203) for a server time in milliseconds. */
export function delayOf(serverTime: bigint | number, from: string): XElement {
  return el("delay", { xmlns: NS.delay, from, stamp: new Date(Number(serverTime)).toISOString() });
}
