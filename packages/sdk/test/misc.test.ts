import assert from "node:assert/strict";
import { test } from "node:test";
import {
  CloseCode,
  ConversationKind,
  ConversationSchema,
  create,
  ErrorCode,
  MessageSchema,
  ReceiptSchema,
  StarlingError,
} from "@starling/protocol";
import { ConnectionClosedError, isFatalClose, isFatalConnectError } from "../src/client-errors.js";
import { applyReaction, ConversationCache } from "../src/conversation-cache.js";
import { Credentials, isTokenRejected } from "../src/credentials.js";
import { parseEndpoint } from "../src/endpoint.js";
import { Gate } from "../src/gate.js";
import { validateSyncState } from "../src/sync-state.js";
import { FakeTimers } from "./fake-timers.js";

test("endpoints: schemes, default ports, IPv6", () => {
  assert.deepEqual(parseEndpoint("tls://chat.example.com"), {
    scheme: "tls",
    host: "chat.example.com",
    port: 5202,
    url: "tls://chat.example.com",
  });
  assert.equal(parseEndpoint("tcp://[::1]:7000").host, "::1");
  assert.equal(parseEndpoint("ws://h:8080/ws").url, "ws://h:8080/ws");
  assert.equal(parseEndpoint("wss://h/ws").port, 443);
  assert.throws(() => parseEndpoint("http://h"), StarlingError);
  assert.throws(() => parseEndpoint("nonsense"), StarlingError);
});

test("close codes 4500-4999 are fatal, the rest reconnect", () => {
  assert.equal(isFatalClose(CloseCode.LOGGED_OUT), true);
  assert.equal(isFatalClose(CloseCode.SERVER_SHUTDOWN), false);
  assert.equal(isFatalClose(0), false);
  assert.equal(isFatalClose(1006), false);
  // Timeouts and refusals for too many connections reconnect with backoff.
  assert.equal(isFatalClose(CloseCode.HANDSHAKE_TIMEOUT), false);
  assert.equal(isFatalClose(CloseCode.TOO_MANY_CONNECTIONS), false);
  const err = new ConnectionClosedError(CloseCode.ACCOUNT_DISABLED, "disabled");
  assert.equal(err.fatal, true);
  assert.equal(err.retryable, false);
  assert.equal(err.code, ErrorCode.ACCOUNT_DISABLED);
  assert.equal(new ConnectionClosedError(0, "").retryable, true);
});

test("login failures: auth and refusals are fatal, throttling and drops are not", () => {
  assert.equal(isFatalConnectError(new StarlingError(ErrorCode.BAD_CREDENTIALS, "")), true);
  assert.equal(isFatalConnectError(new StarlingError(ErrorCode.UNSUPPORTED_VERSION, "")), true);
  assert.equal(isFatalConnectError(new StarlingError(ErrorCode.RATE_LIMITED, "")), false);
  assert.equal(isFatalConnectError(new StarlingError(ErrorCode.TOO_MANY_SESSIONS, "")), false);
  assert.equal(isTokenRejected(new StarlingError(ErrorCode.TOO_MANY_SESSIONS, "")), false);
  assert.equal(isFatalConnectError(new StarlingError(ErrorCode.SHUTTING_DOWN, "")), false);
  assert.equal(isFatalConnectError(new ConnectionClosedError(0, "")), false);
  assert.equal(isFatalConnectError(new Error("ECONNREFUSED")), false);
});

test("credentials: token first, password after a refused token", () => {
  const c = new Credentials({ userId: "alice", password: "pw", token: "t1" });
  assert.deepEqual(c.auth(), { case: "token", value: "t1" });
  assert.equal(c.canFallBack, true);
  assert.equal(isTokenRejected(new StarlingError(ErrorCode.TOKEN_INVALID, "")), true);
  assert.equal(isTokenRejected(new ConnectionClosedError(CloseCode.AUTH_FAILED, "")), true);
  c.forgetToken();
  assert.deepEqual(c.auth(), { case: "password", value: { userId: "alice", password: "pw" } });
  const tokenOnly = new Credentials({ token: "t" });
  assert.equal(tokenOnly.canFallBack, false);
  tokenOnly.forgetToken();
  assert.throws(() => tokenOnly.auth(), StarlingError);
});

test("sync state is validated", () => {
  assert.deepEqual(validateSyncState({ cursor: 3, seen: { a: 1 } }), { cursor: 3, seen: { a: 1 } });
  assert.throws(() => validateSyncState({ cursor: -1, seen: {} }), StarlingError);
  assert.throws(() => validateSyncState({ cursor: 1, seen: { a: 1.5 } }), StarlingError);
  assert.throws(() => validateSyncState(null as never), StarlingError);
});

test("gate: waiters get the next value, time out, or the failure", async () => {
  const timers = new FakeTimers();
  const gate = new Gate<string>(timers);
  const waiting = gate.wait(1000);
  gate.open("conn");
  assert.equal(await waiting, "conn");
  gate.shut();
  const late = gate.wait(100);
  timers.advance(100);
  await assert.rejects(late, /no response within 100/);
  const failing = gate.wait(1000);
  gate.fail(new Error("closed"));
  await assert.rejects(failing, /closed/);
  await assert.rejects(gate.wait(1000), /closed/);
  gate.reset();
  gate.open("again");
  assert.equal(await gate.wait(0), "again");
});

test("conversation cache follows messages and receipts", () => {
  const cache = new ConversationCache();
  cache.put(
    create(ConversationSchema, {
      id: "d",
      kind: ConversationKind.DIRECT,
      peerId: "bob",
      lastSeq: 2n,
      readSeq: 2n,
    }),
  );
  const from = (sender: string, seq: bigint) =>
    create(MessageSchema, { conversationId: "d", seq, senderId: sender, content: { text: "x" } });
  assert.equal(cache.applyMessage(from("bob", 3n), "me"), true);
  assert.equal(cache.applyMessage(from("me", 4n), "me"), true);
  assert.equal(cache.applyMessage(create(MessageSchema, { conversationId: "other", seq: 1n }), "me"), false);
  const c = cache.get("d");
  assert.equal(c?.lastSeq, 4n);
  assert.equal(c?.unreadCount, 1);
  assert.equal(c?.lastMessage?.senderId, "me");
  cache.applyReceipt(
    create(ReceiptSchema, { conversationId: "d", userId: "bob", readSeq: 4n, deliveredSeq: 4n }),
    "me",
  );
  assert.equal(c?.peerReadSeq, 4n);
  cache.applyReceipt(
    create(ReceiptSchema, { conversationId: "d", userId: "me", readSeq: 4n, deliveredSeq: 4n }),
    "me",
  );
  assert.equal(c?.readSeq, 4n);
  assert.equal(c?.unreadCount, 0);
});

test("conversation cache: edits and reactions change the last message in place, not replace it", () => {
  const cache = new ConversationCache();
  cache.put(
    create(ConversationSchema, { id: "d", kind: ConversationKind.DIRECT, peerId: "bob", lastSeq: 0n }),
  );
  cache.applyMessage(
    create(MessageSchema, { conversationId: "d", seq: 1n, senderId: "bob", content: { text: "hi" } }),
    "me",
  );
  const event = (seq: bigint, kind: Parameters<typeof create<typeof MessageSchema>>[1]) =>
    create(MessageSchema, { conversationId: "d", seq, senderId: "bob", ...kind });
  const edit = event(2n, {
    event: {
      kind: {
        case: "messageEdited",
        value: { by: "bob", targetSeq: 1n, content: { text: "hello" }, editedAt: 5n },
      },
    },
  });
  const react = event(3n, {
    event: {
      kind: { case: "reactionChanged", value: { by: "me", targetSeq: 1n, emoji: "👍", added: true } },
    },
  });
  for (const m of [edit, react]) {
    cache.applyMessage(m, "me");
    cache.applyChange(m);
  }
  const c = cache.get("d");
  assert.equal(c?.lastSeq, 3n);
  assert.equal(c?.unreadCount, 1, "changes are not unread messages");
  assert.equal(c?.lastMessage?.seq, 1n);
  assert.equal(c?.lastMessage?.content?.text, "hello");
  assert.equal(c?.lastMessage?.editedAt, 5n);
  assert.deepEqual(
    c?.lastMessage?.reactions.map((r) => [r.emoji, r.userIds]),
    [["👍", ["me"]]],
  );

  let r = applyReaction([], "a", "👍", true);
  r = applyReaction(r, "b", "👍", true);
  r = applyReaction(r, "a", "🎉", true);
  assert.deepEqual(applyReaction(r, "a", "👍", true), r, "adding twice changes nothing");
  r = applyReaction(r, "a", "🎉", false);
  assert.deepEqual(
    r.map((x) => [x.emoji, x.userIds]),
    [["👍", ["a", "b"]]],
  );
});
