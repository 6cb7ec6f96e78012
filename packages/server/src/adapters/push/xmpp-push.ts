import type { PushNotification, PushOutcome, PushProvider, PushTarget } from "../../core/push/provider.js";

/**
 * The token of an "xmpp" device, as the XMPP door registers it at <enable/> (XEP-0357
 * section 5): the app server's JID, the node, and the publish-options (the client's secret).
 */
export interface XmppPushToken {
  jid: string;
  node: string;
  options: Record<string, string>;
}

/** Publish-options fields a client may give, at most (Conversations and Monal give one or two). */
const MAX_OPTIONS = 16;
/** Each part of a JID is at most 1023 bytes (RFC 7622 section 3), so a JID at most three times that. */
const MAX_JID_CHARS = 3071;
const MAX_NODE_CHARS = 1023;
const MAX_OPTION_CHARS = 1023;

/** What the server-to-server side answered a publish (the XMPP door's PushPublisher). */
export type PublishAnswer =
  | { type: "result" }
  | { type: "error"; errorType: string; condition: string }
  | { type: "lost"; detail: string }
  | { type: "refused"; detail: string };

/** Publishes one XEP-0357 notification to an app server and says how it went. */
export interface XmppPublisher {
  publish(p: {
    from: string;
    appServer: string;
    node: string;
    summary: Record<string, string>;
    options: Record<string, string>;
  }): Promise<PublishAnswer>;
  close(): Promise<void>;
}

/** The token as stored, or a sentence saying what is wrong with it. */
export function parseXmppPushToken(token: string): XmppPushToken | string {
  let v: unknown;
  try {
    v = JSON.parse(token);
  } catch {
    return "the token is not JSON";
  }
  if (typeof v !== "object" || v === null) return "the token is not a JSON object";
  const { jid, node, options } = v as Record<string, unknown>;
  if (typeof jid !== "string" || jid.length === 0 || jid.length > MAX_JID_CHARS || /[\s<>'"&]/.test(jid))
    return "the token's jid is not a JID";
  if (typeof node !== "string" || node.length === 0 || node.length > MAX_NODE_CHARS)
    return `the token's node must be 1-${MAX_NODE_CHARS} characters`;
  if (typeof options !== "object" || options === null || Array.isArray(options))
    return "the token's options must be an object";
  const entries = Object.entries(options);
  if (entries.length > MAX_OPTIONS) return `at most ${MAX_OPTIONS} publish-options`;
  for (const [k, val] of entries)
    if (typeof val !== "string" || k.length > MAX_OPTION_CHARS || val.length > MAX_OPTION_CHARS)
      return "each publish-option is a name and a text value";
  return { jid, node, options: options as Record<string, string> };
}

/**
 * The "xmpp" PushProvider: XEP-0357 app servers (those of Conversations, Monal, Siskin),
 * reached as section 7 describes, by a pubsub publish to the node on the app server's JID
 * carrying the urn:xmpp:push:summary form.
 *
 * XEP-0357 has no withdraw, so a "clear" is answered ok without sending anything. A quiet
 * notification is still published, without the sender and the text: the app server decides
 * what the device shows, and Conversations only wakes up and syncs, which a quiet push is for.
 * The whole notification also travels as JSON in an `x-starling-payload` field (an
 * unregistered field, named with `x-` as XEP-0068 section 3.4 asks), for app servers built for
 * Starling's clients; other app servers ignore it.
 */
export class XmppPushProvider implements PushProvider {
  readonly name = "xmpp";

  constructor(private readonly publisher: XmppPublisher) {}

  checkToken(token: string): string | undefined {
    const t = parseXmppPushToken(token);
    return typeof t === "string" ? t : undefined;
  }

  async send(target: PushTarget, n: PushNotification): Promise<PushOutcome> {
    if (n.kind === "clear") return { ok: true };
    const t = parseXmppPushToken(target.token);
    if (typeof t === "string") return { ok: false, reason: "dead_token", detail: t };
    const summary: Record<string, string> = { "message-count": String(n.count) };
    if (!n.quiet) {
      // XEP-0357 section 7 (table 1): the sender's bare JID, which a Starling user id is.
      summary["last-message-sender"] = n.senderId;
      summary["last-message-body"] = n.body;
    }
    summary["x-starling-payload"] = JSON.stringify(n);
    const answer = await this.publisher.publish({
      from: target.userId,
      appServer: t.jid,
      node: t.node,
      summary,
      options: t.options,
    });
    return outcomeOf(answer);
  }

  close(): Promise<void> {
    return this.publisher.close();
  }
}

/**
 * XEP-0357 section 8: an app server that answers item-not-found, not-authorized or forbidden
 * no longer serves the node (the app was removed, the secret is stale), so the registration
 * is dead. resource-constraint and a policy-violation of type wait are its rate limit.
 */
export function outcomeOf(a: PublishAnswer): PushOutcome {
  switch (a.type) {
    case "result":
      return { ok: true };
    case "lost":
      return { ok: false, reason: "retryable", detail: a.detail };
    case "refused":
      return { ok: false, reason: "rejected", detail: a.detail };
    case "error": {
      const detail = `${a.errorType}/${a.condition}`;
      if (["item-not-found", "not-authorized", "forbidden"].includes(a.condition))
        return { ok: false, reason: "dead_token", detail };
      if (
        a.condition === "resource-constraint" ||
        (a.condition === "policy-violation" && a.errorType === "wait")
      )
        return { ok: false, reason: "rate_limited", detail };
      if (a.errorType === "wait") return { ok: false, reason: "retryable", detail };
      return { ok: false, reason: "rejected", detail };
    }
  }
}
