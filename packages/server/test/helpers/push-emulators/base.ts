import { randomUUID } from "node:crypto";
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import type { ProviderEmulator, ReceivedPush } from "../../contracts/push-provider.js";

/** One request as an emulator sees it. */
export interface EmulatedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface EmulatedReply {
  status: number;
  json?: unknown;
  text?: string;
  headers?: Record<string, string>;
}

/** The vendors' APIs refuse far smaller bodies; an emulator never reads more than this. */
const MAX_BODY_BYTES = 64 * 1024;

/**
 * An HTTP server on 127.0.0.1, port 0, answering every request with `handle`. A handler that
 * throws (a request the real API would refuse) answers 400 with the problem under every
 * vendor's name for an error message, so the adapter's outcome says what it got wrong.
 */
export async function startHttpEmulator(
  handle: (req: EmulatedRequest) => EmulatedReply | Promise<EmulatedReply>,
): Promise<{ url: string; stop(): Promise<void> }> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) req.destroy();
      else chunks.push(c);
    });
    req.on("end", async () => {
      let reply: EmulatedReply;
      try {
        reply = await handle({
          method: req.method ?? "GET",
          path: req.url ?? "/",
          headers: req.headers,
          body: Buffer.concat(chunks).toString("utf8"),
        });
      } catch (err) {
        const m = err instanceof Error ? err.message : String(err);
        reply = { status: 400, json: { code: "bad request", msg: m, message: m, reason: m, desc: m } };
      }
      const body = reply.json !== undefined ? JSON.stringify(reply.json) : (reply.text ?? "");
      res.writeHead(reply.status, {
        "content-type": reply.json !== undefined ? "application/json;charset=UTF-8" : "text/plain",
        ...reply.headers,
      });
      res.end(body);
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** What every emulator keeps: the pushes it accepted, refused auth, and the next fault to answer with. */
export class EmulatorState {
  readonly received: ReceivedPush[] = [];
  authFailures = 0;
  private fault: "rate" | "fail" | undefined;
  /** Access tokens issued, and whether each is still valid. */
  private readonly tokens = new Map<string, boolean>();
  private issued = 0;

  rateLimitNext(): void {
    this.fault = "rate";
  }

  failNext(): void {
    this.fault = "fail";
  }

  /** The fault the next send answers with, once. */
  takeFault(): "rate" | "fail" | undefined {
    const f = this.fault;
    this.fault = undefined;
    return f;
  }

  issueToken(prefix: string): string {
    const t = `${prefix}-${++this.issued}-${randomUUID()}`;
    this.tokens.set(t, true);
    return t;
  }

  /** "valid", "expired" (issued, then lapsed) or "unknown" (never issued: counted as bad auth). */
  checkToken(t: string | undefined): "valid" | "expired" | "unknown" {
    const s = t === undefined ? undefined : this.tokens.get(t);
    if (s === true) return "valid";
    if (s === false) return "expired";
    this.authFailures++;
    return "unknown";
  }

  /** Every access token issued so far lapses (as when the provider ends them early). */
  expireTokens(): void {
    for (const t of this.tokens.keys()) this.tokens.set(t, false);
  }

  /** How many access tokens were issued. */
  get tokensIssued(): number {
    return this.issued;
  }
}

/** A field the emulator requires: its value, or an exception naming it (answered as 400). */
export function need<T>(value: T | undefined | null, what: string): T {
  if (value === undefined || value === null || value === "") throw new Error(`missing ${what}`);
  return value;
}

/** The conversation id from the app's payload (a JSON string). */
export function conversationOf(payload: string): string {
  const p = JSON.parse(payload) as { conversationId?: unknown };
  return need(typeof p.conversationId === "string" ? p.conversationId : undefined, "payload.conversationId");
}

/**
 * An OAuth 2.0 token endpoint, client credentials grant (RFC 6749 §4.4) as Huawei and Honor
 * run it: the form's client_id and client_secret checked, a bearer token for an hour; wrong
 * credentials answered 401 invalid_client (§5.2) and counted.
 */
export function clientCredentialsGrant(
  state: EmulatorState,
  req: EmulatedRequest,
  client: { id: string; secret: string; tokenPrefix: string },
): EmulatedReply {
  if (!/application\/x-www-form-urlencoded/.test(req.headers["content-type"] ?? ""))
    throw new Error("a form body expected");
  const f = new URLSearchParams(req.body);
  if (f.get("grant_type") !== "client_credentials") throw new Error("grant_type must be client_credentials");
  if (f.get("client_id") !== client.id || f.get("client_secret") !== client.secret) {
    state.authFailures++;
    return {
      status: 401,
      json: { error: "invalid_client", error_description: "invalid client credentials" },
    };
  }
  return {
    status: 200,
    json: { access_token: state.issueToken(client.tokenPrefix), expires_in: 3600, token_type: "Bearer" },
  };
}

/** The bearer token of an Authorization header. */
export function bearerOf(req: EmulatedRequest): string | undefined {
  return /^Bearer (.+)$/.exec(req.headers.authorization ?? "")?.[1];
}

/** The one token of a Push Kit style `token` list. */
export function oneToken(list: unknown): string {
  if (!Array.isArray(list) || list.length !== 1 || typeof list[0] !== "string")
    throw new Error("token: a list of one token expected");
  return list[0];
}

/** A badge number as Push Kit and Honor take it: a class name and a number 0-99. */
export function badgeNumber(cls: unknown, num: unknown): number {
  need(typeof cls === "string" ? cls : undefined, "badge class");
  if (typeof num !== "number" || !Number.isInteger(num) || num < 0 || num > 99)
    throw new Error("badge number 0-99");
  return num;
}

/** A data-only message as the contract sees it: nothing shown. */
export function dataOnly(token: string, data: string): ReceivedPush {
  const conversationId = conversationOf(data);
  return { token, title: "", body: "", collapseKey: conversationId, quiet: true, conversationId };
}

/** The parts of a ProviderEmulator every emulator has alike; add to it with Object.assign (a spread would copy authFailures once instead of reading it live). */
export function emulatorFace(
  state: EmulatorState,
  server: { stop(): Promise<void> },
  tokens: { validToken: string; deadToken: string },
): ProviderEmulator {
  return {
    received: state.received,
    validToken: tokens.validToken,
    deadToken: tokens.deadToken,
    rateLimitNext: () => state.rateLimitNext(),
    failNext: () => state.failNext(),
    get authFailures() {
      return state.authFailures;
    },
    stop: () => server.stop(),
  };
}
