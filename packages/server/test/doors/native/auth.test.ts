import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { after, before, describe, test } from "node:test";
import { ErrorCode } from "@starling/protocol";
import { createNodeClient } from "@starling/sdk/node";
import { login } from "../../helpers/clients.js";
import { passwordOf, startTestServer, type TestServer } from "../../helpers/test-server.js";

const code = (c: number) => (e: { code?: number }) => e.code === c;

const sys = { actor: "system", source: "test", scope: "*" };

describe("authentication and sessions", () => {
  let ts: TestServer;
  before(async () => {
    ts = await startTestServer({ "limits.loginMaxFailures": 3 });
    for (const n of ["alice", "bob", "carol", "dave"]) await ts.addUser(n);
  });
  after(() => ts.close());

  const client = (auth: { userId: string; password: string } | { token: string }) =>
    createNodeClient({ endpoints: [ts.tlsUrl], auth, tls: { rejectUnauthorized: false }, reconnect: false });

  test("passwords are stored as argon2id hashes and tokens only as hashes", async () => {
    const u = await ts.server.store.read.getUser("alice@starling.local");
    assert.match(u?.passwordHash ?? "", /^\$argon2id\$/);
    const alice = await login(ts, "alice");
    const token = alice.sdk.token as string;
    assert.ok(await ts.server.store.read.getSession(createHash("sha256").update(token).digest("hex")));
    assert.equal(await ts.server.store.read.getSession(token), undefined);
    await alice.close();
  });

  test("a wrong password is refused, and repeated failures lock the account for a while", async () => {
    for (let i = 0; i < 3; i++) {
      await assert.rejects(
        client({ userId: "bob", password: "wrong-password" }).connect(),
        code(ErrorCode.BAD_CREDENTIALS),
      );
    }
    const locked = client({ userId: "bob", password: "pw-bob-secret" });
    await assert.rejects(locked.connect(), code(ErrorCode.LOGIN_LOCKED));
    // Another account from the same address is not locked by bob's failures.
    const carol = await login(ts, "carol");
    await carol.close();
  });

  test("logout ends the session: the token stops working", async () => {
    const alice = await login(ts, "alice");
    const token = alice.sdk.token as string;
    await alice.sdk.logout();
    await assert.rejects(client({ token }).connect(), code(ErrorCode.TOKEN_INVALID));
  });

  test("disabling an account closes its sessions and refuses logins", async () => {
    const dave = await login(ts, "dave");
    await ts.server.admin.setDisabled(sys, `dave@${ts.domain}`, true);
    await dave.until(() => dave.sdk.state === "closed", "dave is disconnected");
    await assert.rejects(login(ts, "dave"), code(ErrorCode.ACCOUNT_DISABLED));
    await ts.server.admin.setDisabled(sys, `dave@${ts.domain}`, false);
    const back = await login(ts, "dave");
    await back.close();
  });

  test("a new password ends existing sessions", async () => {
    const carol = await login(ts, "carol");
    const token = carol.sdk.token as string;
    await ts.server.admin.setPassword(sys, `carol@${ts.domain}`, "a-new-password-1");
    await carol.until(() => carol.sdk.state === "closed", "carol is signed out");
    await assert.rejects(client({ token }).connect(), code(ErrorCode.TOKEN_INVALID));
    const c = client({ userId: "carol", password: "a-new-password-1" });
    await c.connect();
    await c.close();
  });

  test("guessing the current password through ChangePassword locks like failed logins", async () => {
    await ts.addUser("frank");
    const frank = await login(ts, "frank");
    try {
      for (let i = 0; i < 3; i++)
        await assert.rejects(
          frank.sdk.changePassword(`guess-${i}-wrong`, "a-new-password-2"),
          code(ErrorCode.BAD_CREDENTIALS),
        );
      await assert.rejects(
        frank.sdk.changePassword(passwordOf("frank"), "a-new-password-2"),
        code(ErrorCode.LOGIN_LOCKED),
        "locked even with the right password",
      );
    } finally {
      await frank.close();
    }
  });

  test("the password policy refuses short passwords and the user id", async () => {
    await assert.rejects(
      ts.server.admin.addUser(sys, { id: `erin@${ts.domain}`, password: "short" }),
      code(ErrorCode.INVALID_ARGUMENT),
    );
    await assert.rejects(
      ts.server.admin.addUser(sys, { id: `erin@${ts.domain}`, password: "erin" }),
      code(ErrorCode.INVALID_ARGUMENT),
    );
    await assert.rejects(
      ts.server.admin.addUser(sys, { id: `erinerin@${ts.domain}`, password: "erinerin" }),
      code(ErrorCode.INVALID_ARGUMENT),
    );
  });
});

describe("typing and presence", () => {
  let ts: TestServer;
  before(async () => {
    ts = await startTestServer();
    for (const n of ["alice", "bob", "zed"]) await ts.addUser(n);
  });
  after(() => ts.close());

  test("typing reaches the other members only", async () => {
    const alice = await login(ts, "alice");
    const bob = await login(ts, "bob");
    const ack = await alice.sdk.send({ to: "bob", text: "hi" });
    await alice.sdk.typing(ack.conversationId, true);
    await bob.until(() => bob.list("typing").some((t) => t.userId === "alice@starling.local" && t.typing));
    assert.equal(alice.list("typing").length, 0);
    const zed = await login(ts, "zed");
    await assert.rejects(zed.sdk.typing(ack.conversationId, true), code(ErrorCode.NOT_FOUND));
    await Promise.all([alice.close(), bob.close(), zed.close()]);
  });

  test("presence: online, away, offline for the users one asks about", async () => {
    const alice = await login(ts, "alice");
    const [state] = await alice.sdk.subscribePresence(["bob"]);
    assert.equal(state?.status, 3 /* OFFLINE */);
    const bob = await login(ts, "bob");
    await alice.until(
      () => alice.list("presence").some((p) => p.userId === "bob@starling.local" && p.status === 1),
      "online",
    );
    await bob.sdk.setPresence(2 /* AWAY */);
    await alice.until(
      () => alice.list("presence").some((p) => p.userId === "bob@starling.local" && p.status === 2),
      "away",
    );
    await bob.close();
    await alice.until(
      () => alice.list("presence").some((p) => p.userId === "bob@starling.local" && p.status === 3),
      "offline",
    );
    await assert.rejects(alice.sdk.subscribePresence(["x@elsewhere.example"]), code(ErrorCode.CROSS_DOMAIN));
    await alice.close();
  });
});
