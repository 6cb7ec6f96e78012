import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { chatInLink, chatLink, isOpenChat, OPEN_CHAT } from "../../src/chat-link.js";
import { type AppWindow, clickTarget, parsePush, shouldShow } from "../../src/sw/push-payload.js";

/** What the service worker does with a push and a click, as pure rules (the browser test drives the real worker). */
describe("the service worker's push rules", () => {
  const payload = {
    kind: "message",
    conversationId: "d:a@x|b@x",
    seq: 7,
    count: 2,
    quiet: false,
    mention: false,
    title: "Bob",
    body: "hello",
    badge: 3,
    senderId: "b@x",
    sentAt: 1,
  };
  const origin = "https://im.example.com";
  const win = (url: string, focused: boolean, visibilityState = "visible"): AppWindow => ({
    url,
    focused,
    visibilityState,
  });

  test("a payload is read by its fields; anything else is not one", () => {
    assert.deepEqual(parsePush(JSON.stringify(payload)), {
      kind: "message",
      conversationId: "d:a@x|b@x",
      seq: 7,
      quiet: false,
      title: "Bob",
      body: "hello",
      badge: 3,
    });
    assert.equal(parsePush("not json"), undefined);
    assert.equal(parsePush("null"), undefined);
    assert.equal(parsePush(JSON.stringify({ ...payload, kind: "call" })), undefined);
    assert.equal(parsePush(JSON.stringify({ ...payload, conversationId: "" })), undefined);
    const odd = parsePush(JSON.stringify({ ...payload, seq: -1, badge: "9", body: "x".repeat(5000) }));
    assert.equal(odd?.seq, 0);
    assert.equal(odd?.badge, 0);
    assert.equal(odd?.body.length, 1000, "a long body is cut");
  });

  test("shown unless quiet, a clear, or a window of the app is visible and focused", () => {
    const push = parsePush(JSON.stringify(payload));
    assert.ok(push);
    assert.equal(shouldShow(push, []), true);
    assert.equal(shouldShow(push, [win(`${origin}/`, false)]), true, "visible but not focused");
    assert.equal(shouldShow(push, [win(`${origin}/`, true, "hidden")]), true);
    assert.equal(shouldShow(push, [win(`${origin}/`, true)]), false);
    assert.equal(shouldShow({ ...push, quiet: true }, []), false);
    assert.equal(shouldShow({ ...push, kind: "clear" }, []), false);
  });

  test("a click focuses the focused, else a visible, else any window of the app; with none it opens the chat", () => {
    const url = chatLink("g:team 1");
    assert.deepEqual(clickTarget([], origin, url), { open: `${origin}/?c=g%3Ateam%201` });
    assert.deepEqual(clickTarget([win("https://elsewhere.example/", true)], origin, url), {
      open: `${origin}/?c=g%3Ateam%201`,
    });
    const windows = [win(`${origin}/`, false, "hidden"), win(`${origin}/`, false), win(`${origin}/`, true)];
    assert.deepEqual(clickTarget(windows, origin, url), { focus: 2 });
    assert.deepEqual(clickTarget(windows.slice(0, 2), origin, url), { focus: 1 });
    assert.deepEqual(clickTarget(windows.slice(0, 1), origin, url), { focus: 0 });
  });

  test("the chat's address and the open message read back what they carry", () => {
    assert.equal(chatInLink(new URL(chatLink("d:a@x|b@x"), origin).search), "d:a@x|b@x");
    assert.equal(chatInLink("?other=1"), undefined);
    assert.equal(isOpenChat({ type: OPEN_CHAT, conversationId: "g:1" }), true);
    assert.equal(isOpenChat({ type: OPEN_CHAT, conversationId: "" }), false);
    assert.equal(isOpenChat({ type: "other", conversationId: "g:1" }), false);
    assert.equal(isOpenChat(null), false);
  });
});
