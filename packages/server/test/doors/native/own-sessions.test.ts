import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { CloseCode, ErrorCode, inDoNotDisturb } from "@starling/protocol";
import { type Client, login } from "../../helpers/clients.js";
import { apiRequest, passwordOf, startTestServer, type TestServer } from "../../helpers/test-server.js";

const code = (c: number) => (e: { code?: number }) => e.code === c;
const closedWith = (c: Client, closeCode: number) =>
  c.list("error").some((e) => (e as { closeCode?: number }).closeCode === closeCode);

/**
 * Self-service through the SDK against a real server: a user's own sessions listed and ended
 * (a revoked session's connection closes at once), settings that roam to the user's other
 * devices, and a status message and do-not-disturb that colleagues see.
 */
describe("own sessions, settings and status over the SDK", () => {
  let ts: TestServer;
  const open: Client[] = [];
  const as = async (name: string, via: "tls" | "ws", appVersion: string) => {
    const c = await login(ts, name, via, { device: { platform: "node", appVersion }, reconnect: false });
    open.push(c);
    return c;
  };

  before(async () => {
    ts = await startTestServer();
    for (const u of ["alice", "bob", "carol"]) await ts.addUser(u);
  });
  after(async () => {
    for (const c of open) await c.close().catch(() => {});
    await ts.close();
  });

  test("a user lists their sessions and ends one: its connection closes and its token stops working", async () => {
    const laptop = await as("alice", "ws", "laptop 1.0");
    const phone = await as("alice", "tls", "phone 2.0");
    const bob = await as("bob", "tls", "bob 1.0");

    const seen = await phone.sdk.listSessions();
    assert.deepEqual(seen.map((s) => s.client).sort(), ["laptop 1.0", "phone 2.0"], "only alice's own");
    assert.deepEqual(
      seen.filter((s) => s.current).map((s) => s.client),
      ["phone 2.0"],
    );
    const target = seen.find((s) => s.client === "laptop 1.0");
    assert.ok(target && target.platform === "node" && target.createdAt > 0n && target.lastActiveAt > 0n);

    await assert.rejects(bob.sdk.revokeSession(target.id), code(ErrorCode.NOT_FOUND), "not bob's to end");
    await phone.sdk.revokeSession(target.id);
    await laptop.until(() => laptop.sdk.state === "closed", "the revoked session closed");
    assert.ok(closedWith(laptop, CloseCode.LOGGED_OUT));
    assert.equal(phone.sdk.state, "online", "the caller's session stays");
    assert.equal(bob.sdk.state, "online");
    assert.deepEqual(
      (await phone.sdk.listSessions()).map((s) => s.client),
      ["phone 2.0"],
    );
  });

  test("ending every other session keeps only the caller's; HTTP sees the same list", async () => {
    const a = await as("carol", "tls", "a");
    const b = await as("carol", "ws", "b");
    const c = await as("carol", "tls", "c");
    const token = await httpToken(ts, "carol");
    const listed = await apiRequest(ts, "GET", "/me/sessions", token);
    assert.equal(listed.status, 200);
    assert.equal((listed.body as { sessions: unknown[] }).sessions.length, 4);

    await a.sdk.revokeOtherSessions();
    await b.until(() => b.sdk.state === "closed", "b closed");
    await c.until(() => c.sdk.state === "closed", "c closed");
    assert.equal(a.sdk.state, "online");
    const after = await apiRequest(ts, "GET", "/me/sessions", token);
    assert.equal(after.status, 401, "the HTTP login ended too");
    assert.equal((await a.sdk.listSessions()).length, 1);
  });

  test("HTTP: one's own session ended by id; another user's id is not found", async () => {
    const mine = await httpToken(ts, "bob");
    const other = await httpToken(ts, "bob");
    assert.equal((await apiRequest(ts, "GET", "/me", other)).status, 200);
    const list = (await apiRequest(ts, "GET", "/me/sessions", mine)).body as {
      sessions: { id: string; current?: boolean }[];
    };
    const otherId = list.sessions.find((s) => !s.current && s.id)?.id as string;
    const carol = await httpToken(ts, "carol");
    const refused = await apiRequest(ts, "DELETE", `/me/sessions/${otherId}`, carol);
    assert.equal(refused.status, 404);
    const ended = await apiRequest(ts, "DELETE", `/me/sessions/${otherId}`, mine);
    assert.equal(ended.status, 200);
    assert.equal((await apiRequest(ts, "GET", "/me", other)).status, 401, "that login ended");
    assert.equal((await apiRequest(ts, "GET", "/me", mine)).status, 200, "this one stays");
  });

  test("settings roam: a change on one device reaches the other", async () => {
    const desk = await as("bob", "tls", "desk");
    const phone = await as("bob", "ws", "phone");
    const before = await phone.sdk.settings();
    assert.equal(before.notificationSound, true, "on by default");
    const saved = await desk.sdk.setSettings({ notificationSound: false, messagePreviews: false });
    assert.equal(saved.notificationSound, false);
    await phone.until(() => phone.list("settings").length > 0, "the settings push");
    const pushed = phone.list("settings").at(-1);
    assert.equal(pushed?.notificationSound, false);
    assert.equal(pushed?.messagePreviews, false);
    assert.equal(pushed?.version, saved.version);
    assert.equal(desk.list("settings").length, 0, "the device that changed them has the answer");
    assert.equal((await phone.sdk.settings()).notificationSound, false);
    const token = await httpToken(ts, "bob");
    const http = await apiRequest(ts, "PATCH", "/me/settings", token, { notificationSound: true });
    assert.equal((http.body as { notificationSound: boolean }).notificationSound, true);
    await desk.until(
      () => desk.list("settings").at(-1)?.notificationSound === true,
      "the HTTP change pushed",
    );
  });

  test("a status message and do-not-disturb reach a colleague's card", async () => {
    const alice = await as("alice", "tls", "x");
    const bob = await as("bob", "tls", "y");
    await alice.sdk.directory.updateProfile({
      statusText: "On holiday",
      doNotDisturb: { on: true, until: Date.now() + 3_600_000 },
    });
    const [card] = await bob.sdk.directory.cards([`alice@${ts.domain}`]);
    assert.equal(card?.statusText, "On holiday");
    assert.equal(inDoNotDisturb(card?.doNotDisturb, Date.now()), true);
    assert.equal(await ts.server.core.directory.inDoNotDisturb(`alice@${ts.domain}`, Date.now()), true);
    await assert.rejects(
      alice.sdk.directory.updateProfile({ doNotDisturb: { daily: true, timeZone: "Nowhere/Else" } }),
      code(ErrorCode.INVALID_ARGUMENT),
    );
    await alice.sdk.directory.updateProfile({ doNotDisturb: {} });
    const [off] = await bob.sdk.directory.cards([`alice@${ts.domain}`]);
    assert.equal(inDoNotDisturb(off?.doNotDisturb, Date.now()), false);
  });
});

async function httpToken(ts: TestServer, name: string): Promise<string> {
  const r = await apiRequest(ts, "POST", "/auth/login", "", { userId: name, password: passwordOf(name) });
  return (r.body as { token: string }).token;
}
