import assert from "node:assert/strict";
import { once } from "node:events";
import { after, before, describe, test } from "node:test";
import { client, type XmlElement, xml } from "@xmpp/client";
import * as XMPP from "stanza";
import WebSocket from "ws";
import { type Client, login } from "../../helpers/clients.js";
import { RawXmpp, streamHeader } from "../../helpers/raw-xmpp.js";
import { passwordOf, startTestServer, type TestServer } from "../../helpers/test-server.js";
import { DOMAIN, XmppTcp } from "../../helpers/xmpp-tcp.js";

describe("XMPP gateway", () => {
  let ts: TestServer;
  let bob: Client;
  const open: XmppTcp[] = [];
  const tcp = (name: string, opts?: { mechanism?: string; password?: string; resource?: string }) => {
    const c = new XmppTcp(ts, name, opts);
    open.push(c);
    return c;
  };

  before(async () => {
    ts = await startTestServer({ "xmpp.port": 0 });
    for (const name of ["alice", "bob", "carol", "dave", "erin", "frank", "gina", "hank"])
      await ts.addUser(name);
    bob = await login(ts, "bob");
  });
  after(async () => {
    await Promise.all(open.map((c) => c.stop()));
    await bob.close();
    await ts.close();
  });

  test("TCP with STARTTLS, SCRAM-SHA-1 (@xmpp/client): a bound full JID", async () => {
    const c = tcp("alice", { mechanism: "SCRAM-SHA-1" });
    const jid = await c.xmpp.start();
    assert.equal(jid.toString(), `alice@${DOMAIN}/laptop`);
  });

  test("TCP with STARTTLS, PLAIN (@xmpp/client)", async () => {
    const c = tcp("carol", { mechanism: "PLAIN" });
    const jid = await c.xmpp.start();
    assert.equal(jid.toString(), `carol@${DOMAIN}/laptop`);
  });

  test("a wrong password is not-authorized", async () => {
    const c = tcp("dave", { mechanism: "SCRAM-SHA-1", password: "not-the-password" });
    await assert.rejects(c.xmpp.start(), (err: Error & { condition?: string }) => {
      assert.equal(err.condition, "not-authorized");
      return true;
    });
    const p = tcp("dave", { mechanism: "PLAIN", password: "not-the-password" });
    await assert.rejects(p.xmpp.start(), (err: Error & { condition?: string }) => {
      assert.equal(err.condition, "not-authorized");
      return true;
    });
  });

  test("WebSocket at /xmpp with @xmpp/client: log in and chat with a native user", async () => {
    // @xmpp/websocket uses the platform's WebSocket, which Node 20 has only behind a flag.
    const g = globalThis as { WebSocket?: unknown };
    const before = g.WebSocket;
    g.WebSocket ??= WebSocket;
    const c = client({
      service: `ws://127.0.0.1:${ts.server.httpPort}/xmpp`,
      domain: DOMAIN,
      resource: "web",
      username: "gina",
      password: passwordOf("gina"),
    });
    c.reconnect.stop();
    c.on("error", () => {});
    const got: XmlElement[] = [];
    c.on("stanza", (st: XmlElement) => got.push(st));
    try {
      const jid = await c.start();
      assert.equal(jid.toString(), `gina@${DOMAIN}/web`);
      await c.send(
        xml("message", { to: `bob@${DOMAIN}`, type: "chat", id: "ws-1" }, xml("body", {}, "over ws")),
      );
      const conv = `d:bob@${DOMAIN}|gina@${DOMAIN}`;
      await bob.until(
        () => bob.in(conv).some((m) => m.clientMsgId.endsWith("~ws-1")),
        "the message over WebSocket",
      );
      await bob.sdk.send({ to: "gina", text: "back over ws" });
      await bob.until(() => got.some((st) => st.getChildText("body") === "back over ws"), "the answer");
    } finally {
      await c.stop().catch(() => {});
      g.WebSocket = before;
    }
  });

  test("WebSocket at /xmpp with stanza: SCRAM-SHA-256, no PLAIN without TLS", async () => {
    const agent = XMPP.createClient({
      jid: `erin@${DOMAIN}`,
      password: passwordOf("erin"),
      resource: "browser",
      allowResumption: false,
      transports: { websocket: `ws://127.0.0.1:${ts.server.httpPort}/xmpp`, bosh: false },
    });
    const raw: string[] = [];
    agent.on("raw", (direction: string, data: string) => raw.push(`${direction} ${data}`));
    const started = once(agent, "session:started");
    agent.connect();
    await started;
    assert.equal(agent.jid, `erin@${DOMAIN}/browser`);
    const features = raw.find((r) => r.startsWith("incoming") && r.includes("<mechanisms"));
    assert.ok(features?.includes("SCRAM-SHA-256"));
    assert.ok(!features?.includes("PLAIN"), "PLAIN is offered only over TLS");
    assert.ok(raw.some((r) => r.startsWith("outgoing") && /mechanism="SCRAM-SHA-256"/.test(r)));
    await agent.ping(DOMAIN);
    const ended = once(agent, "disconnected");
    agent.disconnect();
    await ended;
  });

  test("an XMPP user and a native user chat both ways in one conversation and sequence", async () => {
    const alice = tcp("alice", { resource: "phone" });
    await alice.xmpp.start();
    await alice.xmpp.send(
      xml("message", { to: `bob@${DOMAIN}`, type: "chat", id: "x-1" }, xml("body", {}, "hi bob, from xmpp")),
    );
    const conv = `d:alice@${DOMAIN}|bob@${DOMAIN}`;
    await bob.until(() => bob.in(conv).some((m) => m.content?.text === "hi bob, from xmpp"), "xmpp message");
    const got = bob.in(conv).find((m) => m.content?.text === "hi bob, from xmpp");
    assert.equal(got?.senderId, `alice@${DOMAIN}`);
    // Stored under the stanza id scoped to its stream (XMPP ids are unique only within one).
    assert.match(got?.clientMsgId ?? "", /^x~[\w-]{8}~x-1$/);

    const ack = await bob.sdk.send({ to: "alice", text: "hello <alice> & co" });
    assert.equal(ack.conversationId, conv);
    assert.equal(ack.seq, (got?.seq ?? 0n) + 1n);
    await alice.until(() => alice.chats().length > 0, "native message over xmpp");
    const m = alice.chats()[0] as XmlElement;
    assert.equal(m.attrs.from, `bob@${DOMAIN}/starling`);
    assert.equal(m.attrs.to, `alice@${DOMAIN}/phone`);
    assert.equal(m.getChildText("body"), "hello <alice> & co");
    const sid = m.getChild("stanza-id", "urn:xmpp:sid:0");
    assert.equal(sid?.attrs.by, `alice@${DOMAIN}`);
    assert.equal(sid?.attrs.id, `${conv}:${ack.seq}`);

    const h = await bob.sdk.history(conv, { beforeSeq: Number(ack.seq) + 1, limit: 10 });
    const texts = h.messages.map((x) => [Number(x.seq), x.content?.text]);
    assert.deepEqual(texts.slice(-2), [
      [Number(ack.seq) - 1, "hi bob, from xmpp"],
      [Number(ack.seq), "hello <alice> & co"],
    ]);
    // The sending session gets no echo of its own message.
    assert.ok(!alice.chats().some((s) => s.getChildText("body") === "hi bob, from xmpp"));
  });

  test("ping is answered and disco#info lists the server's features", async () => {
    const c = tcp("carol");
    await c.xmpp.start();
    const pong = await c.xmpp.iqCaller.request(
      xml("iq", { type: "get", to: DOMAIN }, xml("ping", { xmlns: "urn:xmpp:ping" })),
    );
    assert.equal(pong.attrs.type, "result");
    assert.equal(pong.attrs.from, DOMAIN);
    const info = await c.xmpp.iqCaller.get(
      xml("query", { xmlns: "http://jabber.org/protocol/disco#info" }),
      DOMAIN,
    );
    const features = info.getChildren("feature").map((f) => f.attrs.var);
    for (const f of ["http://jabber.org/protocol/disco#info", "urn:xmpp:ping", "urn:xmpp:sid:0"])
      assert.ok(features.includes(f), f);
    assert.equal(info.getChild("identity")?.attrs.category, "server");
    await assert.rejects(
      c.xmpp.iqCaller.get(xml("query", { xmlns: "jabber:iq:version-unknown" }), DOMAIN),
      (err: Error & { condition?: string }) => err.condition === "service-unavailable",
    );
  });

  test("the roster is built from one's chats and department; vCards come from the directory", async () => {
    const admin = ts.server.admin;
    const ctx = { actor: "system", source: "test", scope: "*" };
    const dept = await admin.saveDepartment(ctx, DOMAIN, { name: "Design", parentId: "" });
    for (const [u, title] of [
      ["gina", "Designer"],
      ["hank", "Illustrator"],
    ])
      await admin.updateProfile(ctx, `${u}@${DOMAIN}`, {
        departmentId: dept.id,
        title,
        displayName: `${u} (design)`,
      });
    await bob.sdk.send({ to: "gina", text: "hello gina" });
    const c = tcp("gina");
    await c.xmpp.start();
    const roster = await c.xmpp.iqCaller.get(xml("query", { xmlns: "jabber:iq:roster" }));
    const items = roster
      .getChildren("item")
      .map((i) => [i.attrs.jid, i.attrs.subscription, i.getChildText("group")]);
    assert.deepEqual(items.sort(), [
      [`bob@${DOMAIN}`, "both", "Chats"],
      [`hank@${DOMAIN}`, "both", "Design"],
    ]);
    const card = await c.xmpp.iqCaller.get(xml("vCard", { xmlns: "vcard-temp" }), `hank@${DOMAIN}`);
    assert.deepEqual([card.getChildText("FN"), card.getChildText("TITLE")], ["hank (design)", "Illustrator"]);
    assert.equal(card.getChild("ORG")?.getChildText("ORGUNIT"), "Design");
    const mine = await c.xmpp.iqCaller.get(xml("vCard", { xmlns: "vcard-temp" }));
    assert.equal(mine.getChildText("TITLE"), "Designer");
    await assert.rejects(
      c.xmpp.iqCaller.get(xml("vCard", { xmlns: "vcard-temp" }), `nobody@${DOMAIN}`),
      (err: Error & { condition?: string }) => err.condition === "item-not-found",
    );
    await assert.rejects(
      c.xmpp.iqCaller.request(
        xml(
          "iq",
          { type: "set" },
          xml("query", { xmlns: "jabber:iq:roster" }, xml("item", { jid: `x@${DOMAIN}` })),
        ),
      ),
      (err: Error & { condition?: string }) => err.condition === "not-allowed",
    );
  });

  test("SCRAM keys follow a password reset, which ends the user's XMPP streams", async () => {
    const c = tcp("frank", { mechanism: "SCRAM-SHA-1" });
    await c.xmpp.start();
    const errors: (Error & { condition?: string })[] = [];
    c.xmpp.on("error", (e: Error) => errors.push(e));
    // events.once would reject on the "error" event that carries the stream error.
    const gone = new Promise((resolve) => c.xmpp.once("disconnect", resolve));
    await ts.server.core.accounts.setPassword(`frank@${DOMAIN}`, "a-brand-new-password");
    await gone;
    assert.ok(errors.some((e) => e.condition === "not-authorized"));
    const again = tcp("frank", { mechanism: "SCRAM-SHA-1", password: "a-brand-new-password" });
    await again.xmpp.start();
  });

  test("a user without SCRAM keys gets them at the next password login", async () => {
    await ts.server.store.db
      .deleteFrom("scram_credentials")
      .where("user_id", "=", `hank@${DOMAIN}`)
      .execute();
    const before = tcp("hank", { mechanism: "SCRAM-SHA-1" });
    await assert.rejects(before.xmpp.start(), (err: Error & { condition?: string }) => {
      assert.equal(err.condition, "not-authorized");
      return true;
    });
    await tcp("hank", { mechanism: "PLAIN" }).xmpp.start();
    await tcp("hank", { mechanism: "SCRAM-SHA-1", resource: "desk" }).xmpp.start();
  });

  test("failed SASL logins count towards the account lockout", async () => {
    for (let i = 0; i < 5; i++) {
      await assert.rejects(tcp("gina", { mechanism: "SCRAM-SHA-1", password: `wrong-${i}` }).xmpp.start());
    }
    await assert.rejects(
      tcp("gina", { mechanism: "PLAIN" }).xmpp.start(),
      (err: Error & { condition?: string }) => {
        assert.equal(err.condition, "not-authorized");
        return true;
      },
    );
  });

  describe("bad input ends only the offending stream", () => {
    const streamErrorOf = (text: string) =>
      /<stream:error[^>]*><([a-z-]+) xmlns='urn:ietf:params:xml:ns:xmpp-streams'/.exec(text)?.[1];

    test("malformed XML: not-well-formed", async () => {
      const r = await RawXmpp.connect(ts.server.xmppPort);
      await r.startTls(DOMAIN);
      r.write("<message to='bob@starling.local'><body>oops</message>");
      assert.equal(streamErrorOf(await r.ended()), "not-well-formed");
    });

    test("a DOCTYPE with an entity declaration: restricted-xml", async () => {
      const r = await RawXmpp.connect(ts.server.xmppPort);
      r.write(
        `<?xml version='1.0'?><!DOCTYPE lol [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]>${streamHeader(DOMAIN).replace("<?xml version='1.0'?>", "")}`,
      );
      assert.equal(streamErrorOf(await r.ended()), "restricted-xml");
    });

    test("a processing instruction inside the stream: restricted-xml", async () => {
      const r = await RawXmpp.connect(ts.server.xmppPort);
      await r.startTls(DOMAIN);
      r.write("<?evil data?>");
      assert.equal(streamErrorOf(await r.ended()), "restricted-xml");
    });

    test("an oversize stanza: policy-violation", async () => {
      const r = await RawXmpp.connect(ts.server.xmppPort);
      await r.startTls(DOMAIN);
      r.write("<message to='bob@starling.local'><body>");
      const chunk = "a".repeat(64 * 1024);
      for (let i = 0; i < 5 && !r.closed; i++) r.write(chunk);
      assert.equal(streamErrorOf(await r.ended()), "policy-violation");
    });

    test("an unknown top-level element: unsupported-stanza-type", async () => {
      const r = await RawXmpp.connect(ts.server.xmppPort);
      await r.startTls(DOMAIN);
      r.write("<bogus xmlns='urn:example:not-a-feature'/>");
      assert.equal(streamErrorOf(await r.ended()), "unsupported-stanza-type");
    });

    test("stanzas before STARTTLS: policy-violation", async () => {
      const r = await RawXmpp.connect(ts.server.xmppPort);
      r.write(streamHeader(DOMAIN));
      await r.until(/<\/stream:features>/);
      r.write("<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>AGEAYg==</auth>");
      assert.equal(streamErrorOf(await r.ended()), "policy-violation");
    });

    test("a WebSocket message that is not XML: not-well-formed, closed with <close/>", async () => {
      const ws = new WebSocket(`ws://127.0.0.1:${ts.server.httpPort}/xmpp`, "xmpp");
      const got: string[] = [];
      ws.on("message", (d) => got.push(String(d)));
      await once(ws, "open");
      ws.send(`<open xmlns='urn:ietf:params:xml:ns:xmpp-framing' to='${DOMAIN}' version='1.0'/>`);
      ws.send("<message><body>broken</message>");
      await once(ws, "close");
      assert.ok(got[0]?.startsWith("<open "));
      assert.ok(got.some((m) => m.includes("<not-well-formed ")));
      assert.ok(got[got.length - 1]?.startsWith("<close "));
    });

    test("a flood of stanzas is refused with resource-constraint, then the stream ends", async () => {
      const r = await RawXmpp.connect(ts.server.xmppPort);
      await r.startTls(DOMAIN);
      await r.loginPlain(`dave@${DOMAIN}`, passwordOf("dave"));
      const ping = "<iq type='get' id='p'><ping xmlns='urn:xmpp:ping'/></iq>";
      // The test server allows 1000 stanzas in a burst and 1000 refusals: many more at once end the stream.
      r.write(ping.repeat(5000));
      const text = await r.ended();
      assert.ok(text.includes("<resource-constraint "));
      assert.equal(streamErrorOf(text), "policy-violation");
    });

    test("afterwards a new connection logs in and chats", async () => {
      const c = tcp("carol", { mechanism: "SCRAM-SHA-1" });
      await c.xmpp.start();
      await c.xmpp.send(xml("message", { to: `bob@${DOMAIN}`, type: "chat" }, xml("body", {}, "still here")));
      await bob.until(
        () => bob.messages.some((m) => m.content?.text === "still here"),
        "message after bad input",
      );
      const reply = await bob.sdk.send({ to: "carol", text: "good" });
      await c.until(() => c.chats().some((s) => s.getChildText("body") === "good"), "reply");
      assert.ok(reply.seq >= 2n);
    });
  });
});
