/*
 * A push relay as a company would write one from docs/operations.md ("Push providers"): it
 * checks x-starling-signature against the shared secret and refuses a timestamp outside its
 * window, then answers as the relay contract says (2xx sent, 410 dead token, 429, 5xx).
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import type { ProviderEmulator } from "../../contracts/push-provider.js";
import { type EmulatedReply, type EmulatedRequest, EmulatorState, startHttpEmulator } from "./base.js";

export const WEBHOOK_SECRET = "relay-shared-secret";
/** How far a request's timestamp may be from the relay's clock. */
const WINDOW_S = 300;

export interface WebhookEmulator extends ProviderEmulator {
  readonly url: string;
  /** Request bodies accepted, parsed. */
  readonly bodies: { device: Record<string, string>; notification: Record<string, unknown> }[];
}

export async function startWebhookEmulator(): Promise<WebhookEmulator> {
  const state = new EmulatorState();
  const bodies: WebhookEmulator["bodies"] = [];
  const validToken = "relay-device-token";
  const deadToken = "relay-dead-token";

  function handle(req: EmulatedRequest): EmulatedReply {
    if (req.method !== "POST" || req.path !== "/push") return { status: 404 };
    const ts = String(req.headers["x-starling-timestamp"] ?? "");
    const sig = String(req.headers["x-starling-signature"] ?? "");
    const expected = createHmac("sha256", WEBHOOK_SECRET).update(`${ts}.${req.body}`).digest("hex");
    const fresh = /^\d+$/.test(ts) && Math.abs(Date.now() / 1000 - Number(ts)) <= WINDOW_S;
    if (
      !fresh ||
      sig.length !== expected.length ||
      !timingSafeEqual(Buffer.from(sig), Buffer.from(expected))
    ) {
      state.authFailures++;
      return { status: 401, text: "bad signature" };
    }
    if (!String(req.headers["content-type"]).startsWith("application/json")) return { status: 415 };
    const body = JSON.parse(req.body) as WebhookEmulator["bodies"][number];
    const fault = state.takeFault();
    if (fault === "rate") return { status: 429, headers: { "retry-after": "5" } };
    if (fault === "fail") return { status: 502 };
    if (body.device.token === deadToken) return { status: 410, text: "unregistered" };
    bodies.push(body);
    const n = body.notification;
    const shown = !n.quiet && n.kind !== "clear";
    state.received.push({
      token: body.device.token ?? "",
      title: shown ? String(n.title) : "",
      body: shown ? String(n.body) : "",
      collapseKey: String(n.conversationId),
      badge: Number(n.badge),
      quiet: Boolean(n.quiet),
      conversationId: String(n.conversationId),
    });
    return { status: 204 };
  }

  const server = await startHttpEmulator(handle);
  return {
    url: `${server.url}/push`,
    received: state.received,
    bodies,
    validToken,
    deadToken,
    get authFailures() {
      return state.authFailures;
    },
    rateLimitNext: () => state.rateLimitNext(),
    failNext: () => state.failNext(),
    stop: () => server.stop(),
  };
}
