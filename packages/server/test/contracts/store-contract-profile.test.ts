import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { ErrorCode } from "@starling/protocol";
import { LocalBus } from "../../src/adapters/cluster/local-bus.js";
import { LocalPresenceDirectory } from "../../src/adapters/cluster/local-presence.js";
import { NodeRandom } from "../../src/adapters/platform/node-random.js";
import type { KyselyStore } from "../../src/adapters/store/kysely-store.js";
import { Core } from "../../src/core/core.js";
import { DEFAULT_LIMITS, SESSION_TOUCH_MS } from "../../src/core/kernel/limits.js";
import type { Clock } from "../../src/core/kernel/ports.js";
import { poll } from "../helpers/poll.js";
import { freshStore, plainHasher, postgresUnavailable, type StoreUnderTest } from "../helpers/stores.js";
import { RecordingReceiver } from "./recorder.js";

/**
 * The store contract for what a user manages themselves: their login sessions, the settings that
 * follow them, their status message and do-not-disturb, on every store adapter.
 */
const pgProblem = await postgresUnavailable();
if (pgProblem) console.log(`# postgres profile store contract SKIPPED: ${pgProblem}`);

class StepClock implements Clock {
  t = Date.parse("2026-05-01T10:00:00Z");
  now(): number {
    return this.t;
  }
}

const silent = { debug() {}, info() {}, warn() {}, error() {} };
const device = (deviceId: string, client = "") => ({ deviceId, platform: "test", client });

for (const name of ["sqlite", "postgres"] as const) {
  const skip = name === "postgres" ? pgProblem : undefined;
  describe(`profile store contract on ${name}`, { skip }, () => {
    let sut: StoreUnderTest;
    let store: KyselyStore;
    let core: Core;
    const clock = new StepClock();
    const bus = new LocalBus();
    const received = new RecordingReceiver();
    bus.attach(received);

    before(async () => {
      sut = await freshStore(name);
      store = await sut.open();
      core = new Core({
        store,
        bus,
        presence: new LocalPresenceDirectory(clock),
        clock,
        hasher: plainHasher,
        random: new NodeRandom(),
        log: silent,
        limits: DEFAULT_LIMITS,
        defaultDomain: "example.com",
      });
      await core.accounts.ensureDomain("example.com");
      for (const u of ["alice", "bob"])
        await core.accounts.createUser({ id: `${u}@example.com`, password: `${u}-password` });
    });
    after(async () => {
      await store.close();
      await sut.drop();
    });

    test("sessions: listed with their client and last use, each ended alone or all but one", async () => {
      const laptop = await core.accounts.login(
        "alice",
        "alice-password",
        "127.0.0.1",
        device("lap", "web 1"),
      );
      clock.t += 1000;
      const phone = await core.accounts.login("alice", "alice-password", "127.0.0.1", device("ph", "ios 2"));
      clock.t += 1000;
      const tablet = await core.accounts.login("alice", "alice-password", "127.0.0.1", device("tab"));
      await core.accounts.login("bob", "bob-password", "127.0.0.1", device("bob"));

      // A reconnect long after stamps the last use; one soon after writes nothing.
      clock.t += SESSION_TOUCH_MS + 1;
      await core.accounts.resume(laptop.token as string);
      const touchedAt = clock.t;
      await poll(
        async () => (await store.read.getSession(laptop.tokenHash))?.lastActiveAt,
        (at) => at === touchedAt,
        "the session's last use stamped",
      );
      clock.t += 1000;
      await core.accounts.resume(laptop.token as string);

      const list = await core.ownSessions.list("alice@example.com", phone.tokenHash);
      assert.deepEqual(
        list.sessions.map((s) => [s.deviceId, s.client, s.current, Number(s.lastActiveAt)]),
        [
          ["lap", "web 1", false, touchedAt],
          ["tab", "", false, Number(tablet.expiresAt) - DEFAULT_LIMITS.sessionTtlMs],
          ["ph", "ios 2", true, Number(phone.expiresAt) - DEFAULT_LIMITS.sessionTtlMs],
        ],
        "most recently used first, only alice's, the caller's marked",
      );
      const ids = new Set(list.sessions.map((s) => s.id));
      assert.equal(ids.size, 3);
      for (const id of ids) assert.match(id, /^[0-9a-f]{24}$/);
      assert.ok(!list.sessions.some((s) => s.id.includes(laptop.tokenHash.slice(0, 24))));

      // Bob cannot end alice's session, nor learn that it exists.
      const laptopId = list.sessions[0]?.id as string;
      await assert.rejects(core.ownSessions.revoke("bob@example.com", laptopId), code(ErrorCode.NOT_FOUND));
      await assert.rejects(
        core.ownSessions.revoke("alice@example.com", "nope"),
        code(ErrorCode.INVALID_ARGUMENT),
      );

      await core.ownSessions.revoke("alice@example.com", laptopId);
      await assert.rejects(core.accounts.resume(laptop.token as string), code(ErrorCode.TOKEN_INVALID));
      assert.deepEqual(received.got.at(-1), {
        kind: "kick",
        userIds: ["alice@example.com"],
        reason: "logged_out",
        onlyToken: laptop.tokenHash,
      });

      assert.equal(await core.ownSessions.revokeOthers("alice@example.com", phone.tokenHash), 1);
      await assert.rejects(core.accounts.resume(tablet.token as string), code(ErrorCode.TOKEN_INVALID));
      assert.equal((await core.accounts.resume(phone.token as string)).user.id, "alice@example.com");
      const left = await core.ownSessions.list("alice@example.com", phone.tokenHash);
      assert.deepEqual(
        left.sessions.map((s) => s.deviceId),
        ["ph"],
      );
      assert.equal((await core.ownSessions.list("bob@example.com", "")).sessions.length, 1);
    });

    test("settings: defaults until saved, fields kept when not given, a version per change", async () => {
      const first = await core.settings.get("bob@example.com");
      assert.deepEqual(
        [first.desktopNotifications, first.notificationSound, first.messagePreviews, first.version],
        [true, true, true, 0n],
      );
      const saved = await core.settings.set("bob@example.com", { notificationSound: false }, "s1");
      assert.deepEqual(
        [saved.desktopNotifications, saved.notificationSound, saved.version],
        [true, false, 1n],
      );
      const push = received.got.at(-1);
      assert.equal(push?.kind, "deliver");
      assert.equal(push?.kind === "deliver" && push.exceptSession, "s1", "the other devices are told");
      const count = received.got.length;
      const same = await core.settings.set("bob@example.com", { notificationSound: false });
      assert.equal(same.version, 1n, "the same values write nothing");
      assert.equal(received.got.length, count, "and tell nobody");
      await core.settings.set("bob@example.com", { messagePreviews: false, desktopNotifications: false });
      const now = await core.settings.get("bob@example.com");
      assert.deepEqual(
        [now.desktopNotifications, now.notificationSound, now.messagePreviews, now.version],
        [false, false, false, 2n],
      );
      assert.equal((await core.settings.get("alice@example.com")).version, 0n, "per user");
    });

    test("status message and do-not-disturb are on the card and stored as given", async () => {
      const ctx = { actor: "alice@example.com", source: "test" };
      await core.directoryAdmin.updateUser(ctx, "alice@example.com", {
        statusText: "  In a meeting  ",
        dnd: { daily: true, fromMinute: 22 * 60, toMinute: 8 * 60, timeZone: "Asia/Shanghai" },
      });
      const [card] = await core.directory.cards("bob@example.com", ["alice@example.com"]);
      assert.equal(card?.statusText, "In a meeting");
      assert.deepEqual(
        {
          daily: card?.doNotDisturb?.daily,
          from: card?.doNotDisturb?.fromMinute,
          to: card?.doNotDisturb?.toMinute,
          zone: card?.doNotDisturb?.timeZone,
        },
        { daily: true, from: 1320, to: 480, zone: "Asia/Shanghai" },
      );
      // 10:00 UTC is 18:00 in Shanghai: outside 22:00-08:00; 15:00 UTC is 23:00 there.
      assert.equal(await core.directory.inDoNotDisturb("alice@example.com", clock.t), false);
      assert.equal(
        await core.directory.inDoNotDisturb("alice@example.com", Date.parse("2026-05-01T15:00:00Z")),
        true,
      );
      const changes = await core.directory.changes("bob@example.com", 0, 100, 0);
      const inChanges = changes.users.find((u) => u.id === "alice@example.com");
      assert.equal(inChanges?.statusText, "In a meeting", "directory sync carries it");
      assert.equal(inChanges?.doNotDisturb?.daily, true);

      await core.directoryAdmin.updateUser(ctx, "alice@example.com", { dnd: { on: true } });
      assert.equal(await core.directory.inDoNotDisturb("alice@example.com", clock.t), true);
      await core.directoryAdmin.updateUser(ctx, "alice@example.com", { dnd: {}, statusText: "" });
      const [off] = await core.directory.cards("bob@example.com", ["alice@example.com"]);
      assert.equal(off?.doNotDisturb, undefined, "turned off: nothing on the card");
      assert.equal(off?.statusText, "");
      assert.equal(await core.directory.inDoNotDisturb("alice@example.com", clock.t), false);

      for (const bad of [
        { dnd: { daily: true, fromMinute: 1440 } },
        { dnd: { daily: true, timeZone: "Mars/Olympus" } },
        { dnd: { on: true, until: clock.t + 400 * 24 * 3600 * 1000 } },
        { statusText: "x".repeat(101) },
      ])
        await assert.rejects(
          core.directoryAdmin.updateUser(ctx, "alice@example.com", bad),
          code(ErrorCode.INVALID_ARGUMENT),
        );
    });
  });
}

function code(c: ErrorCode) {
  return (e: { code?: number }) => e.code === c;
}
