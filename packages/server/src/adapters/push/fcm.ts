/*
 * Firebase Cloud Messaging, HTTP v1 API (Firebase: "projects.messages.send", "Authorize send
 * requests"). Authorised as a service account: an RS256-signed JWT assertion (Google: "Using
 * OAuth 2.0 for Server to Server Applications") is exchanged at the account's token_uri for an
 * access token, which is reused until shortly before it expires.
 */
import { createPrivateKey, type KeyObject } from "node:crypto";
import type { PushNotification, PushOutcome, PushProvider, PushTarget } from "../../core/push/provider.js";
import { AccessToken, type IssuedToken } from "./access-token.js";
import { sendWithToken, type TokenAttempt, TokenUnavailable } from "./credentials.js";
import { fitText } from "./fit-text.js";
import { type HttpAnswer, httpCall, outcomeOfStatus, unreachable } from "./http-call.js";
import { signJwt } from "./jwt.js";
import { PUSH_LIFETIME_S } from "./lifetime.js";

export const FCM_ENDPOINT = "https://fcm.googleapis.com";
const FCM_SCOPE = "https://www.googleapis.com/auth/firebase.messaging";
/** Google accepts assertions that are valid for at most an hour. */
const ASSERTION_LIFETIME_S = 3600;
/** ErrorCode INVALID_ARGUMENT, "message too big": 4096 bytes of payload data, keys and values. */
const FCM_MAX_PAYLOAD_BYTES = 4096;
/** Registration tokens are opaque; this bounds what is stored, far above the ~160 bytes seen. */
const MAX_TOKEN_LENGTH = 4096;

/** The fields of a Google service-account key file this adapter uses. */
export interface ServiceAccount {
  projectId: string;
  clientEmail: string;
  privateKey: KeyObject;
  /** Where the assertion is exchanged for an access token (https://oauth2.googleapis.com/token). */
  tokenUri: string;
  privateKeyId?: string;
}

export interface FcmOptions {
  account: ServiceAccount;
  /** The API's base URL: https://fcm.googleapis.com. */
  endpoint: string;
  timeoutMs: number;
  now?: () => number;
}

/** A service-account key file's text as a ServiceAccount, or a sentence saying what is wrong. */
export function readServiceAccount(text: string): ServiceAccount | string {
  let v: Record<string, unknown>;
  try {
    v = JSON.parse(text) as Record<string, unknown>;
  } catch (err) {
    return `not JSON (${err instanceof Error ? err.message : String(err)})`;
  }
  if (typeof v !== "object" || v === null) return "not a service-account key (a JSON object)";
  for (const f of ["project_id", "client_email", "private_key", "token_uri"])
    if (typeof v[f] !== "string" || v[f] === "")
      return `no "${f}" (a Firebase service-account key file has one)`;
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(v.private_key as string);
  } catch (err) {
    return `"private_key" is not a PEM private key (${err instanceof Error ? err.message : String(err)})`;
  }
  if (privateKey.asymmetricKeyType !== "rsa") return `"private_key" is not an RSA key`;
  return {
    projectId: v.project_id as string,
    clientEmail: v.client_email as string,
    privateKey,
    tokenUri: v.token_uri as string,
    ...(typeof v.private_key_id === "string" ? { privateKeyId: v.private_key_id } : {}),
  };
}

export class FcmProvider implements PushProvider {
  readonly name = "fcm";
  private readonly accessToken: AccessToken;
  private readonly now: () => number;

  constructor(private readonly opts: FcmOptions) {
    this.now = opts.now ?? Date.now;
    this.accessToken = new AccessToken(() => this.issue(), this.now);
  }

  checkToken(token: string): string | undefined {
    return token.length > 0 && token.length <= MAX_TOKEN_LENGTH && /^[\x21-\x7e]+$/.test(token)
      ? undefined
      : `an FCM registration token is printable text of at most ${MAX_TOKEN_LENGTH} characters`;
  }

  send(target: PushTarget, n: PushNotification): Promise<PushOutcome> {
    return sendWithToken(this.accessToken, async (bearer): Promise<TokenAttempt> => {
      const answer = await httpCall(
        `${this.opts.endpoint}/v1/projects/${encodeURIComponent(this.opts.account.projectId)}/messages:send`,
        {
          headers: { authorization: `Bearer ${bearer}` },
          body: { message: fcmMessage(target.token, n) },
          timeoutMs: this.opts.timeoutMs,
        },
      );
      if (answer.status === 200) return { ok: true };
      // 401: the access token was revoked or expired early (a fresh one is tried once).
      // THIRD_PARTY_AUTH_ERROR is a 401 about the APNs credentials in the Firebase project,
      // which a new access token does not mend.
      if (answer.status === 401 && fcmErrorCode(answer) !== "THIRD_PARTY_AUTH_ERROR") return "token_expired";
      return outcomeOfFcmError(answer);
    });
  }

  /** The JWT-bearer grant (RFC 7523 §2.1) at the account's token_uri. */
  private async issue(): Promise<IssuedToken> {
    const a = this.opts.account;
    const iat = Math.floor(this.now() / 1000);
    const assertion = signJwt(
      "RS256",
      a.privateKey,
      { iss: a.clientEmail, scope: FCM_SCOPE, aud: a.tokenUri, iat, exp: iat + ASSERTION_LIFETIME_S },
      a.privateKeyId ? { kid: a.privateKeyId } : {},
    );
    let answer: HttpAnswer;
    try {
      answer = await httpCall(a.tokenUri, {
        body: new URLSearchParams({ grant_type: "urn:ietf:params:oauth:grant-type:jwt-bearer", assertion }),
        timeoutMs: this.opts.timeoutMs,
      });
    } catch (err) {
      throw new TokenUnavailable(unreachable(err));
    }
    const body = answer.json as { access_token?: unknown; expires_in?: unknown; error?: unknown } | undefined;
    if (answer.status === 200 && typeof body?.access_token === "string") {
      const expiresIn = typeof body.expires_in === "number" ? body.expires_in : ASSERTION_LIFETIME_S;
      return { token: body.access_token, expiresAt: this.now() + expiresIn * 1000 };
    }
    const detail = `token endpoint: ${typeof body?.error === "string" ? body.error : `HTTP ${answer.status}`}`;
    // 400 invalid_grant / 401 invalid_client (RFC 6749 §5.2): the credentials are refused.
    throw new TokenUnavailable(outcomeOfStatus(answer, detail) ?? { ok: false, reason: "rejected", detail });
  }
}

/**
 * The Message ("projects.messages" resource): data values are strings only, so every field is
 * written as text. A quiet push or a clear is data-only (no notification block), which the app
 * handles itself; an alert collapses by conversation (collapse_key, and the notification tag
 * that replaces the shown one).
 */
export function fcmMessage(token: string, notification: PushNotification): Record<string, unknown> {
  const dataOnly = notification.quiet || notification.kind === "clear";
  const body = fitText(
    notification.body,
    (text) => payloadBytes({ ...notification, body: text }, dataOnly),
    FCM_MAX_PAYLOAD_BYTES,
  );
  const n = { ...notification, body };
  const data = dataOf(n);
  return {
    token,
    ...(dataOnly ? {} : { notification: { title: n.title, body: n.body } }),
    data,
    android: {
      collapse_key: n.conversationId,
      priority: dataOnly ? "NORMAL" : "HIGH",
      ttl: `${PUSH_LIFETIME_S}s`,
      ...(dataOnly ? {} : { notification: { tag: n.conversationId, notification_count: n.badge } }),
    },
  };
}

/** Every field as text: FCM data values are strings only. */
function dataOf(n: PushNotification): Record<string, string> {
  const data: Record<string, string> = {};
  for (const [k, v] of Object.entries(n)) data[k] = String(v);
  return data;
}

/** What counts toward FCM's limit: the data's keys and values, and a shown title and text. */
function payloadBytes(n: PushNotification, dataOnly: boolean): number {
  let bytes = dataOnly ? 0 : Buffer.byteLength(n.title) + Buffer.byteLength(n.body);
  for (const [k, v] of Object.entries(dataOf(n))) bytes += Buffer.byteLength(k) + Buffer.byteLength(v);
  return bytes;
}

/**
 * The error ("FCM ErrorCode" in the v1 reference): error.details[] holds a FcmError with the
 * errorCode. UNREGISTERED, SENDER_ID_MISMATCH (a token of another project) and an
 * INVALID_ARGUMENT about the token itself mean the token will never work here.
 */
function outcomeOfFcmError(answer: HttpAnswer): PushOutcome {
  const error = (answer.json as { error?: FcmErrorBody } | undefined)?.error;
  const details = Array.isArray(error?.details) ? error.details : [];
  const code = fcmErrorCode(answer);
  const detail = code ? `${code}${error?.message ? `: ${error.message}` : ""}` : `HTTP ${answer.status}`;
  if (code === "UNREGISTERED" || code === "SENDER_ID_MISMATCH")
    return { ok: false, reason: "dead_token", detail };
  if (code === "INVALID_ARGUMENT" && aboutToken(error, details))
    return { ok: false, reason: "dead_token", detail };
  return outcomeOfStatus(answer, detail) ?? { ok: false, reason: "rejected", detail };
}

/** The FcmError's errorCode, else the google.rpc status ("NOT_FOUND"), else undefined. */
function fcmErrorCode(answer: HttpAnswer): string | undefined {
  const error = (answer.json as { error?: FcmErrorBody } | undefined)?.error;
  const details = Array.isArray(error?.details) ? error.details : [];
  return (
    details.map((d) => d?.errorCode).find((c): c is string => typeof c === "string") ??
    (typeof error?.status === "string" ? error.status : undefined)
  );
}

interface FcmErrorBody {
  code?: number;
  message?: string;
  status?: string;
  details?: {
    "@type"?: string;
    errorCode?: string;
    fieldViolations?: { field?: string; description?: string }[];
  }[];
}

/** Whether an INVALID_ARGUMENT names the registration token (a BadRequest field violation, or its message). */
function aboutToken(error: FcmErrorBody | undefined, details: NonNullable<FcmErrorBody["details"]>): boolean {
  if (details.some((d) => d?.fieldViolations?.some((v) => v?.field === "message.token"))) return true;
  return /registration token/i.test(error?.message ?? "");
}
