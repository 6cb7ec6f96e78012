import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { CLUSTER_ADAPTERS, type ClusterNode, type ClusterUnderTest } from "./adapters.js";
import { frame, type Received, RecordingReceiver } from "./recorder.js";

/**
 * One suite for the Bus port, run against every adapter: what a node's own
 * sessions get must not depend on the bus, and on a cluster every other node
 * gets the same, once.
 */
for (const adapter of CLUSTER_ADAPTERS) {
  const skip = await adapter.unavailable();
  if (skip) console.log(`# ${adapter.name} bus contract SKIPPED: ${skip}`);

  describe(`bus contract on ${adapter.name}`, { skip }, () => {
    let cluster: ClusterUnderTest;
    let a: ClusterNode;
    let b: ClusterNode;
    let atA: RecordingReceiver;
    let atB: RecordingReceiver;
    let marks = 0;

    before(async () => {
      cluster = await adapter.open();
      a = await cluster.node();
      b = await cluster.node();
      atA = new RecordingReceiver();
      atB = new RecordingReceiver();
      a.bus.attach(atA);
      b.bus.attach(atB);
    });
    after(() => cluster.close());

    const is =
      (kind: Received["kind"], tag: string) =>
      (r: Received): boolean =>
        r.kind === kind && ("frame" in r ? r.frame === tag : JSON.stringify(r).includes(tag));

    /**
     * Everything `a` published before this has reached `b` (a cluster keeps one
     * publisher's order): so what `b` has not got by now, it never gets.
     */
    async function settled(): Promise<void> {
      const tag = `mark-${++marks}`;
      a.bus.publish(["nobody@x"], frame(tag));
      await atA.next(is("deliver", tag));
      if (cluster.multiNode) await atB.next(is("deliver", tag));
    }

    const count = (r: RecordingReceiver, match: (x: Received) => boolean) => r.got.filter(match).length;

    test("a push reaches this node's receiver at once, with the session to skip", async () => {
      a.bus.publish(["alice@x", "bob@x"], frame("p1"), "s-1");
      const got = atA.got.find(is("deliver", "p1"));
      assert.deepEqual(got, {
        kind: "deliver",
        userIds: ["alice@x", "bob@x"],
        frame: "p1",
        exceptSession: "s-1",
      });
      if (cluster.multiNode)
        assert.deepEqual(await atB.next(is("deliver", "p1")), got, "the other node gets the same push");
      await settled();
      assert.equal(count(atA, is("deliver", "p1")), 1, "no echo back to the node that published");
      assert.equal(count(atB, is("deliver", "p1")), cluster.multiNode ? 1 : 0);
    });

    test("a local push stays on this node", async () => {
      a.bus.publishLocal(["alice@x"], frame("l1"));
      assert.deepEqual(atA.got.find(is("deliver", "l1")), {
        kind: "deliver",
        userIds: ["alice@x"],
        frame: "l1",
      });
      await settled();
      assert.equal(count(atB, is("deliver", "l1")), 0);
    });

    test("a domain push and a kick reach every node's receiver", async () => {
      a.bus.publishDomain("x.org", frame("d1"));
      a.bus.kick(["carol@x"], "logged_out", "keep-hash");
      const domain = { kind: "domain", domain: "x.org", frame: "d1" };
      const kick = { kind: "kick", userIds: ["carol@x"], reason: "logged_out", keepToken: "keep-hash" };
      assert.deepEqual(atA.got.find(is("domain", "d1")), domain);
      assert.deepEqual(atA.got.find(is("kick", "keep-hash")), kick);
      if (cluster.multiNode) {
        assert.deepEqual(await atB.next(is("domain", "d1")), domain);
        assert.deepEqual(await atB.next(is("kick", "keep-hash")), kick);
      }
      await settled();
      assert.equal(count(atA, is("domain", "d1")) + count(atA, is("kick", "keep-hash")), 2);
    });

    test("a kick of one login names that login on every node", async () => {
      a.bus.kick(["erin@x"], "logged_out", undefined, "only-hash");
      const kick = { kind: "kick", userIds: ["erin@x"], reason: "logged_out", onlyToken: "only-hash" };
      assert.deepEqual(atA.got.find(is("kick", "only-hash")), kick);
      if (cluster.multiNode) assert.deepEqual(await atB.next(is("kick", "only-hash")), kick);
    });

    test("a frame for one addressed session goes to the other nodes, and only where there are some", async () => {
      const handed = a.bus.publishTo("dave@x", "phone", frame("t1"));
      assert.equal(handed, cluster.multiNode);
      if (cluster.multiNode)
        assert.deepEqual(await atB.next(is("to", "t1")), {
          kind: "to",
          userId: "dave@x",
          address: "phone",
          frame: "t1",
        });
      await settled();
      assert.equal(count(atA, is("to", "t1")), 0, "the caller looks on its own node itself");
    });

    test("a bus without a receiver drops pushes; health, when reported, is good", async () => {
      const lone = await cluster.node();
      lone.bus.publish(["alice@x"], frame("n1"));
      lone.bus.publishLocal(["alice@x"], frame("n2"));
      if (lone.bus.health) assert.equal(lone.bus.health().ok, true);
      if (cluster.multiNode) {
        lone.bus.publish(["erin@x"], frame("n3"));
        await atA.next(is("deliver", "n3"));
      }
    });
  });
}
