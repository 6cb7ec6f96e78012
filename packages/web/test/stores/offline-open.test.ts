import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { directConversationId } from "@starling/sdk";
import { poll } from "../../../server/test/helpers/poll.js";
import { TcpProxy } from "../../../server/test/helpers/tcp-proxy.js";
import { OFFLINE_MESSAGES, type OfflineSnapshot, type OfflineStore } from "../../src/stores/offline-cache.js";
import { MemoryStorage, StoresHarness, until } from "./harness.js";

/** IndexedDB's part, in memory: values copied by structured clone both ways, as IndexedDB stores them. */
class MemoryOfflineStore implements OfflineStore {
  readonly saved = new Map<string, OfflineSnapshot>();
  async load(userId: string) {
    const s = this.saved.get(userId);
    return s && structuredClone(s);
  }
  async save(userId: string, snapshot: OfflineSnapshot) {
    this.saved.set(userId, structuredClone(snapshot));
  }
  async clear(userId: string) {
    this.saved.delete(userId);
  }
}

/**
 * Opening without a connection: a saved session whose server cannot be
 * reached opens "offline" on the list and messages saved on this device;
 * what is written meanwhile waits in the outbox and is stored once when the
 * login works again; live data then replaces the saved; signing out deletes
 * the saved data.
 */
describe("the web client's stores offline", () => {
  let h: StoresHarness;
  let proxy: TcpProxy;
  let endpoint = "";

  before(async () => {
    h = await StoresHarness.start();
    await h.users("alice", "bob");
    for (let i = 1; i <= OFFLINE_MESSAGES + 5; i++) await h.send("bob", "alice", `note ${i}`);
    proxy = new TcpProxy("127.0.0.1", h.ts.server.httpPort);
    endpoint = `ws://127.0.0.1:${await proxy.start()}/ws`;
  });
  after(async () => {
    await proxy.cut();
    await h.close();
  });

  test("opened offline on what was saved; a message written then is stored once when the server is back", async () => {
    const storage = new MemoryStorage();
    const offline = new MemoryOfflineStore();
    const alice = h.id("alice");
    const id = directConversationId(alice, h.id("bob"));
    const first = await h.login("alice", storage, { endpoint, offline });
    await first.windows.open(id);
    const saved = await poll(
      () => offline.saved.get(alice),
      (s) => (s?.messages[0]?.[1].length ?? 0) > 0,
      "a snapshot with the chat's messages",
    );
    assert.equal(saved?.conversations[0]?.id, id);
    assert.equal(saved?.messages[0]?.[0], id);
    const texts = saved?.messages[0]?.[1].map((m) => m.content?.text);
    assert.equal(texts?.length, OFFLINE_MESSAGES, "only the newest are kept");
    assert.equal(texts?.at(-1), `note ${OFFLINE_MESSAGES + 5}`);
    await first.close();

    await proxy.cut();
    const again = h.chat(storage, { endpoint, offline });
    assert.equal(await again.session.resume(), true, "the saved session opens");
    assert.equal(again.session.phase, "offline");
    await until(again.conversations, () => again.conversations.list().length === 1, "the saved list");
    assert.equal(again.conversations.get(id)?.lastMessage?.content?.text, `note ${OFFLINE_MESSAGES + 5}`);
    assert.equal(again.windows.messages(id).length, OFFLINE_MESSAGES);
    assert.equal(typeof again.windows.messages(id)[0]?.seq, "bigint", "seqs stay bigints");

    await again.windows.open(id);
    void again.windows.send(id, "written offline");
    const pending = again.outbox.pending(id);
    assert.deepEqual(
      pending.map((p) => [p.input.text, p.state]),
      [["written offline", "queued"]],
    );
    const clientMsgId = pending[0]?.clientMsgId;

    await proxy.start(proxy.port);
    await until(again.session, () => again.session.phase === "online", "online again");
    await until(again.outbox, () => again.outbox.pending(id).length === 0, "the send acknowledged");
    await until(
      again.windows,
      () => again.windows.messages(id).some((m) => m.content?.text === "written offline"),
      "the chat loaded live, with the message",
    );
    const stored = await h.ts.server.core.history.page(alice, id, { afterSeq: 0, beforeSeq: 0, limit: 100 });
    const mine = stored.messages.filter((m) => m.content?.text === "written offline");
    assert.equal(mine.length, 1, "stored once");
    assert.equal(mine[0]?.clientMsgId, clientMsgId, "under the id it was written with");

    await again.session.logout();
    await poll(
      () => offline.saved.has(alice),
      (has) => !has,
      "the saved data deleted on sign-out",
    );
  });

  test("offline with a token that was ended meanwhile: signed out once the server answers", async () => {
    const storage = new MemoryStorage();
    const first = await h.login("bob", storage, { endpoint });
    const kept = storage.getItem("starling.session") ?? "";
    // Signed out elsewhere: the token this device kept no longer works.
    await first.session.logout();
    storage.setItem("starling.session", kept);
    await proxy.cut();
    const again = h.chat(storage, { endpoint });
    assert.equal(await again.session.resume(), true);
    assert.equal(again.session.phase, "offline");
    await proxy.start(proxy.port);
    await until(again.session, () => again.session.phase === "signedOut", "signed out");
    assert.equal(storage.getItem("starling.session"), null);
  });
});
