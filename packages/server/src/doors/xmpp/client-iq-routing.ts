import { NATIVE_RESOURCE, type XmppContext } from "./context.js";
import { nativeClientInfo } from "./disco.js";
import type { Jid } from "./jid.js";
import { childElements, NS, type XElement } from "./stanza.js";

/**
 * IQs between clients (RFC 6120 section 10.5.3): one addressed to another
 * user's full JID is the client's to answer, not the server's. To an XMPP
 * resource it is delivered, and so is the answer coming back; to the
 * resource standing for a user's native sessions it is answered here the way
 * a client would (disco#info and its caps node, ping), since native clients
 * do not speak XMPP. Returns false for what is not a client's: IQs to the
 * server, to an account, or outside the user's domain.
 */
export function clientIq(ctx: XmppContext, iq: XElement, to: Jid | undefined): boolean {
  const s = ctx.session;
  if (!to?.local || !to.resource || to.domain !== s.domain) return false;
  const userId = `${to.local}@${to.domain}`;
  // To the session itself: the server answers, as before.
  if (`${userId}/${to.resource}` === s.fullJid) return false;
  const type = iq.attrs.type;
  const answer = type === "result" || type === "error";
  if (to.resource === NATIVE_RESOURCE) {
    // A native client never asks, so an answer addressed to it answers nothing.
    if (!answer) nativeAnswer(ctx, iq, userId);
    return true;
  }
  const target = s.peerAt(userId, to.resource);
  if (target)
    target.send(
      forwardable({ ...iq, attrs: { ...iq.attrs, from: s.fullJid, to: `${userId}/${to.resource}` } }, ""),
    );
  else {
    // On another node of the cluster, if the user is connected anywhere.
    const relayed = forwardable(
      { ...iq, attrs: { ...iq.attrs, from: s.fullJid, to: `${userId}/${to.resource}` } },
      "",
    );
    // No such resource (RFC 6121 section 8.5.3.2.1): an answer is dropped, a request refused.
    if (!s.relayTo(userId, to.resource, relayed) && !answer) ctx.error(iq, "cancel", "service-unavailable");
  }
  return true;
}

/** What a native user's client answers: disco#info, including its caps node (XEP-0115), and ping. */
function nativeAnswer(ctx: XmppContext, iq: XElement, userId: string): void {
  ctx.core.accounts.getUser(userId).then(
    (user) => {
      const q = childElements(iq)[0];
      const get = iq.attrs.type === "get" && q !== undefined;
      if (!user) ctx.error(iq, "cancel", "service-unavailable");
      else if (get && q.name === "ping" && q.ns === NS.ping) ctx.result(iq);
      else if (get && q.name === "query" && q.ns === NS.discoInfo) {
        const info = nativeClientInfo(q.attrs.node);
        if (info) ctx.result(iq, info);
        else ctx.error(iq, "cancel", "item-not-found");
      } else ctx.error(iq, "cancel", "service-unavailable");
    },
    (err) => ctx.failed(iq, err),
  );
}

/**
 * A parsed element ready to be written again: parsing resolves namespaces
 * and drops their declarations, so each element whose namespace differs from
 * its parent's gets its `xmlns` back; prefixed attributes other than `xml:`
 * would name undeclared prefixes and are left out.
 */
function forwardable(e: XElement, parentNs: string): XElement {
  const attrs: Record<string, string> = e.ns !== parentNs ? { xmlns: e.ns } : {};
  for (const [k, v] of Object.entries(e.attrs))
    if (k !== "xmlns" && (!k.includes(":") || k.startsWith("xml:"))) attrs[k] = v;
  return {
    name: e.name,
    ns: e.ns,
    attrs,
    children: e.children.map((c) => (typeof c === "string" ? c : forwardable(c, e.ns))),
  };
}
