// The XEP-0357 publisher over real server-to-server streams, against an app server's XMPP
// server on loopback: what a publish carries, stream reuse and idling, certificate checks, and
// the dialback verifier as other servers reach it.
import assert from "node:assert/strict";
import net from "node:net";
import { after, before, describe, test } from "node:test";
import { XmppPushProvider } from "../../../src/adapters/push/xmpp-push.js";
import type { PushPublisher } from "../../../src/doors/xmpp/s2s/push-publisher.js";
import { notification } from "../../contracts/push-provider.js";
import { waitUntil } from "../../helpers/poll.js";
import {
  type AppServerOptions,
  appServerCertificate,
  publisherTowards,
  XmppAppServer,
} from "../../helpers/push-emulators/xmpp-app-server.js";

const target = (token: string) => ({
  deviceId: "d1",
  userId: "bob@example.com",
  token,
  appId: "push.test",
  platform: "other",
  locale: "",
});

/** A raw connection to the dialback verifier; resolves with all it read once it closed. */
function talk(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, "127.0.0.1");
    let got = "";
    s.on("data", (d) => {
      got += d.toString();
    });
    s.on("error", reject);
    s.on("close", () => resolve(got));
    s.write(text);
  });
}

const HEADER =
  "<?xml version='1.0'?><stream:stream xmlns='jabber:server' xmlns:stream='http://etherx.jabber.org/streams' xmlns:db='jabber:server:dialback' from='push.test' to='example.com' version='1.0'>";

describe("XEP-0357 publishes over server-to-server streams", () => {
  let app: XmppAppServer;
  let cert: string;
  let pub: PushPublisher;
  let provider: XmppPushProvider;
  let verifierPort: number;

  before(async () => {
    const pems = await appServerCertificate("push.test");
    cert = pems.cert;
    app = await XmppAppServer.start("push.test", pems);
    pub = publisherTowards(app, cert);
    verifierPort = await pub.start();
    app.routeBack("example.com", verifierPort);
    provider = new XmppPushProvider(pub);
  });
  after(async () => {
    await provider?.close();
    await app?.stop();
  });

  test("a publish carries the summary form from the user's JID, and the client's publish-options", async () => {
    const out = await provider.send(target(app.validToken), notification({ count: 4, body: "你好" }));
    assert.deepEqual(out, { ok: true });
    const p = app.publishes.at(-1);
    assert.ok(p);
    assert.equal(p.from, "bob@example.com");
    assert.equal(p.node, app.validNode);
    assert.equal(p.summary.FORM_TYPE, "urn:xmpp:push:summary");
    assert.equal(p.summary["message-count"], "4");
    assert.equal(p.summary["last-message-sender"], "liudehua@example.com");
    assert.equal(p.summary["last-message-body"], "你好");
    assert.equal(JSON.parse(p.summary["x-starling-payload"] ?? "{}").conversationId, "g:0123456789abcdef");
    assert.equal(p.options.FORM_TYPE, "http://jabber.org/protocol/pubsub#publish-options");
    assert.equal(p.options.secret, app.secret);
  });

  test("a quiet publish names neither the sender nor the text", async () => {
    assert.deepEqual(await provider.send(target(app.validToken), notification({ quiet: true })), {
      ok: true,
    });
    const p = app.publishes.at(-1);
    assert.ok(p);
    assert.equal(p.summary["message-count"], "1");
    assert.equal(p.summary["last-message-sender"], undefined);
    assert.equal(p.summary["last-message-body"], undefined);
  });

  test("publishes share one stream", async () => {
    const before = app.connections;
    await Promise.all([1, 2, 3].map(() => provider.send(target(app.validToken), notification())));
    assert.equal(app.connections, before);
  });

  test("a request from the app server is answered service-unavailable", async () => {
    app.probeNext();
    assert.deepEqual(await provider.send(target(app.validToken), notification()), { ok: true });
    await waitUntil(() => app.probeAnswers.length === 1, "the answer to the app server's ping");
    assert.match(app.probeAnswers[0] ?? "", /type="error"|type='error'/);
    assert.match(app.probeAnswers[0] ?? "", /service-unavailable/);
  });

  test("a wrong secret is a dead registration", async () => {
    const out = await provider.send(target(app.tokenFor(app.validNode, "stale")), notification());
    assert.equal(!out.ok && out.reason, "dead_token");
  });

  test("the verifier answers only keys it issued, and refuses anything else with a stream error", async () => {
    const invalid = await talk(
      verifierPort,
      `${HEADER}<db:verify from='push.test' to='example.com' id='abc'>0123</db:verify></stream:stream>`,
    );
    assert.match(invalid, /<db:verify [^>]*type='invalid'/);
    const other = await talk(verifierPort, `${HEADER}<iq type='get' id='1'/>`);
    assert.match(other, /<stream:error[^>]*><not-authorized xmlns='urn:ietf:params:xml:ns:xmpp-streams'\/>/);
  });
});

interface Setup {
  /** The CA the publisher trusts (default: the app server's own certificate). */
  trust?: string;
  app?: AppServerOptions;
  identity?: { key: string; cert: string };
  idleTimeoutMs?: number;
  /** Whether the app server may connect back for dialback (default true). */
  routeBack?: boolean;
}

/** An app server and a provider towards it, for one test; both closed after it. */
async function withAppServer(
  setup: Setup,
  run: (app: XmppAppServer, provider: XmppPushProvider) => Promise<void>,
): Promise<void> {
  const pems = await appServerCertificate("push.test");
  const app = await XmppAppServer.start("push.test", pems, setup.app);
  const pub = publisherTowards(app, setup.trust ?? pems.cert, {
    ...(setup.idleTimeoutMs ? { idleTimeoutMs: setup.idleTimeoutMs } : {}),
    ...(setup.identity ? { identity: setup.identity } : {}),
  });
  const port = await pub.start();
  if (setup.routeBack ?? true) app.routeBack("example.com", port);
  const provider = new XmppPushProvider(pub);
  try {
    await run(app, provider);
  } finally {
    await provider.close();
    await app.stop();
  }
}

describe("XEP-0357 app server streams", () => {
  test("an app server whose certificate is not trusted is refused before anything is sent", async () => {
    const other = await appServerCertificate("push.test");
    await withAppServer({ trust: other.cert }, async (app, provider) => {
      const out = await provider.send(target(app.validToken), notification());
      assert.equal(!out.ok && out.reason, "rejected");
      assert.equal(app.publishes.length, 0);
    });
  });

  test("an idle stream is closed, and the next publish opens another", async () => {
    await withAppServer({ idleTimeoutMs: 100 }, async (app, provider) => {
      assert.deepEqual(await provider.send(target(app.validToken), notification()), { ok: true });
      await waitUntil(() => app.open === 0, "the idle stream to close");
      assert.deepEqual(await provider.send(target(app.validToken), notification()), { ok: true });
      assert.equal(app.connections, 2);
    });
  });

  test("SASL EXTERNAL with our certificate where the app server trusts it, without dialback", async () => {
    const ours = await appServerCertificate("example.com");
    // No route back: a dialback check would fail.
    await withAppServer(
      { app: { externalCa: ours.cert }, identity: ours, routeBack: false },
      async (app, provider) => {
        assert.deepEqual(await provider.send(target(app.validToken), notification()), { ok: true });
        assert.deepEqual(app.authenticatedBy, ["external"]);
        assert.equal(app.publishes.length, 1);
      },
    );
  });

  test("a certificate the app server does not trust for our domain falls back to dialback", async () => {
    const trusted = await appServerCertificate("example.com");
    const ours = await appServerCertificate("example.com");
    await withAppServer({ app: { externalCa: trusted.cert }, identity: ours }, async (app, provider) => {
      assert.deepEqual(await provider.send(target(app.validToken), notification()), { ok: true });
      assert.deepEqual(app.authenticatedBy, ["dialback"]);
    });
  });

  test("without bidi a publish counts once written on the authenticated stream", async () => {
    await withAppServer({ app: { bidi: false } }, async (app, provider) => {
      assert.deepEqual(await provider.send(target(app.validToken), notification()), { ok: true });
      await waitUntil(() => app.publishes.length === 1, "the publish to arrive");
    });
  });
});
