import type { PushNotification, PushOutcome, PushProvider, PushTarget } from "../../core/push/provider.js";
import { parseXmppPushToken } from "../../core/push/xmpp-token.js";

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
