import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { ErrorCode } from "@starling/protocol";
import type { KyselyStore } from "../../src/adapters/store/kysely-store.js";
import type { Core } from "../../src/core/core.js";
import { INVITE_TTL_MS, MAX_ANNOUNCEMENT_LENGTH } from "../../src/core/kernel/limits.js";
import { ManualClock } from "../helpers/fake-conversations.js";
import { coreOn, freshStore, type StoreUnderTest } from "../helpers/stores.js";

const code = (c: ErrorCode) => (e: { code?: number }) => e.code === c;
const at = (n: string) => `${n}@example.com`;

/** The rules of a group's announcement and invite links, with a clock of the test's own. */
describe("group profile rules", () => {
  let sut: StoreUnderTest;
  let store: KyselyStore;
  let core: Core;
  const clock = new ManualClock();
  const owner = { userId: at("olga") };
  const admin = { userId: at("adam") };
  const member = { userId: at("mia") };

  before(async () => {
    sut = await freshStore("sqlite");
    store = await sut.open();
    core = coreOn(store, "example.com", undefined, clock);
    await core.accounts.ensureDomain("example.com");
    await core.accounts.ensureDomain("other.example");
    for (const u of ["olga", "adam", "mia", "nina", "oscar", "paul"])
      await core.accounts.createUser({ id: at(u), password: `${u}-password` });
    await core.accounts.createUser({ id: "ext@other.example", password: "ext-password" });
  });
  after(async () => {
    await store.close();
    await sut.drop();
  });

  const group = async () => {
    const g = await core.groups.create(owner, "rules", [admin.userId, member.userId]);
    await core.groups.setRole(owner, g.id, admin.userId, "admin");
    return g.id;
  };

  test("announcement: owners and admins only, bounded, and an unchanged one appends nothing", async () => {
    const gid = await group();
    await assert.rejects(core.groups.setAnnouncement(member, gid, "x"), code(ErrorCode.FORBIDDEN));
    await assert.rejects(
      core.groups.setAnnouncement({ userId: at("nina") }, gid, "x"),
      code(ErrorCode.NOT_FOUND),
    );
    await assert.rejects(
      core.groups.setAnnouncement(admin, gid, "x".repeat(MAX_ANNOUNCEMENT_LENGTH + 1)),
      code(ErrorCode.INVALID_ARGUMENT),
    );
    await assert.rejects(
      core.groups.setAnnouncement(admin, gid, "bell\u0007"),
      code(ErrorCode.INVALID_ARGUMENT),
    );
    await core.groups.setAnnouncement(admin, gid, "first");
    const seq = (await core.sync.one(owner.userId, gid)).lastSeq;
    await core.groups.setAnnouncement(owner, gid, " first ");
    assert.equal((await core.sync.one(owner.userId, gid)).lastSeq, seq, "the same text is no change");
    await core.groups.setAnnouncement(owner, gid, "");
    const cleared = await core.sync.one(member.userId, gid);
    assert.deepEqual([cleared.announcement, cleared.announcementBy, cleared.announcementAt], ["", "", 0n]);
    await core.groups.disband(owner, gid);
    await assert.rejects(
      core.groups.setAnnouncement(owner, gid, "late"),
      code(ErrorCode.CONVERSATION_CLOSED),
    );
  });

  test("invites: managers make them; they expire at the TTL and die with the maker's authority", async () => {
    const gid = await group();
    await assert.rejects(core.invites.create(member, gid), code(ErrorCode.FORBIDDEN));
    const byAdmin = await core.invites.create(admin, gid);
    assert.equal(Number(byAdmin.expiresAt), clock.now() + INVITE_TTL_MS);
    await assert.rejects(core.invites.join("ext@other.example", byAdmin.token), code(ErrorCode.CROSS_DOMAIN));
    clock.t += INVITE_TTL_MS - 1;
    await core.invites.join(at("nina"), byAdmin.token);
    clock.t += 1;
    await assert.rejects(core.invites.join(at("oscar"), byAdmin.token), code(ErrorCode.INVITE_EXPIRED));

    const again = await core.invites.create(admin, gid);
    await core.groups.setRole(owner, gid, admin.userId, "member");
    await assert.rejects(core.invites.join(at("oscar"), again.token), code(ErrorCode.INVITE_INVALID));
    await core.groups.setRole(owner, gid, admin.userId, "admin");
    assert.equal((await core.invites.preview(at("oscar"), again.token)).groupName, "rules");

    // Someone who left may come back by a link; the event names who made it.
    await core.groups.leave({ userId: at("nina") }, gid);
    const back = await core.invites.join(at("nina"), again.token);
    assert.equal(back.active, true);
    const page = await core.history.page(at("nina"), gid, { afterSeq: 0, beforeSeq: 0, limit: 50 });
    const joined = page.messages.at(-1)?.event?.kind;
    assert.equal(joined?.case, "memberJoined");
    assert.equal(joined?.case === "memberJoined" && joined.value.invitedBy, admin.userId);

    await core.groups.disband(owner, gid);
    await assert.rejects(core.invites.join(at("paul"), again.token), code(ErrorCode.CONVERSATION_CLOSED));
    await assert.rejects(core.invites.create(owner, gid), code(ErrorCode.CONVERSATION_CLOSED));
  });
});
