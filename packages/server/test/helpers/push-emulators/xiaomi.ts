/*
 * Xiaomi Push on loopback: POST /v3/message/regid, written from the server API reference
 * (https://dev.mi.com/distribute/doc/details?pId=1559: Authorization: key=<AppSecret>, a form
 * of registration_id, restricted_package_name, title, description, payload, pass_through,
 * notify_type, notify_id, extra.*) and "服务端错误码参考"
 * (https://dev.mi.com/xiaomihyperos/documentation/detail?pId=1560): 0 success, 10002 system
 * busy, 10027 calls too frequent, 20301 sending failed ("No valid targets!" for an unknown
 * regid), 21301 authentication failed.
 */
import type { ProviderEmulator } from "../../contracts/push-provider.js";
import { conversationOf, EmulatorState, emulatorFace, need, startHttpEmulator } from "./base.js";

export interface XiaomiEmulator extends ProviderEmulator {
  readonly url: string;
  readonly appSecret: string;
  readonly packageName: string;
  /** The form fields of every accepted request, in order. */
  readonly forms: URLSearchParams[];
}

export async function startXiaomiEmulator(packageName = "com.example.starling"): Promise<XiaomiEmulator> {
  const appSecret = "5xPk0Gm8a9Q2vL7nYw3bTq==";
  const validToken = "kJ2mN3bV4cX5zL6aS7dF8gH9jK0lQ1wE2rT3yU4iO5pA6sD7fG8hJ9kL0zX";
  const deadToken = "kJ2mN3bV4cX5zL6aS7dF8gH9jK0lQ1wE2rT3yU4iO5pA6sD7fG8hJ9kL0zY";
  const state = new EmulatorState();
  const forms: URLSearchParams[] = [];
  const server = await startHttpEmulator((req) => {
    if (req.method !== "POST" || req.path !== "/v3/message/regid") return { status: 404, text: "not found" };
    if (req.headers.authorization !== `key=${appSecret}`) {
      state.authFailures++;
      return { status: 200, json: { result: "error", code: 21301, reason: "Authentication failed" } };
    }
    if (!/application\/x-www-form-urlencoded/.test(req.headers["content-type"] ?? ""))
      throw new Error("a form body expected");
    const fault = state.takeFault();
    if (fault === "rate")
      return { status: 200, json: { result: "error", code: 10027, reason: "应用的API调用太频繁" } };
    if (fault === "fail") return { status: 200, json: { result: "error", code: 10002, reason: "系统繁忙" } };
    const f = new URLSearchParams(req.body);
    const regId = need(f.get("registration_id"), "registration_id");
    if (f.get("restricted_package_name") !== packageName) throw new Error("restricted_package_name");
    const payload = need(f.get("payload"), "payload");
    if (Buffer.byteLength(payload) > 4096) throw new Error("payload above 4 KB");
    const passThrough = f.get("pass_through");
    if (passThrough !== "0" && passThrough !== "1") throw new Error("pass_through 0 or 1");
    const notifyId = need(f.get("notify_id"), "notify_id");
    if (!/^\d+$/.test(notifyId)) throw new Error("notify_id: a non-negative integer");
    if (regId !== validToken)
      return { status: 200, json: { result: "error", code: 20301, reason: "No valid targets!" } };
    const quiet = passThrough === "1";
    if (!quiet) {
      need(f.get("title"), "title");
      need(f.get("description"), "description");
      need(f.get("notify_type"), "notify_type");
    }
    forms.push(f);
    state.received.push({
      token: regId,
      title: quiet ? "" : (f.get("title") ?? ""),
      body: quiet ? "" : (f.get("description") ?? ""),
      collapseKey: notifyId,
      quiet,
      conversationId: conversationOf(payload),
    });
    return { status: 200, json: { result: "ok", code: 0, description: "成功", data: { id: "sdm1" } } };
  });
  return Object.assign(emulatorFace(state, server, { validToken, deadToken }), {
    url: server.url,
    appSecret,
    packageName,
    forms,
  });
}
