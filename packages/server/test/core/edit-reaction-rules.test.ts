import assert from "node:assert/strict";
import { test } from "node:test";
import { ContentSchema, create, decodeEnvelope, ErrorCode, fromBinary } from "@starling/protocol";
import { directConversationId } from "../../src/core/kernel/ids.js";
import { DEFAULT_LIMITS, REACTION_LIMITS } from "../../src/core/kernel/limits.js";
import { Editor } from "../../src/core/messaging/edit.js";
import { Membership } from "../../src/core/messaging/membership.js";
import { Reactions } from "../../src/core/messaging/reactions.js";
import { Recaller } from "../../src/core/messaging/recall.js";
import { FakeConversations, ManualClock, RecordingBus } from "../helpers/fake-conversations.js";

const OWNER = "olga@example.com";
const MEMBER = "mia@example.com";
const OTHER = "otto@example.com";
const FORMER = "fred@example.com";
const GROUP = "g:0123456789ab";
const DM = directConversationId(MEMBER, OTHER);
const WINDOW = 3_600_000;

function setup(editWindowMs = WINDOW) {
  const store = new FakeConversations();
  const bus = new RecordingBus();
  const clock = new ManualClock();
  const members = new Membership();
  const limits = { ...DEFAULT_LIMITS, editWindowMs };
  const editor = new Editor(store, bus, clock, members, limits);
  const reactions = new Reactions(store, bus, clock, members);
  const recaller = new Recaller(store, bus, clock, members, limits);
  store.addConversation(GROUP, "group", [
    OWNER,
    MEMBER,
    OTHER,
    { userId: FORMER, role: "member", active: false },
  ]);
  store.addConversation(DM, "direct", [MEMBER, OTHER]);
  return { store, bus, clock, editor, reactions, recaller };
}

const code = (c: ErrorCode) => (e: { code?: number }) => e.code === c;
const text = (t: string) => create(ContentSchema, { text: t });
const textOf = (bytes: Uint8Array | null | undefined) =>
  bytes ? fromBinary(ContentSchema, bytes).text : undefined;

function lastEvent(bus: RecordingBus) {
  const p = bus.published.at(-1);
  assert.ok(p);
  const env = decodeEnvelope(p.frame);
  assert.equal(env.kind.case, "push");
  const body = env.kind.case === "push" ? env.kind.value.body : undefined;
  assert.equal(body?.case, "message");
  return { to: p.userIds, message: body?.case === "message" ? body.value : undefined };
}

test("the sender edits within the window: same seq, new content, edited_at, and an event for every member", async () => {
  const { store, bus, clock, editor } = setup();
  const m = store.addMessage(GROUP, MEMBER, clock.t);
  clock.t += WINDOW;
  await editor.edit(MEMBER, GROUP, m.seq, text("fixed"));
  const row = store.message(GROUP, m.seq);
  assert.equal(textOf(row?.content), "fixed");
  assert.equal(row?.editedAt, clock.t);
  const { to, message } = lastEvent(bus);
  assert.deepEqual(to.sort(), [MEMBER, OTHER, OWNER].sort());
  assert.equal(message?.seq, BigInt(m.seq + 1));
  assert.equal(message?.event?.kind.case, "messageEdited");
  const ev = message?.event?.kind.case === "messageEdited" ? message.event.kind.value : undefined;
  assert.equal(ev?.targetSeq, BigInt(m.seq));
  assert.equal(ev?.by, MEMBER);
  assert.equal(ev?.content?.text, "fixed");
  assert.equal(store.conversation(GROUP)?.lastSeq, m.seq + 1);
});

test("past the window: EDIT_WINDOW_EXPIRED, nothing changes; a window of 0 never expires", async () => {
  const { store, clock, editor } = setup();
  const m = store.addMessage(GROUP, MEMBER, clock.t);
  clock.t += WINDOW + 1;
  await assert.rejects(editor.edit(MEMBER, GROUP, m.seq, text("late")), code(ErrorCode.EDIT_WINDOW_EXPIRED));
  assert.equal(textOf(store.message(GROUP, m.seq)?.content), `m${m.seq}`);
  assert.equal(store.conversation(GROUP)?.lastSeq, m.seq);

  const open = setup(0);
  const n = open.store.addMessage(DM, MEMBER, open.clock.t);
  open.clock.t += 365 * 24 * 3600 * 1000;
  await open.editor.edit(MEMBER, DM, n.seq, text("a year later"));
  assert.equal(textOf(open.store.message(DM, n.seq)?.content), "a year later");
});

test("only the sender edits; not events, not recalled messages, not a disbanded group, not a former member", async () => {
  const { store, clock, editor, recaller } = setup();
  const m = store.addMessage(GROUP, MEMBER, clock.t);
  await assert.rejects(editor.edit(OWNER, GROUP, m.seq, text("mine now")), code(ErrorCode.FORBIDDEN));
  await editor.edit(MEMBER, GROUP, m.seq, text("once"));
  const eventSeq = m.seq + 1;
  await assert.rejects(editor.edit(MEMBER, GROUP, eventSeq, text("x")), code(ErrorCode.INVALID_ARGUMENT));
  await assert.rejects(editor.edit(MEMBER, GROUP, 999, text("x")), code(ErrorCode.NOT_FOUND));
  await recaller.recall(MEMBER, GROUP, m.seq);
  await assert.rejects(editor.edit(MEMBER, GROUP, m.seq, text("again")), code(ErrorCode.CONFLICT));
  // The recall deleted every version of the text, the edit event's copy too.
  assert.equal(store.message(GROUP, eventSeq)?.content, null);

  const f = store.addMessage(GROUP, FORMER, clock.t);
  await assert.rejects(editor.edit(FORMER, GROUP, f.seq, text("x")), code(ErrorCode.NOT_A_MEMBER));
  const d = store.addMessage(GROUP, MEMBER, clock.t);
  store.disband(GROUP);
  await assert.rejects(editor.edit(MEMBER, GROUP, d.seq, text("x")), code(ErrorCode.CONVERSATION_CLOSED));
});

test("the new content passes the send checks: empty, too long, bad mentions, attachments", async () => {
  const { store, clock, editor } = setup();
  const m = store.addMessage(DM, MEMBER, clock.t);
  const bad = [
    text("   "),
    text("x".repeat(DEFAULT_LIMITS.maxTextLength + 1)),
    create(ContentSchema, { text: "hi", mentions: [{ userId: OTHER, offset: 1, length: 5 }] }),
    create(ContentSchema, { text: "hi", attachments: [{ fileId: "f1" }] }),
    undefined,
  ];
  for (const c of bad)
    await assert.rejects(editor.edit(MEMBER, DM, m.seq, c), code(ErrorCode.INVALID_ARGUMENT));
  assert.equal(store.conversation(DM)?.lastSeq, m.seq);
  await editor.edit(
    MEMBER,
    DM,
    m.seq,
    create(ContentSchema, { text: "hi @otto", mentions: [{ userId: OTHER, offset: 3, length: 5 }] }),
  );
  assert.equal(fromBinary(ContentSchema, store.message(DM, m.seq)?.content as Uint8Array).mentions.length, 1);
});

test("reactions: add, add again is a no-op, remove, remove again is a no-op; each change one event", async () => {
  const { store, bus, clock, reactions } = setup();
  const m = store.addMessage(GROUP, MEMBER, clock.t);
  assert.equal(await reactions.react(OTHER, GROUP, m.seq, "👍", true), true);
  assert.equal(await reactions.react(OWNER, GROUP, m.seq, "👍", true), true);
  assert.equal(await reactions.react(OTHER, GROUP, m.seq, "🎉", true), true);
  const published = bus.published.length;
  assert.equal(await reactions.react(OTHER, GROUP, m.seq, "👍", true), false);
  assert.equal(bus.published.length, published);
  assert.deepEqual(store.message(GROUP, m.seq)?.reactions, [
    { emoji: "👍", userIds: [OTHER, OWNER] },
    { emoji: "🎉", userIds: [OTHER] },
  ]);
  const { message } = lastEvent(bus);
  const ev = message?.event?.kind.case === "reactionChanged" ? message.event.kind.value : undefined;
  assert.deepEqual([ev?.by, ev?.targetSeq, ev?.emoji, ev?.added], [OTHER, BigInt(m.seq), "🎉", true]);

  assert.equal(await reactions.react(OTHER, GROUP, m.seq, "🎉", false), true);
  assert.equal(await reactions.react(OTHER, GROUP, m.seq, "🎉", false), false);
  assert.deepEqual(store.message(GROUP, m.seq)?.reactions, [{ emoji: "👍", userIds: [OTHER, OWNER] }]);
  assert.equal(store.conversation(GROUP)?.lastSeq, m.seq + 4);
});

test("reactions are refused on events, recalled messages, with bad emoji, and past the limits", async () => {
  const { store, clock, reactions, recaller } = setup();
  const m = store.addMessage(GROUP, MEMBER, clock.t);
  await reactions.react(OTHER, GROUP, m.seq, "👍", true);
  await assert.rejects(
    reactions.react(OTHER, GROUP, m.seq + 1, "👍", true),
    code(ErrorCode.INVALID_ARGUMENT),
  );
  for (const e of ["", "a b", "x".repeat(REACTION_LIMITS.maxCodePoints + 1), "\u0007"])
    await assert.rejects(reactions.react(OTHER, GROUP, m.seq, e, true), code(ErrorCode.INVALID_ARGUMENT));
  // A family emoji is several code points joined, and still one reaction.
  assert.equal(await reactions.react(OTHER, GROUP, m.seq, "👨‍👩‍👧‍👦", true), true);
  await assert.rejects(reactions.react(FORMER, GROUP, m.seq, "👍", true), code(ErrorCode.NOT_A_MEMBER));

  const n = store.addMessage(GROUP, MEMBER, clock.t);
  for (let i = 0; i < REACTION_LIMITS.perUser; i++) await reactions.react(OTHER, GROUP, n.seq, `e${i}`, true);
  await assert.rejects(
    reactions.react(OTHER, GROUP, n.seq, "one-more", true),
    code(ErrorCode.INVALID_ARGUMENT),
  );
  for (let i = REACTION_LIMITS.perUser; i < REACTION_LIMITS.perMessage; i++)
    await reactions.react(i % 2 ? OWNER : MEMBER, GROUP, n.seq, `e${i}`, true);
  await assert.rejects(reactions.react(MEMBER, GROUP, n.seq, "new", true), code(ErrorCode.INVALID_ARGUMENT));
  // An emoji already there can still be joined.
  assert.equal(await reactions.react(MEMBER, GROUP, n.seq, "e0", true), true);

  await recaller.recall(MEMBER, GROUP, m.seq);
  assert.equal(store.message(GROUP, m.seq)?.reactions, undefined);
  await assert.rejects(reactions.react(OTHER, GROUP, m.seq, "👍", true), code(ErrorCode.CONFLICT));
});
