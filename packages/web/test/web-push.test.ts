import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { directConversationId } from "@starling/protocol";
import type { BrowserContext, CDPSession, Page, Worker } from "playwright-core";
import { poll } from "../../server/test/helpers/poll.js";
import { browserMissing, WebHarness } from "./helpers/browser.js";

/**
 * Web Push in the service worker, with pushes delivered through the
 * DevTools protocol (ServiceWorker.deliverPushMessage) as a push service
 * would: a notification per chat that a burst replaces, a "clear" closing
 * it, quiet pushes and pushes to a focused window showing nothing; a click
 * focusing the open window, which opens the chat; the chat's own address
 * for a new window. Pages' scripts are strings, not functions: the test's
 * TypeScript loader would add helpers the browser does not have.
 */
if (browserMissing) console.log(`# web push (service worker) tests SKIPPED: ${browserMissing}`);

const WAIT = { timeout: 30_000 };

interface Shown {
  title: string;
  body: string;
  tag: string;
  data: { conversationId: string; seq: number } | null;
}

const push = (conversationId: string, fields: Record<string, unknown> = {}) =>
  JSON.stringify({
    kind: "message",
    conversationId,
    seq: 1,
    count: 1,
    quiet: false,
    mention: false,
    title: "Bob",
    body: "hello",
    badge: 1,
    senderId: "bob",
    sentAt: Date.now(),
    ...fields,
  });

describe("Web Push in the service worker", { skip: browserMissing }, () => {
  let h: WebHarness;
  let origin = "";

  before(async () => {
    h = await WebHarness.start();
    origin = h.base.replace(/\/$/, "");
    await h.users(["alice", "Alice"], ["bob", "Bob"]);
    await h.send("bob", "alice", "the chat to open");
  });
  after(() => h.close());

  /** The app's worker registration id, as DevTools knows it. */
  const registrationOf = async (cdp: CDPSession): Promise<string> => {
    const ids: string[] = [];
    cdp.on("ServiceWorker.workerRegistrationUpdated", (e) => {
      for (const r of e.registrations) if (r.scopeURL === h.base && !r.isDeleted) ids.push(r.registrationId);
    });
    await cdp.send("ServiceWorker.enable");
    return poll(
      () => ids[0],
      (id) => id !== undefined,
      "the worker's registration",
    ) as Promise<string>;
  };
  const shown = (worker: Worker) =>
    worker.evaluate(`self.registration.getNotifications().then((ns) =>
      ns.map((n) => ({ title: n.title, body: n.body, tag: n.tag, data: n.data })))`) as Promise<Shown[]>;

  /** Signed in as alice with notifications allowed, the page controlled by the worker; the worker. */
  const start = async (): Promise<{ page: Page; context: BrowserContext; worker: Worker }> => {
    const page = await h.login("alice");
    const context = page.context();
    await context.grantPermissions(["notifications"], { origin });
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, WAIT);
    const worker = context.serviceWorkers()[0] ?? (await context.waitForEvent("serviceworker"));
    return { page, context, worker };
  };

  test("one notification per chat, replaced by the next push, closed by a clear; nothing for quiet pushes or a focused window", async () => {
    const { page, context, worker } = await start();
    const onPage = await context.newCDPSession(page);
    const registrationId = await registrationOf(onPage);
    const deliver = (cdp: CDPSession, data: string) =>
      cdp.send("ServiceWorker.deliverPushMessage", { origin, registrationId, data });

    // The app is open, visible and focused: it shows the message itself.
    await deliver(onPage, push("g:while-looking", { title: "Seen already" }));

    const blank = await context.newPage();
    const cdp = await context.newCDPSession(blank);
    await cdp.send("ServiceWorker.enable");
    await page.close();
    // The worker learns of the closed window on its own time; until then it would stay quiet.
    await poll(
      () =>
        worker.evaluate(
          `clients.matchAll({ type: "window", includeUncontrolled: true }).then((c) => c.length)`,
        ),
      (n) => n === 0,
      "the worker seeing no window of the app",
    );
    await deliver(cdp, push("d:one", { body: "first", seq: 1 }));
    const first = await poll(
      () => shown(worker),
      (ns) => ns.length > 0,
      "a notification",
    );
    // Pushes are handled in order: the one for the focused window would be here by now.
    assert.deepEqual(first, [
      { title: "Bob", body: "first", tag: "d:one", data: { conversationId: "d:one", seq: 1 } },
    ]);

    await deliver(cdp, push("d:one", { body: "second", seq: 2, count: 2 }));
    await poll(
      () => shown(worker),
      (ns) => ns[0]?.body === "second",
      "the second push's text",
    );
    assert.equal((await shown(worker)).length, 1, "the burst replaced the notification");

    await deliver(cdp, push("d:quiet", { quiet: true, body: "only the badge" }));
    await deliver(cdp, JSON.stringify({ kind: "clear", conversationId: "d:one" }));
    await poll(
      () => shown(worker),
      (ns) => ns.length === 0,
      "the chat's notification closed by the clear",
    );
    await context.close();
  });

  test("a click focuses the open window, which opens the chat; the chat's address opens it in a new window", async () => {
    const { page, worker } = await start();
    const bob = directConversationId(`alice@${h.domain}`, `bob@${h.domain}`);
    await page.getByText("Pick a chat on the left.").waitFor();
    // A synthetic click: DevTools cannot click a notification. Its waitUntil refuses an untrusted
    // event, after the handler has started its work, which is what is checked here.
    await worker.evaluate(`self.registration
      .showNotification("Bob", { tag: ${JSON.stringify(bob)}, data: { conversationId: ${JSON.stringify(bob)}, seq: 1 } })
      .then(() => self.registration.getNotifications())
      .then(([n]) => { try { self.dispatchEvent(new NotificationEvent("notificationclick", { notification: n })); } catch {} })`);
    await page.locator(".message", { hasText: "the chat to open" }).waitFor(WAIT);
    await poll(
      () => shown(worker),
      (ns) => ns.length === 0,
      "the clicked notification closed",
    );

    const other = await page.context().newPage();
    await other.goto(`${h.base}?c=${encodeURIComponent(bob)}`);
    await other.locator(".message", { hasText: "the chat to open" }).waitFor(WAIT);
    assert.equal(new URL(other.url()).search, "", "the chat is taken out of the address once opened");
    await page.context().close();
  });
});
