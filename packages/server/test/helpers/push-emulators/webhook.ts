/*
 * A push relay as a company would write one from docs/operations.md ("Push providers"): it
 * checks x-starling-signature against the shared secret and refuses a timestamp outside its
 * window, then answers as the relay contract says (2xx sent, 410 dead token, 429, 5xx).
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { ProviderEmulator, ReceivedPush } from "../../contracts/push-provider.js";

export const WEBHOOK_SECRET = "relay-shared-secret";
/** How far a request's timestamp may be from the relay's clock. */
const WINDOW_S = 300;

export interface WebhookEmulator extends ProviderEmulator {
  readonly url: string;
  /** Request bodies accepted, parsed. */
  readonly bodies: { device: Record<string, string>; notification: Record<string, unknown> }[];
}

export async function startWebhookEmulator(): Promise<WebhookEmulator> {
  const received: ReceivedPush[] = [];
  const bodies: WebhookEmulator["bodies"] = [];
  let authFailures = 0;
  let next: "rate" | "fail" | undefined;
  const validToken = "relay-device-token";
  const deadToken = "relay-dead-token";

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const raw = Buffer.concat(chunks).toString("utf8");
      const answer = (status: number, text = "") => {
        res.writeHead(status, status === 429 ? { "retry-after": "5" } : {});
        res.end(text);
      };
      if (req.method !== "POST" || req.url !== "/push") return answer(404);
      const ts = String(req.headers["x-starling-timestamp"] ?? "");
      const sig = String(req.headers["x-starling-signature"] ?? "");
      const expected = createHmac("sha256", WEBHOOK_SECRET).update(`${ts}.${raw}`).digest("hex");
      const fresh = /^\d+$/.test(ts) && Math.abs(Date.now() / 1000 - Number(ts)) <= WINDOW_S;
      if (
        !fresh ||
        sig.length !== expected.length ||
        !timingSafeEqual(Buffer.from(sig), Buffer.from(expected))
      ) {
        authFailures++;
        return answer(401, "bad signature");
      }
      if (!String(req.headers["content-type"]).startsWith("application/json")) return answer(415);
      const body = JSON.parse(raw) as WebhookEmulator["bodies"][number];
      if (next === "rate") {
        next = undefined;
        return answer(429);
      }
      if (next === "fail") {
        next = undefined;
        return answer(502);
      }
      if (body.device.token === deadToken) return answer(410, "unregistered");
      bodies.push(body);
      const n = body.notification;
      received.push({
        token: body.device.token ?? "",
        title: n.quiet || n.kind === "clear" ? "" : String(n.title),
        body: n.quiet || n.kind === "clear" ? "" : String(n.body),
        collapseKey: String(n.conversationId),
        badge: Number(n.badge),
        quiet: Boolean(n.quiet),
        conversationId: String(n.conversationId),
      });
      answer(204);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/push`,
    received,
    bodies,
    validToken,
    deadToken,
    get authFailures() {
      return authFailures;
    },
    rateLimitNext() {
      next = "rate";
    },
    failNext() {
      next = "fail";
    },
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
