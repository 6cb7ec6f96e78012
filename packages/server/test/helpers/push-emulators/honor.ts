/*
 * Honor Push on loopback: the token endpoint
 * (/auth/realms/developer/protocol/openid-connect/token, client credentials) and
 * /api/v1/<app id>/sendMessage, written from Honor's guide "发送下行消息" (republished at
 * https://my.oschina.net/u/5873522/blog/10140231): Authorization: Bearer, a timestamp header,
 * {data?, android:{notification:{title, body, clickAction, badge?, notifyId?}}, token:[...]}.
 * Honor's table of result codes was not reachable; the answers follow Huawei Push Kit v1's,
 * from which Honor's API derives, with 200 for success (80200003 token expired, 80300007
 * all tokens invalid, 81000001 internal error, HTTP 503 flow control).
 */
import type { ProviderEmulator } from "../../contracts/push-provider.js";
import { conversationOf, EmulatorState, need, startHttpEmulator } from "./base.js";

export interface HonorEmulator extends ProviderEmulator {
  readonly url: string;
  readonly appId: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly state: EmulatorState;
}

const TOKEN_PATH = "/auth/realms/developer/protocol/openid-connect/token";

interface SendBody {
  data?: unknown;
  token?: unknown;
  android?: {
    notification?: {
      title?: unknown;
      body?: unknown;
      notifyId?: unknown;
      clickAction?: { type?: unknown };
      badge?: { badgeClass?: unknown; setNum?: unknown };
    };
  };
}

export async function startHonorEmulator(): Promise<HonorEmulator> {
  const appId = "104433221";
  const clientId = "a7c2e9f0b1d34e5f";
  const clientSecret = "0f1e2d3c4b5a69788796a5b4c3d2e1f0";
  const validToken = "BQAAAACk3hFmAAA-honor-valid";
  const deadToken = "BQAAAACk3hFmAAA-honor-uninstalled";
  const state = new EmulatorState();
  const ok = {
    status: 200,
    json: { code: 200, message: "success", data: { sendResult: true, requestId: "1" } },
  };
  const server = await startHttpEmulator((req) => {
    if (req.method === "POST" && req.path === TOKEN_PATH) {
      const f = new URLSearchParams(req.body);
      if (f.get("grant_type") !== "client_credentials")
        throw new Error("grant_type must be client_credentials");
      if (f.get("client_id") !== clientId || f.get("client_secret") !== clientSecret) {
        state.authFailures++;
        return {
          status: 401,
          json: { error: "invalid_client", error_description: "Invalid client credentials" },
        };
      }
      return {
        status: 200,
        json: { access_token: state.issueToken("honor"), expires_in: 3600, token_type: "Bearer" },
      };
    }
    if (req.method === "POST" && req.path === `/api/v1/${appId}/sendMessage`) {
      const t = state.checkToken(/^Bearer (.+)$/.exec(req.headers.authorization ?? "")?.[1]);
      if (t === "expired") return { status: 200, json: { code: 80200003, message: "OAuth token expired" } };
      if (t === "unknown")
        return { status: 200, json: { code: 80200001, message: "OAuth authentication error" } };
      if (!/^\d{13}$/.test(String(req.headers.timestamp ?? ""))) throw new Error("timestamp header (ms)");
      const fault = state.takeFault();
      if (fault === "rate") return { status: 503, json: { code: 80300002, message: "flow control" } };
      if (fault === "fail") return { status: 500, json: { code: 81000001, message: "internal error" } };
      const b = JSON.parse(req.body) as SendBody;
      const tokens = need(Array.isArray(b.token) ? (b.token as unknown[]) : undefined, "token");
      if (tokens.length !== 1 || typeof tokens[0] !== "string") throw new Error("one token expected");
      if (tokens[0] !== validToken)
        return { status: 200, json: { code: 80300007, message: "all the tokens are invalid" } };
      const data = need(typeof b.data === "string" ? b.data : undefined, "data");
      const n = b.android?.notification;
      if (!n) {
        state.received.push({
          token: tokens[0],
          title: "",
          body: "",
          collapseKey: conversationOf(data),
          quiet: true,
          conversationId: conversationOf(data),
        });
        return ok;
      }
      const type = n.clickAction?.type;
      if (type !== 1 && type !== 2 && type !== 3) throw new Error("clickAction.type 1-3");
      let badge: number | undefined;
      if (n.badge !== undefined) {
        need(typeof n.badge.badgeClass === "string" ? n.badge.badgeClass : undefined, "badge.badgeClass");
        const s = n.badge.setNum;
        if (typeof s !== "number" || !Number.isInteger(s) || s < 0 || s > 99)
          throw new Error("badge.setNum 0-99");
        badge = s;
      }
      const id = n.notifyId;
      if (typeof id !== "number" || !Number.isInteger(id) || id < 0) throw new Error("notifyId: an integer");
      state.received.push({
        token: tokens[0],
        title: need(typeof n.title === "string" ? n.title : undefined, "notification.title"),
        body: need(typeof n.body === "string" ? n.body : undefined, "notification.body"),
        collapseKey: String(id),
        ...(badge !== undefined ? { badge } : {}),
        quiet: false,
        conversationId: conversationOf(data),
      });
      return ok;
    }
    return { status: 404, text: "not found" };
  });
  return {
    url: server.url,
    appId,
    clientId,
    clientSecret,
    state,
    received: state.received,
    validToken,
    deadToken,
    rateLimitNext: () => state.rateLimitNext(),
    failNext: () => state.failNext(),
    get authFailures() {
      return state.authFailures;
    },
    stop: server.stop,
  };
}
