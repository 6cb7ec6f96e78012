import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { directConversationId } from "@starling/protocol";
import type { KyselyStore } from "../../src/adapters/store/kysely-store.js";
import type { ConversationRecord, MessageRecord } from "../../src/core/kernel/records.js";
import {
  comparePositions,
  fromTime,
  type Position,
  readPage,
  untilTime,
} from "../../src/core/messaging/archive-page.js";
import { toWireMessage } from "../../src/core/messaging/content.js";
import { freshStore, postgresUnavailable, type StoreUnderTest } from "../helpers/stores.js";

/**
 * The archive's reads against each store: the search by time over seqs and
 * the merge of conversations, checked against a plain sort of every row,
 * with many messages sharing a millisecond.
 */
const pgProblem = await postgresUnavailable();
if (pgProblem) console.log(`# postgres archive reads SKIPPED: ${pgProblem}`);
for (const name of ["sqlite", "postgres"] as const) {
  describe(`archive reads on ${name}`, { skip: name === "postgres" ? pgProblem : undefined }, () => {
    let sut: StoreUnderTest;
    let store: KyselyStore;
    const me = "a@example.com";
    const big = directConversationId(me, "b@example.com");
    const small = directConversationId(me, "c@example.com");
    const other = "d:b@example.com|c@example.com";
    const rows: MessageRecord[] = [];

    const conversation = (id: string, lastSeq: number): ConversationRecord => ({
      id,
      kind: "direct",
      domain: "example.com",
      name: "",
      lastSeq,
      memberCount: 2,
      memberVersion: 1,
      disbanded: false,
      createdAt: 0,
      version: 1,
    });
    const message = (
      conversationId: string,
      seq: number,
      serverTime: number,
      event = false,
    ): MessageRecord => ({
      conversationId,
      seq,
      senderId: me,
      clientMsgId: `${conversationId}-${seq}`,
      serverTime,
      content: event ? null : new Uint8Array([10, 1, 120]),
      event: event ? new Uint8Array([0]) : null,
      recalledBy: null,
      recalledAt: null,
    });

    before(async () => {
      sut = await freshStore(name);
      store = await sut.open();
      // 3,000 messages over 1,000 distinct milliseconds, an event among them,
      // and a second conversation whose every message shares its millisecond
      // with some of the first's: pages end on those ties.
      let t = 1_000_000;
      for (let seq = 1; seq <= 3000; seq++) {
        if (seq % 3 === 0) t += 1 + (seq % 7);
        rows.push(message(big, seq, t, seq === 1500));
      }
      for (let seq = 1; seq <= 200; seq++)
        rows.push(message(small, seq, (rows[seq * 15 - 1] as MessageRecord).serverTime));
      const others = [message(other, 1, 1_000_500)];
      await store.transaction(async (tx) => {
        for (const [id, last] of [
          [big, 3000],
          [small, 200],
          [other, 1],
        ] as const) {
          await tx.insertConversation(conversation(id, last));
          for (const userId of id.slice(2).split("|"))
            await tx.upsertMember({
              conversationId: id,
              userId,
              role: "member",
              active: true,
              readSeq: 0,
              deliveredSeq: 0,
              joinedAt: 0,
              version: 1,
            });
        }
        for (let i = 0; i < rows.length; i += 500) await tx.insertMessages(rows.slice(i, i + 500));
        await tx.insertMessages(others);
      });
    });
    after(async () => {
      await store.close();
      await sut.drop();
    });

    test("firstSeqAtTime finds the first seq stored at or after a time", async () => {
      const bigRows = rows.filter((r) => r.conversationId === big);
      const first = (time: number, afterSeq: number, beforeSeq: number) =>
        bigRows.find((r) => r.seq > afterSeq && r.seq < beforeSeq && r.serverTime >= time)?.seq ?? beforeSeq;
      const last = bigRows[bigRows.length - 1]?.serverTime ?? 0;
      for (const time of [0, 1_000_000, 1_000_001, 1_000_004, 1_002_345, 1_003_000, last - 1, last, last + 1])
        for (const [afterSeq, beforeSeq] of [
          [0, 3001],
          [100, 2000],
          [2990, 3001],
          [0, 10],
        ] as const)
          assert.equal(
            await store.read.firstSeqAtTime(big, time, afterSeq, beforeSeq),
            first(time, afterSeq, beforeSeq),
            `${time} in (${afterSeq}, ${beforeSeq})`,
          );
    });

    test("recentDirectConversations: the user's 1:1 chats, latest message first", async () => {
      assert.deepEqual(await store.read.recentDirectConversations(me, 10), [
        { conversationId: big, lastSeq: 3000, lastTime: rows[2999]?.serverTime },
        { conversationId: small, lastSeq: 200, lastTime: rows[2999]?.serverTime },
      ]);
      assert.equal((await store.read.recentDirectConversations(me, 1)).length, 1);
    });

    test("pages over merged conversations match a sort of all rows, both ways and within times", async () => {
      const sources = await store.read.recentDirectConversations(me, 10);
      const item = (r: MessageRecord) => (r.event ? undefined : toWireMessage(r));
      const at = (r: MessageRecord) => ({ time: r.serverTime, conversationId: r.conversationId, seq: r.seq });
      const all = rows.filter((r) => !r.event).sort((a, b) => comparePositions(at(a), at(b)));
      const id = (m: { conversationId: string; seq: bigint | number }) => `${m.conversationId}:${m.seq}`;
      const lo = all[1000] as MessageRecord;
      const hi = all[1400] as MessageRecord;
      const near = all[1150] as MessageRecord;
      const cases: [{ after?: Position; before?: Position }, number][] = [
        [{}, 250],
        [{ after: fromTime(lo.serverTime), before: untilTime(hi.serverTime) }, 7],
        // One item a page: every item is once the bound of the next page.
        [{ after: at(lo), before: at(near) }, 1],
      ];
      for (const [bounds, max] of cases) {
        const expected = all
          .filter((r) => !bounds.after || comparePositions(at(r), bounds.after) > 0)
          .filter((r) => !bounds.before || comparePositions(at(r), bounds.before) < 0)
          .map(id);
        let forwards: string[] = [];
        let after = bounds.after;
        for (;;) {
          const page = await readPage(store.read, { sources, ...bounds, after, backwards: false, max, item });
          forwards = forwards.concat(page.items.map(id));
          const last = page.items[page.items.length - 1];
          if (page.complete || !last) break;
          after = {
            time: Number(last.serverTime),
            conversationId: last.conversationId,
            seq: Number(last.seq),
          };
        }
        assert.deepEqual(forwards, expected);
        let backwards: string[] = [];
        let before = bounds.before;
        for (;;) {
          const page = await readPage(store.read, { sources, ...bounds, before, backwards: true, max, item });
          backwards = page.items.map(id).concat(backwards);
          const first = page.items[0];
          if (page.complete || !first) break;
          before = {
            time: Number(first.serverTime),
            conversationId: first.conversationId,
            seq: Number(first.seq),
          };
        }
        assert.deepEqual(backwards, expected);
      }
    });
  });
}
