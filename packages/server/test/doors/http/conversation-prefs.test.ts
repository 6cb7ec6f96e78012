import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { ErrorCode } from "@starling/protocol";
import { type Client, login } from "../../helpers/clients.js";
import { passwordOf, startTestServer, type TestServer } from "../../helpers/test-server.js";

/** Pinned and muted are each user's own, kept on the server and the same on every device. */
describe("pinned and muted conversations", () => {
  let ts: TestServer;
  let phone: Client;
  let laptop: Client;
  let bob: Client;
  let conv = "";

  before(async () => {
    ts = await startTestServer();
    for (const n of ["alice", "bob", "carol"]) await ts.addUser(n);
    phone = await login(ts, "alice", "tls", { device: { deviceId: "phone" } });
    laptop = await login(ts, "alice", "ws", { device: { deviceId: "laptop" } });
    bob = await login(ts, "bob");
    conv = (await phone.sdk.send({ to: "bob", text: "hi" })).conversationId;
  });
  after(async () => {
    for (const c of [phone, laptop, bob]) await c.sdk.close();
    await ts.close();
  });

  test("pinning on one device shows on the other at once; the peer is not affected", async () => {
    const pinned = await phone.sdk.setConversationPrefs(conv, { pinned: true });
    assert.ok(pinned.pinnedAt > 0n);
    assert.equal(pinned.muted, false);
    await laptop.until(
      () => (laptop.sdk.conversations.get(conv)?.pinnedAt ?? 0n) > 0n,
      "the laptop sees the pin",
    );
    await phone.sdk.setConversationPrefs(conv, { muted: true });
    await laptop.until(() => laptop.sdk.conversations.get(conv)?.muted === true, "the laptop sees the mute");
    assert.equal(laptop.sdk.conversations.get(conv)?.pinnedAt, pinned.pinnedAt, "unset fields stay");
    const theirs = await bob.sdk.getConversation(conv);
    assert.deepEqual([theirs.pinnedAt, theirs.muted], [0n, false]);

    // A device that syncs from scratch gets them too.
    const fresh = await login(ts, "alice", "tls", { device: { deviceId: "tablet" } });
    try {
      const c = fresh.sdk.conversations.get(conv);
      assert.ok((c?.pinnedAt ?? 0n) > 0n && c?.muted === true);
    } finally {
      await fresh.sdk.close();
    }
    const unpinned = await laptop.sdk.setConversationPrefs(conv, { pinned: false, muted: false });
    assert.deepEqual([unpinned.pinnedAt, unpinned.muted], [0n, false]);
  });

  test("a dismissed group announcement is dismissed on every device, until a newer one", async () => {
    const group = await bob.sdk.createGroup("team", [`alice@${ts.domain}`]);
    await ts.server.core.groups.setAnnouncement({ userId: `bob@${ts.domain}` }, group.id, "Friday 18:00");
    await phone.until(
      () => (phone.sdk.conversations.get(group.id)?.announcementAt ?? 0n) > 0n,
      "the announcement on the phone",
    );
    const at = phone.sdk.conversations.get(group.id)?.announcementAt ?? 0n;
    const seen = await phone.sdk.setConversationPrefs(group.id, { announcementSeenAt: at });
    assert.equal(seen.announcementSeenAt, at);
    await laptop.until(
      () => laptop.sdk.conversations.get(group.id)?.announcementSeenAt === at,
      "the laptop knows it was dismissed",
    );
    assert.equal((await bob.sdk.getConversation(group.id)).announcementSeenAt, 0n, "bob's is his own");
    await assert.rejects(
      phone.sdk.setConversationPrefs(group.id, { announcementSeenAt: -1n }),
      (e: { code?: number }) => e.code === ErrorCode.INVALID_ARGUMENT,
    );
  });

  test("over HTTP, and only for members", async () => {
    const r = await fetch(`http://127.0.0.1:${ts.server.httpPort}/api/v1/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ userId: "carol", password: passwordOf("carol") }),
    });
    const token = ((await r.json()) as { token: string }).token;
    const put = await fetch(
      `http://127.0.0.1:${ts.server.httpPort}/api/v1/conversations/${encodeURIComponent(conv)}/prefs`,
      {
        method: "PUT",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: JSON.stringify({ pinned: true }),
      },
    );
    assert.equal(put.status, 404, "carol is not in alice and bob's chat");
    await assert.rejects(
      bob.sdk.setConversationPrefs("g:nosuchgroup123", { muted: true }),
      (e: { code?: number }) => e.code === ErrorCode.NOT_FOUND,
    );
  });
});
