import { AccessToken, type IssuedToken } from "./access-token.js";
import { CredentialsRefused } from "./credentials.js";
import { httpCall } from "./http-call.js";

export interface ClientCredentials {
  /** The provider's token endpoint. */
  url: string;
  clientId: string;
  clientSecret: string;
  timeoutMs: number;
  now?: () => number;
}

/**
 * An access token by the OAuth 2.0 client credentials grant (RFC 6749 §4.4), as Huawei
 * (https://developer.huawei.com/consumer/en/doc/hmscore-guides/android-server-dev-0000001050040110,
 * "Client Credentials") and Honor (its guide "发送下行消息", republished at
 * https://my.oschina.net/u/5873522/blog/10140231) ask for it: grant_type, client_id and
 * client_secret as a form, answered with access_token and expires_in (seconds).
 * A 4xx answer means the credentials are wrong (RFC 6749 §5.2: invalid_client); anything else
 * that is not a token is an outage, thrown as a plain error.
 */
export async function clientCredentialsToken(c: ClientCredentials): Promise<IssuedToken> {
  const now = c.now ?? Date.now;
  const answer = await httpCall(c.url, {
    body: new URLSearchParams({
      grant_type: "client_credentials",
      client_id: c.clientId,
      client_secret: c.clientSecret,
    }),
    timeoutMs: c.timeoutMs,
  });
  const j = answer.json as { access_token?: unknown; expires_in?: unknown } | undefined;
  if (answer.status === 200 && typeof j?.access_token === "string" && j.access_token) {
    const seconds = typeof j.expires_in === "number" && j.expires_in > 0 ? j.expires_in : 3600;
    return { token: j.access_token, expiresAt: now() + seconds * 1000 };
  }
  const detail = `token endpoint: HTTP ${answer.status} ${answer.text.slice(0, 200)}`;
  if (answer.status >= 400 && answer.status < 500 && answer.status !== 429)
    throw new CredentialsRefused(detail);
  throw new Error(detail);
}

/** The access token of a client, fetched by `clientCredentialsToken` and renewed before it lapses. */
export function clientCredentialsAccess(c: ClientCredentials): AccessToken {
  return new AccessToken(() => clientCredentialsToken(c), c.now);
}
