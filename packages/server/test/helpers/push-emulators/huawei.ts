/*
 * Huawei Push Kit on loopback: the OAuth 2.0 token endpoint (/oauth2/v3/token) and the v1
 * send API (/v1/<client id>/messages:send), written from "Sending Downlink Messages"
 * (https://developer.huawei.com/consumer/en/doc/HMSCore-References/https-send-api-0000001050986197)
 * and its result codes: 80000000 success, 80200001 OAuth authentication error, 80200003 OAuth
 * token expired, 80300007 all tokens invalid, 80300008 message too large, 81000001 internal
 * error; HTTP 503 for flow control.
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

export interface HuaweiEmulator extends ProviderEmulator {
  readonly url: string;
  readonly appId: string;
  readonly clientSecret: string;
  readonly state: EmulatorState;
}

interface Message {
  token?: unknown;
  data?: unknown;
  notification?: unknown;
  android?: {
    notification?: {
      title?: unknown;
      importance?: unknown;
      body?: unknown;
      tag?: unknown;
      click_action?: { type?: unknown };
      badge?: { class?: unknown; set_num?: unknown };
    };
  };
}

export async function startHuaweiEmulator(): Promise<HuaweiEmulator> {
  const appId = "104567891";
  const clientSecret = "a1b2c3d4e5f60718293a4b5c6d7e8f90";
  const tokens = {
    validToken: "IQAAAACy0kYdAAA-hw-valid-token",
    deadToken: "IQAAAACy0kYdAAA-hw-uninstalled",
  };
  const state = new EmulatorState();
  const success = { status: 200, json: { code: "80000000", msg: "Success", requestId: "1" } };
  const server = await startHttpEmulator((req) => {
    if (req.method === "POST" && req.path === "/oauth2/v3/token")
      return clientCredentialsGrant(state, req, { id: appId, secret: clientSecret, tokenPrefix: "hw" });
    if (req.method !== "POST" || req.path !== `/v1/${appId}/messages:send`)
      return { status: 404, text: "not found" };
    const t = state.checkToken(bearerOf(req));
    if (t === "expired") return { status: 401, json: { code: "80200003", msg: "OAuth token expired" } };
    if (t === "unknown")
      return { status: 401, json: { code: "80200001", msg: "Oauth authentication error" } };
    const fault = state.takeFault();
    if (fault === "rate") return { status: 503, json: { code: "80300002", msg: "flow control" } };
    if (fault === "fail") return { status: 500, json: { code: "81000001", msg: "System inner error" } };
    const b = JSON.parse(req.body) as { validate_only?: unknown; message?: Message };
    if (b.validate_only !== false) throw new Error("validate_only must be false");
    const m = need(b.message, "message");
    const token = oneToken(m.token);
    if (Buffer.byteLength(JSON.stringify({ ...m, token: [] })) > 4096)
      return {
        status: 400,
        json: { code: "80300008", msg: "The message body size exceeds the default value" },
      };
    if (token !== tokens.validToken)
      return { status: 400, json: { code: "80300007", msg: "All the tokens are invalid" } };
    const data = need(typeof m.data === "string" ? m.data : undefined, "message.data");
    const n = m.android?.notification;
    if (!n) {
      if (m.notification !== undefined) throw new Error("a data message carries no notification");
      state.received.push(dataOnly(token, data));
      return success;
    }
    if (n.importance !== undefined && n.importance !== "LOW" && n.importance !== "NORMAL")
      throw new Error("importance LOW or NORMAL");
    const type = n.click_action?.type;
    if (type !== 1 && type !== 2 && type !== 3 && type !== 4) throw new Error("click_action.type 1-4");
    state.received.push({
      token,
      title: need(typeof n.title === "string" ? n.title : undefined, "notification.title"),
      body: need(typeof n.body === "string" ? n.body : undefined, "notification.body"),
      collapseKey: need(typeof n.tag === "string" ? n.tag : undefined, "notification.tag"),
      ...(n.badge !== undefined ? { badge: badgeNumber(n.badge.class, n.badge.set_num) } : {}),
      quiet: false,
      conversationId: conversationOf(data),
    });
    return success;
  });
  return Object.assign(emulatorFace(state, server, tokens), { url: server.url, appId, clientSecret, state });
}
