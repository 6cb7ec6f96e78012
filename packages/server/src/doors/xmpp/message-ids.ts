import { randomBytes, randomUUID } from "node:crypto";
import { isValidClientMsgId } from "@starling/protocol";
import { child, NS, type XElement } from "./stanza.js";

/** `x~<stream key>~<stanza id>`: a stanza id scoped to its stream. */
const SCOPED = /^x~[A-Za-z0-9_-]{8}~(.+)$/;

/** A fresh stream key: 8 base64url characters. */
export const newStreamKey = () => randomBytes(6).toString("base64url");

/** A stanza id as stored when it came on the stream with this key. */
export const scopedId = (streamKey: string, id: string) => `x~${streamKey}~${id}`;

/**
 * The client_msg_id a message is stored under, which is its idempotency key.
 * An origin-id (XEP-0359) is unique by definition, so it is kept as it is: a
 * resend from a new stream is still stored once. A stanza's own id is unique
 * only within its stream (simple clients number them '1', '2'... on every
 * connection), so it is scoped to the stream, whose key a XEP-0198
 * resumption keeps: a resend on the resumed stream is stored once, and a new
 * stream's id='1' is a new message. Ids that cannot be kept get a random one.
 */
export function clientMsgIdOf(stanza: XElement, streamKey: string): string {
  const origin = child(stanza, "origin-id", NS.stanzaId)?.attrs.id ?? "";
  if (isValidClientMsgId(origin)) return origin;
  const raw = stanza.attrs.id ?? "";
  const id = scopedId(streamKey, raw);
  return raw && isValidClientMsgId(id) ? id : randomUUID();
}

/**
 * The id a user's own message goes by on their XMPP devices (receipts,
 * carbons, archives, retractions): the stanza id they sent, without its
 * stream scope. Everyone else is shown the stored id, which is unique, so
 * their receipts and markers name the message exactly.
 */
export function ownId(clientMsgId: string): string {
  return SCOPED.exec(clientMsgId)?.[1] ?? clientMsgId;
}
