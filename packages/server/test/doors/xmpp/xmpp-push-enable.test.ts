// XEP-0357 sections 5 and 6 through a real XMPP client: the account advertises push, enable
// registers the app server's node as an "xmpp" push device, disable removes it.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { type XmlElement, xml } from "@xmpp/client";
import { parseXmppPushToken } from "../../../src/core/push/xmpp-token.js";
import { login } from "../../helpers/clients.js";
import { waitUntil } from "../../helpers/poll.js";
import { appServerCertificate, XmppAppServer } from "../../helpers/push-emulators/xmpp-app-server.js";
import { startTestServer, type TestServer } from "../../helpers/test-server.js";
import { DOMAIN, XmppTcp } from "../../helpers/xmpp-tcp.js";

const PUSH = "urn:xmpp:push:0";
const DISCO = "http://jabber.org/protocol/disco#info";
const OPTIONS = "http://jabber.org/protocol/pubsub#publish-options";

type XmppFailure = Error & { condition?: string };

const form = (fields: Record<string, string>) =>
  xml(
    "x",
    { xmlns: "jabber:x:data", type: "submit" },
    ...Object.entries(fields).map(([k, v]) => xml("field", { var: k }, xml("value", {}, v))),
  );

async function refusal(p: Promise<unknown>): Promise<string> {
  let failure: XmppFailure | undefined;
  await p.catch((err) => {
    failure = err as XmppFailure;
  });
  assert.ok(failure, "the IQ is refused");
  return failure.condition ?? failure.message;
}

/** An IQ set to the account's server (no "to", as Conversations and Monal send <enable/>). */
const set = (c: XmppTcp, payload: XmlElement) => c.xmpp.iqCaller.request(xml("iq", { type: "set" }, payload));

/** A port nothing listens on now, for the dialback verifier the app server must be told of beforehand. */
async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

const features = async (c: XmppTcp): Promise<string[]> => {
  const info = (await c.xmpp.iqCaller.get(xml("query", { xmlns: DISCO }), `alice@${DOMAIN}`)) as XmlElement;
  return info.getChildren("feature").map((f) => String(f.attrs.var));
};

describe("XEP-0357 enable and disable", () => {
  let ts: TestServer;
  let appServer: XmppAppServer;
  let alice: XmppTcp;
  let dir: string;
  const devices = () => ts.server.core.pushDevices.list(`alice@${DOMAIN}`);

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "starling-xmpp-push-"));
    const pems = await appServerCertificate("push.test");
    writeFileSync(join(dir, "ca.pem"), pems.cert);
    appServer = await XmppAppServer.start("push.test", pems);
    const s2sPort = await freePort();
    appServer.routeBack(DOMAIN, s2sPort);
    ts = await startTestServer({
      "push.xmpp.enabled": true,
      "push.xmpp.s2sPort": s2sPort,
      "push.xmpp.routes": `push.test=127.0.0.1:${appServer.port}`,
      "push.xmpp.caFile": join(dir, "ca.pem"),
    });
    await ts.addUser("alice");
    alice = new XmppTcp(ts, "alice");
    await alice.xmpp.start();
  });
  after(async () => {
    await alice?.stop();
    await ts?.close();
    await appServer?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test("the account's disco#info lists urn:xmpp:push:0", async () => {
    assert.ok((await features(alice)).includes(PUSH));
  });

  test("enable registers the node with its publish-options; enabling it again replaces them", async () => {
    for (const secret of ["a", "b"])
      await set(
        alice,
        xml("enable", { xmlns: PUSH, jid: "push.test", node: "n-1" }, form({ FORM_TYPE: OPTIONS, secret })),
      );
    const list = await devices();
    assert.equal(list.length, 1);
    const d = list[0];
    assert.ok(d);
    assert.equal(d.provider, "xmpp");
    assert.equal(d.platform, "other");
    assert.equal(d.appId, "push.test");
    assert.deepEqual(parseXmppPushToken(d.token), {
      jid: "push.test",
      node: "n-1",
      options: { FORM_TYPE: OPTIONS, secret: "b" },
    });
  });

  test("a malformed enable is bad-request", async () => {
    assert.equal(await refusal(set(alice, xml("enable", { xmlns: PUSH, jid: "push.test" }))), "bad-request");
    assert.equal(
      await refusal(set(alice, xml("enable", { xmlns: PUSH, jid: "a@@b", node: "n" }))),
      "bad-request",
    );
    assert.equal(
      await refusal(
        set(
          alice,
          xml("enable", { xmlns: PUSH, jid: "push.test", node: "n" }, form({ FORM_TYPE: "urn:other" })),
        ),
      ),
      "bad-request",
    );
    const tooMany: Record<string, string> = { FORM_TYPE: OPTIONS };
    for (let i = 0; i < 40; i++) tooMany[`f${i}`] = "v";
    assert.equal(
      await refusal(set(alice, xml("enable", { xmlns: PUSH, jid: "push.test", node: "n" }, form(tooMany)))),
      "bad-request",
    );
    assert.equal((await devices()).length, 1);
  });

  test("disable with a node removes that node; with only the JID, every node of that app server", async () => {
    await set(alice, xml("enable", { xmlns: PUSH, jid: "push.test", node: "n-2" }));
    await set(alice, xml("enable", { xmlns: PUSH, jid: "other.test", node: "n-3" }));
    assert.equal((await devices()).length, 3);
    await set(alice, xml("disable", { xmlns: PUSH, jid: "push.test", node: "n-2" }));
    assert.deepEqual(
      (await devices())
        .map((d) => parseXmppPushToken(d.token))
        .map((t) => typeof t !== "string" && t.node)
        .sort(),
      ["n-1", "n-3"],
    );
    await set(alice, xml("disable", { xmlns: PUSH, jid: "push.test" }));
    assert.deepEqual(
      (await devices()).map((d) => d.appId),
      ["other.test"],
    );
  });
});

describe("XEP-0357 end to end", () => {
  test("a client enables push, goes offline, and its app server gets one publish for a message", async () => {
    const dir = mkdtempSync(join(tmpdir(), "starling-xmpp-push-"));
    const pems = await appServerCertificate("push.test");
    writeFileSync(join(dir, "ca.pem"), pems.cert);
    const app = await XmppAppServer.start("push.test", pems);
    const s2sPort = await freePort();
    app.routeBack(DOMAIN, s2sPort);
    const ts = await startTestServer({
      "push.collapseMs": 0,
      "push.xmpp.enabled": true,
      "push.xmpp.s2sPort": s2sPort,
      "push.xmpp.routes": `push.test=127.0.0.1:${app.port}`,
      "push.xmpp.caFile": join(dir, "ca.pem"),
    });
    await ts.addUser("alice");
    await ts.addUser("bob");
    const alice = new XmppTcp(ts, "alice");
    const bob = await login(ts, "bob");
    try {
      await alice.xmpp.start();
      assert.ok((await features(alice)).includes(PUSH));
      await set(
        alice,
        xml(
          "enable",
          { xmlns: PUSH, jid: "push.test", node: app.validNode },
          form({ FORM_TYPE: OPTIONS, secret: app.secret }),
        ),
      );
      await alice.stop();
      await waitUntil(() => ts.server.core.presence.localSessions(`alice@${DOMAIN}`) === 0, "alice offline");
      await bob.sdk.send({ to: `alice@${DOMAIN}`, text: "are you there?" });
      await waitUntil(() => app.publishes.length >= 1, "the app server's publish");
      assert.equal(app.publishes.length, 1);
      const p = app.publishes[0];
      assert.ok(p);
      assert.equal(p.from, `alice@${DOMAIN}`);
      assert.equal(p.node, app.validNode);
      assert.equal(p.summary["message-count"], "1");
      assert.equal(p.summary["last-message-sender"], `bob@${DOMAIN}`);
      assert.equal(p.options.secret, app.secret);
    } finally {
      await alice.stop();
      await bob.close();
      await ts.close();
      await app.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("XEP-0357 when push to app servers is off, as it is by default", () => {
  test("disco does not list it and enable is not-allowed", async () => {
    const ts = await startTestServer();
    await ts.addUser("alice");
    const alice = new XmppTcp(ts, "alice");
    try {
      await alice.xmpp.start();
      assert.ok(!(await features(alice)).includes(PUSH));
      assert.equal(
        await refusal(set(alice, xml("enable", { xmlns: PUSH, jid: "push.test", node: "n" }))),
        "not-allowed",
      );
    } finally {
      await alice.stop();
      await ts.close();
    }
  });
});
