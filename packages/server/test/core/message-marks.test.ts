import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { create, ErrorCode, SendMessageSchema } from "@starling/protocol";
import type { KyselyStore } from "../../src/adapters/store/kysely-store.js";
import { openSqliteStore } from "../../src/adapters/store/sqlite.js";
import type { Core } from "../../src/core/core.js";
import { MESSAGE_MARK_LIMITS } from "../../src/core/kernel/limits.js";
import { coreOn } from "../helpers/stores.js";

const isCode = (code: ErrorCode) => (e: { code?: number }) => e.code === code;
const A = "alice@example.com";
const B = "bob@example.com";
const C = "carol@example.com";

/** The rules of pins, hidden messages and favourites that the store contract does not reach. */
describe("message marks: rules", () => {
  let store: KyselyStore;
  let core: Core;
  let n = 0;
  const send = async (from: string, conv: string, text = "x") =>
    (
      await core.send(
        from,
        create(SendMessageSchema, { conversationId: conv, clientMsgId: `c${++n}`, content: { text } }),
      )
    ).seq;

  before(async () => {
    store = await openSqliteStore({ path: ":memory:" });
    core = coreOn(store);
    await core.accounts.ensureDomain("example.com");
    for (const u of [A, B, C]) await core.accounts.createUser({ id: u, password: `${u}-password` });
  });
  after(() => store.close());

  test("pins: at most the limit, never an event or a recalled message, only while open", async () => {
    const g = await core.groups.create({ userId: A }, "limits", [B]);
    const seqs: number[] = [];
    for (let i = 0; i <= MESSAGE_MARK_LIMITS.pinnedPerConversation; i++) seqs.push(await send(B, g.id));
    for (const s of seqs.slice(0, -1)) await core.pins.set(A, g.id, s, true);
    await assert.rejects(core.pins.set(A, g.id, seqs.at(-1) as number, true), isCode(ErrorCode.CONFLICT));
    await assert.rejects(
      core.pins.set(A, g.id, 1, true),
      isCode(ErrorCode.INVALID_ARGUMENT),
      "seq 1 is an event",
    );
    await core.pins.set(A, g.id, seqs[0] as number, false);
    await core.recaller.recall(B, g.id, seqs.at(-1) as number);
    await assert.rejects(core.pins.set(A, g.id, seqs.at(-1) as number, true), isCode(ErrorCode.CONFLICT));
    await assert.rejects(core.pins.set(A, g.id, -1, true), isCode(ErrorCode.INVALID_ARGUMENT));
    // Unpinning what is not pinned tells no one and adds no event.
    const last = (await core.sync.one(A, g.id)).lastSeq;
    await core.pins.set(A, g.id, seqs[0] as number, false);
    assert.equal((await core.sync.one(A, g.id)).lastSeq, last);
    await core.groups.disband({ userId: A }, g.id);
    await assert.rejects(
      core.pins.set(A, g.id, seqs[1] as number, false),
      isCode(ErrorCode.CONVERSATION_CLOSED),
    );
  });

  test("a former member: no pins shown, favourites kept up to leaving, nothing later", async () => {
    const g = await core.groups.create({ userId: A }, "leavers", [B, C]);
    const before = await send(A, g.id, "before");
    await core.pins.set(A, g.id, before, true);
    const fav = await core.favourites.add(C, g.id, before);
    assert.deepEqual((await core.sync.one(C, g.id)).pinnedSeqs, [BigInt(before)]);
    await core.groups.leave({ userId: C }, g.id);
    const later = await send(A, g.id, "after");
    const view = await core.sync.one(C, g.id);
    assert.deepEqual([view.active, view.pinnedSeqs], [false, []]);
    await assert.rejects(core.pins.set(C, g.id, before, false), isCode(ErrorCode.NOT_A_MEMBER));
    await assert.rejects(core.favourites.add(C, g.id, later), isCode(ErrorCode.NOT_FOUND));
    await assert.rejects(core.hidden.hide(C, g.id, [later]), isCode(ErrorCode.INVALID_ARGUMENT));
    await core.hidden.hide(C, g.id, [before]);
    assert.deepEqual(await core.hidden.list(C, g.id), [before]);
    const list = await core.favourites.list(C, "", 0);
    assert.deepEqual(
      list.favourites.map((f) => [f.id, f.message?.content?.text]),
      [[fav.id, "before"]],
    );
  });

  test("input at the edge of the rules", async () => {
    const g = await core.groups.create({ userId: A }, "edges", [B]);
    const s = await send(A, g.id);
    await assert.rejects(core.hidden.hide(A, g.id, []), isCode(ErrorCode.INVALID_ARGUMENT));
    const tooMany = Array.from({ length: MESSAGE_MARK_LIMITS.hidePerRequest + 1 }, () => s);
    await assert.rejects(core.hidden.hide(A, g.id, tooMany), isCode(ErrorCode.INVALID_ARGUMENT));
    await assert.rejects(core.hidden.hide(A, g.id, [0]), isCode(ErrorCode.INVALID_ARGUMENT));
    await assert.rejects(core.favourites.add(A, g.id, 1), isCode(ErrorCode.INVALID_ARGUMENT), "an event");
    await assert.rejects(core.favourites.remove(A, "not-an-id"), isCode(ErrorCode.INVALID_ARGUMENT));
    await assert.rejects(core.favourites.list(A, "x", 10), isCode(ErrorCode.INVALID_ARGUMENT));
    await assert.rejects(core.favourites.add(A, "g:nosuchgroup", s), isCode(ErrorCode.NOT_FOUND));
  });
});
