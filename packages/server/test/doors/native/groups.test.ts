import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { ErrorCode } from "@starling/protocol";
import { type Client, login } from "../../helpers/clients.js";
import { startTestServer, type TestServer } from "../../helpers/test-server.js";

const code = (c: number) => (e: { code?: number }) => e.code === c;

describe("groups", () => {
  let ts: TestServer;
  const c: Record<string, Client> = {};
  before(async () => {
    ts = await startTestServer({ "limits.groupMaxMembers": 5 });
    for (const n of ["owner", "adm", "m1", "m2", "m3", "out"]) {
      await ts.addUser(n);
      c[n] = await login(ts, n, n === "m2" ? "ws" : "tls");
    }
  });
  after(async () => {
    await Promise.all(Object.values(c).map((x) => x.close()));
    await ts.close();
  });

  let gid = "";

  test("create: the creator owns it and every member learns of it", async () => {
    const g = await c.owner!.sdk.createGroup("Project X", ["adm", "m1", "m2"]);
    gid = g.id;
    assert.equal(g.role, "owner");
    assert.equal(g.memberCount, 4);
    assert.equal(g.name, "Project X");
    for (const n of ["adm", "m1", "m2"]) {
      await c[n]!.until(
        () => c[n]!.in(gid).some((m) => m.event?.kind.case === "groupCreated"),
        `${n} sees the group`,
      );
    }
  });

  test("members post and everyone receives in the same order", async () => {
    await c.owner!.sdk.setMemberRole(gid, "adm", "admin");
    const sends = await Promise.all([
      c.m1!.sdk.send({ conversationId: gid, text: "from m1" }),
      c.m2!.sdk.send({ conversationId: gid, text: "from m2" }),
      c.adm!.sdk.send({ conversationId: gid, text: "from adm" }),
    ]);
    const last = Math.max(...sends.map((s) => Number(s.seq)));
    const seen = (n: string) => c[n]!.in(gid).map((m) => Number(m.seq));
    for (const n of ["owner", "adm", "m1", "m2"])
      await c[n]!.until(() => seen(n).includes(last), `${n} got everything`);
    const order = (n: string) => c[n]!.in(gid).map((m) => `${m.seq}`);
    assert.deepEqual(order("m1"), order("owner"));
    assert.deepEqual(order("m2"), order("owner"));
    order("owner").forEach((s, i) => assert.equal(s, String(i + 1)));
  });

  test("outsiders can neither read nor post", async () => {
    await assert.rejects(c.out!.sdk.send({ conversationId: gid, text: "hi" }), code(ErrorCode.NOT_FOUND));
    await assert.rejects(c.out!.sdk.history(gid), code(ErrorCode.NOT_FOUND));
    await assert.rejects(c.out!.sdk.members(gid), code(ErrorCode.NOT_FOUND));
  });

  test("roles: a member cannot rename or remove; an admin can remove a member but not the owner", async () => {
    await assert.rejects(c.m1!.sdk.renameGroup(gid, "mine"), code(ErrorCode.FORBIDDEN));
    await assert.rejects(c.m1!.sdk.removeMembers(gid, ["m2"]), code(ErrorCode.FORBIDDEN));
    await assert.rejects(c.adm!.sdk.removeMembers(gid, ["owner"]), code(ErrorCode.FORBIDDEN));
    await c.adm!.sdk.renameGroup(gid, "Project Y");
    const g = await c.m1!.sdk.getConversation(gid);
    assert.equal(g.name, "Project Y");
  });

  test("add and remove members; the removed member can no longer post, and reads only up to removal", async () => {
    await c.m1!.sdk.addMembers(gid, ["m3"]);
    await c.m3!.until(() => c.m3!.in(gid).some((m) => m.event?.kind.case === "membersAdded"), "m3 added");
    const members = await c.m3!.sdk.members(gid);
    assert.deepEqual(
      members.map((m) => m.userId).sort(),
      ["adm", "m1", "m2", "m3", "owner"].map((n) => `${n}@starling.local`),
    );
    await c.adm!.sdk.removeMembers(gid, ["m3"]);
    await c.m3!.until(
      () => c.m3!.in(gid).some((m) => m.event?.kind.case === "membersRemoved"),
      "m3 told of removal",
    );
    await assert.rejects(
      c.m3!.sdk.send({ conversationId: gid, text: "still here?" }),
      code(ErrorCode.NOT_A_MEMBER),
    );
    // The read rule: what was sent until the removal stays readable, nothing after.
    const seen = await c.m3!.sdk.history(gid);
    const upTo = Math.max(...seen.messages.map((m) => Number(m.seq)));
    await c.owner!.sdk.send({ conversationId: gid, text: "after m3 left" });
    const again = await c.m3!.sdk.history(gid);
    assert.equal(Math.max(...again.messages.map((m) => Number(m.seq))), upTo);
    assert.ok(!again.messages.some((m) => m.content?.text === "after m3 left"));
  });

  test("the member limit is enforced", async () => {
    await assert.rejects(c.owner!.sdk.addMembers(gid, ["m3", "out"]), code(ErrorCode.GROUP_FULL));
    await assert.rejects(
      c.owner!.sdk.createGroup("too big", ["adm", "m1", "m2", "m3", "out"]),
      code(ErrorCode.GROUP_FULL),
    );
  });

  test("read by N of M, and the list of who read", async () => {
    const ack = await c.owner!.sdk.send({ conversationId: gid, text: "please read" });
    await c.m1!.sdk.markRead(gid, ack.seq);
    await c.m2!.sdk.markRead(gid, ack.seq);
    await c.owner!.until(
      () =>
        c.owner!.list("receipt").filter((r) => r.conversationId === gid && r.readSeq >= ack.seq).length >= 2,
      "two read receipts",
    );
    const r = await c.owner!.sdk.readers(gid, ack.seq);
    assert.equal(r.memberCount, 4);
    assert.deepEqual([...r.readBy].sort(), ["m1@starling.local", "m2@starling.local"]);
    assert.deepEqual([...r.unreadBy], ["adm@starling.local"]);
  });

  test("the owner leaving hands ownership to an admin", async () => {
    await c.owner!.sdk.leaveGroup(gid);
    const members = await c.adm!.sdk.members(gid);
    assert.equal(members.find((m) => m.userId === "adm@starling.local")?.role, "owner");
    assert.equal(
      members.some((m) => m.userId === "owner@starling.local"),
      false,
    );
    const view = await c.owner!.sdk.sync();
    assert.equal(view.find((v) => v.id === gid)?.active ?? false, false);
  });

  test("the owner cannot be demoted without naming a new owner", async () => {
    await assert.rejects(c.adm!.sdk.setMemberRole(gid, "adm", "member"), code(ErrorCode.FORBIDDEN));
  });

  test("disband: no more posts, members still read the history", async () => {
    await assert.rejects(c.m1!.sdk.disbandGroup(gid), code(ErrorCode.FORBIDDEN));
    await c.adm!.sdk.disbandGroup(gid);
    await assert.rejects(
      c.m1!.sdk.send({ conversationId: gid, text: "anyone?" }),
      code(ErrorCode.CONVERSATION_CLOSED),
    );
    const h = await c.m1!.sdk.history(gid, { afterSeq: 0, limit: 200 });
    assert.equal(h.messages.at(-1)?.event?.kind.case, "groupDisbanded");
  });
});
