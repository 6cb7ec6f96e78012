import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { ErrorCode } from "@starling/protocol";
import { LocalBus } from "../../src/adapters/cluster/local-bus.js";
import { LocalPresenceDirectory } from "../../src/adapters/cluster/local-presence.js";
import { NodeRandom, SystemClock } from "../../src/adapters/platform/node-random.js";
import { openSqliteStore } from "../../src/adapters/store/sqlite.js";
import { addressKey, LoginLimiter } from "../../src/core/accounts/login-limiter.js";
import { Core } from "../../src/core/core.js";
import { DEFAULT_LIMITS, type LoginLimits } from "../../src/core/kernel/limits.js";
import type { Logger, PasswordHasher } from "../../src/core/kernel/ports.js";

const MIN = 60_000;
const limits: LoginLimits = {
  windowMs: 5 * MIN,
  maxFailuresPerAccountAddress: 5,
  maxFailuresPerIp: 50,
  maxFailuresPerAccount: 20,
  lockoutMs: 5 * MIN,
  knownAddressMs: 30 * 24 * 60 * MIN,
};

function fakeClock() {
  return {
    t: 1_000_000,
    now() {
      return this.t;
    },
  };
}

function setup(overrides: Partial<LoginLimits> = {}) {
  const clock = fakeClock();
  return { clock, limiter: new LoginLimiter({ ...limits, ...overrides }, clock) };
}

const fail = (l: LoginLimiter, account: string, ip: string, times: number) => {
  for (let i = 0; i < times; i++) l.recordFailure(account, ip);
};

describe("the login policy", () => {
  test("five failures from one address lock that address out of that account only, for a while", () => {
    const { clock, limiter } = setup();
    fail(limiter, "alice", "10.0.0.66", 4);
    assert.equal(limiter.lockedFor("alice", "10.0.0.66"), 0, "four are allowed");
    assert.equal(limiter.recordFailure("alice", "10.0.0.66"), "account-address");
    assert.equal(limiter.lockedFor("alice", "10.0.0.66"), 5 * MIN);
    assert.equal(limiter.lockedFor("alice", "10.0.0.1"), 0, "the owner elsewhere is not locked out");
    assert.equal(limiter.lockedFor("bob", "10.0.0.66"), 0, "nor is another account from there");
    clock.t += 5 * MIN;
    assert.equal(limiter.lockedFor("alice", "10.0.0.66"), 0, "the lock ends");
  });

  test("failures older than the window are forgotten", () => {
    const { clock, limiter } = setup();
    fail(limiter, "alice", "10.0.0.66", 4);
    clock.t += 5 * MIN;
    fail(limiter, "alice", "10.0.0.66", 4);
    assert.equal(limiter.lockedFor("alice", "10.0.0.66"), 0);
  });

  test("spraying many accounts from one address locks it out of all but the ones it knows", () => {
    const { limiter } = setup();
    limiter.recordSuccess("zoe", "10.0.0.66");
    for (let i = 0; i < 49; i++) limiter.recordFailure(`user${i}`, "10.0.0.66");
    assert.equal(limiter.lockedFor("bob", "10.0.0.66"), 0);
    assert.equal(limiter.recordFailure("user49", "10.0.0.66"), "address");
    assert.equal(limiter.lockedFor("bob", "10.0.0.66"), 5 * MIN, "an account never tried is locked too");
    assert.equal(limiter.lockedFor("zoe", "10.0.0.66"), 0, "the account that logged in from there is not");
    assert.equal(limiter.lockedFor("bob", "10.0.0.1"), 0, "other addresses are not");
  });

  test("many addresses against one account close it to strangers; the user's own address still gets in", () => {
    const { clock, limiter } = setup();
    limiter.recordSuccess("alice", "192.0.2.10");
    for (let a = 1; a <= 4; a++) fail(limiter, "alice", `198.51.100.${a}`, 4);
    assert.equal(limiter.lockedFor("alice", "203.0.113.7"), 0, "16 failures: below the ceiling");
    for (let a = 5; a <= 7; a++) fail(limiter, "alice", `198.51.100.${a}`, 1);
    assert.equal(limiter.recordFailure("alice", "198.51.100.8"), "account");
    assert.equal(limiter.lockedFor("alice", "203.0.113.7"), 5 * MIN, "a new address must wait");
    assert.equal(limiter.lockedFor("alice", "192.0.2.10"), 0, "the known address is let through");
    assert.equal(limiter.lockedFor("bob", "203.0.113.7"), 0, "other accounts are untouched");
    // A known address still has its own low limit: typing the password wrong five times locks it.
    fail(limiter, "alice", "192.0.2.10", 5);
    assert.equal(limiter.lockedFor("alice", "192.0.2.10"), 5 * MIN);
    clock.t += 5 * MIN;
    assert.equal(limiter.lockedFor("alice", "203.0.113.7"), 0);
  });

  test("a success resets its own address's count, not the account's count across addresses", () => {
    const { limiter } = setup();
    fail(limiter, "alice", "192.0.2.10", 4);
    limiter.recordSuccess("alice", "192.0.2.10");
    fail(limiter, "alice", "192.0.2.10", 4);
    assert.equal(limiter.lockedFor("alice", "192.0.2.10"), 0, "the owner's typos start again from 0");
    for (let a = 1; a <= 3; a++) fail(limiter, "alice", `198.51.100.${a}`, 4);
    assert.equal(limiter.lockedFor("alice", "203.0.113.7"), 5 * MIN, "8 + 12 failures reach the ceiling");
  });

  test("an address stops being known after knownAddressMs", () => {
    const { clock, limiter } = setup({ knownAddressMs: 60 * MIN });
    limiter.recordSuccess("alice", "192.0.2.10");
    clock.t += 60 * MIN;
    for (let a = 1; a <= 4; a++) fail(limiter, "alice", `198.51.100.${a}`, 5);
    assert.equal(limiter.lockedFor("alice", "192.0.2.10"), 5 * MIN);
  });

  test("IPv6 addresses count by their /64; IPv4 mapped into IPv6 as IPv4", () => {
    assert.equal(addressKey("2001:db8:1:2:aaaa::1"), "2001:db8:1:2::/64");
    assert.equal(addressKey("2001:0db8:0001:0002:ffff:0:0:9"), "2001:db8:1:2::/64");
    assert.equal(addressKey("2001:db8::1"), "2001:db8:0:0::/64");
    assert.equal(addressKey("::1"), "0:0:0:0::/64");
    assert.equal(addressKey("fe80::1%eth0"), "fe80:0:0:0::/64");
    assert.equal(addressKey("::ffff:192.0.2.1"), "192.0.2.1");
    assert.equal(addressKey("192.0.2.1"), "192.0.2.1");
    const { limiter } = setup();
    for (let i = 1; i <= 5; i++) limiter.recordFailure("alice", `2001:db8:1:2::${i.toString(16)}`);
    assert.equal(
      limiter.lockedFor("alice", "2001:db8:1:2:ffff::77"),
      5 * MIN,
      "the whole /64 is one address",
    );
    assert.equal(limiter.lockedFor("alice", "2001:db8:1:3::1"), 0);
  });
});

/** Keeps what is logged, for the check that failed logins are logged and passwords are not. */
class LogRecorder implements Logger {
  readonly lines: { level: string; msg: string; obj: Record<string, unknown> }[] = [];
  debug(obj: object, msg = "") {
    this.lines.push({ level: "debug", msg, obj: obj as Record<string, unknown> });
  }
  info(obj: object, msg = "") {
    this.lines.push({ level: "info", msg, obj: obj as Record<string, unknown> });
  }
  warn(obj: object, msg = "") {
    this.lines.push({ level: "warn", msg, obj: obj as Record<string, unknown> });
  }
  error(obj: object, msg = "") {
    this.lines.push({ level: "error", msg, obj: obj as Record<string, unknown> });
  }
}

const plainHasher: PasswordHasher = {
  hash: async (p) => `plain:${p}`,
  verify: async (h, p) => h === `plain:${p}`,
};

test("every failed login is logged once, with the user and the address and without the password", async () => {
  const store = await openSqliteStore({ path: ":memory:" });
  const log = new LogRecorder();
  const core = new Core({
    store,
    bus: new LocalBus(),
    presence: new LocalPresenceDirectory(new SystemClock()),
    clock: fakeClock(),
    hasher: plainHasher,
    random: new NodeRandom(),
    log,
    limits: { ...DEFAULT_LIMITS, login: { ...limits, maxFailuresPerAccountAddress: 2 } },
    defaultDomain: "example.com",
  });
  try {
    await core.accounts.ensureDomain("example.com");
    await core.accounts.createUser({ id: "alice@example.com", password: "alice-password" });
    const device = { deviceId: "d", platform: "test" };
    for (let i = 0; i < 2; i++)
      await assert.rejects(
        core.accounts.login("alice", "guess-secret-1", "198.51.100.9", device),
        (e: { code?: number }) => e.code === ErrorCode.BAD_CREDENTIALS,
      );
    await assert.rejects(
      core.accounts.login("alice", "alice-password", "198.51.100.9", device),
      (e: { code?: number }) => e.code === ErrorCode.LOGIN_LOCKED,
    );
    await core.accounts.login("alice", "alice-password", "192.0.2.10", device);
    const failed = log.lines.filter((l) => l.msg === "login failed");
    assert.deepEqual(
      failed.map((l) => [l.level, l.obj.user, l.obj.ip, l.obj.locked]),
      [
        ["info", "alice@example.com", "198.51.100.9", undefined],
        ["warn", "alice@example.com", "198.51.100.9", "account-address"],
      ],
    );
    assert.ok(!JSON.stringify(log.lines).includes("guess-secret"), "no password in the log");
  } finally {
    await store.close();
  }
});
