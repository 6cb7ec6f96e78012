import assert from "node:assert/strict";
import { test } from "node:test";
import { decodeEnvelope, ErrorCode } from "@starling/protocol";
import { directConversationId } from "../../src/core/kernel/ids.js";
import { DEFAULT_LIMITS } from "../../src/core/kernel/limits.js";
import { decodeEvent } from "../../src/core/messaging/content.js";
import { Membership } from "../../src/core/messaging/membership.js";
import { Recaller } from "../../src/core/messaging/recall.js";
import { FakeConversations, ManualClock, RecordingBus } from "../helpers/fake-conversations.js";

const OWNER = "olga@example.com";
const ADMIN = "adam@example.com";
const MEMBER = "mia@example.com";
const OTHER = "otto@example.com";
const FORMER = "fred@example.com";
const GROUP = "g:0123456789ab";
const DM = directConversationId(MEMBER, OTHER);
const WINDOW = 120_000;

function setup() {
  const store = new FakeConversations();
  const bus = new RecordingBus();
  const clock = new ManualClock();
  const recaller = new Recaller(store, bus, clock, new Membership(), {
    ...DEFAULT_LIMITS,
    recallWindowMs: WINDOW,
  });
  store.addConversation(GROUP, "group", [
    OWNER,
    { userId: ADMIN, role: "admin" },
    MEMBER,
    OTHER,
    { userId: FORMER, role: "member", active: false },
  ]);
  store.addConversation(DM, "direct", [MEMBER, OTHER]);
  return { store, bus, clock, recaller };
}

const code = (c: ErrorCode) => (e: { code?: number }) => e.code === c;

test("the sender recalls their own message within the window, up to its last millisecond", async () => {
  const { store, clock, recaller } = setup();
  const m = store.addMessage(GROUP, MEMBER, clock.t);
  clock.t += WINDOW;
  await recaller.recall(MEMBER, GROUP, m.seq);
  assert.equal(store.message(GROUP, m.seq)?.recalledBy, MEMBER);
  assert.equal(store.message(GROUP, m.seq)?.content, null);
});

test("past the window the sender is refused with RECALL_WINDOW_EXPIRED, and the message stays", async () => {
  const { store, clock, recaller } = setup();
  const m = store.addMessage(GROUP, MEMBER, clock.t);
  clock.t += WINDOW + 1;
  await assert.rejects(recaller.recall(MEMBER, GROUP, m.seq), code(ErrorCode.RECALL_WINDOW_EXPIRED));
  assert.equal(store.message(GROUP, m.seq)?.recalledBy, null);
  assert.equal(store.conversation(GROUP)?.lastSeq, m.seq);
});

test("an ordinary member may not recall someone else's message, even at once", async () => {
  const { store, clock, recaller } = setup();
  const m = store.addMessage(GROUP, OTHER, clock.t);
  await assert.rejects(recaller.recall(MEMBER, GROUP, m.seq), code(ErrorCode.FORBIDDEN));
  assert.equal(store.message(GROUP, m.seq)?.recalledBy, null);
});

test("a group's owner and admins recall anyone's message at any time", async () => {
  const { store, clock, recaller } = setup();
  const first = store.addMessage(GROUP, MEMBER, clock.t);
  const second = store.addMessage(GROUP, OWNER, clock.t);
  clock.t += 10 * WINDOW;
  await recaller.recall(ADMIN, GROUP, first.seq);
  await recaller.recall(OWNER, GROUP, second.seq);
  assert.equal(store.message(GROUP, first.seq)?.recalledBy, ADMIN);
  assert.equal(store.message(GROUP, second.seq)?.recalledBy, OWNER);
});

test("in a 1:1 chat nobody moderates: the peer may not recall, the sender only within the window", async () => {
  const { store, clock, recaller } = setup();
  const m = store.addMessage(DM, MEMBER, clock.t);
  await assert.rejects(recaller.recall(OTHER, DM, m.seq), code(ErrorCode.FORBIDDEN));
  clock.t += WINDOW + 1;
  await assert.rejects(recaller.recall(MEMBER, DM, m.seq), code(ErrorCode.RECALL_WINDOW_EXPIRED));
});

test("a recall appends a message_recalled event at the next seq and tells every active member", async () => {
  const { store, bus, clock, recaller } = setup();
  const m = store.addMessage(GROUP, MEMBER, clock.t);
  await recaller.recall(MEMBER, GROUP, m.seq);
  const event = store.message(GROUP, m.seq + 1);
  assert.equal(store.conversation(GROUP)?.lastSeq, m.seq + 1);
  const kind = decodeEvent(event?.event as Uint8Array).kind;
  assert.equal(kind.case, "messageRecalled");
  assert.deepEqual([kind.value.by, Number(kind.value.targetSeq)], [MEMBER, m.seq]);
  assert.equal(bus.published.length, 1);
  assert.deepEqual([...(bus.published[0]?.userIds ?? [])].sort(), [ADMIN, MEMBER, OWNER, OTHER].sort());
  const env = decodeEnvelope(bus.published[0]?.frame as Uint8Array);
  assert.equal(env.kind.case === "push" && env.kind.value.body.case, "message");
});

test("events, recalled messages, missing seqs, former members and disbanded groups are refused", async () => {
  const { store, clock, recaller } = setup();
  const m = store.addMessage(GROUP, MEMBER, clock.t);
  await recaller.recall(MEMBER, GROUP, m.seq);
  await assert.rejects(recaller.recall(OWNER, GROUP, m.seq + 1), code(ErrorCode.INVALID_ARGUMENT));
  await assert.rejects(recaller.recall(OWNER, GROUP, m.seq), code(ErrorCode.CONFLICT));
  await assert.rejects(recaller.recall(OWNER, GROUP, 99), code(ErrorCode.NOT_FOUND));
  const theirs = store.addMessage(GROUP, MEMBER, clock.t);
  await assert.rejects(recaller.recall(FORMER, GROUP, theirs.seq), code(ErrorCode.NOT_A_MEMBER));
  store.disband(GROUP);
  await assert.rejects(recaller.recall(OWNER, GROUP, theirs.seq), code(ErrorCode.CONVERSATION_CLOSED));
  assert.equal(store.message(GROUP, theirs.seq)?.recalledBy, null);
});
