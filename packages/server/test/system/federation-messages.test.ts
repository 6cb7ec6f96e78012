import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { directConversationId, ErrorCode, type Message, StarlingError } from "@starling/protocol";
import { type Client, login } from "../helpers/clients.js";
import { admin, link, refusedCount, startPeer } from "../helpers/federation-peers.js";
import { poll } from "../helpers/poll.js";
import { TcpProxy } from "../helpers/tcp-proxy.js";
import type { TestServer } from "../helpers/test-server.js";

/** A conversation's stored history as one of its members sees it, every page. */
async function stored(c: Client, conversationId: string): Promise<Message[]> {
  const all: Message[] = [];
  for (let afterSeq = 0; ; ) {
    const page = await c.sdk.history(conversationId, { afterSeq, limit: 200 });
    all.push(...page.messages);
    if (!page.hasMore) return all;
    afterSeq = Number(all[all.length - 1]?.seq);
  }
}

const texts = (ms: Message[]) => ms.map((m) => m.content?.text ?? "");
const seqs = (ms: Message[]) => ms.map((m) => Number(m.seq));
const range = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}-${i + 1}`);
const refusedWith = (code: ErrorCode) => (e: unknown) => e instanceof StarlingError && e.code === code;

/**
 * alice@a.test and bob@b.test on two linked servers (own domains, data folders, certificates)
 * chat 1:1: each server keeps its own copy with its own seqs, each user sees every message once
 * and in order, a cut link delivers what was sent meanwhile, and what no link or allow-list
 * admits is refused.
 */
describe("1:1 messages across a federation link", () => {
  let a: TestServer;
  let b: TestServer;
  let proxy: TcpProxy;
  let alice: Client;
  let bob: Client;
  let carol: Client;
  const conv = directConversationId("alice@a.test", "bob@b.test");

  before(async () => {
    // A frame cap below what a long text needs, so the test can send one the link cannot carry.
    a = await startPeer("a.test", { "federation.maxFrameBytes": 16 * 1024 });
    b = await startPeer("b.test");
    proxy = new TcpProxy("127.0.0.1", b.server.federationPort);
    await proxy.start();
    // Each side admits its own users: carol of a.test and dave of b.test are not admitted.
    await link(a, b, { endpoint: `127.0.0.1:${proxy.port}`, allowUsers: ["alice"] });
    await link(b, a, { allowUsers: ["bob"] });
    for (const name of ["alice", "carol"]) await a.addUser(name);
    for (const name of ["bob", "dave"]) await b.addUser(name);
    alice = await login(a, "alice");
    carol = await login(a, "carol");
    bob = await login(b, "bob", "ws");
  });
  after(async () => {
    await Promise.all([alice?.close(), bob?.close(), carol?.close()]);
    await a?.close();
    await b?.close();
    await proxy?.cut();
  });

  test("alice and bob chat both ways, each copy with its own gapless seqs", async () => {
    for (const text of range("from-alice", 3)) await alice.sdk.send({ to: "bob@b.test", text });
    await bob.until(() => bob.in(conv).length >= 3, "alice's messages at bob");
    for (const text of range("from-bob", 2)) await bob.sdk.send({ to: "alice@a.test", text });
    await alice.until(() => alice.in(conv).length >= 5, "bob's messages at alice");

    const expected = [...range("from-alice", 3), ...range("from-bob", 2)];
    const atA = await stored(alice, conv);
    const atB = await stored(bob, conv);
    assert.deepEqual(texts(atA), expected);
    assert.deepEqual(texts(atB), expected);
    assert.deepEqual(seqs(atA), [1, 2, 3, 4, 5]);
    assert.deepEqual(seqs(atB), [1, 2, 3, 4, 5]);
    assert.deepEqual(
      atB.map((m) => m.senderId),
      ["alice@a.test", "alice@a.test", "alice@a.test", "bob@b.test", "bob@b.test"],
    );
    // Seen live once each, in order: what each client showed is what is stored, no more.
    assert.deepEqual(texts(bob.in(conv)), expected);
    assert.deepEqual(texts(alice.in(conv)), expected);
    // The remote member is a member of the local copy, never a login.
    const members = await a.server.store.read.listMembers(conv, true);
    assert.deepEqual(members.map((m) => m.userId).sort(), ["alice@a.test", "bob@b.test"]);
    assert.equal(await a.server.store.read.getUser("bob@b.test"), undefined);
    // The directory has nothing of a remote user: cards leave them out, as any unknown id.
    assert.deepEqual(await alice.sdk.directory.cards(["bob@b.test"]), []);
    assert.equal((await bob.sdk.directory.cards(["bob@b.test"])).length, 1);
  });

  test("50 messages sent while the link is cut arrive once, in order, after it is restored", async () => {
    const before = bob.in(conv).length;
    const sent = range("while-cut", 50);
    await proxy.cut();
    try {
      // Acknowledged by alice's server: stored in its copy and queued for b.test.
      for (const text of sent) await alice.sdk.send({ to: "bob@b.test", text });
      assert.equal(bob.in(conv).length, before);
    } finally {
      await proxy.restore();
    }
    await bob.until(() => bob.in(conv).length >= before + sent.length, "the queued messages at bob");
    const atB = await stored(bob, conv);
    assert.deepEqual(texts(atB).slice(-sent.length), sent);
    assert.deepEqual(
      seqs(atB),
      Array.from({ length: atB.length }, (_, i) => i + 1),
    );
    assert.deepEqual(texts(bob.in(conv)).slice(before), sent);
    assert.deepEqual(texts(await stored(alice, conv)), texts(atB));
  });

  test("a send by conversation id crosses like one by user id, and a resend is acknowledged once", async () => {
    const first = await bob.sdk.send({ conversationId: conv, text: "by id", clientMsgId: "bob-by-id" });
    const again = await bob.sdk.send({ conversationId: conv, text: "by id", clientMsgId: "bob-by-id" });
    assert.equal(again.seq, first.seq);
    await alice.until(() => alice.in(conv).at(-1)?.content?.text === "by id", "bob's message by id at alice");
    const atA = texts(await stored(alice, conv));
    assert.deepEqual(atA.slice(-1), ["by id"]);
    assert.equal(atA.filter((t) => t === "by id").length, 1);
    assert.deepEqual(atA, texts(await stored(bob, conv)));
  });

  test("a message with files, or larger than the link carries, is refused and not stored", async () => {
    await assert.rejects(
      alice.sdk.send({ to: "bob@b.test", text: "a file", attachments: [{ fileId: "f".repeat(24) }] }),
      (e: unknown) =>
        e instanceof StarlingError && e.code === ErrorCode.INVALID_ARGUMENT && /files/.test(e.message),
    );
    await assert.rejects(
      alice.sdk.send({ to: "bob@b.test", text: "x".repeat(16_000), clientMsgId: "too-long" }),
      refusedWith(ErrorCode.FRAME_TOO_LARGE),
    );
    const atA = texts(await stored(alice, conv));
    assert.ok(!atA.includes("a file") && !atA.some((t) => t.length === 16_000));
  });

  test("a domain without a link is refused with CROSS_DOMAIN", async () => {
    await assert.rejects(
      alice.sdk.send({ to: "zoe@c.test", text: "anyone there?", clientMsgId: "to-unlinked" }),
      refusedWith(ErrorCode.CROSS_DOMAIN),
    );
  });

  test("a user this side's allow-list does not admit is refused before anything is stored", async () => {
    await assert.rejects(
      carol.sdk.send({ to: "bob@b.test", text: "hello bob", clientMsgId: "carol-1" }),
      refusedWith(ErrorCode.FEDERATION_NOT_ALLOWED),
    );
    const carolConv = directConversationId("bob@b.test", "carol@a.test");
    assert.equal(await a.server.store.read.getConversation(carolConv), undefined);
    assert.equal(await b.server.store.read.getConversation(carolConv), undefined);
  });

  test("a recipient the receiving side's allow-list does not admit gets nothing; the link goes on", async () => {
    await alice.sdk.send({ to: "dave@b.test", text: "hello dave" });
    await poll(
      () => refusedCount(b, "a.test", "not_allowed"),
      (n) => n >= 1,
      "b's refusal of the message to dave",
    );
    const daveConv = directConversationId("alice@a.test", "dave@b.test");
    assert.equal(await b.server.store.read.getConversation(daveConv), undefined);
    // One frame refused blocks nothing behind it.
    await alice.sdk.send({ to: "bob@b.test", text: "after dave" });
    await bob.until(() => bob.in(conv).at(-1)?.content?.text === "after dave", "the next message at bob");
  });

  test("a suspended link refuses the send with FEDERATION_LINK_SUSPENDED", async () => {
    assert.equal((await admin(a, "POST", "/links/b.test/suspend")).status, 200);
    try {
      await assert.rejects(
        alice.sdk.send({ to: "bob@b.test", text: "while suspended", clientMsgId: "suspended-1" }),
        refusedWith(ErrorCode.FEDERATION_LINK_SUSPENDED),
      );
    } finally {
      assert.equal((await admin(a, "POST", "/links/b.test/resume")).status, 200);
    }
    assert.ok(!texts(await stored(alice, conv)).includes("while suspended"));
  });
});
