import assert from "node:assert/strict";
import { join, resolve } from "node:path";
import { after, before, describe, test } from "node:test";
import vm from "node:vm";
import type * as Sdk from "@starling/sdk";
import { build } from "esbuild";
import WebSocket from "ws";
import { type Client, login } from "../helpers/clients.js";
import { waitUntil } from "../helpers/poll.js";
import { passwordOf, startTestServer, type TestServer } from "../helpers/test-server.js";

const SDK_ENTRY = join(resolve(import.meta.dirname, "../../.."), "sdk/src/index.ts");

/**
 * The SDK's browser entry bundled the way Metro bundles it for an app (no Node builtins can
 * resolve) and run in a realm of its own with only what React Native gives a JavaScript
 * program: WebSocket, fetch, timers, AbortController, TextEncoder but no TextDecoder (Hermes),
 * navigator.product "ReactNative", and no process, Buffer, require or crypto.
 */
async function reactNativeRealm(): Promise<{ sdk: typeof Sdk; run: (code: string) => unknown }> {
  const bundle = await build({
    entryPoints: [SDK_ENTRY],
    bundle: true,
    write: false,
    format: "iife",
    globalName: "StarlingSDK",
    platform: "neutral",
    conditions: ["starling-source", "react-native", "browser"],
    mainFields: ["react-native", "browser", "module", "main"],
    target: "es2022",
    logLevel: "silent",
  });
  const context = vm.createContext({
    console,
    setTimeout,
    clearTimeout,
    setInterval,
    clearInterval,
    queueMicrotask,
    AbortController,
    AbortSignal,
    Event,
    EventTarget,
    TextEncoder,
    URL,
    URLSearchParams,
    fetch,
    navigator: { product: "ReactNative" },
  });
  const run = (code: string) => vm.runInContext(code, context);
  // React Native's WebSocket, played by `ws`: messages arrive as ArrayBuffers of the app's realm.
  const RealmArrayBuffer = run("ArrayBuffer") as ArrayBufferConstructor;
  const RealmUint8Array = run("Uint8Array") as Uint8ArrayConstructor;
  class ReactNativeWebSocket {
    binaryType = "blob";
    onopen: (() => void) | null = null;
    onmessage: ((ev: { data: unknown }) => void) | null = null;
    onclose: ((ev: { code: number; reason: string }) => void) | null = null;
    onerror: ((ev: unknown) => void) | null = null;
    private readonly ws: WebSocket;
    private readonly listeners = new Map<string, ((ev: unknown) => void)[]>();
    constructor(url: string) {
      this.ws = new WebSocket(url);
      this.ws.on("open", () => this.emit("open", {}));
      this.ws.on("message", (data: Buffer, isBinary: boolean) => {
        if (!isBinary) return this.emit("message", { data: data.toString() });
        const ab = new RealmArrayBuffer(data.length);
        new RealmUint8Array(ab).set(data);
        this.emit("message", { data: ab });
      });
      this.ws.on("close", (code: number, reason: Buffer) =>
        this.emit("close", { code, reason: String(reason) }),
      );
      this.ws.on("error", (err) => this.emit("error", err));
    }
    /** Both ways React Native's WebSocket (an EventTarget) tells: the on* property, then the listeners. */
    private emit(type: "open" | "message" | "close" | "error", ev: unknown): void {
      (this[`on${type}`] as ((e: unknown) => void) | null)?.(ev);
      for (const fn of this.listeners.get(type) ?? []) fn(ev);
    }
    addEventListener(type: string, fn: (ev: unknown) => void): void {
      this.listeners.set(type, [...(this.listeners.get(type) ?? []), fn]);
    }
    removeEventListener(type: string, fn: (ev: unknown) => void): void {
      this.listeners.set(
        type,
        (this.listeners.get(type) ?? []).filter((f) => f !== fn),
      );
    }
    get readyState(): number {
      return this.ws.readyState;
    }
    send(bytes: Uint8Array): void {
      this.ws.send(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    }
    close(code?: number, reason?: string): void {
      this.ws.close(code, reason);
    }
  }
  context.WebSocket = ReactNativeWebSocket;
  run(bundle.outputFiles[0]?.text ?? "");
  return { sdk: run("StarlingSDK") as typeof Sdk, run };
}

/** AsyncStorage's shape over a Map, as an app would give @react-native-async-storage. */
function asyncStorage() {
  const map = new Map<string, string>();
  return {
    map,
    getItem: async (k: string) => map.get(k) ?? null,
    setItem: async (k: string, v: string) => {
      map.set(k, v);
    },
    removeItem: async (k: string) => {
      map.delete(k);
    },
  };
}

describe("the SDK in React Native", () => {
  let ts: TestServer;
  let alice: Client;
  let realm: Awaited<ReturnType<typeof reactNativeRealm>>;

  before(async () => {
    ts = await startTestServer();
    await ts.addUser("alice");
    await ts.addUser("bob");
    alice = await login(ts, "alice", "ws");
    realm = await reactNativeRealm();
  });
  after(async () => {
    await alice.close();
    await ts.close();
  });

  test("the realm has React Native's globals and nothing of Node", () => {
    assert.equal(realm.run("typeof process"), "undefined");
    assert.equal(realm.run("typeof Buffer"), "undefined");
    assert.equal(realm.run("typeof require"), "undefined");
    assert.equal(realm.run("typeof TextDecoder"), "undefined");
    assert.equal(realm.run("typeof document"), "undefined");
    assert.equal(realm.run("navigator.product"), "ReactNative");
  });

  test("chats with a real server, keeps its device state in AsyncStorage and resumes from it", async () => {
    const { StarlingClient, DeviceState } = realm.sdk;
    const storage = asyncStorage();
    const state = new DeviceState(storage);
    await state.load();
    const received: { text: string; seq: bigint }[] = [];
    const bob = new StarlingClient({
      endpoints: [ts.wsUrl],
      auth: { userId: "bob", password: passwordOf("bob") },
      ...state.clientOptions(),
      device: { ...state.clientOptions().device, platform: "ios" },
      reconnect: false,
    });
    state.track(bob);
    bob.on("message", (m) => {
      if (m.senderId.startsWith("alice@")) received.push({ text: m.content?.text ?? "", seq: m.seq });
    });
    const welcome = await bob.connect();
    assert.equal(welcome.userId, `bob@${ts.domain}`);
    // Text outside ASCII goes through the SDK's own UTF-8 codec here.
    const ack = await bob.send({ to: "alice", text: "你好，我是 Bob 👋" });
    await alice.until(
      () => alice.messages.some((m) => m.content?.text === "你好，我是 Bob 👋"),
      "Bob's message",
    );
    await alice.sdk.send({ to: "bob", text: "欢迎 Bob 🎉" });
    await waitUntil(() => received.some((m) => m.text === "欢迎 Bob 🎉"), "Alice's answer");
    await waitUntil(() => {
      const stored = JSON.parse(storage.map.get("starling.device") ?? "{}") as Sdk.StoredDevice;
      return Boolean(stored.token) && (stored.syncState?.seen[ack.conversationId] ?? 0) >= 2;
    }, "the token and sync state in storage");
    await bob.close();

    // The app starts again: the stored token logs in, the stored cursor means no replay.
    await alice.sdk.send({ to: "bob", text: "while you were away" });
    const again = new DeviceState(storage);
    const stored = await again.load();
    assert.ok(stored.token);
    const options = again.clientOptions();
    assert.ok(options.auth);
    const resumed = new StarlingClient({
      endpoints: [ts.wsUrl],
      ...options,
      auth: options.auth,
      reconnect: false,
    });
    again.track(resumed);
    const texts: string[] = [];
    resumed.on("message", (m) => {
      texts.push(m.content?.text ?? "");
    });
    await resumed.connect();
    await waitUntil(() => texts.includes("while you were away"), "the message sent while away");
    assert.deepEqual(texts, ["while you were away"]);
    await resumed.logout();
    await waitUntil(() => {
      const after = JSON.parse(storage.map.get("starling.device") ?? "{}") as Sdk.StoredDevice;
      return after.token === undefined;
    }, "the token forgotten after logout");
  });
});
