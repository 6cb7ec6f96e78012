import assert from "node:assert/strict";
import { test } from "node:test";
import { create, ErrorCode, SendMessageSchema } from "@starling/protocol";
import { LocalBus } from "../../src/adapters/cluster/local-bus.js";
import { LocalPresenceDirectory } from "../../src/adapters/cluster/local-presence.js";
import { NodeRandom, SystemClock } from "../../src/adapters/platform/node-random.js";
import { openSqliteStore } from "../../src/adapters/store/sqlite.js";
import { Core } from "../../src/core/core.js";
import { DEFAULT_LIMITS } from "../../src/core/kernel/limits.js";
import type { PasswordHasher } from "../../src/core/kernel/ports.js";

/** Passwords are irrelevant here; a trivial hasher keeps the test fast. */
const plainHasher: PasswordHasher = {
  hash: async (p) => `plain:${p}`,
  verify: async (h, p) => h === `plain:${p}`,
};
const silent = { debug() {}, info() {}, warn() {}, error() {} };

test("the sender's recall window is enforced by the server clock", async () => {
  const store = await openSqliteStore({ path: ":memory:" });
  const clock = {
    t: 1_000_000,
    now() {
      return this.t;
    },
  };
  const core = new Core({
    store,
    bus: new LocalBus(),
    presence: new LocalPresenceDirectory(new SystemClock()),
    clock,
    hasher: plainHasher,
    random: new NodeRandom(),
    log: silent,
    limits: { ...DEFAULT_LIMITS, recallWindowMs: 120_000 },
    defaultDomain: "example.com",
  });
  await core.accounts.ensureDomain("example.com");
  await core.accounts.createUser({ id: "alice@example.com", password: "alice-password" });
  await core.accounts.createUser({ id: "bob@example.com", password: "bob-password" });
  const send = (id: string) =>
    core.send(
      "alice@example.com",
      create(SendMessageSchema, { toUserId: "bob", clientMsgId: id, content: { text: id } }),
    );
  const a = await send("a");
  const b = await send("b");
  clock.t += 120_000;
  await core.recaller.recall("alice@example.com", a.conversationId, a.seq); // exactly at the edge: allowed
  clock.t += 1;
  await assert.rejects(
    core.recaller.recall("alice@example.com", b.conversationId, b.seq),
    (e: { code?: number }) => e.code === ErrorCode.RECALL_WINDOW_EXPIRED,
  );
  await store.close();
});
