import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { adminKey } from "../../../src/index.js";
import { login } from "../../helpers/clients.js";
import { apiRequest, startTestServer, type TestServer } from "../../helpers/test-server.js";

/** A POST to a webhook URL with a raw body, as an outside system sends it. */
async function postRaw(
  ts: TestServer,
  path: string,
  body: string,
): Promise<{ status: number; json: Record<string, unknown> }> {
  const r = await fetch(`http://127.0.0.1:${ts.server.httpPort}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body,
  });
  return { status: r.status, json: (await r.json()) as Record<string, unknown> };
}

describe("incoming webhooks", () => {
  let ts: TestServer;
  let key: string;
  let aliceToken: string;
  let bobToken: string;
  let bot: string;
  let group: string;

  const makeHook = async (label: string) => {
    const r = await apiRequest(ts, "POST", `/groups/${group}/hooks`, aliceToken, { botId: "monitor", label });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    return r.body as { id: string; path: string; secret: string };
  };

  before(async () => {
    ts = await startTestServer();
    key = adminKey(ts.dataDir);
    const alice = await ts.addUser("alice");
    const bob = await ts.addUser("bob");
    bot = String((await apiRequest(ts, "POST", "/admin/bots", key, { id: "monitor" })).body.id);
    const g = await apiRequest(ts, "POST", "/admin/groups", key, {
      name: "alerts",
      owner: alice,
      members: [bob, bot],
    });
    group = String(g.body.id);
    const la = await apiRequest(ts, "POST", "/auth/login", "", {
      userId: "alice",
      password: "pw-alice-secret",
    });
    aliceToken = String(la.body.token);
    const lb = await apiRequest(ts, "POST", "/auth/login", "", { userId: "bob", password: "pw-bob-secret" });
    bobToken = String(lb.body.token);
  });
  after(() => ts.close());

  it("posts into the group as its bot, once per client id", async () => {
    const hook = await makeHook("grafana");
    assert.ok(hook.path.startsWith(`/api/v1/hooks/${hook.id}/`));
    const b = await login(ts, "bob");
    try {
      const first = await postRaw(
        ts,
        hook.path,
        JSON.stringify({ text: "disk 91% full", clientId: "alert-7" }),
      );
      assert.equal(first.status, 200, JSON.stringify(first.json));
      assert.equal(first.json.duplicate, false);
      const retry = await postRaw(
        ts,
        hook.path,
        JSON.stringify({ text: "disk 91% full", clientId: "alert-7" }),
      );
      assert.equal(retry.status, 200);
      assert.equal(retry.json.duplicate, true);
      assert.equal(retry.json.seq, first.json.seq);
      const md = await postRaw(ts, hook.path, JSON.stringify({ markdown: "**resolved**" }));
      assert.equal(md.status, 200);
      await b.until(() => b.in(group).some((m) => m.content?.text === "**resolved**"), "the later post");
      const got = b.in(group).filter((m) => m.content?.text === "disk 91% full");
      assert.equal(got.length, 1);
      assert.equal(got[0]?.senderId, bot);
    } finally {
      await b.close();
    }
  });

  it("refuses bad, oversized and unknown posts with their codes", async () => {
    const hook = await makeHook("ci");
    const bad = await postRaw(ts, hook.path, "{not json");
    assert.equal(bad.status, 400);
    assert.equal(bad.json.code, "INVALID_ARGUMENT");
    const wrongShape = await postRaw(ts, hook.path, JSON.stringify({ text: { lines: ["a"] } }));
    assert.equal(wrongShape.status, 400);
    assert.equal(wrongShape.json.code, "INVALID_ARGUMENT");
    const empty = await postRaw(ts, hook.path, "{}");
    assert.equal(empty.status, 400);
    assert.equal(empty.json.code, "INVALID_ARGUMENT");
    const textLimit = ts.server.core.limits.maxTextLength;
    const tooLong = await postRaw(ts, hook.path, JSON.stringify({ text: "x".repeat(textLimit + 1) }));
    assert.equal(tooLong.status, 400);
    assert.equal(tooLong.json.code, "INVALID_ARGUMENT");
    const huge = await postRaw(ts, hook.path, JSON.stringify({ text: "\u0001".repeat(textLimit * 4) }));
    assert.equal(huge.status, 413);
    assert.equal(huge.json.code, "FRAME_TOO_LARGE");
    const unknown = await postRaw(
      ts,
      `/api/v1/hooks/nosuchhook/${hook.secret}`,
      JSON.stringify({ text: "hi" }),
    );
    assert.equal(unknown.status, 404);
    assert.equal(unknown.json.code, "NOT_FOUND");
    const wrongSecret = await postRaw(ts, `/api/v1/hooks/${hook.id}/wrong`, JSON.stringify({ text: "hi" }));
    assert.equal(wrongSecret.status, 404);
    assert.equal(wrongSecret.json.code, "NOT_FOUND");
  });

  it("is listed per group, revocable, and a revoked hook is not found", async () => {
    const hook = await makeHook("old");
    const listed = await apiRequest(ts, "GET", `/groups/${group}/hooks`, aliceToken);
    assert.equal(listed.status, 200);
    const hooks = listed.body.hooks as Record<string, unknown>[];
    assert.ok(hooks.some((h) => h.id === hook.id && h.label === "old" && h.botId === bot));
    assert.ok(!JSON.stringify(listed.body).includes(hook.secret));
    const revoked = await apiRequest(ts, "DELETE", `/groups/${group}/hooks/${hook.id}`, aliceToken);
    assert.equal(revoked.status, 200);
    const post = await postRaw(ts, hook.path, JSON.stringify({ text: "late" }));
    assert.equal(post.status, 404);
    assert.equal(post.json.code, "NOT_FOUND");
  });

  it("is made only by the group's owner or an administrator, for a bot in the group", async () => {
    const byMember = await apiRequest(ts, "POST", `/groups/${group}/hooks`, bobToken, { botId: "monitor" });
    assert.equal(byMember.status, 403);
    assert.equal(byMember.body.code, "FORBIDDEN");
    const person = await apiRequest(ts, "POST", `/groups/${group}/hooks`, aliceToken, { botId: "bob" });
    assert.equal(person.status, 404);
    await apiRequest(ts, "POST", "/admin/bots", key, { id: "outsider" });
    const notIn = await apiRequest(ts, "POST", `/groups/${group}/hooks`, aliceToken, { botId: "outsider" });
    assert.equal(notIn.status, 403);
  });

  it("is made, listed and revoked through the admin API too", async () => {
    const made = await apiRequest(ts, "POST", `/admin/groups/${group}/hooks`, key, {
      botId: "monitor",
      label: "ops",
    });
    assert.equal(made.status, 201, JSON.stringify(made.body));
    const path = String(made.body.path);
    assert.equal((await postRaw(ts, path, JSON.stringify({ text: "from ops" }))).status, 200);
    const listed = await apiRequest(ts, "GET", `/admin/groups/${group}/hooks`, key);
    assert.ok((listed.body.hooks as Record<string, unknown>[]).some((h) => h.id === made.body.id));
    const byUser = await apiRequest(ts, "GET", `/admin/groups/${group}/hooks`, bobToken);
    assert.equal(byUser.status, 403);
    const gone = await apiRequest(ts, "DELETE", `/admin/groups/${group}/hooks/${String(made.body.id)}`, key);
    assert.equal(gone.status, 200);
    assert.equal((await postRaw(ts, path, JSON.stringify({ text: "late" }))).status, 404);
  });

  it("stops posting once its bot is no longer in the group", async () => {
    const g = await apiRequest(ts, "POST", "/admin/groups", key, {
      name: "temp",
      owner: "alice",
      members: [bot],
    });
    const temp = String(g.body.id);
    const r = await apiRequest(ts, "POST", `/groups/${temp}/hooks`, aliceToken, { botId: "monitor" });
    const path = String(r.body.path);
    assert.equal((await postRaw(ts, path, JSON.stringify({ text: "in" }))).status, 200);
    const removed = await apiRequest(ts, "POST", `/admin/groups/${temp}/members/remove`, key, {
      userIds: [bot],
    });
    assert.equal(removed.status, 200, JSON.stringify(removed.body));
    const after = await postRaw(ts, path, JSON.stringify({ text: "out" }));
    assert.equal(after.status, 403);
    assert.equal(after.json.code, "NOT_A_MEMBER");
  });

  it("is rate limited per hook", async () => {
    const hook = await makeHook("noisy");
    let refused: { status: number; json: Record<string, unknown> } | undefined;
    // The bucket holds a burst of posts; far more than that in a row must meet a refusal.
    for (let i = 0; i < 100 && !refused; i++) {
      const r = await postRaw(ts, hook.path, JSON.stringify({ text: `tick ${i}` }));
      if (r.status !== 200) refused = r;
    }
    assert.equal(refused?.status, 429);
    assert.equal(refused?.json.code, "RATE_LIMITED");
    // Another hook of the same group has its own bucket.
    const quiet = await makeHook("quiet");
    const ok = await postRaw(ts, quiet.path, JSON.stringify({ text: "still fine" }));
    assert.equal(ok.status, 200);
  });
});
