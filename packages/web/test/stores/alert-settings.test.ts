import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Chat } from "../../src/stores/chat.js";
import type { Notice } from "../../src/stores/environment.js";
import { passwordOf, StoresHarness } from "./harness.js";

/**
 * What may alert the user, decided in the stores against a real server: the roaming settings
 * (loaded on login, changed on one device and pushed to the other) and the user's own
 * do-not-disturb, which silences notices and the sound while messages still arrive.
 */
describe("notices and the sound as settings and do-not-disturb allow", () => {
  let h: StoresHarness;
  let desk: Chat;
  let laptop: Chat;
  const notices: Notice[] = [];
  let chimes = 0;
  let wake: (() => void) | undefined;
  const until = async (pred: () => boolean, what: string) => {
    const deadline = Date.now() + 20_000;
    while (!pred()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise<void>((r) => {
        wake = r;
        setTimeout(r, 50);
      });
    }
  };
  /** Every message bob's desk receives, by text, so a test waits for one that alerts nobody. */
  const received = new Set<string>();

  before(async () => {
    h = await StoresHarness.start();
    for (const name of ["ann", "bob"])
      await h.ts.server.core.accounts.createUser({ id: h.id(name), password: passwordOf(name) });
    desk = await h.login("bob", undefined, {
      notify: (n) => {
        notices.push(n);
        wake?.();
      },
      chime: () => {
        chimes++;
        wake?.();
      },
    });
    desk.session.client?.on("message", (m) => {
      received.add(m.content?.text ?? "");
      wake?.();
    });
    laptop = await h.login("bob");
  });
  after(() => h.close());

  test("a message alerts with its text and a sound by default", async () => {
    await h.send("ann", "bob", "hello bob");
    await until(() => notices.length === 1 && chimes === 1, "a notice and a chime");
    assert.equal(notices[0]?.body, "hello bob");
  });

  test("settings changed on the laptop reach the desk: no text in notices, no sound", async () => {
    await laptop.settings.setRoaming({ messagePreviews: false, notificationSound: false });
    await until(() => !desk.settings.roaming.notificationSound, "the settings pushed to the desk");
    assert.equal(desk.settings.roaming.messagePreviews, false);
    await h.send("ann", "bob", "secret plans");
    await until(() => notices.length === 2, "the notice");
    assert.equal(notices[1]?.body, "", "who, not what");
    assert.equal(chimes, 1, "no sound");
    await laptop.settings.setRoaming({ messagePreviews: true, notificationSound: true });
    await until(() => desk.settings.roaming.notificationSound, "turned back on");
  });

  test("in do-not-disturb nothing alerts, and the message still arrives", async () => {
    await desk.people.updateOwnProfile({ doNotDisturb: { on: true } });
    assert.equal(desk.people.inDnd(h.id("bob"), Date.now()), true);
    await h.send("ann", "bob", "during dnd");
    await until(() => received.has("during dnd"), "the message");
    assert.deepEqual([notices.length, chimes], [2, 1], "no notice, no sound");
    await desk.people.updateOwnProfile({ doNotDisturb: {} });
    await h.send("ann", "bob", "after dnd");
    await until(() => notices.length === 3 && chimes === 2, "alerts again");
  });
});
