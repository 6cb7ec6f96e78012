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
import {
  badgeNumber,
  bearerOf,
  clientCredentialsGrant,
  conversationOf,
  dataOnly,
  EmulatorState,
  emulatorFace,
  need,
  oneToken,
  startHttpEmulator,
} from "./base.js";

export interface HonorEmulator extends ProviderEmulator {
  readonly url: string;
  readonly appId: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly state: EmulatorState;
}

interface SendBody {
  data?: unknown;
  token?: unknown;
  android?: {
    notification?: {
      title?: unknown;
      importance?: unknown;
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
  const tokens = {
    validToken: "BQAAAACk3hFmAAA-honor-valid",
    deadToken: "BQAAAACk3hFmAAA-honor-uninstalled",
  };
  const state = new EmulatorState();
  const success = { status: 200, json: { code: 200, message: "success", data: { sendResult: true } } };
  const server = await startHttpEmulator((req) => {
    if (req.method === "POST" && req.path === "/auth/realms/developer/protocol/openid-connect/token")
      return clientCredentialsGrant(state, req, { id: clientId, secret: clientSecret, tokenPrefix: "honor" });
    if (req.method !== "POST" || req.path !== `/api/v1/${appId}/sendMessage`)
      return { status: 404, text: "not found" };
    const t = state.checkToken(bearerOf(req));
    if (t === "expired") return { status: 200, json: { code: 80200003, message: "OAuth token expired" } };
    if (t === "unknown")
      return { status: 200, json: { code: 80200001, message: "OAuth authentication error" } };
    if (!/^\d{13}$/.test(String(req.headers.timestamp ?? ""))) throw new Error("timestamp header (ms)");
    const fault = state.takeFault();
    if (fault === "rate") return { status: 503, json: { code: 80300002, message: "flow control" } };
    if (fault === "fail") return { status: 500, json: { code: 81000001, message: "internal error" } };
    const b = JSON.parse(req.body) as SendBody;
    const token = oneToken(b.token);
    if (token !== tokens.validToken)
      return { status: 200, json: { code: 80300007, message: "all the tokens are invalid" } };
    const data = need(typeof b.data === "string" ? b.data : undefined, "data");
    const n = b.android?.notification;
    if (!n) {
      state.received.push(dataOnly(token, data));
      return success;
    }
    if (n.importance !== undefined && n.importance !== "LOW" && n.importance !== "NORMAL")
      throw new Error("importance LOW or NORMAL");
    const type = n.clickAction?.type;
    if (type !== 1 && type !== 2 && type !== 3) throw new Error("clickAction.type 1-3");
    const id = n.notifyId;
    if (typeof id !== "number" || !Number.isInteger(id) || id < 0) throw new Error("notifyId: an integer");
    state.received.push({
      token,
      title: need(typeof n.title === "string" ? n.title : undefined, "notification.title"),
      body: need(typeof n.body === "string" ? n.body : undefined, "notification.body"),
      collapseKey: String(id),
      ...(n.badge !== undefined ? { badge: badgeNumber(n.badge.badgeClass, n.badge.setNum) } : {}),
      quiet: false,
      conversationId: conversationOf(data),
    });
    return success;
  });
  return Object.assign(emulatorFace(state, server, tokens), {
    url: server.url,
    appId,
    clientId,
    clientSecret,
    state,
  });
}
