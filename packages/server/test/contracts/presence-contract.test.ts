import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { PresenceDirectory, PresenceView } from "../../src/core/kernel/ports.js";
import { waitUntil } from "../helpers/poll.js";
import { CLUSTER_ADAPTERS, type ClusterNode, type ClusterUnderTest } from "./adapters.js";

/**
 * One suite for the PresenceDirectory port, run against every adapter: a
 * node's own reports read back the same everywhere, and on a cluster every
 * node combines every node's reports.
 */
for (const adapter of CLUSTER_ADAPTERS) {
  const skip = await adapter.unavailable();
  if (skip) console.log(`# ${adapter.name} presence contract SKIPPED: ${skip}`);

  describe(`presence contract on ${adapter.name}`, { skip }, () => {
    let cluster: ClusterUnderTest;
    let a: ClusterNode;
    let b: ClusterNode;

    before(async () => {
      cluster = await adapter.open();
      a = await cluster.node();
      b = await cluster.node();
    });
    after(() => cluster.close());

    /** Resolves once `dir` says the user's state may have changed and `accept` holds of the view. */
    function changed(
      dir: PresenceDirectory,
      user: string,
      accept: (v: PresenceView) => boolean,
    ): Promise<PresenceView> {
      return new Promise((resolve) => {
        let done = false;
        const check = () => {
          const v = dir.view(user);
          if (!done && accept(v)) {
            done = true;
            resolve(v);
          }
        };
        dir.onChange((u) => {
          if (u === user) check();
        });
        check();
      });
    }

    test("a user reported here is online here at once, and told to listeners", async () => {
      const told: string[] = [];
      a.presence.onChange((u) => told.push(u));
      assert.deepEqual(a.presence.view("alice@x"), { online: false, away: false, lastSeen: 0 });
      a.presence.report("alice@x", { sessions: 1, away: false });
      assert.deepEqual(a.presence.view("alice@x"), { online: true, away: false, lastSeen: 0 });
      assert.ok(told.includes("alice@x"));
      a.presence.report("alice@x", { sessions: 2, away: true });
      assert.equal(a.presence.view("alice@x").away, true);
    });

    test("a user no longer connected is offline, with when they were last seen", async () => {
      const before = Date.now();
      a.presence.report("bob@x", { sessions: 1, away: false });
      a.presence.report("bob@x", undefined);
      const v = a.presence.view("bob@x");
      assert.equal(v.online, false);
      assert.ok(v.lastSeen >= before && v.lastSeen <= Date.now(), String(v.lastSeen));
    });

    test("on a cluster, each node sees the others' users, away only when away everywhere", async (t) => {
      if (!cluster.multiNode) return t.skip("a single node");
      a.presence.report("carol@x", { sessions: 1, away: true });
      assert.deepEqual(await changed(b.presence, "carol@x", (v) => v.online), {
        online: true,
        away: true,
        lastSeen: 0,
      });
      b.presence.report("carol@x", { sessions: 1, away: false });
      assert.equal((await changed(a.presence, "carol@x", (v) => !v.away)).online, true);
      a.presence.report("carol@x", undefined);
      // One node's reports arrive in order: once the next one is in, so is carol's.
      a.presence.report("mark@x", { sessions: 1, away: false });
      await changed(b.presence, "mark@x", (v) => v.online);
      assert.equal(b.presence.view("carol@x").online, true, "still connected on the other node");
      b.presence.report("carol@x", undefined);
      const off = await changed(a.presence, "carol@x", (v) => !v.online);
      assert.ok(off.lastSeen > 0);
    });

    test("session counts, where a directory shares them, are known for every node", async (t) => {
      if (!a.presence.reportLoad || !a.presence.loads) return t.skip("this directory shares no loads");
      a.presence.reportLoad(7);
      assert.equal(a.presence.loads().get(a.id), 7);
      if (cluster.multiNode) {
        await waitUntil(() => b.presence.loads?.().get(a.id) === 7, "the other node to hear the load");
      }
    });
  });
}
