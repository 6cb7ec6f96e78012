/*
 * An FCM emulator on 127.0.0.1, from Firebase's HTTP v1 reference ("projects.messages.send",
 * "ErrorCode") and Google's service-account OAuth 2.0 flow ("Using OAuth 2.0 for Server to
 * Server Applications"): a token endpoint that checks the RS256 assertion with the service
 * account's public key, and a send endpoint that checks the bearer token and the message.
 */
import { generateKeyPairSync, type KeyObject, randomBytes } from "node:crypto";
import type { ProviderEmulator } from "../../contracts/push-provider.js";
import { type EmulatedReply, type EmulatedRequest, EmulatorState, startHttpEmulator } from "./base.js";
import { verifyJwt } from "./jwt.js";

export const FCM_PROJECT = "starling-test";
export const FCM_CLIENT_EMAIL = "push@starling-test.iam.gserviceaccount.com";

export interface FcmEmulator extends ProviderEmulator {
  /** http://127.0.0.1:<port>, the API's base URL. */
  readonly endpoint: string;
  readonly tokenUri: string;
  /** A service-account key file (JSON) pointing at this emulator, signed with `keyPem` (default: the accepted key). */
  serviceAccount(keyPem?: string): string;
  /** A token of another Firebase project. */
  readonly foreignToken: string;
  /** A token of an iOS app whose APNs credentials the Firebase project lacks. */
  readonly iosToken: string;
  /** A token that is not an FCM registration token at all. */
  readonly malformedToken: string;
  /** Access tokens issued so far. */
  readonly issued: number;
  /** Messages as sent (the `message` object). */
  readonly messages: Record<string, unknown>[];
  /** Every access token issued so far lapses, as when Google ends them early. */
  revokeAll(): void;
}

/** A google.rpc.Status error as the v1 API answers it, with the FcmError detail. */
function fcmError(
  status: number,
  rpcStatus: string,
  message: string,
  errorCode?: string,
  extra: object[] = [],
): EmulatedReply {
  return {
    status,
    json: {
      error: {
        code: status,
        message,
        status: rpcStatus,
        details: [
          ...(errorCode
            ? [{ "@type": "type.googleapis.com/google.firebase.fcm.v1.FcmError", errorCode }]
            : []),
          ...extra,
        ],
      },
    },
  };
}

export async function startFcmEmulator(): Promise<FcmEmulator> {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const keyPem = privateKey.export({ type: "pkcs8", format: "pem" }).toString();
  const state = new EmulatorState();
  const messages: Record<string, unknown>[] = [];
  const validToken = `fcm-valid:${"A".repeat(140)}`;
  const deadToken = `fcm-dead:${"B".repeat(140)}`;
  const foreignToken = `fcm-foreign:${"C".repeat(140)}`;
  const iosToken = `fcm-ios:${"D".repeat(140)}`;
  const malformedToken = "not-a-token";
  let tokenUri = "";

  function route(req: EmulatedRequest): EmulatedReply {
    if (req.method === "POST" && req.path === "/token") return token(req);
    const m = /^\/v1\/projects\/([^/]+)\/messages:send$/.exec(req.path);
    if (req.method === "POST" && m) return send(req, decodeURIComponent(m[1] ?? ""));
    return fcmError(404, "NOT_FOUND", "Requested entity was not found.");
  }

  /** The JWT-bearer grant (RFC 7523 §2.1, §3): errors as RFC 6749 §5.2. */
  function token(req: EmulatedRequest): EmulatedReply {
    if (!String(req.headers["content-type"]).startsWith("application/x-www-form-urlencoded"))
      return { status: 400, json: { error: "invalid_request", error_description: "form body expected" } };
    const form = new URLSearchParams(req.body);
    if (form.get("grant_type") !== "urn:ietf:params:oauth:grant-type:jwt-bearer")
      return {
        status: 400,
        json: { error: "unsupported_grant_type", error_description: "Invalid grant_type" },
      };
    const problem = checkAssertion(form.get("assertion") ?? "", publicKey, tokenUri);
    if (problem) {
      state.authFailures++;
      return { status: 400, json: { error: "invalid_grant", error_description: problem } };
    }
    const access = state.issueToken("ya29");
    return { status: 200, json: { access_token: access, expires_in: 3599, token_type: "Bearer" } };
  }

  function send(req: EmulatedRequest, project: string): EmulatedReply {
    const auth = String(req.headers.authorization ?? "");
    const bearer = auth.startsWith("Bearer ") ? auth.slice("Bearer ".length) : undefined;
    if (state.checkToken(bearer) !== "valid") {
      return fcmError(
        401,
        "UNAUTHENTICATED",
        "Request had invalid authentication credentials. Expected OAuth 2 access token.",
      );
    }
    if (project !== FCM_PROJECT)
      return fcmError(403, "PERMISSION_DENIED", `Permission denied on resource project ${project}.`);
    let message: Record<string, unknown>;
    try {
      message = (JSON.parse(req.body) as { message: Record<string, unknown> }).message;
    } catch {
      return fcmError(400, "INVALID_ARGUMENT", "Invalid JSON payload received.");
    }
    if (typeof message !== "object" || message === null)
      return fcmError(400, "INVALID_ARGUMENT", "Request contains an invalid argument.", "INVALID_ARGUMENT");
    const shape = checkMessage(message);
    if (shape)
      return fcmError(400, "INVALID_ARGUMENT", shape.description, "INVALID_ARGUMENT", [
        { "@type": "type.googleapis.com/google.rpc.BadRequest", fieldViolations: [shape] },
      ]);
    const fault = state.takeFault();
    if (fault === "rate") {
      return {
        ...fcmError(429, "RESOURCE_EXHAUSTED", "Quota exceeded for sending messages.", "QUOTA_EXCEEDED"),
        headers: { "retry-after": "30" },
      };
    }
    if (fault === "fail") {
      return fcmError(503, "UNAVAILABLE", "The service is currently unavailable.", "UNAVAILABLE");
    }
    const to = String(message.token);
    if (to === deadToken)
      return fcmError(404, "NOT_FOUND", "Requested entity was not found.", "UNREGISTERED");
    if (to === iosToken)
      return fcmError(
        401,
        "UNAUTHENTICATED",
        "Auth error from APNS or Web Push Service",
        "THIRD_PARTY_AUTH_ERROR",
      );
    if (to === foreignToken)
      return fcmError(403, "PERMISSION_DENIED", "SenderId mismatch", "SENDER_ID_MISMATCH");
    // The reference's own example of an invalid registration token: no BadRequest detail.
    if (to !== validToken)
      return fcmError(
        400,
        "INVALID_ARGUMENT",
        "The registration token is not a valid FCM registration token",
        "INVALID_ARGUMENT",
      );
    messages.push(message);
    const n = message.notification as { title?: string; body?: string } | undefined;
    const data = message.data as Record<string, string>;
    const android = message.android as {
      collapse_key?: string;
      notification?: { notification_count?: number };
    };
    state.received.push({
      token: to,
      title: n?.title ?? "",
      body: n?.body ?? "",
      collapseKey: android?.collapse_key ?? "",
      ...(android?.notification?.notification_count !== undefined
        ? { badge: android.notification.notification_count }
        : {}),
      quiet: n === undefined,
      conversationId: data.conversationId ?? "",
    });
    return {
      status: 200,
      json: { name: `projects/${FCM_PROJECT}/messages/${randomBytes(8).toString("hex")}` },
    };
  }

  const server = await startHttpEmulator(route);
  const endpoint = server.url;
  tokenUri = `${endpoint}/token`;
  return {
    endpoint,
    tokenUri,
    received: state.received,
    messages,
    validToken,
    deadToken,
    foreignToken,
    iosToken,
    malformedToken,
    serviceAccount(pem = keyPem) {
      return JSON.stringify({
        type: "service_account",
        project_id: FCM_PROJECT,
        private_key_id: "0123456789abcdef",
        private_key: pem,
        client_email: FCM_CLIENT_EMAIL,
        token_uri: tokenUri,
      });
    },
    get issued() {
      return state.tokensIssued;
    },
    get authFailures() {
      return state.authFailures;
    },
    rateLimitNext: () => state.rateLimitNext(),
    failNext: () => state.failNext(),
    revokeAll: () => state.expireTokens(),
    stop: () => server.stop(),
  };
}

/** Google's checks of the assertion: signed by the account's key, iss, aud, scope, at most an hour. */
function checkAssertion(jwt: string, publicKey: KeyObject, tokenUri: string): string | undefined {
  const v = verifyJwt(jwt, "RS256", publicKey);
  if (!v) return "Invalid JWT Signature.";
  const { iss, aud, scope, iat, exp } = v.claims;
  if (iss !== FCM_CLIENT_EMAIL) return "Invalid JWT: iss is not the service account.";
  if (aud !== tokenUri) return "Invalid JWT: aud is not the token URI.";
  if (
    typeof scope !== "string" ||
    !scope.split(" ").includes("https://www.googleapis.com/auth/firebase.messaging")
  )
    return "Invalid JWT: the firebase.messaging scope is missing.";
  const now = Date.now() / 1000;
  if (typeof iat !== "number" || typeof exp !== "number" || exp - iat > 3600 || exp < now || iat > now + 60)
    return "Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe.";
  return undefined;
}

/** The Message resource's rules the adapter must keep: a token, string data, Android fields. */
function checkMessage(m: Record<string, unknown>): { field: string; description: string } | undefined {
  if (typeof m.token !== "string" || m.token === "")
    return { field: "message.token", description: "A token is required" };
  if (m.data !== undefined) {
    if (typeof m.data !== "object" || m.data === null) return { field: "message.data", description: "a map" };
    // "Message too big": 4096 bytes of payload data, keys and values together.
    const size = Object.entries(m.data).reduce(
      (b, [k, v]) => b + Buffer.byteLength(k) + Buffer.byteLength(String(v)),
      0,
    );
    if (size > 4096) return { field: "message.data", description: `Message too big (${size} bytes)` };
    for (const [k, v] of Object.entries(m.data))
      if (typeof v !== "string")
        return {
          field: `message.data[${k}].value`,
          description: `Invalid value at 'message.data[${k}].value'`,
        };
  }
  const n = m.notification as Record<string, unknown> | undefined;
  if (n !== undefined && (typeof n.title !== "string" || typeof n.body !== "string"))
    return { field: "message.notification", description: "title and body are strings" };
  const a = m.android as Record<string, unknown> | undefined;
  if (a !== undefined) {
    if (a.priority !== undefined && a.priority !== "HIGH" && a.priority !== "NORMAL")
      return { field: "message.android.priority", description: `Invalid value ${String(a.priority)}` };
    if (a.ttl !== undefined && !/^\d+(\.\d+)?s$/.test(String(a.ttl)))
      return { field: "message.android.ttl", description: "a duration such as 3.5s" };
    const an = a.notification as Record<string, unknown> | undefined;
    if (an !== undefined && an.notification_count !== undefined && !Number.isInteger(an.notification_count))
      return { field: "message.android.notification.notification_count", description: "an integer" };
  }
  return undefined;
}
