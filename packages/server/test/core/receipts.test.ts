import assert from "node:assert/strict";
import { test } from "node:test";
import { decodeEnvelope, ErrorCode } from "@starling/protocol";
import { directConversationId } from "../../src/core/kernel/ids.js";
import { Membership } from "../../src/core/messaging/membership.js";
import { Receipts } from "../../src/core/messaging/receipts.js";
import { FakeConversations, RecordingBus } from "../helpers/fake-conversations.js";

const ALICE = "alice@example.com";
const BOB = "bob@example.com";
const CAROL = "carol@example.com";
const DM = directConversationId(ALICE, BOB);
const GROUP = "g:0123456789ab";

function setup() {
  const store = new FakeConversations();
  const bus = new RecordingBus();
  const receipts = new Receipts(store, bus, new Membership());
  store.addConversation(DM, "direct", [ALICE, BOB]);
  for (let i = 0; i < 10; i++) store.addMessage(DM, i % 2 ? ALICE : BOB, i);
  return { store, bus, receipts };
}

/** The receipts the bus was asked to publish: [read, delivered] of the user, and to whom. */
function receiptsPublished(bus: RecordingBus) {
  return bus.published.map((p) => {
    const env = decodeEnvelope(p.frame);
    assert.equal(env.kind.case, "push");
    const body = env.kind.value.body;
    assert.equal(body.case, "receipt");
    return {
      to: [...p.userIds].sort(),
      user: body.value.userId,
      read: Number(body.value.readSeq),
      delivered: Number(body.value.deliveredSeq),
    };
  });
}

test("a read cursor moves forward only: an older seq changes nothing and tells nobody", async () => {
  const { store, bus, receipts } = setup();
  await receipts.markRead(BOB, DM, 6);
  await receipts.markRead(BOB, DM, 3);
  await receipts.markRead(BOB, DM, 6);
  assert.deepEqual([store.member(DM, BOB)?.readSeq, store.member(DM, BOB)?.deliveredSeq], [6, 6]);
  assert.deepEqual(receiptsPublished(bus), [{ to: [ALICE, BOB], user: BOB, read: 6, delivered: 6 }]);
});

test("reading also delivers; delivering does not read, and cannot pull the delivered cursor below the read one", async () => {
  const { store, bus, receipts } = setup();
  await receipts.markDelivered(BOB, DM, 4);
  await receipts.markRead(BOB, DM, 7);
  await receipts.markDelivered(BOB, DM, 5);
  await receipts.markDelivered(BOB, DM, 9);
  const me = store.member(DM, BOB);
  assert.deepEqual([me?.readSeq, me?.deliveredSeq], [7, 9]);
  assert.deepEqual(
    receiptsPublished(bus).map((r) => [r.read, r.delivered]),
    [
      [0, 4],
      [7, 7],
      [7, 9],
    ],
  );
});

test("a cursor past the last message stops at the last message", async () => {
  const { store, receipts } = setup();
  await receipts.markRead(BOB, DM, 1000);
  assert.equal(store.member(DM, BOB)?.readSeq, 10);
});

test("a receipt takes a change-stream version; in a 1:1 chat the conversation's version moves with it", async () => {
  const { store, receipts } = setup();
  const before = store.conversation(DM)?.version ?? 0;
  await receipts.markRead(BOB, DM, 2);
  const member = store.member(DM, BOB);
  assert.ok((member?.version ?? 0) > before);
  assert.equal(store.conversation(DM)?.version, member?.version);
});

test("in a group the conversation's version stays and every active member is told", async () => {
  const { store, bus, receipts } = setup();
  store.addConversation(GROUP, "group", [ALICE, BOB, { userId: CAROL, role: "member", active: false }]);
  store.addMessage(GROUP, ALICE, 1);
  const before = store.conversation(GROUP)?.version;
  await receipts.markRead(BOB, GROUP, 1);
  assert.equal(store.conversation(GROUP)?.version, before);
  assert.deepEqual(receiptsPublished(bus)[0]?.to, [ALICE, BOB]);
});

test("only active members move cursors: a former member gets NOT_A_MEMBER, an outsider NOT_FOUND", async () => {
  const { store, bus, receipts } = setup();
  store.addConversation(GROUP, "group", [ALICE, { userId: CAROL, role: "member", active: false }]);
  store.addMessage(GROUP, ALICE, 1);
  await assert.rejects(
    receipts.markRead(CAROL, GROUP, 1),
    (e: { code?: number }) => e.code === ErrorCode.NOT_A_MEMBER,
  );
  await assert.rejects(
    receipts.markRead(BOB, GROUP, 1),
    (e: { code?: number }) => e.code === ErrorCode.NOT_FOUND,
  );
  await assert.rejects(
    receipts.markRead(BOB, "g:nosuchgroup00", 1),
    (e: { code?: number }) => e.code === ErrorCode.NOT_FOUND,
  );
  assert.equal(store.member(GROUP, CAROL)?.readSeq, 0);
  assert.deepEqual(bus.published, []);
});

test("a seq that is not a non-negative integer is refused before the store is asked", async () => {
  const { receipts } = setup();
  for (const bad of [-1, 1.5, Number.NaN])
    await assert.rejects(
      receipts.markRead(BOB, DM, bad),
      (e: { code?: number }) => e.code === ErrorCode.INVALID_ARGUMENT,
    );
});
