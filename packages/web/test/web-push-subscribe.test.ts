import assert from "node:assert/strict";
import { createECDH } from "node:crypto";
import { after, before, describe, test } from "node:test";
import type { PushProvider } from "@starling/server";
import type { Page } from "playwright-core";
import { poll } from "../../server/test/helpers/poll.js";
import { expectAccessible } from "./helpers/axe.js";
import { browserMissing, password, WebHarness } from "./helpers/browser.js";

/**
 * The browser's push subscription registered with the server. Headless
 * chromium has no push service, so the real pushManager.subscribe fails:
 * that failure is checked to be shown in the settings. The rest runs with
 * pushManager's subscribe and getSubscription replaced in the page (an init
 * script) by a subscription of the test's own, and checks what reaches the
 * server's push devices: registered on login where notifications are
 * allowed, stopped and started again from the settings, and removed on
 * sign-out.
 */
if (browserMissing) console.log(`# web push subscription tests SKIPPED: ${browserMissing}`);

const WAIT = { timeout: 30_000 };

/** A P-256 public key, uncompressed and base64url, as Welcome.webpush_public_key carries it. */
const PUBLIC_KEY = createECDH("prime256v1").generateKeys().toString("base64url");

/** The server's "webpush" channel, which this test never needs to deliver through. */
const webpush: PushProvider = { name: "webpush", send: async () => ({ ok: true }) };

/** pushManager as the page sees it: a subscription of the test's own, and a record of the calls. */
const STUB = `
  window.pushCalls = [];
  let current = null;
  const fake = (key) => ({
    endpoint: "https://push.example.test/send/abc",
    options: { applicationServerKey: key, userVisibleOnly: true },
    toJSON: () => ({ endpoint: "https://push.example.test/send/abc", expirationTime: null,
      keys: { p256dh: "BPk-test-p256dh", auth: "test-auth" } }),
    unsubscribe: async () => { window.pushCalls.push(["unsubscribe"]); current = null; return true; },
  });
  PushManager.prototype.getSubscription = async function () { return current; };
  PushManager.prototype.subscribe = async function (opts) {
    const key = new Uint8Array(opts.applicationServerKey).buffer;
    window.pushCalls.push(["subscribe", opts.userVisibleOnly,
      btoa(String.fromCharCode(...new Uint8Array(key))).replace(/\\+/g, "-").replace(/\\//g, "_").replace(/=+$/, "")]);
    current = fake(key);
    return current;
  };
`;

describe("the web push subscription", { skip: browserMissing }, () => {
  let h: WebHarness;
  let origin = "";

  before(async () => {
    h = await WebHarness.start({}, { push: { providers: [webpush], webPushPublicKey: PUBLIC_KEY } });
    origin = h.base.replace(/\/$/, "");
    await h.users("alice", "bob");
  });
  after(() => h.close());

  /** Signed in as `name` with notifications allowed, `init` run before the client loads. */
  const login = async (name: string, init?: string): Promise<Page> => {
    const context = await h.browser.newContext({ locale: "en-US" });
    await context.grantPermissions(["notifications"], { origin });
    if (init) await context.addInitScript(init);
    const page = await context.newPage();
    await page.goto(h.base);
    await page.getByLabel("User").fill(name);
    await page.getByLabel("Password").fill(password(name));
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByTestId("me").waitFor();
    return page;
  };
  const devices = (name: string) => h.server.core.pushDevices.list(`${name}@${h.domain}`);
  const calls = (page: Page) => page.evaluate("window.pushCalls") as Promise<unknown[][]>;

  test("without a push service the failure is shown in the settings, with a way to try again", async () => {
    const page = await login("bob");
    await page.getByTestId("open-settings").click();
    const setting = page.getByTestId("push-setting");
    await setting.getByRole("alert").waitFor(WAIT);
    assert.match((await setting.getByRole("alert").textContent()) ?? "", /could not be turned on: \S/);
    assert.equal(await setting.getByRole("button", { name: "Notify me when Starling is closed" }).count(), 1);
    assert.deepEqual(await devices("bob"), [], "nothing registered");
    await expectAccessible(page, "push setting, failed", { include: ".push-setting" });
    await setting.scrollIntoViewIfNeeded();
    await h.shot(page, "push-no-service");
    await page.context().close();
  });

  test("registered on login, stopped and started again from the settings, removed on sign-out", async () => {
    const page = await login("alice", STUB);
    const [registered] = await poll(
      () => devices("alice"),
      (ds) => ds.length === 1,
      "the subscription registered",
    );
    assert.equal(registered?.provider, "webpush");
    assert.equal(registered?.platform, "web");
    assert.equal(registered?.appId, origin);
    assert.equal(registered?.locale, "en");
    assert.deepEqual(JSON.parse(registered?.token ?? "{}"), {
      endpoint: "https://push.example.test/send/abc",
      expirationTime: null,
      keys: { p256dh: "BPk-test-p256dh", auth: "test-auth" },
    });
    assert.deepEqual(
      await calls(page),
      [["subscribe", true, PUBLIC_KEY]],
      "userVisibleOnly, the server's key",
    );

    await page.getByTestId("open-settings").click();
    const setting = page.getByTestId("push-setting");
    await setting.getByText("even when Starling is closed").waitFor();
    await expectAccessible(page, "push setting, on", { include: ".push-setting" });
    await setting.getByRole("button", { name: "Stop" }).click();
    await setting.getByRole("button", { name: "Notify me when Starling is closed" }).waitFor();
    await poll(
      () => devices("alice"),
      (ds) => ds.length === 0,
      "the device removed",
    );
    await setting.getByRole("button", { name: "Notify me when Starling is closed" }).click();
    await setting.getByText("even when Starling is closed").waitFor();
    assert.equal((await devices("alice")).length, 1);

    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByLabel("User").waitFor();
    assert.deepEqual(await devices("alice"), [], "unregistered before the login ended");
    assert.deepEqual(
      (await calls(page)).map((c) => c[0]),
      ["subscribe", "unsubscribe", "subscribe", "unsubscribe"],
    );
    await page.context().close();
  });
});
