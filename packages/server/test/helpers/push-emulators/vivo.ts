/*
 * vivo Push on loopback: POST /message/auth and /message/send, written from "PUSH-UPS-API接口文档"
 * (https://dev.vivo.com.cn/documentCenter/doc/362): the sign is lower-case hex
 * MD5(appId + appKey + timestamp + appSecret); the authToken header; title at most 40 and
 * content at most 100 width units (a Chinese character counts two); requestId at most 64
 * characters; clientCustomMap at most 10 string pairs. The result codes were not reachable in
 * vivo's own table; those answered here are 10000 (authentication failed), 10070 (the day's
 * quota used up, quoted at https://app.applebyme.cn/cloud/appshangjia/2017.html) and 10302
 * (the regId does not exist).
 */
import { createHash } from "node:crypto";
import type { ProviderEmulator } from "../../contracts/push-provider.js";
import { EmulatorState, emulatorFace, need, startHttpEmulator } from "./base.js";

export interface VivoEmulator extends ProviderEmulator {
  readonly url: string;
  readonly appId: string;
  readonly appKey: string;
  readonly appSecret: string;
  readonly state: EmulatorState;
  /** The requestId of every accepted send, in order. */
  readonly requestIds: string[];
}

interface SendBody {
  appId?: unknown;
  regId?: unknown;
  notifyType?: unknown;
  title?: unknown;
  content?: unknown;
  skipType?: unknown;
  requestId?: unknown;
  classification?: unknown;
  notifyId?: unknown;
  clientCustomMap?: unknown;
}

function width(s: string): number {
  let w = 0;
  for (const ch of s) w += ch.charCodeAt(0) < 0x80 ? 1 : 2;
  return w;
}

export async function startVivoEmulator(): Promise<VivoEmulator> {
  const appId = "105512345";
  const appKey = "c1d2e3f4-a5b6-4c7d-8e9f-0a1b2c3d4e5f";
  const appSecret = "f5e4d3c2-b1a0-4f9e-8d7c-6b5a4f3e2d1c";
  const validToken = "16011234567890123456789";
  const deadToken = "16011234567890123456780";
  const state = new EmulatorState();
  const requestIds: string[] = [];
  const server = await startHttpEmulator((req) => {
    if (!/application\/json/.test(req.headers["content-type"] ?? "")) throw new Error("a JSON body expected");
    if (req.method === "POST" && req.path === "/message/auth") {
      const b = JSON.parse(req.body) as {
        appId?: unknown;
        appKey?: unknown;
        timestamp?: unknown;
        sign?: unknown;
      };
      if (typeof b.timestamp !== "number" || Math.abs(Date.now() - b.timestamp) > 600_000)
        throw new Error("timestamp: ms within ten minutes");
      const expected = createHash("md5").update(`${appId}${appKey}${b.timestamp}${appSecret}`).digest("hex");
      if (b.appId !== appId || b.appKey !== appKey || b.sign !== expected) {
        state.authFailures++;
        return { status: 200, json: { result: 10000, desc: "权限认证失败" } };
      }
      return { status: 200, json: { result: 0, desc: "请求成功", authToken: state.issueToken("vivo") } };
    }
    if (req.method === "POST" && req.path === "/message/send") {
      const header = req.headers.authtoken;
      const t = state.checkToken(typeof header === "string" ? header : undefined);
      if (t !== "valid") return { status: 200, json: { result: 10000, desc: "权限认证失败" } };
      const fault = state.takeFault();
      if (fault === "rate") return { status: 200, json: { result: 10070, desc: "发送总量超出限制" } };
      if (fault === "fail") return { status: 500, text: "Internal Server Error" };
      const b = JSON.parse(req.body) as SendBody;
      if (b.appId !== appId) return { status: 200, json: { result: 10094, desc: "appId不一致" } };
      const regId = need(typeof b.regId === "string" ? b.regId : undefined, "regId");
      if (b.notifyType !== 1 && b.notifyType !== 2 && b.notifyType !== 3 && b.notifyType !== 4)
        throw new Error("notifyType 1-4");
      const title = need(typeof b.title === "string" ? b.title : undefined, "title");
      const content = need(typeof b.content === "string" ? b.content : undefined, "content");
      if (width(title) > 40 || width(content) > 100) throw new Error("title 40 / content 100 width units");
      if (b.skipType !== 1 && b.skipType !== 2 && b.skipType !== 3 && b.skipType !== 4)
        throw new Error("skipType 1-4");
      const requestId = need(typeof b.requestId === "string" ? b.requestId : undefined, "requestId");
      if (requestId.length > 64) throw new Error("requestId at most 64 characters");
      if (b.classification !== undefined && b.classification !== 0 && b.classification !== 1)
        throw new Error("classification 0 or 1");
      const id = b.notifyId;
      if (typeof id !== "number" || !Number.isInteger(id) || id < 1)
        throw new Error("notifyId: a positive integer");
      const map = need(b.clientCustomMap as Record<string, unknown> | undefined, "clientCustomMap");
      const entries = Object.entries(map);
      if (entries.length > 10 || entries.some(([, v]) => typeof v !== "string"))
        throw new Error("clientCustomMap: at most 10 string pairs");
      if (regId !== validToken) return { status: 200, json: { result: 10302, desc: "regId不存在" } };
      requestIds.push(requestId);
      state.received.push({
        token: regId,
        title,
        body: content,
        collapseKey: String(id),
        quiet: b.notifyType === 1,
        conversationId: need(map.conversationId as string | undefined, "clientCustomMap.conversationId"),
      });
      return { status: 200, json: { result: 0, desc: "请求成功", taskId: "task-1" } };
    }
    return { status: 404, text: "not found" };
  });
  return Object.assign(emulatorFace(state, server, { validToken, deadToken }), {
    url: server.url,
    appId,
    appKey,
    appSecret,
    state,
    requestIds,
  });
}
