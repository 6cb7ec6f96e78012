import { parseXmppPushToken, xmppPushToken } from "../../core/push/xmpp-token.js";
import type { XmppContext } from "./context.js";
import { bareJid, fullJid, parseJid } from "./jid.js";
import { child, childElements, NS, textOf, type XElement } from "./stanza.js";

/** XEP-0357's namespace, which the account's disco#info lists when push is configured. */
export const PUSH_NS = "urn:xmpp:push:0";
const PUBLISH_OPTIONS = "http://jabber.org/protocol/pubsub#publish-options";
/** The provider that delivers to XEP-0357 app servers (adapters/push/xmpp-push.ts). */
const PROVIDER = "xmpp";

/** Whether devices can register with the xmpp provider here. */
export const pushEnabled = (ctx: XmppContext): boolean =>
  ctx.core.pushDevices.providerNames().includes(PROVIDER);

/**
 * XEP-0357 section 5: a client names its app server (a JID and a node) and, in a data form,
 * the publish-options the app server wants with each notification (its secret). Each enabled
 * node is one push device of the user (provider "xmpp"), which the core registers with its
 * own rules and limits; enabling a node again replaces its options. Section 6: disable with
 * only a JID removes every node on that app server.
 */
export function pushIq(ctx: XmppContext, iq: XElement, q: XElement): void {
  if (!pushEnabled(ctx)) {
    ctx.error(iq, "cancel", "not-allowed", "push notifications are not configured on this server");
    return;
  }
  const jid = parseJid(q.attrs.jid ?? "");
  const node = q.attrs.node ?? "";
  if (!jid || (q.name === "enable" && !node)) {
    ctx.error(iq, "modify", "bad-request", "a valid jid and, to enable, a node are required");
    return;
  }
  const appServer = jid.resource ? fullJid(jid) : bareJid(jid);
  const userId = ctx.session.userId;
  if (q.name === "enable") {
    const options = publishOptions(q);
    if (typeof options === "string") {
      ctx.error(iq, "modify", "bad-request", options);
      return;
    }
    const token = xmppPushToken({ jid: appServer, node, options });
    ctx.answer(iq, async () => {
      await removeNodes(ctx, userId, appServer, node);
      await ctx.core.pushDevices.register(userId, {
        provider: PROVIDER,
        platform: "other",
        appId: appServer,
        token,
        locale: "",
      });
      return undefined;
    });
  } else
    ctx.answer(iq, async () => {
      await removeNodes(ctx, userId, appServer, node || undefined);
      return undefined;
    });
}

/** Removes the user's registrations for this app server (and node, when given). */
async function removeNodes(ctx: XmppContext, userId: string, jid: string, node?: string): Promise<void> {
  for (const d of await ctx.core.pushDevices.list(userId)) {
    if (d.provider !== PROVIDER) continue;
    const t = parseXmppPushToken(d.token);
    if (typeof t === "string" || t.jid !== jid || (node !== undefined && t.node !== node)) continue;
    await ctx.core.pushDevices.unregister(userId, { id: d.id });
  }
}

/**
 * The optional publish-options form (XEP-0357 section 5, example 6): field values as given;
 * a form of another FORM_TYPE is refused, as a publish with it would be.
 */
function publishOptions(enable: XElement): Record<string, string> | string {
  const x = child(enable, "x", NS.dataForms);
  if (!x) return {};
  const out: Record<string, string> = {};
  for (const f of childElements(x)) {
    if (f.name !== "field" || !f.attrs.var) continue;
    const value = childElements(f).find((c) => c.name === "value");
    out[f.attrs.var] = value ? textOf(value) : "";
  }
  if (out.FORM_TYPE !== undefined && out.FORM_TYPE !== PUBLISH_OPTIONS)
    return `the form's FORM_TYPE must be ${PUBLISH_OPTIONS}`;
  return out;
}
