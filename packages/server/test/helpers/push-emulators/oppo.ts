/*
 * OPPO Push on loopback: POST /server/v1/auth and /server/v1/message/notification/unicast,
 * written from OPPO's server API (https://open.oppomobile.com/new/developmentDoc/info?id=11236
 * and id=11238): the sign is hex(SHA-256(app_key + timestamp + master_secret)) with a
 * timestamp within 10 minutes; the auth_token a public parameter; codes 0 success, -1 service
 * unavailable, -2 flow control, 11 invalid auth token, 16 invalid signature, 10000 invalid
 * registration id; title and content at most 50 characters; notify_level needs a category.
 */
import { createHash } from "node:crypto";
import type { ProviderEmulator } from "../../contracts/push-provider.js";
import { conversationOf, EmulatorState, emulatorFace, need, startHttpEmulator } from "./base.js";

export interface OppoEmulator extends ProviderEmulator {
  readonly url: string;
  readonly appKey: string;
  readonly masterSecret: string;
  readonly state: EmulatorState;
}

interface Notification {
  title?: unknown;
  content?: unknown;
  action_parameters?: unknown;
  notify_id?: unknown;
  notify_level?: unknown;
  category?: unknown;
}

export async function startOppoEmulator(): Promise<OppoEmulator> {
  const appKey = "3b8c1d2e4f5a4b6c9d0e1f2a3b4c5d6e";
  const masterSecret = "9f8e7d6c5b4a39281706f5e4d3c2b1a0";
  const validToken = "CN_2a9f0c8b7d6e5f4a3b2c1d0e9f8a7b6c";
  const deadToken = "CN_2a9f0c8b7d6e5f4a3b2c1d0e9f8a7b6d";
  const state = new EmulatorState();
  const server = await startHttpEmulator((req) => {
    if (!/application\/x-www-form-urlencoded/.test(req.headers["content-type"] ?? ""))
      throw new Error("a form body expected");
    const f = new URLSearchParams(req.body);
    if (req.method === "POST" && req.path === "/server/v1/auth") {
      const timestamp = need(f.get("timestamp"), "timestamp");
      if (!/^\d{13}$/.test(timestamp) || Math.abs(Date.now() - Number(timestamp)) > 600_000)
        return { status: 200, json: { code: 19, message: "Invalid Timestamp" } };
      const expected = createHash("sha256")
        .update(need(f.get("app_key"), "app_key") + timestamp + masterSecret)
        .digest("hex");
      if (f.get("app_key") !== appKey || f.get("sign") !== expected) {
        state.authFailures++;
        return { status: 200, json: { code: 16, message: "Invalid Signature" } };
      }
      return {
        status: 200,
        json: {
          code: 0,
          message: "Success",
          data: { auth_token: state.issueToken("oppo"), create_time: Date.now() },
        },
      };
    }
    if (req.method === "POST" && req.path === "/server/v1/message/notification/unicast") {
      const t = state.checkToken(f.get("auth_token") ?? String(req.headers.auth_token ?? ""));
      if (t !== "valid") return { status: 200, json: { code: 11, message: "Invalid AuthToken" } };
      const fault = state.takeFault();
      if (fault === "rate") return { status: 200, json: { code: -2, message: "Service in Flow Control" } };
      if (fault === "fail")
        return { status: 200, json: { code: -1, message: "Service Currently Unavailable" } };
      const m = JSON.parse(need(f.get("message"), "message")) as {
        target_type?: unknown;
        target_value?: unknown;
        notification?: Notification;
      };
      if (m.target_type !== 2) throw new Error("target_type 2 (registration id)");
      const regId = need(typeof m.target_value === "string" ? m.target_value : undefined, "target_value");
      const n = need(m.notification, "notification");
      const title = need(typeof n.title === "string" ? n.title : undefined, "title");
      const content = need(typeof n.content === "string" ? n.content : undefined, "content");
      if (Array.from(title).length > 50 || Array.from(content).length > 50)
        throw new Error("title and content at most 50 characters");
      if (n.notify_level !== undefined && n.category === undefined)
        throw new Error("notify_level needs category");
      if (
        n.notify_level !== undefined &&
        n.notify_level !== 1 &&
        n.notify_level !== 2 &&
        n.notify_level !== 16
      )
        throw new Error("notify_level 1, 2 or 16");
      const id = n.notify_id;
      if (typeof id !== "number" || !Number.isInteger(id) || id < 0) throw new Error("notify_id: an integer");
      const parameters = need(
        typeof n.action_parameters === "string" ? n.action_parameters : undefined,
        "action_parameters",
      );
      if (regId !== validToken)
        return { status: 200, json: { code: 10000, message: "Invalid RegistrationId" } };
      state.received.push({
        token: regId,
        title,
        body: content,
        collapseKey: String(id),
        quiet: n.notify_level === 1,
        conversationId: conversationOf(parameters),
      });
      return { status: 200, json: { code: 0, message: "Success", data: { messageId: "msg-1" } } };
    }
    return { status: 404, text: "not found" };
  });
  return Object.assign(emulatorFace(state, server, { validToken, deadToken }), {
    url: server.url,
    appKey,
    masterSecret,
    state,
  });
}
