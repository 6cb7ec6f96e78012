import type { Message, StarlingClientEvents } from "@starling/sdk";
import { createNodeClient, type NodeClientOptions, type StarlingClient } from "@starling/sdk/node";
import { passwordOf, type TestServer } from "./test-server.js";

export type Via = "tls" | "ws";

/** A logged-in SDK client for `name` (password from passwordOf), over TLS or WebSocket. */
export async function login(
  ts: TestServer,
  name: string,
  via: Via = "tls",
  extra: Partial<NodeClientOptions> = {},
): Promise<Client> {
  const client = createNodeClient({
    endpoints: [via === "tls" ? ts.tlsUrl : ts.wsUrl],
    auth: { userId: name, password: passwordOf(name) },
    tls: { rejectUnauthorized: false },
    reconnect: { minDelayMs: 20, maxDelayMs: 200 },
    ...extra,
  });
  const c = new Client(client);
  await client.connect();
  return c;
}

/** Wraps a client and records what it emits, so tests can wait on events instead of sleeping. */
export class Client {
  readonly messages: Message[] = [];
  readonly events: { [K in keyof StarlingClientEvents]?: StarlingClientEvents[K][] } = {};
  private waiters: (() => void)[] = [];

  constructor(readonly sdk: StarlingClient) {
    for (const ev of [
      "message",
      "receipt",
      "typing",
      "presence",
      "state",
      "conversation",
      "directory",
      "directoryChanged",
      "messageEdited",
      "reaction",
      "sends",
      "settings",
      "favouritesChanged",
      "error",
    ] as const) {
      sdk.on(ev, (v: unknown) => {
        ((this.events[ev] ??= []) as unknown[]).push(v);
        if (ev === "message") this.messages.push(v as Message);
        this.wake();
      });
    }
  }

  /** Messages of one conversation, as emitted. */
  in(conversationId: string): Message[] {
    return this.messages.filter((m) => m.conversationId === conversationId);
  }

  /** Resolves once `pred` holds; re-checked after every event. */
  async until(pred: () => boolean, what = "condition"): Promise<void> {
    const deadline = Date.now() + 20_000;
    while (!pred()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise<void>((r) => {
        this.waiters.push(r);
        setTimeout(r, 250).unref();
      });
    }
  }

  list<K extends keyof StarlingClientEvents>(ev: K): StarlingClientEvents[K][] {
    return (this.events[ev] ?? []) as StarlingClientEvents[K][];
  }

  close(): Promise<void> {
    return this.sdk.close();
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }
}
