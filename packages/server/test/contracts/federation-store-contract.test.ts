import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { ErrorCode, StarlingError } from "@starling/protocol";
import { NodeRandom, SystemClock } from "../../src/adapters/platform/node-random.js";
import type { KyselyStore } from "../../src/adapters/store/kysely-store.js";
import { Federation } from "../../src/core/federation/federation.js";
import { freshStore, postgresUnavailable, type StoreUnderTest } from "../helpers/stores.js";

/**
 * Federation's links, outbox and inbox on every store adapter: link changes audited, seqs without
 * gaps even when an enqueuing transaction rolls back or several run at once, and each inbound seq
 * applied once and in order.
 */
const pgProblem = await postgresUnavailable();
if (pgProblem) console.log(`# postgres federation store contract SKIPPED: ${pgProblem}`);

const PIN = Array.from({ length: 32 }, (_, i) => i.toString(16).padStart(2, "0")).join(":");
const system = { actor: "system", source: "test", scope: "*" };
const code = (c: ErrorCode) => (err: unknown) => err instanceof StarlingError && err.code === c;
const text = (s: string) => new TextEncoder().encode(s);

for (const name of ["sqlite", "postgres"] as const) {
  const skip = name === "postgres" ? pgProblem : undefined;
  describe(`federation store contract on ${name}`, { skip }, () => {
    let sut: StoreUnderTest;
    let store: KyselyStore;
    let fed: Federation;

    before(async () => {
      sut = await freshStore(name);
      store = await sut.open();
      fed = new Federation({
        store,
        clock: new SystemClock(),
        random: new NodeRandom(),
        localDomain: "a.test",
        maxPayloadBytes: 1000,
      });
    });
    after(async () => {
      await store?.close();
      await sut?.drop();
    });

    test("links are validated, listed, suspended, resumed and removed, each change audited", async () => {
      await assert.rejects(
        fed.links.add(system, { peerDomain: "b.test", endpoint: "b.test:5269" }),
        code(ErrorCode.INVALID_ARGUMENT),
      );
      await assert.rejects(
        fed.links.add(system, { peerDomain: "b.test", endpoint: "nope", pin: PIN }),
        code(ErrorCode.INVALID_ARGUMENT),
      );
      await assert.rejects(
        fed.links.add(system, { peerDomain: "b.test", endpoint: "b.test:5269", pin: "AB:CD" }),
        code(ErrorCode.INVALID_ARGUMENT),
      );
      await assert.rejects(
        fed.links.add(system, { peerDomain: "a.test", endpoint: "a.test:5269", pin: PIN }),
        code(ErrorCode.INVALID_ARGUMENT),
      );
      await assert.rejects(
        fed.links.add(
          { ...system, scope: "a.test" },
          { peerDomain: "b.test", endpoint: "b.test:5269", pin: PIN },
        ),
        code(ErrorCode.FORBIDDEN),
      );
      const link = await fed.links.add(system, {
        peerDomain: "B.test",
        endpoint: "b.test:5269",
        pin: PIN.toLowerCase(),
        allow: { users: ["alice@a.test"], departments: ["eng"] },
      });
      assert.equal(link.peerDomain, "b.test");
      assert.equal(link.pin, PIN.toUpperCase());
      assert.deepEqual(link.allow, { users: ["alice@a.test"], departments: ["eng"], groups: [] });
      await assert.rejects(
        fed.links.add(system, { peerDomain: "b.test", endpoint: "b.test:5269", pin: PIN }),
        code(ErrorCode.CONFLICT),
      );
      await fed.links.add(system, { peerDomain: "c.test", endpoint: "10.0.0.3:5269", caPath: "/etc/ca.pem" });
      assert.deepEqual(
        (await fed.links.list(system)).map((l) => [l.peerDomain, l.state, l.pin ? "pin" : l.caPath]),
        [
          ["b.test", "active", "pin"],
          ["c.test", "active", "/etc/ca.pem"],
        ],
      );
      await fed.links.suspend(system, "c.test");
      await assert.rejects(fed.links.require("c.test"), code(ErrorCode.FEDERATION_LINK_SUSPENDED));
      await fed.links.resume(system, "c.test");
      assert.equal((await fed.links.require("c.test")).state, "active");
      await fed.links.remove(system, "c.test");
      await assert.rejects(fed.links.require("c.test"), code(ErrorCode.FEDERATION_NOT_LINKED));
      await assert.rejects(fed.links.remove(system, "c.test"), code(ErrorCode.FEDERATION_NOT_LINKED));
      const actions = (await store.read.listAudit("a.test", 0, 50)).map((e) => `${e.action} ${e.target}`);
      assert.deepEqual(actions.reverse(), [
        "federation.add b.test",
        "federation.add c.test",
        "federation.suspend c.test",
        "federation.resume c.test",
        "federation.remove c.test",
      ]);
    });

    test("a frame is queued iff its transaction commits, and seqs have no gaps", async () => {
      const seq1 = await fed.outbox.send("b.test", "ping", text("one"));
      await assert.rejects(
        store.transaction(async (tx) => {
          await fed.outbox.enqueue(tx, "b.test", "ping", text("rolled back"));
          throw new Error("the change failed");
        }),
        /the change failed/,
      );
      const seqs = await Promise.all(
        Array.from({ length: 20 }, (_, i) => fed.outbox.send("b.test", "ping", text(`c${i}`))),
      );
      const pending = await fed.outbox.pending("b.test", 0);
      assert.deepEqual(
        pending.map((f) => f.seq),
        Array.from({ length: 21 }, (_, i) => i + 1),
      );
      assert.equal(seq1, 1);
      assert.deepEqual(
        [...seqs].sort((x, y) => x - y),
        Array.from({ length: 20 }, (_, i) => i + 2),
      );
      assert.ok(!pending.some((f) => new TextDecoder().decode(f.payload) === "rolled back"));
      await fed.outbox.acknowledged("b.test", 10);
      assert.equal(await fed.outbox.depth("b.test"), 11);
      assert.equal((await fed.outbox.pending("b.test", 0))[0]?.seq, 11);
    });

    test("the outbox refuses unknown peers, suspended links, bad kinds and oversized payloads", async () => {
      await assert.rejects(
        fed.outbox.send("x.test", "ping", text("?")),
        code(ErrorCode.FEDERATION_NOT_LINKED),
      );
      await assert.rejects(
        fed.outbox.send("b.test", "Bad Kind", text("?")),
        code(ErrorCode.INVALID_ARGUMENT),
      );
      await assert.rejects(
        fed.outbox.send("b.test", "ping", new Uint8Array(1001)),
        code(ErrorCode.FRAME_TOO_LARGE),
      );
      await fed.links.suspend(system, "b.test");
      await assert.rejects(
        fed.outbox.send("b.test", "ping", text("?")),
        code(ErrorCode.FEDERATION_LINK_SUSPENDED),
      );
      await fed.links.resume(system, "b.test");
    });

    test("the inbox applies each seq once and in order; a failed handler applies nothing", async () => {
      const frame = (seq: number, kind = "ping", body = `p${seq}`) => ({ seq, kind, payload: text(body) });
      assert.equal(await fed.inbox.apply("b.test", frame(1)), "applied");
      assert.equal(await fed.inbox.apply("b.test", frame(1, "ping", "again")), "duplicate");
      await assert.rejects(fed.inbox.apply("b.test", frame(3)), code(ErrorCode.FEDERATION_SEQ_GAP));
      await assert.rejects(
        fed.inbox.apply("b.test", frame(2, "nope")),
        code(ErrorCode.FEDERATION_UNKNOWN_KIND),
      );
      // Invalid UTF-8: the ping handler refuses it inside the transaction, so the mark stays.
      await assert.rejects(
        fed.inbox.apply("b.test", { seq: 2, kind: "ping", payload: new Uint8Array([0xff, 0xfe]) }),
        code(ErrorCode.INVALID_ARGUMENT),
      );
      assert.equal(await fed.inbox.mark("b.test"), 1);
      const results = await Promise.allSettled([
        fed.inbox.apply("b.test", frame(2)),
        fed.inbox.apply("b.test", frame(2)),
      ]);
      assert.ok(results.some((r) => r.status === "fulfilled" && r.value === "applied"));
      assert.equal(await fed.inbox.mark("b.test"), 2);
      assert.deepEqual(
        (await fed.pings(system, "b.test")).map((p) => [p.seq, p.body]),
        [
          [1, "p1"],
          [2, "p2"],
        ],
      );
    });
  });
}
