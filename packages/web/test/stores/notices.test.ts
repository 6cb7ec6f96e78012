import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, test } from "node:test";
import { create, SendMessageSchema } from "@starling/protocol";
import type { Chat } from "../../src/stores/chat.js";
import type { Notice } from "../../src/stores/environment.js";
import { passwordOf, StoresHarness, until } from "./harness.js";

/** Desktop notices for messages from others: titled with the sender's display name, not their id. */
describe("desktop notices against a real server", () => {
  let h: StoresHarness;
  let bob: Chat;
  const notices: Notice[] = [];
  let arrived: (() => void) | undefined;
  /** The next notice bob is shown. */
  const nextNotice = () =>
    new Promise<Notice>((resolve) => {
      const seen = notices.length;
      arrived = () => {
        const n = notices[seen];
        if (n) resolve(n);
      };
    });

  before(async () => {
    h = await StoresHarness.start();
    const accounts = h.ts.server.core.accounts;
    for (const [name, displayName] of [
      ["mahao", "马浩"],
      ["bob", "Bob Smith"],
      ["nameless", ""],
    ] as const)
      await accounts.createUser({
        id: h.id(name),
        password: passwordOf(name),
        ...(displayName ? { displayName } : {}),
      });
    bob = await h.login("bob", undefined, {
      notify: (n) => {
        notices.push(n);
        arrived?.();
      },
    });
  });
  after(() => h.close());

  test("a 1:1 message's notice is titled with the sender's display name", async () => {
    const shown = nextNotice();
    await h.send("mahao", "bob", "你好");
    const n = await shown;
    assert.equal(n.title, "马浩");
    assert.equal(n.body, "你好");
  });

  test("a new group announcement is told like a message, titled with the group", async () => {
    const core = h.ts.server.core;
    const g = await core.groups.create({ userId: h.id("mahao") }, "发布组", [h.id("bob")]);
    // The group is known first, so the notice can take its name.
    await until(bob.conversations, () => bob.conversations.get(g.id) !== undefined, "bob knows the group");
    const shown = nextNotice();
    await core.groups.setAnnouncement({ userId: h.id("mahao") }, g.id, "周五发布");
    const n = await shown;
    assert.equal(n.title, "发布组");
    assert.equal(n.body, "周五发布");
  });

  test("someone without a display name is named by their id", async () => {
    const shown = nextNotice();
    await h.send("nameless", "bob", "hello");
    assert.equal((await shown).title, "nameless");
  });

  test("a muted group stays quiet, except for a message that mentions me", async () => {
    const core = h.ts.server.core;
    const group = await core.groups.create({ userId: h.id("mahao") }, "静音群", [h.id("bob")]);
    await core.prefs.set(h.id("bob"), group.id, { muted: true });
    await until(bob.conversations, () => bob.conversations.get(group.id)?.muted === true, "the group muted");
    const say = (text: string, mentions: { userId: string; offset: number; length: number }[] = []) =>
      core.send(
        h.id("mahao"),
        create(SendMessageSchema, {
          conversationId: group.id,
          clientMsgId: randomUUID(),
          content: { text, mentions },
        }),
      );
    const shown = nextNotice();
    await say("nobody in particular");
    await say("@Bob Smith look", [{ userId: h.id("bob"), offset: 0, length: 10 }]);
    const n = await shown;
    assert.equal(n.body, "@Bob Smith look", "the first message made no notice; the mention did");
    assert.equal(n.title, "静音群");
  });
});
