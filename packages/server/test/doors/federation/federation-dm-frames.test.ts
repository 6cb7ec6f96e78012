import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { ContentSchema, create, directConversationId, toBinary } from "@starling/protocol";
import type { TlsFiles } from "../../../src/adapters/tls/self-signed.js";
import { DEFAULT_LIMITS } from "../../../src/core/kernel/limits.js";
import { admin, refusedCount } from "../../helpers/federation-peers.js";
import { certificateFor, RawFederationPeer } from "../../helpers/raw-federation.js";
import { createPgSchema, type PgSchema, postgresUnavailable } from "../../helpers/stores.js";
import { startTestServer, type TestServer } from "../../helpers/test-server.js";
import { WarningLines } from "../../helpers/warning-lines.js";

/** A "dm" frame's payload as a peer server writes it. */
function dm(from: string, to: string, clientMsgId: string, text: string): Uint8Array {
  const content = toBinary(ContentSchema, create(ContentSchema, { text }));
  return new TextEncoder().encode(
    JSON.stringify({ from, to, clientMsgId, sentAt: 1, content: Buffer.from(content).toString("base64") }),
  );
}

const pgProblem = await postgresUnavailable();

/**
 * Direct-message frames written by hand, as a peer that lies or repeats itself would send them:
 * each is acknowledged (so nothing behind it waits), and only a message the link speaks for, to
 * an admitted local user, is stored, once.
 */
for (const store of ["sqlite", "postgres"] as const) {
  describe(`dm frames from a hand-written peer (${store})`, {
    skip: store === "postgres" && pgProblem,
  }, () => {
    let b: TestServer;
    let certA: TlsFiles;
    let schema: PgSchema | undefined;
    let peer: RawFederationPeer;
    let seq = 0;
    const log = new WarningLines();
    const conv = directConversationId("alice@a.test", "bob@b.test");

    /** Sends the next frame and waits for its Ack; the acknowledged seq. */
    const send = async (payload: Uint8Array, at = ++seq) => {
      peer.frame(at, "dm", payload);
      const env = await peer.next();
      assert.equal(
        env?.kind.case,
        "ack",
        env?.kind.case === "close" ? env.kind.value.reason : env?.kind.case,
      );
      return env?.kind.case === "ack" ? Number(env.kind.value.seq) : 0;
    };
    const storedAtB = async () =>
      (await b.server.store.read.getMessages(conv, 0, Number.MAX_SAFE_INTEGER, 100, false)).length;

    before(async () => {
      certA = await certificateFor("a.test");
      if (store === "postgres") schema = await createPgSchema("fed_dm");
      b = await startTestServer(
        {
          domain: "b.test",
          "federation.enabled": true,
          "federation.backoffMaxMs": 1000,
          ...(schema ? { db: schema.url() } : {}),
        },
        log,
      );
      await b.addUser("bob");
      await b.addUser("dave");
      // Nothing listens on port 1: b's own dialling fails quietly, which is beside the point here.
      const r = await admin(b, "POST", "/links", {
        peerDomain: "a.test",
        endpoint: "127.0.0.1:1",
        pin: certA.fingerprint,
        allow: { users: ["bob"] },
      });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      peer = await RawFederationPeer.connect(b.server.federationPort, certA);
      peer.hello("a.test", "b.test");
      assert.equal((await peer.next())?.kind.case, "hello");
    });
    after(async () => {
      peer?.end();
      await b?.close();
      await schema?.drop();
    });

    test("a sender of another domain than the link's is refused, logged and acknowledged", async () => {
      const at = await send(dm("mallory@c.test", "bob@b.test", "forged-1", "I am from c.test"));
      assert.equal(at, seq);
      assert.equal(await storedAtB(), 0);
      assert.equal(await refusedCount(b, "a.test", "forged_sender"), 1);
      assert.ok(log.has("federation message refused", { peer: "a.test", reason: "forged_sender" }));
    });

    test("a message the link speaks for is stored; replayed, it is stored once", async () => {
      const payload = dm("alice@a.test", "bob@b.test", "m-1", "hello bob");
      await send(payload);
      assert.equal(await storedAtB(), 1);
      // The same seq again: below the mark, acknowledged and not applied.
      assert.equal(await send(payload, seq), seq);
      // The same message under a new seq (a peer that lost its queue's state): the dedupe by
      // (conversation, sender, client_msg_id) stores nothing.
      await send(payload);
      const stored = await b.server.store.read.getMessages(conv, 0, Number.MAX_SAFE_INTEGER, 100, false);
      assert.deepEqual(
        stored.map((m) => [m.seq, m.senderId, m.clientMsgId]),
        [[1, "alice@a.test", "m-1"]],
      );
    });

    test("a recipient not admitted, not local, or a malformed message is dropped; the next one is applied", async () => {
      await send(dm("alice@a.test", "dave@b.test", "to-dave", "hi dave"));
      await send(dm("alice@a.test", "zoe@elsewhere.test", "to-zoe", "hi zoe"));
      await send(new TextEncoder().encode("{not json"));
      await send(dm("alice@a.test", "bob@b.test", "too-long", "x".repeat(DEFAULT_LIMITS.maxTextLength + 1)));
      assert.equal(await refusedCount(b, "a.test", "not_allowed"), 1);
      assert.equal(await refusedCount(b, "a.test", "not_local"), 1);
      assert.equal(await refusedCount(b, "a.test", "bad_message"), 2);
      assert.equal(
        await b.server.store.read.getConversation(directConversationId("alice@a.test", "dave@b.test")),
        undefined,
      );
      await send(dm("alice@a.test", "bob@b.test", "m-2", "still here"));
      assert.equal(await storedAtB(), 2);
    });
  });
}
