import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { directConversationId, StarlingError } from "@starling/sdk";
import { MemoryStorage, StoresHarness, until } from "./harness.js";

const SESSION = "starling.session";
const DEVICE = "starling.device";

describe("the session, saved and restored through a storage", () => {
  let h: StoresHarness;
  let made = 0;
  const randomId = () => `id${++made}`;

  before(async () => {
    h = await StoresHarness.start();
    await h.users("alice", "bob");
    await h.send("alice", "bob", "hello");
  });
  after(() => h.close());

  test("a login keeps the token and a device id; a later visit resumes without the password", async () => {
    const storage = new MemoryStorage();
    const first = await h.login("bob", storage, { randomId });
    assert.equal(first.session.phase, "online");
    assert.equal(first.session.userId, h.id("bob"));
    const saved = JSON.parse(storage.getItem(SESSION) ?? "{}") as { token?: string; userId?: string };
    assert.equal(saved.userId, h.id("bob"));
    assert.ok(saved.token && saved.token === first.session.token);
    assert.equal(storage.getItem(DEVICE), "web-id1");
    await first.close();
    assert.ok(storage.getItem(SESSION), "closing is not signing out");

    const again = h.chat(storage, { randomId });
    assert.deepEqual(again.session.saved(), saved);
    assert.equal(await again.session.resume(), true);
    assert.equal(again.session.phase, "online");
    assert.equal(again.session.userId, h.id("bob"));
    assert.equal(storage.getItem(DEVICE), "web-id1", "the same device");
    assert.equal(made, 1);
    assert.ok(again.conversations.get(directConversationId(h.id("alice"), h.id("bob"))), "the chats synced");
  });

  test("signing out forgets the token and everything loaded, and the token stops working", async () => {
    const storage = new MemoryStorage();
    const chat = await h.login("bob", storage, { randomId });
    const id = directConversationId(h.id("alice"), h.id("bob"));
    await chat.windows.open(id);
    chat.conversations.openDirect(h.id("carol"));
    assert.equal(chat.windows.messages(id).length, 1);
    const saved = storage.getItem(SESSION);
    assert.ok(saved);

    await chat.session.logout();
    assert.equal(chat.session.phase, "signedOut");
    assert.equal(chat.session.client, undefined);
    assert.equal(storage.getItem(SESSION), null);
    assert.ok(storage.getItem(DEVICE), "the device id stays");
    assert.deepEqual(chat.windows.messages(id), []);
    assert.equal(chat.conversations.drafts.size, 0);
    assert.deepEqual(chat.conversations.list(), []);

    // The old token, stored again, is refused for good: the stored session is dropped.
    storage.setItem(SESSION, saved);
    const later = h.chat(storage);
    assert.equal(await later.session.resume(), false);
    assert.equal(later.session.phase, "signedOut");
    assert.equal(storage.getItem(SESSION), null);
  });

  test("a wrong password is refused and nothing is stored", async () => {
    const storage = new MemoryStorage();
    const chat = h.chat(storage);
    await assert.rejects(chat.session.login(h.id("bob"), "not-the-password"), (err: unknown) => {
      assert.ok(err instanceof StarlingError);
      assert.equal(err.codeName, "BAD_CREDENTIALS");
      return true;
    });
    assert.equal(chat.session.phase, "signedOut");
    assert.equal(chat.session.client, undefined);
    assert.equal(storage.getItem(SESSION), null);
  });

  test("an initial password: nothing loads or is stored until the new password is set", async () => {
    await h.users("erin");
    await h.ts.server.core.accounts.setPassword(h.id("erin"), "erin-initial-pw", true);
    await h.send("alice", "erin", "welcome aboard");
    const storage = new MemoryStorage();
    const chat = h.chat(storage, { randomId });
    await chat.session.login(h.id("erin"), "erin-initial-pw");
    assert.equal(chat.session.mustChangePassword, true);
    assert.equal(chat.session.phase, "online");
    assert.equal(storage.getItem(SESSION), null, "no token kept for a reload yet");
    assert.deepEqual(chat.conversations.list(), []);
    assert.equal(chat.session.isInitialPassword("erin-initial-pw"), true);

    await assert.rejects(chat.session.setNewPassword("short"), (e: unknown) => {
      return e instanceof StarlingError && e.codeName === "INVALID_ARGUMENT";
    });
    assert.equal(chat.session.mustChangePassword, true);
    await chat.session.setNewPassword("erin-chosen-pw");
    assert.equal(chat.session.mustChangePassword, false);
    assert.equal(chat.session.isInitialPassword("erin-initial-pw"), false);
    const saved = JSON.parse(storage.getItem(SESSION) ?? "{}") as { token?: string };
    assert.equal(saved.token, chat.session.token);
    const id = directConversationId(h.id("alice"), h.id("erin"));
    await until(chat.conversations, () => chat.conversations.get(id) !== undefined, "the chats synced");
  });

  test("nothing usable stored: no session to resume", async () => {
    const storage = new MemoryStorage();
    const chat = h.chat(storage);
    assert.equal(chat.session.saved(), undefined);
    assert.equal(await chat.session.resume(), false);
    storage.setItem(SESSION, "{not json");
    assert.equal(chat.session.saved(), undefined);
    storage.setItem(SESSION, JSON.stringify({ userId: h.id("bob") }));
    assert.equal(chat.session.saved(), undefined);
    assert.equal(await chat.session.resume(), false);
    assert.equal(chat.session.phase, "signedOut");
  });
});
