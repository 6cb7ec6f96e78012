import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { after, before, describe, test } from "node:test";
import { ErrorCode } from "@starling/protocol";
import { type Client, login } from "../../helpers/clients.js";
import { passwordOf, startTestServer, type TestServer } from "../../helpers/test-server.js";

const code = (c: number) => (e: { code?: number }) => e.code === c;
const sha256 = (s: string) => createHash("sha256").update(s).digest("hex");

describe("group announcement and invite links over the SDK", () => {
  let ts: TestServer;
  const c: Record<string, Client> = {};
  let gid = "";
  before(async () => {
    ts = await startTestServer();
    await ts.server.core.accounts.ensureDomain("other.example");
    for (const n of ["owner", "adm", "mem", "late", "joiner", "again"]) await ts.addUser(n);
    await ts.addUser("stranger@other.example");
    for (const n of ["owner", "adm", "mem", "joiner", "again"])
      c[n] = await login(ts, n, n === "mem" ? "ws" : "tls");
    c.stranger = await login(ts, "stranger@other.example");
    const g = await c.owner!.sdk.createGroup("Launch", ["adm", "mem", "late"]);
    gid = g.id;
    await c.owner!.sdk.setMemberRole(gid, "adm", "admin");
  });
  after(async () => {
    await Promise.all(Object.values(c).map((x) => x.close()));
    await ts.close();
  });

  test("an admin sets the announcement; a member sees the event live and the text on the conversation", async () => {
    await assert.rejects(c.mem!.sdk.setAnnouncement(gid, "mine"), code(ErrorCode.FORBIDDEN));
    await assert.rejects(c.adm!.sdk.setAnnouncement(gid, "x".repeat(2001)), code(ErrorCode.INVALID_ARGUMENT));
    await c.adm!.sdk.setAnnouncement(gid, "Ship on Friday");
    await c.mem!.until(
      () =>
        c.mem!.in(gid).some((m) => m.event?.kind.case === "announcementChanged") &&
        c.mem!.sdk.conversations.get(gid)?.announcement === "Ship on Friday",
      "mem sees the announcement",
    );
    const conv = c.mem!.sdk.conversations.get(gid);
    assert.equal(conv?.announcementBy, "adm@starling.local");
  });

  test("a member who was offline gets the announcement by sync", async () => {
    const late = await login(ts, "late");
    try {
      await late.sdk.sync();
      assert.equal(late.sdk.conversations.get(gid)?.announcement, "Ship on Friday");
    } finally {
      await late.close();
    }
  });

  test("an invite link: previewed and joined by a user of the domain, refused to another domain", async () => {
    await assert.rejects(c.mem!.sdk.createInvite(gid), code(ErrorCode.FORBIDDEN));
    const invite = await c.owner!.sdk.createInvite(gid);
    assert.ok(invite.token.length >= 32);
    assert.ok(Number(invite.expiresAt) > Date.now());
    const preview = await c.joiner!.sdk.previewInvite(invite.token);
    assert.equal(preview.groupName, "Launch");
    assert.equal(preview.memberCount, 4);
    assert.equal(preview.token, "");
    assert.equal(preview.member, false);
    await assert.rejects(c.stranger!.sdk.previewInvite(invite.token), code(ErrorCode.CROSS_DOMAIN));
    await assert.rejects(c.stranger!.sdk.joinByInvite(invite.token), code(ErrorCode.CROSS_DOMAIN));
    const joined = await c.joiner!.sdk.joinByInvite(invite.token);
    assert.equal(joined.memberCount, 5);
    assert.equal(joined.role, "member");
    await c.owner!.until(
      () =>
        c
          .owner!.in(gid)
          .some(
            (m) =>
              m.event?.kind.case === "memberJoined" && m.event.kind.value.userId === "joiner@starling.local",
          ),
      "the owner sees the join",
    );
    const again = await c.joiner!.sdk.joinByInvite(invite.token);
    assert.equal(again.memberCount, 5, "joining twice changes nothing");
    await assert.rejects(c.joiner!.sdk.joinByInvite("not-a-token"), code(ErrorCode.INVITE_INVALID));
  });

  test("a revoked or expired link is refused", async () => {
    const invite = await c.adm!.sdk.createInvite(gid);
    await c.adm!.sdk.revokeInvite(gid);
    await assert.rejects(c.again!.sdk.joinByInvite(invite.token), code(ErrorCode.INVITE_INVALID));
    await ts.server.store.transaction((tx) =>
      tx.insertInvite({
        tokenHash: sha256("expired-token"),
        conversationId: gid,
        createdBy: "owner@starling.local",
        createdAt: Date.now() - 10,
        expiresAt: Date.now() - 5,
        revokedAt: 0,
      }),
    );
    await assert.rejects(c.again!.sdk.previewInvite("expired-token"), code(ErrorCode.INVITE_EXPIRED));
    await assert.rejects(c.again!.sdk.joinByInvite("expired-token"), code(ErrorCode.INVITE_EXPIRED));
  });

  test("over HTTP: announcement, invite, preview and join", async () => {
    const base = `http://127.0.0.1:${ts.server.httpPort}/api/v1`;
    const token = async (name: string) => {
      const r = await fetch(`${base}/auth/login`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ userId: name, password: passwordOf(name) }),
      });
      return ((await r.json()) as { token: string }).token;
    };
    const owner = { authorization: `Bearer ${await token("owner")}` };
    const put = await fetch(`${base}/groups/${encodeURIComponent(gid)}/announcement`, {
      method: "PUT",
      headers: { ...owner, "content-type": "application/json" },
      body: JSON.stringify({ text: "Over HTTP" }),
    });
    assert.equal(put.status, 200);
    const made = await fetch(`${base}/groups/${encodeURIComponent(gid)}/invites`, {
      method: "POST",
      headers: owner,
    });
    assert.equal(made.status, 201);
    const invite = (await made.json()) as { token: string };
    await ts.addUser("viahttp");
    const h = { authorization: `Bearer ${await token("viahttp")}` };
    const preview = await fetch(`${base}/invites/${invite.token}`, { headers: h });
    assert.equal(((await preview.json()) as { groupName: string }).groupName, "Launch");
    const join = await fetch(`${base}/invites/${invite.token}/join`, { method: "POST", headers: h });
    assert.equal(join.status, 200);
    assert.equal(((await join.json()) as { announcement: string }).announcement, "Over HTTP");
    const gone = await fetch(`${base}/invites/expired-token`, { headers: h });
    assert.equal(gone.status, 410);
  });
});
