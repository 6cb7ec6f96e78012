import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import {
  ContentSchema,
  create,
  ErrorCode,
  fromBinary,
  SearchSchema,
  SearchScope,
  SendMessageSchema,
} from "@starling/protocol";
import { NodeRandom } from "../../src/adapters/platform/node-random.js";
import type { KyselyStore } from "../../src/adapters/store/kysely-store.js";
import type { Core } from "../../src/core/core.js";
import { coreOn, freshStore, postgresUnavailable, type StoreUnderTest } from "../helpers/stores.js";

/**
 * One suite, run against every store adapter: the core's behaviour must not
 * depend on the database underneath.
 */
const pgProblem = await postgresUnavailable();
if (pgProblem) console.log(`# postgres store contract SKIPPED: ${pgProblem}`);

for (const name of ["sqlite", "postgres"] as const) {
  const skip = name === "postgres" ? pgProblem : undefined;
  describe(`store contract on ${name}`, { skip }, () => {
    let sut: StoreUnderTest;
    let store: KyselyStore;
    let core: Core;
    const send = (c: Core, from: string, body: { to?: string; conv?: string; id: string; text?: string }) =>
      c.send(
        from,
        create(SendMessageSchema, {
          toUserId: body.to ?? "",
          conversationId: body.conv ?? "",
          clientMsgId: body.id,
          content: { text: body.text ?? body.id },
        }),
      );

    before(async () => {
      sut = await freshStore(name);
      store = await sut.open();
      core = coreOn(store);
      await core.accounts.ensureDomain("example.com");
      for (const u of ["alice", "bob", "carol", "dave"])
        await core.accounts.createUser({ id: `${u}@example.com`, password: `${u}-password` });
    });
    after(async () => {
      await store.close();
      await sut.drop();
    });

    test("accounts: duplicates are refused, sessions are found by token hash", async () => {
      await assert.rejects(
        core.accounts.createUser({ id: "alice@example.com", password: "another-password" }),
        (e: { code?: number }) => e.code === ErrorCode.CONFLICT,
      );
      const a = await core.accounts.login("alice", "alice-password", "127.0.0.1", {
        deviceId: "d",
        platform: "test",
      });
      const again = await core.accounts.resume(a.token as string);
      assert.equal(again.user.id, "alice@example.com");
      await core.accounts.logout(a.tokenHash);
      await assert.rejects(core.accounts.resume(a.token as string));
    });

    test("sends get gapless seqs in order; a resend returns the original ack", async () => {
      const acks = await Promise.all(
        Array.from({ length: 50 }, (_, i) => send(core, "alice@example.com", { to: "bob", id: `a${i}` })),
      );
      acks.forEach((a, i) => assert.equal(a.seq, i + 1));
      const dup = await send(core, "alice@example.com", { to: "bob", id: "a7" });
      assert.deepEqual([dup.seq, dup.duplicate], [8, true]);
      const page = await core.history.page("bob@example.com", acks[0]?.conversationId as string, {
        afterSeq: 0,
        beforeSeq: 0,
        limit: 200,
      });
      assert.deepEqual(
        page.messages.map((m) => m.content?.text),
        Array.from({ length: 50 }, (_, i) => `a${i}`),
      );
    });

    test("a resend must carry the same content: other content under a used id is refused", async () => {
      const first = await send(core, "bob@example.com", {
        to: "carol",
        id: "reuse-1",
        text: "lunch at noon?",
      });
      const retry = await send(core, "bob@example.com", {
        to: "carol",
        id: "reuse-1",
        text: "lunch at noon?",
      });
      assert.deepEqual([retry.seq, retry.duplicate], [first.seq, true]);
      const reused = (e: { code?: number; details?: Record<string, string> }) =>
        e.code === ErrorCode.CLIENT_MSG_ID_REUSED && e.details?.field === "client_msg_id";
      await assert.rejects(
        send(core, "bob@example.com", { to: "carol", id: "reuse-1", text: "lunch at one?" }),
        reused,
      );
      // Two sends of one batch under one id: the first is stored, the second refused.
      const [a, b] = await Promise.allSettled([
        send(core, "bob@example.com", { to: "carol", id: "reuse-2", text: "one" }),
        send(core, "bob@example.com", { to: "carol", id: "reuse-2", text: "two" }),
      ]);
      assert.equal(a.status, "fulfilled");
      assert.ok(b.status === "rejected" && reused(b.reason));
      // A recall deletes the content, not what the id was used for.
      await core.recaller.recall("bob@example.com", first.conversationId, first.seq);
      const afterRecall = await send(core, "bob@example.com", {
        to: "carol",
        id: "reuse-1",
        text: "lunch at noon?",
      });
      assert.deepEqual([afterRecall.seq, afterRecall.duplicate], [first.seq, true]);
      await assert.rejects(
        send(core, "bob@example.com", { to: "carol", id: "reuse-1", text: "something else" }),
        reused,
      );
      const page = await core.history.page("carol@example.com", first.conversationId, {
        afterSeq: 0,
        beforeSeq: 0,
        limit: 10,
      });
      assert.deepEqual(
        page.messages.filter((m) => !m.event).map((m) => [m.clientMsgId, m.content?.text ?? "(recalled)"]),
        [
          ["reuse-1", "(recalled)"],
          ["reuse-2", "one"],
        ],
      );
    });

    test("files: who may read one, by id and by content hash, and a recall withdraws it", async () => {
      const sha256 = "ab".repeat(32);
      const file = {
        id: `f-${name}-hash`,
        domain: "example.com",
        uploader: "alice@example.com",
        sha256,
        size: 3,
        mime: "text/plain",
        name: "a.txt",
        createdAt: Date.now(),
        width: null,
        height: null,
        durationMs: null,
        thumbSha256: null,
      };
      assert.equal(await store.transaction((tx) => tx.insertFile(file, 0)), true);
      const ack = await send(core, "alice@example.com", { to: "bob", id: "file-share" });
      await store.transaction((tx) =>
        tx.shareFiles([{ fileId: file.id, conversationId: ack.conversationId, seq: ack.seq }]),
      );
      const r = store.read;
      assert.equal((await r.readableFileWithHash("alice@example.com", sha256))?.id, file.id);
      assert.equal((await r.readableFileWithHash("bob@example.com", sha256))?.id, file.id);
      assert.equal(await r.readableFileWithHash("carol@example.com", sha256), undefined);
      assert.equal(await r.readableFile("carol@example.com", file.id), undefined);
      assert.equal(await r.readableFileWithHash("bob@example.com", "cd".repeat(32)), undefined);
      await core.recaller.recall("alice@example.com", ack.conversationId, ack.seq);
      assert.equal(await r.readableFileWithHash("bob@example.com", sha256), undefined);
      assert.equal(await r.readableFile("bob@example.com", file.id), undefined);
      assert.equal((await r.readableFile("alice@example.com", file.id))?.id, file.id);
    });

    test("edits and reactions: the row changes in place, search follows, a recall removes every version", async () => {
      const g = await core.groups.create({ userId: "alice@example.com" }, "edits", [
        "bob@example.com",
        "carol@example.com",
      ]);
      const m = await send(core, "bob@example.com", { conv: g.id, id: "e1", text: "meet at the gazebo" });
      const hits = async (q: string) =>
        (
          await core.search.search(
            "carol@example.com",
            create(SearchSchema, { query: q, scope: SearchScope.MESSAGES }),
          )
        ).messages.filter((h) => h.message?.conversationId === g.id).length;
      assert.equal(await hits("gazebo"), 1);
      await core.editor.edit(
        "bob@example.com",
        g.id,
        m.seq,
        create(ContentSchema, { text: "meet at the pavilion" }),
      );
      const row = await store.read.getMessage(g.id, m.seq);
      assert.equal(fromBinary(ContentSchema, row?.content as Uint8Array).text, "meet at the pavilion");
      assert.ok((row?.editedAt ?? 0) > 0);
      assert.equal(await hits("gazebo"), 0);
      assert.equal(await hits("pavilion"), 1);
      const edit = await store.read.getMessage(g.id, m.seq + 1);
      assert.equal(edit?.editOf, m.seq);

      // Reactions from several members at once: none is lost.
      await Promise.all(
        ["alice", "bob", "carol"].map((u) =>
          core.reactions.react(`${u}@example.com`, g.id, m.seq, "👍", true),
        ),
      );
      assert.equal(await core.reactions.react("carol@example.com", g.id, m.seq, "👍", true), false);
      await core.reactions.react("carol@example.com", g.id, m.seq, "🎉", true);
      await core.reactions.react("carol@example.com", g.id, m.seq, "🎉", false);
      const reacted = await store.read.getMessage(g.id, m.seq);
      assert.deepEqual(
        reacted?.reactions?.map((r) => [r.emoji, [...r.userIds].sort()]),
        [["👍", ["alice@example.com", "bob@example.com", "carol@example.com"]]],
      );
      const conv = await store.read.getConversation(g.id);
      assert.equal(conv?.lastSeq, m.seq + 6, "an edit and five reaction changes, each an event");
      const page = await core.history.page("carol@example.com", g.id, {
        afterSeq: m.seq - 1,
        beforeSeq: 0,
        limit: 1,
      });
      assert.equal(page.messages[0]?.content?.text, "meet at the pavilion");
      assert.equal(page.messages[0]?.reactions[0]?.userIds.length, 3);

      await core.recaller.recall("bob@example.com", g.id, m.seq);
      assert.equal((await store.read.getMessage(g.id, m.seq))?.reactions, undefined);
      assert.equal(
        (await store.read.getMessage(g.id, m.seq + 1))?.content,
        null,
        "the edit's copy of the text",
      );
      assert.equal(await hits("pavilion"), 0);
    });

    test("groups, the change stream and recall", async () => {
      const g = await core.groups.create({ userId: "alice@example.com" }, "team", [
        "bob@example.com",
        "carol@example.com",
      ]);
      const before = await core.sync.since("carol@example.com", 0, 100);
      const cursor = Number(before.cursor);
      assert.ok(before.conversations.some((c) => c.id === g.id));
      const m = await send(core, "bob@example.com", { conv: g.id, id: "g1", text: "hello team" });
      const changed = await core.sync.since("carol@example.com", cursor, 100);
      assert.deepEqual(
        changed.conversations.map((c) => [c.id, Number(c.lastSeq), c.unreadCount]),
        [[g.id, m.seq, 1]],
      );
      assert.equal(
        (await core.sync.since("carol@example.com", Number(changed.cursor), 100)).conversations.length,
        0,
      );
      await core.receipts.markRead("carol@example.com", g.id, m.seq);
      const readers = await core.history.readers("alice@example.com", g.id, m.seq);
      assert.deepEqual(readers.readBy, ["carol@example.com"]);
      await core.recaller.recall("alice@example.com", g.id, m.seq);
      const row = await store.read.getMessage(g.id, m.seq);
      assert.equal(row?.content, null);
      assert.equal(row?.recalledBy, "alice@example.com");
      await core.groups.removeMembers({ userId: "alice@example.com" }, g.id, ["carol@example.com"]);
      await assert.rejects(
        send(core, "carol@example.com", { conv: g.id, id: "g2" }),
        (e: { code?: number }) => e.code === ErrorCode.NOT_A_MEMBER,
      );
      await assert.rejects(
        send(core, "dave@example.com", { conv: g.id, id: "g3" }),
        (e: { code?: number }) => e.code === ErrorCode.NOT_FOUND,
      );
    });

    test("group profile: the announcement and picture ride on the conversation; invites by token hash", async () => {
      const alice = { userId: "alice@example.com" };
      const g = await core.groups.create(alice, "profile", ["bob@example.com"]);
      await core.groups.setAnnouncement(alice, g.id, "  Stand-up at 10  ");
      await core.groups.setAvatar(alice, g.id, `/api/v1/avatars/${encodeURIComponent(g.id)}?v=abc`);
      const seen = await core.sync.one("bob@example.com", g.id);
      assert.equal(seen.announcement, "Stand-up at 10");
      assert.equal(seen.announcementBy, "alice@example.com");
      assert.ok(seen.announcementAt > 0n);
      assert.equal(seen.avatar, `/api/v1/avatars/${encodeURIComponent(g.id)}?v=abc`);
      const events = await core.history.page("bob@example.com", g.id, {
        afterSeq: 0,
        beforeSeq: 0,
        limit: 10,
      });
      assert.deepEqual(
        events.messages.map((m) => m.event?.kind.case),
        ["groupCreated", "announcementChanged", "avatarChanged"],
      );

      const invite = await core.invites.create(alice, g.id);
      assert.ok(invite.token.length >= 32);
      const stored = await store.read.getInvite(new NodeRandom().sha256(invite.token));
      assert.equal(stored?.conversationId, g.id);
      assert.equal(await store.read.getInvite(invite.token), undefined, "the token itself is not kept");
      const joined = await core.invites.join("carol@example.com", invite.token);
      assert.equal(joined.memberCount, 3);
      assert.equal(joined.announcement, "Stand-up at 10");
      assert.equal(await core.invites.revoke(alice, g.id), 1);
      await assert.rejects(
        core.invites.join("dave@example.com", invite.token),
        (e: { code?: number }) => e.code === ErrorCode.INVITE_INVALID,
      );
      await store.transaction((tx) =>
        tx.insertInvite({
          tokenHash: new NodeRandom().sha256("old-token"),
          conversationId: g.id,
          createdBy: "alice@example.com",
          createdAt: 1,
          expiresAt: 2,
          revokedAt: 0,
        }),
      );
      await assert.rejects(
        core.invites.join("dave@example.com", "old-token"),
        (e: { code?: number }) => e.code === ErrorCode.INVITE_EXPIRED,
      );
    });

    test("pins, hidden messages and favourites", async () => {
      const isCode = (code: ErrorCode) => (e: { code?: number }) => e.code === code;
      // A user of this test's own, so the 1:1 chats of the other tests stay new.
      await core.accounts.createUser({ id: "erin@example.com", password: "erin-password" });
      const g = await core.groups.create({ userId: "alice@example.com" }, "pins", ["bob@example.com"]);
      const m1 = await send(core, "bob@example.com", { conv: g.id, id: "p1" });
      const m2 = await send(core, "bob@example.com", { conv: g.id, id: "p2" });
      await core.pins.set("alice@example.com", g.id, m1.seq, true);
      await core.pins.set("alice@example.com", g.id, m2.seq, true);
      const pinned = await core.sync.one("bob@example.com", g.id);
      assert.deepEqual(pinned.pinnedSeqs, [BigInt(m2.seq), BigInt(m1.seq)], "the latest pin first");
      const event = await store.read.getMessage(g.id, Number(pinned.lastSeq));
      assert.ok(event?.event, "each pin is an event in the conversation");
      await core.pins.set("alice@example.com", g.id, m2.seq, true);
      assert.equal(
        (await core.sync.one("bob@example.com", g.id)).lastSeq,
        pinned.lastSeq,
        "a repeat adds nothing",
      );
      await core.pins.set("alice@example.com", g.id, m1.seq, false);
      await core.recaller.recall("bob@example.com", g.id, m2.seq);
      assert.deepEqual((await core.sync.one("bob@example.com", g.id)).pinnedSeqs, [], "a recall unpins");

      const d = await send(core, "alice@example.com", { to: "erin@example.com", id: "h1" });
      const d2 = await send(core, "alice@example.com", { conv: d.conversationId, id: "h2" });
      const cursor = Number((await core.sync.since("erin@example.com", 0, 500)).cursor);
      await core.hidden.hide("erin@example.com", d.conversationId, [d2.seq, d2.seq]);
      const changed = await core.sync.since("erin@example.com", cursor, 500);
      assert.deepEqual(
        changed.conversations.map((c) => [c.id, c.hiddenSeqs, c.lastMessage?.seq]),
        [[d.conversationId, [BigInt(d2.seq)], BigInt(d.seq)]],
        "the change reaches the stream; the preview is the newest message not hidden",
      );
      const theirs = await core.sync.one("alice@example.com", d.conversationId);
      assert.deepEqual([theirs.hiddenSeqs, theirs.lastMessage?.seq], [[], BigInt(d2.seq)], "only for erin");
      await assert.rejects(
        core.hidden.hide("carol@example.com", d.conversationId, [d.seq]),
        isCode(ErrorCode.NOT_FOUND),
      );

      const f1 = await core.favourites.add("erin@example.com", d.conversationId, d.seq);
      assert.equal((await core.favourites.add("erin@example.com", d.conversationId, d.seq)).id, f1.id);
      const f2 = await core.favourites.add("erin@example.com", d.conversationId, d2.seq);
      const first = await core.favourites.list("erin@example.com", "", 1);
      assert.deepEqual([first.favourites.map((f) => f.id), first.hasMore], [[f2.id], true]);
      const next = await core.favourites.list("erin@example.com", f2.id, 10);
      assert.deepEqual([next.favourites.map((f) => f.id), next.hasMore], [[f1.id], false]);
      assert.equal(next.favourites[0]?.message?.content?.text, "h1");
      await core.recaller.recall("alice@example.com", d.conversationId, d2.seq);
      const after = await core.favourites.list("erin@example.com", "", 10);
      const saved = after.favourites.find((f) => f.id === f2.id)?.message;
      assert.ok(saved?.recalled && saved.content === undefined, "a recalled favourite shows no text");
      assert.deepEqual((await core.favourites.list("carol@example.com", "", 10)).favourites, []);
      await assert.rejects(core.favourites.remove("carol@example.com", f1.id), isCode(ErrorCode.NOT_FOUND));
      await assert.rejects(
        core.favourites.add("carol@example.com", d.conversationId, d.seq),
        isCode(ErrorCode.NOT_FOUND),
      );
      await core.favourites.remove("erin@example.com", f1.id);
      assert.deepEqual(
        (await core.favourites.list("erin@example.com", "", 10)).favourites.map((f) => f.id),
        [f2.id],
      );
      // The same message saved on two devices at once: one favourite.
      const both = await Promise.all([
        core.favourites.add("erin@example.com", d.conversationId, d.seq),
        core.favourites.add("erin@example.com", d.conversationId, d.seq),
      ]);
      assert.equal(both[0].id, both[1].id);
    });

    test("two nodes writing to one conversation at once produce no duplicate and no gap", async () => {
      const other = await sut.open();
      const node2 = coreOn(other);
      try {
        const g = await core.groups.create({ userId: "alice@example.com" }, "busy", ["bob@example.com"]);
        const sends: Promise<{ seq: number }>[] = [];
        for (let i = 0; i < 100; i++) {
          sends.push(send(core, "alice@example.com", { conv: g.id, id: `n1-${i}` }));
          sends.push(send(node2, "bob@example.com", { conv: g.id, id: `n2-${i}` }));
        }
        const seqs = (await Promise.all(sends)).map((a) => a.seq).sort((a, b) => a - b);
        assert.deepEqual(
          seqs,
          Array.from({ length: 200 }, (_, i) => i + 2),
        );
        const c = await store.read.getConversation(g.id);
        assert.equal(c?.lastSeq, 201);
      } finally {
        await other.close();
      }
    });

    test("both sides of a new 1:1 chat writing first on two nodes both succeed", async () => {
      const other = await sut.open();
      const node2 = coreOn(other);
      try {
        // Several pairs at once, in opposite orders on the two nodes, as a load balancer would mix them.
        const pairs = [
          ["carol", "dave"],
          ["alice", "dave"],
          ["bob", "dave"],
        ] as const;
        const sends: Promise<{ conversationId: string; seq: number }>[] = [];
        for (const [a, b] of pairs)
          sends.push(send(core, `${a}@example.com`, { to: b, id: `first-${a}-${b}` }));
        for (const [a, b] of [...pairs].reverse())
          sends.push(send(node2, `${b}@example.com`, { to: a, id: `first-${b}-${a}` }));
        const acks = await Promise.all(sends);
        for (const [a, b] of pairs) {
          const conv = acks.find(
            (x) => x.conversationId.includes(`${a}@`) && x.conversationId.includes(`${b}@`),
          );
          const seqs = acks
            .filter((x) => x.conversationId === conv?.conversationId)
            .map((x) => x.seq)
            .sort();
          assert.deepEqual(seqs, [1, 2], `${a} and ${b}`);
          const members = await store.read.listMembers(conv?.conversationId ?? "", true);
          assert.equal(members.length, 2);
        }
      } finally {
        await other.close();
      }
    });
  });
}
