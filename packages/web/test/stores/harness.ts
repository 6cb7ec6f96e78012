import { randomUUID } from "node:crypto";
import { create, directConversationId, SendMessageSchema } from "@starling/protocol";
import { nodeTransportFactory } from "@starling/sdk/node";
import { startTestServer, type TestServer } from "../../../server/test/helpers/test-server.js";
import { Chat } from "../../src/stores/chat.js";
import type { Environment, KeyValueStorage } from "../../src/stores/environment.js";
import type { Store } from "../../src/stores/store.js";

export { passwordOf } from "../../../server/test/helpers/test-server.js";

/** `localStorage` in memory, to look into and to hand from one Chat to the next. */
export class MemoryStorage implements KeyValueStorage {
  readonly items = new Map<string, string>();
  getItem(key: string): string | null {
    return this.items.get(key) ?? null;
  }
  setItem(key: string, value: string): void {
    this.items.set(key, value);
  }
  removeItem(key: string): void {
    this.items.delete(key);
  }
}

/** A real server and the stores in Node, reaching it over the SDK's Node WebSocket transport. */
export class StoresHarness {
  private readonly chats: Chat[] = [];

  private constructor(readonly ts: TestServer) {}

  /** `flags` are server settings for this run (e.g. a shorter recall window). */
  static async start(flags: Parameters<typeof startTestServer>[0] = {}): Promise<StoresHarness> {
    return new StoresHarness(await startTestServer(flags));
  }

  id(name: string): string {
    return `${name}@${this.ts.domain}`;
  }

  async users(...names: string[]): Promise<void> {
    for (const n of names) await this.ts.addUser(n);
  }

  environment(storage: KeyValueStorage = new MemoryStorage(), extra: Partial<Environment> = {}): Environment {
    return {
      storage,
      endpoint: this.ts.wsUrl,
      apiBase: `http://127.0.0.1:${this.ts.server.httpPort}`,
      transport: nodeTransportFactory(),
      randomId: randomUUID,
      ...extra,
    };
  }

  /** A Chat of its own (closed by `close`), not signed in. */
  chat(storage?: KeyValueStorage, extra?: Partial<Environment>): Chat {
    const chat = new Chat(this.environment(storage, extra));
    this.chats.push(chat);
    return chat;
  }

  /** A Chat signed in as `name`. */
  async login(name: string, storage?: KeyValueStorage, extra?: Partial<Environment>): Promise<Chat> {
    const chat = this.chat(storage, extra);
    await chat.session.login(this.id(name), `pw-${name}-secret`);
    return chat;
  }

  /** A 1:1 message sent through the core, no client involved. */
  send(from: string, to: string, text: string, clientMsgId = randomUUID()): Promise<{ serverTime: number }> {
    return this.ts.server.core.send(
      this.id(from),
      create(SendMessageSchema, { toUserId: this.id(to), clientMsgId, content: { text } }),
    );
  }

  async close(): Promise<void> {
    for (const c of this.chats) await c.close().catch(() => {});
    await this.ts.close();
  }
}

/** Resolves once `holds` is true, checked now and after each change of `store`; fails after `limitMs`. */
export function until(store: Store, holds: () => boolean, what: string, limitMs = 20_000): Promise<void> {
  return new Promise((resolve, reject) => {
    if (holds()) return resolve();
    const timer = setTimeout(() => {
      off();
      reject(new Error(`timed out waiting for ${what}`));
    }, limitMs);
    const off = store.subscribe(() => {
      if (!holds()) return;
      clearTimeout(timer);
      off();
      resolve();
    });
  });
}

/** The seqs of a window as numbers, for readable assertions. */
export const seqs = (messages: readonly { seq: bigint }[]): number[] => messages.map((m) => Number(m.seq));

/** Alice and Bob signed in, their 1:1 chat (Bob wrote "hello" first) open on both sides. */
export interface OpenPair {
  h: StoresHarness;
  alice: Chat;
  bob: Chat;
  /** Their conversation. */
  id: string;
  /** Alice sends `body`; resolves with its seq once both open windows have it. */
  sent(body: string): Promise<bigint>;
}

export async function openPair(flags: Parameters<typeof startTestServer>[0] = {}): Promise<OpenPair> {
  const h = await StoresHarness.start(flags);
  await h.users("alice", "bob");
  await h.send("bob", "alice", "hello");
  const id = directConversationId(h.id("alice"), h.id("bob"));
  const alice = await h.login("alice");
  const bob = await h.login("bob");
  await until(alice.conversations, () => alice.conversations.get(id) !== undefined, "alice's chat");
  await until(bob.conversations, () => bob.conversations.get(id) !== undefined, "bob's chat");
  await alice.windows.open(id);
  await bob.windows.open(id);
  const sent = async (body: string): Promise<bigint> => {
    await alice.windows.send(id, body);
    const seqOf = (c: Chat) => c.windows.messages(id).find((m) => m.content?.text === body)?.seq;
    await until(alice.windows, () => seqOf(alice) !== undefined, "alice's message in her window");
    await until(bob.windows, () => seqOf(bob) !== undefined, "alice's message in bob's window");
    return seqOf(alice) ?? 0n;
  };
  return { h, alice, bob, id, sent };
}
