import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { ErrorCode } from "@starling/protocol";
import { passwordOf, requestFrom, startTestServer, type TestServer } from "../../helpers/test-server.js";

/** POST /api/v1/auth/login from a chosen loopback address (the server sees the socket's address). */
const loginFrom = (ts: TestServer, from: string, userId: string, password: string) =>
  requestFrom(ts, "POST", "/api/v1/auth/login", { from, body: { userId, password } });

describe("login limits: attackers lock themselves out, not the user", () => {
  let ts: TestServer;
  before(async () => {
    ts = await startTestServer({ "limits.loginMaxFailures": 3, "limits.loginMaxFailuresPerAccount": 8 });
    await ts.addUser("bob");
  });
  after(() => ts.close());

  test("failures from one address lock that address only; many addresses close the account to strangers", async () => {
    const right = passwordOf("bob");
    for (let i = 0; i < 3; i++)
      assert.equal((await loginFrom(ts, "127.0.0.2", "bob", `guess-${i}`)).status, 401);
    const attacker = await loginFrom(ts, "127.0.0.2", "bob", right);
    assert.equal(attacker.status, 429, "the attacker's address is locked, even with the right password");
    assert.equal(attacker.code, ErrorCode[ErrorCode.LOGIN_LOCKED]);
    assert.equal(
      (await loginFrom(ts, "127.0.0.1", "bob", right)).status,
      200,
      "the user, from an address never used before, still logs in",
    );

    // More addresses join in until the account's ceiling (8 failures in all) is reached.
    for (const address of ["127.0.0.3", "127.0.0.4"])
      for (let i = 0; i < 3; i++) await loginFrom(ts, address, "bob", `guess-${address}-${i}`);
    const stranger = await loginFrom(ts, "127.0.0.9", "bob", right);
    assert.equal(stranger.status, 429, "a new address must wait while the account is under attack");
    assert.equal(
      (await loginFrom(ts, "127.0.0.1", "bob", right)).status,
      200,
      "the address the user logged in from is let through",
    );
    assert.equal(
      (await loginFrom(ts, "127.0.0.2", "bob", right)).status,
      429,
      "the attacker is still locked",
    );
  });
});
