import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { create, ErrorCode, SendMessageSchema, type StarlingError } from "@starling/protocol";
import type { KyselyStore } from "../../src/adapters/store/kysely-store.js";
import type { Core } from "../../src/core/core.js";
import { DEFAULT_LIMITS } from "../../src/core/kernel/limits.js";
import type { PushDeviceRecord } from "../../src/core/kernel/records.js";
import type { PushProvider } from "../../src/core/push/provider.js";
import { coreOn, freshStore, postgresUnavailable, type StoreUnderTest } from "../helpers/stores.js";

/**
 * The push store slice on every store: devices listed per user and for many users, a token
 * registered again moving to its new user, removal by id, token or as dead, last use, and
 * each user's unread total for the badge; and the registry's per-user cap over it.
 */
const pgProblem = await postgresUnavailable();
if (pgProblem) console.log(`# postgres push store contract SKIPPED: ${pgProblem}`);

const D = "@example.com";
const provider: PushProvider = { name: "test", send: async () => ({ ok: true }) };

const device = (id: string, userId: string, token: string, at = 1000): PushDeviceRecord => ({
  id,
  userId,
  provider: "test",
  platform: "android",
  appId: "com.example.chat",
  token,
  locale: "zh-CN",
  createdAt: at,
  lastUsedAt: 0,
});

for (const name of ["sqlite", "postgres"] as const) {
  const skip = name === "postgres" ? pgProblem : undefined;
  describe(`push store contract on ${name}`, { skip }, () => {
    let sut: StoreUnderTest;
    let store: KyselyStore;
    let core: Core;
    let t = 1_700_000_000_000;
    const tx = <T>(fn: (tx: Parameters<Parameters<KyselyStore["transaction"]>[0]>[0]) => Promise<T>) =>
      store.transaction(fn);

    before(async () => {
      sut = await freshStore(name);
      store = await sut.open();
      core = coreOn(
        store,
        "example.com",
        undefined,
        { now: () => t++ },
        {
          pushProviders: [provider],
          limits: { ...DEFAULT_LIMITS, maxPushDevicesPerUser: 3 },
        },
      );
      await core.accounts.ensureDomain("example.com");
      for (const u of ["alice", "bob", "carol", "dave"])
        await core.accounts.createUser({ id: `${u}${D}`, password: `${u}-password`, displayName: u });
    });
    after(async () => {
      await store.close();
      await sut.drop();
    });

    test("a device is stored as given and listed for its user only", async () => {
      const stored = await tx((w) => w.upsertPushDevice(device("d1", `alice${D}`, "tok-1")));
      assert.deepEqual(stored, device("d1", `alice${D}`, "tok-1"));
      assert.deepEqual(await store.read.listPushDevices(`alice${D}`), [stored]);
      assert.deepEqual(await store.read.listPushDevices(`bob${D}`), []);
    });

    test("the same provider and token again moves the row to the new user, keeping id and createdAt", async () => {
      const moved = await tx((w) =>
        w.upsertPushDevice({ ...device("d2", `bob${D}`, "tok-1", 2000), platform: "ios", locale: "en" }),
      );
      assert.equal(moved.id, "d1");
      assert.equal(moved.createdAt, 1000);
      assert.equal(moved.userId, `bob${D}`);
      assert.equal(moved.platform, "ios");
      assert.equal(moved.locale, "en");
      assert.deepEqual(await store.read.listPushDevices(`alice${D}`), []);
      assert.deepEqual(await store.read.listPushDevices(`bob${D}`), [moved]);
    });

    test("the same token with another provider is another device", async () => {
      await tx((w) => w.upsertPushDevice({ ...device("d3", `carol${D}`, "tok-1"), provider: "other" }));
      assert.equal((await store.read.listPushDevices(`carol${D}`)).length, 1);
      assert.equal((await store.read.listPushDevices(`bob${D}`)).length, 1);
    });

    test("the devices of many users in one call", async () => {
      await tx((w) => w.upsertPushDevice(device("d4", `carol${D}`, "tok-4")));
      const all = await store.read.pushDevicesOf([`bob${D}`, `carol${D}`, `dave${D}`]);
      assert.deepEqual(all.map((d) => d.id).sort(), ["d1", "d3", "d4"]);
      assert.deepEqual(await store.read.pushDevicesOf([]), []);
    });

    test("last use is recorded; removal by id, by token, and as dead whatever the user", async () => {
      await tx((w) => w.touchPushDevices(["d1", "d4"], 5000));
      assert.equal((await store.read.listPushDevices(`bob${D}`))[0]?.lastUsedAt, 5000);
      // Another user's device is not theirs to remove.
      assert.equal(await tx((w) => w.deletePushDevice(`alice${D}`, { id: "d1" })), false);
      assert.equal(await tx((w) => w.deletePushDevice(`bob${D}`, { token: "tok-1" })), true);
      assert.deepEqual(await store.read.listPushDevices(`bob${D}`), []);
      assert.equal(await tx((w) => w.deletePushDevice(`carol${D}`, { id: "d4" })), true);
      assert.equal(await tx((w) => w.deletePushDevice(`carol${D}`, { id: "d4" })), false);
      assert.equal(await tx((w) => w.deletePushDevicesById(["d3", "missing"])), 1);
      assert.deepEqual(await store.read.listPushDevices(`carol${D}`), []);
    });

    test("unread totals: the sum over a user's conversations after their read cursor, each up to the cap", async () => {
      const group = (await core.groups.create({ userId: `alice${D}` }, "Team", [`bob${D}`, `carol${D}`])).id;
      const send = (from: string, to: { user?: string; conv?: string }, n: number) =>
        core.send(
          `${from}${D}`,
          create(SendMessageSchema, {
            toUserId: to.user ? `${to.user}${D}` : "",
            conversationId: to.conv ?? "",
            clientMsgId: `${from}-${to.user ?? "group"}-${n}`,
            content: { text: `message ${n}` },
          }),
        );
      // What the group's creation stored (its event) is the baseline.
      const before = await store.read.unreadTotals([`bob${D}`, `carol${D}`], 1000);
      const grew = (totals: Map<string, number>, who: string) =>
        (totals.get(`${who}${D}`) ?? 0) - (before.get(`${who}${D}`) ?? 0);
      for (let i = 0; i < 5; i++) await send("alice", { conv: group }, i);
      let last = await send("alice", { user: "bob" }, 0);
      for (let i = 1; i < 3; i++) last = await send("alice", { user: "bob" }, i);
      const totals = await store.read.unreadTotals([`bob${D}`, `carol${D}`, `dave${D}`], 1000);
      assert.equal(grew(totals, "bob"), 8);
      assert.equal(grew(totals, "carol"), 5);
      assert.equal(totals.has(`dave${D}`), false, "a user with nothing unread is absent");
      assert.deepEqual(await store.read.unreadTotals([`bob${D}`], 2), new Map([[`bob${D}`, 4]]));
      await core.receipts.markRead(`bob${D}`, last.conversationId, last.seq);
      assert.equal(grew(await store.read.unreadTotals([`bob${D}`], 1000), "bob"), 5);
      assert.deepEqual(await store.read.unreadTotals([], 1000), new Map());
    });

    test("registering past the per-user limit removes the least recently used device", async () => {
      const reg = (token: string) =>
        core.pushDevices.register(`dave${D}`, {
          provider: "test",
          platform: "web",
          appId: "https://chat.example.com",
          token,
          locale: "",
        });
      await reg("lru-a");
      const b = await reg("lru-b");
      await reg("lru-c");
      // b was used by a notification after all three were registered: a is the least recent.
      await tx((w) => w.touchPushDevices([b.id], t++));
      await reg("lru-d");
      const tokens = (await core.pushDevices.list(`dave${D}`)).map((x) => x.token).sort();
      assert.deepEqual(tokens, ["lru-b", "lru-c", "lru-d"]);
      await reg("lru-e");
      assert.deepEqual((await core.pushDevices.list(`dave${D}`)).map((x) => x.token).sort(), [
        "lru-b",
        "lru-d",
        "lru-e",
      ]);
    });

    test("a provider that is not configured, and a bad platform, are refused with the field named", async () => {
      await assert.rejects(
        core.pushDevices.register(`dave${D}`, {
          provider: "apns",
          platform: "ios",
          appId: "x",
          token: "t",
          locale: "",
        }),
        (err: StarlingError) => err.code === ErrorCode.INVALID_ARGUMENT && err.details.field === "provider",
      );
      await assert.rejects(
        core.pushDevices.register(`dave${D}`, {
          provider: "test",
          platform: "fridge",
          appId: "x",
          token: "t",
          locale: "",
        }),
        (err: StarlingError) => err.code === ErrorCode.INVALID_ARGUMENT && err.details.field === "platform",
      );
    });
  });
}
