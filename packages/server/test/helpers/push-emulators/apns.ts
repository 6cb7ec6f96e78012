/*
 * An APNs emulator on 127.0.0.1, from Apple's "Sending notification requests to APNs",
 * "Establishing a token-based connection to APNs" and "Handling notification responses from
 * APNs": HTTP/2 over TLS, POST /3/device/<token>, a provider token checked with the team's
 * public key, and Apple's status codes with {"reason": ...} bodies.
 */
import { generateKeyPairSync, type KeyObject, randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { createSecureServer, type Http2Session, type IncomingHttpHeaders } from "node:http2";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ensureTls } from "../../../src/adapters/tls/self-signed.js";
import type { ProviderEmulator } from "../../contracts/push-provider.js";
import { EmulatorState } from "./base.js";
import { verifyJwt } from "./jwt.js";

export const APNS_KEY_ID = "ABC123DEFG";
export const APNS_TEAM_ID = "DEF123GHIJ";
export const APNS_TOPIC = "com.example.starling";

export interface ApnsEmulator extends ProviderEmulator {
  /** https://127.0.0.1:<port> */
  readonly endpoint: string;
  /** The emulator's certificate, to trust as the CA. */
  readonly ca: string;
  /** The team's signing key (the .p8 key, PEM) the emulator accepts. */
  readonly keyPem: string;
  /** HTTP/2 sessions clients opened. */
  readonly sessions: number;
  /** The headers of each accepted request, in order (as `received`). */
  readonly headers: IncomingHttpHeaders[];
  /** Provider tokens seen, in order. */
  readonly providerTokens: string[];
  /** Answers this provider token as ExpiredProviderToken from now on. */
  expire(providerToken: string): void;
  /** The next request is never answered. */
  stallNext(): void;
  /** Sends GOAWAY on every open session and closes it, as APNs does when it moves a client. */
  goAway(): void;
}

export async function startApnsEmulator(): Promise<ApnsEmulator> {
  const dir = mkdtempSync(join(tmpdir(), "apns-emulator-"));
  const tls = await ensureTls(dir, "", "", "localhost");
  const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const state = new EmulatorState();
  const providerTokens: string[] = [];
  const accepted: IncomingHttpHeaders[] = [];
  const expired = new Set<string>();
  const open = new Set<Http2Session>();
  let stall = false;
  let sessions = 0;
  const validToken = "a".repeat(64);
  const deadToken = "d".repeat(64);

  const server = createSecureServer({ key: tls.key, cert: tls.cert, allowHTTP1: false });
  server.on("session", (s) => {
    sessions++;
    open.add(s);
    s.on("close", () => open.delete(s));
  });
  server.on("stream", (stream, headers) => {
    const chunks: Buffer[] = [];
    stream.on("data", (c: Buffer) => chunks.push(c));
    stream.on("end", () => {
      if (stall) {
        stall = false;
        return;
      }
      const answer = handle(headers, Buffer.concat(chunks));
      stream.respond({
        ":status": answer.status,
        "apns-id": randomUUID(),
        ...(answer.reason ? { "content-type": "application/json" } : {}),
      });
      stream.end(
        answer.reason
          ? JSON.stringify({
              reason: answer.reason,
              ...(answer.status === 410 ? { timestamp: Date.now() } : {}),
            })
          : undefined,
      );
    });
  });

  function handle(h: IncomingHttpHeaders, raw: Buffer): { status: number; reason?: string } {
    if (h[":method"] !== "POST") return { status: 405, reason: "MethodNotAllowed" };
    const m = /^\/3\/device\/([^/]*)$/.exec(String(h[":path"]));
    if (!m) return { status: 404, reason: "BadPath" };
    const auth = String(h.authorization ?? "");
    if (!auth.startsWith("bearer ")) return { status: 403, reason: "MissingProviderToken" };
    const jwt = auth.slice("bearer ".length);
    providerTokens.push(jwt);
    const refused = checkProviderToken(jwt, publicKey);
    if (refused) {
      state.authFailures++;
      return { status: 403, reason: refused };
    }
    if (expired.has(jwt)) return { status: 403, reason: "ExpiredProviderToken" };
    if (!h["apns-topic"]) return { status: 400, reason: "MissingTopic" };
    const pushType = h["apns-push-type"];
    if (pushType !== "alert" && pushType !== "background") return { status: 400, reason: "InvalidPushType" };
    const priority = h["apns-priority"] ?? "10";
    // Background notifications must be sent with priority 5 (Apple: "Pushing background updates").
    if (!["1", "5", "10"].includes(String(priority)) || (pushType === "background" && priority !== "5"))
      return { status: 400, reason: "BadPriority" };
    const collapse = h["apns-collapse-id"];
    if (collapse !== undefined && Buffer.byteLength(String(collapse)) > 64)
      return { status: 400, reason: "BadCollapseId" };
    if (h["apns-expiration"] !== undefined && !/^\d+$/.test(String(h["apns-expiration"])))
      return { status: 400, reason: "BadExpirationDate" };
    if (raw.length === 0) return { status: 400, reason: "PayloadEmpty" };
    if (raw.length > 4096) return { status: 413, reason: "PayloadTooLarge" };
    const token = decodeURIComponent(m[1] ?? "");
    if (!/^[0-9a-f]{64}$/i.test(token)) return { status: 400, reason: "BadDeviceToken" };
    const fault = state.takeFault();
    if (fault === "rate") return { status: 429, reason: "TooManyRequests" };
    if (fault === "fail") return { status: 503, reason: "ServiceUnavailable" };
    if (token === deadToken) return { status: 410, reason: "Unregistered" };
    if (h["apns-topic"] !== APNS_TOPIC) return { status: 400, reason: "DeviceTokenNotForTopic" };
    let payload: {
      aps?: {
        alert?: { title?: string; body?: string };
        badge?: number;
        sound?: string;
        "content-available"?: number;
      };
      starling?: { conversationId?: string };
    };
    try {
      payload = JSON.parse(raw.toString("utf8"));
    } catch {
      return { status: 400, reason: "PayloadEmpty" };
    }
    const aps = payload.aps;
    if (typeof aps !== "object" || aps === null) return { status: 400, reason: "PayloadEmpty" };
    // A background push holds only content-available; an alert push shows something.
    if (pushType === "background" && (aps["content-available"] !== 1 || aps.alert || aps.sound))
      return { status: 400, reason: "InvalidPushType" };
    if (pushType === "alert" && !aps.alert && aps.badge === undefined && !aps.sound)
      return { status: 400, reason: "InvalidPushType" };
    accepted.push(h);
    state.received.push({
      token,
      title: aps.alert?.title ?? "",
      body: aps.alert?.body ?? "",
      collapseKey: String(collapse ?? ""),
      ...(aps.badge !== undefined ? { badge: aps.badge } : {}),
      quiet: pushType === "background",
      conversationId: payload.starling?.conversationId ?? "",
    });
    return { status: 200 };
  }

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    endpoint: `https://127.0.0.1:${port}`,
    ca: tls.cert,
    keyPem: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
    received: state.received,
    headers: accepted,
    validToken,
    deadToken,
    providerTokens,
    get sessions() {
      return sessions;
    },
    get authFailures() {
      return state.authFailures;
    },
    rateLimitNext: () => state.rateLimitNext(),
    failNext: () => state.failNext(),
    stallNext() {
      stall = true;
    },
    expire(jwt) {
      expired.add(jwt);
    },
    goAway() {
      for (const s of open) {
        s.goaway();
        s.close();
      }
    },
    async stop() {
      for (const s of open) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Apple's checks of a provider token: ES256 by the team's key, kid and iss, iat within the hour. */
function checkProviderToken(jwt: string, publicKey: KeyObject): string | undefined {
  const v = verifyJwt(jwt, "ES256", publicKey);
  if (!v) return "InvalidProviderToken";
  if (v.header.kid !== APNS_KEY_ID || v.claims.iss !== APNS_TEAM_ID) return "InvalidProviderToken";
  const iat = v.claims.iat;
  if (typeof iat !== "number") return "InvalidProviderToken";
  if (Date.now() / 1000 - iat > 3600) return "ExpiredProviderToken";
  return undefined;
}
