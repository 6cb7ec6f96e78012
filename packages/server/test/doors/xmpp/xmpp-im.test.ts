import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { PresenceStatus } from "@starling/protocol";
import { type XmlElement, xml } from "@xmpp/client";
import { type Client, login } from "../../helpers/clients.js";
import { startTestServer, type TestServer } from "../../helpers/test-server.js";
import { DOMAIN, XmppTcp } from "../../helpers/xmpp-tcp.js";

const RECEIPTS = "urn:xmpp:receipts";
const MARKERS = "urn:xmpp:chat-markers:0";
const CARBONS = "urn:xmpp:carbons:2";
const RETRACT = "urn:xmpp:message-retract:1";

describe("XMPP 1:1 extras: receipts, markers, carbons, retraction, presence, chat states", () => {
  let ts: TestServer;
  let bob: Client;
  const conv = `d:alice@${DOMAIN}|bob@${DOMAIN}`;
  const open: XmppTcp[] = [];
  const tcp = async (name: string, resource: string) => {
    const c = new XmppTcp(ts, name, { resource });
    open.push(c);
    await c.xmpp.start();
    return c;
  };
  const bodies = (c: XmppTcp) => c.chats().map((m) => m.getChildText("body"));

  before(async () => {
    ts = await startTestServer({ "xmpp.port": 0 });
    for (const name of ["alice", "bob", "carol"]) await ts.addUser(name);
    bob = await login(ts, "bob");
  });
  after(async () => {
    await Promise.all(open.map((c) => c.stop()));
    await bob.close();
    await ts.close();
  });

  test("receipts and markers from an XMPP client move the native sender's cursors", async () => {
    const alice = await tcp("alice", "phone");
    const ack = await bob.sdk.send({ to: "alice", text: "please confirm" });
    await alice.until(() => bodies(alice).includes("please confirm"), "the message");
    const m = alice.chats().find((s) => s.getChildText("body") === "please confirm") as XmlElement;
    assert.ok(m.getChild("request", RECEIPTS), "asks for a receipt");
    assert.ok(m.getChild("markable", MARKERS), "is markable");
    const id = m.attrs.id as string;

    await alice.xmpp.send(
      xml("message", { to: `bob@${DOMAIN}`, id: "rcpt-1" }, xml("received", { xmlns: RECEIPTS, id })),
    );
    await bob.until(
      () => bob.list("receipt").some((r) => r.userId === `alice@${DOMAIN}` && r.deliveredSeq === ack.seq),
      "delivered",
    );
    await alice.xmpp.send(
      xml("message", { to: `bob@${DOMAIN}`, type: "chat" }, xml("displayed", { xmlns: MARKERS, id })),
    );
    await bob.until(
      () => bob.list("receipt").some((r) => r.userId === `alice@${DOMAIN}` && r.readSeq === ack.seq),
      "read",
    );
    // A marker naming someone else's or an unknown message moves nothing and breaks nothing.
    await alice.xmpp.send(
      xml("message", { to: `bob@${DOMAIN}`, type: "chat" }, xml("displayed", { xmlns: MARKERS, id: "nope" })),
    );
    const pong = await alice.xmpp.iqCaller.request(
      xml("iq", { type: "get", to: DOMAIN }, xml("ping", { xmlns: "urn:xmpp:ping" })),
    );
    assert.equal(pong.attrs.type, "result");
  });

  test("a native reader's cursors come back to the XMPP sender as a receipt and a marker", async () => {
    const alice = open[0] as XmppTcp;
    await alice.xmpp.send(
      xml("message", { to: `bob@${DOMAIN}`, type: "chat", id: "ask-1" }, xml("body", {}, "did you get it?")),
    );
    await bob.until(() => bob.in(conv).some((m) => m.clientMsgId.endsWith("~ask-1")), "alice's message");
    const seq = bob.in(conv).find((m) => m.clientMsgId.endsWith("~ask-1"))?.seq ?? 0n;
    await bob.sdk.markDelivered(conv, seq);
    await alice.until(
      () => alice.stanzas.some((s) => s.getChild("received", RECEIPTS)?.attrs.id === "ask-1"),
      "receipt",
    );
    const receipt = alice.stanzas.find((s) => s.getChild("received", RECEIPTS)) as XmlElement;
    assert.equal(receipt.attrs.from, `bob@${DOMAIN}/starling`);
    await bob.sdk.markRead(conv, seq);
    await alice.until(
      () => alice.stanzas.some((s) => s.getChild("displayed", MARKERS)?.attrs.id === "ask-1"),
      "displayed marker",
    );
    assert.equal(
      alice.stanzas.filter((s) => s.getChild("displayed", MARKERS)?.attrs.id === "ask-1").length,
      1,
      "each marker once",
    );
  });

  test("carbons: a second resource sees what the user sent from other devices", async () => {
    const phone = open[0] as XmppTcp;
    const laptop = await tcp("alice", "laptop");
    await laptop.xmpp.iqCaller.request(xml("iq", { type: "set" }, xml("enable", { xmlns: CARBONS })));
    await phone.xmpp.send(
      xml("message", { to: `bob@${DOMAIN}`, type: "chat", id: "c-1" }, xml("body", {}, "from my phone")),
    );
    const aliceSdk = await login(ts, "alice");
    try {
      await aliceSdk.sdk.send({ to: "bob", text: "from the native app" });
      const sent = () =>
        laptop.stanzas
          .map((s) =>
            s.getChild("sent", CARBONS)?.getChild("forwarded", "urn:xmpp:forward:0")?.getChild("message"),
          )
          .filter((m): m is XmlElement => m !== undefined);
      await laptop.until(() => sent().length >= 2, "two sent carbons");
      const [fromPhone, fromApp] = sent();
      assert.equal(fromPhone?.getChildText("body"), "from my phone");
      assert.equal(fromPhone?.attrs.to, `bob@${DOMAIN}`);
      assert.equal(fromPhone?.attrs.from, `alice@${DOMAIN}`);
      assert.equal(fromPhone?.attrs.id, "c-1");
      assert.equal(fromApp?.getChildText("body"), "from the native app");
      const wrapper = laptop.stanzas.find((s) => s.getChild("sent", CARBONS)) as XmlElement;
      assert.equal(wrapper.attrs.from, `alice@${DOMAIN}`);
      // The phone did not enable carbons: it does not get the app's message, nor its own back.
      assert.ok(!phone.stanzas.some((s) => s.getChild("sent", CARBONS)));
      await laptop.xmpp.iqCaller.request(xml("iq", { type: "set" }, xml("disable", { xmlns: CARBONS })));
    } finally {
      await aliceSdk.close();
    }
  });

  test("retraction (XEP-0424) is recall, both ways", async () => {
    const phone = open[0] as XmppTcp;
    await phone.xmpp.send(
      xml("message", { to: `bob@${DOMAIN}`, type: "chat", id: "oops-1" }, xml("body", {}, "wrong chat")),
    );
    await bob.until(() => bob.in(conv).some((m) => m.clientMsgId.endsWith("~oops-1")), "the mistake");
    const seq = bob.in(conv).find((m) => m.clientMsgId.endsWith("~oops-1"))?.seq;
    await phone.xmpp.send(
      xml(
        "message",
        { to: `bob@${DOMAIN}`, type: "chat", id: "r-1" },
        xml("retract", { xmlns: RETRACT, id: "oops-1" }),
      ),
    );
    await bob.until(
      () =>
        bob
          .in(conv)
          .some((m) => m.event?.kind.case === "messageRecalled" && m.event.kind.value.targetSeq === seq),
      "the recall",
    );
    const h = await bob.sdk.history(conv, { limit: 100 });
    assert.ok(h.messages.find((m) => m.seq === seq)?.recalled, "recalled in history");

    // Retracting someone else's message is refused.
    const theirs = await bob.sdk.send({ to: "alice", text: "bob's words" });
    await phone.until(() => bodies(phone).includes("bob's words"), "bob's message");
    const theirId = phone.chats().find((m) => m.getChildText("body") === "bob's words")?.attrs.id as string;
    await phone.xmpp.send(
      xml(
        "message",
        { to: `bob@${DOMAIN}`, type: "chat", id: "r-2" },
        xml("retract", { xmlns: RETRACT, id: theirId }),
      ),
    );
    await phone.until(
      () => phone.stanzas.some((s) => s.attrs.id === "r-2" && s.attrs.type === "error"),
      "refusal",
    );

    await bob.sdk.recall(conv, theirs.seq);
    await phone.until(
      () => phone.stanzas.some((s) => s.getChild("retract", RETRACT)?.attrs.id === theirId),
      "bob's retraction",
    );
    const retraction = phone.stanzas.find((s) => s.getChild("retract", RETRACT)) as XmlElement;
    assert.equal(retraction.attrs.from, `bob@${DOMAIN}/starling`);
    assert.ok(retraction.getChild("fallback", "urn:xmpp:fallback:0"));
  });

  test("a new chat partner is pushed to the roster", async () => {
    const phone = open[0] as XmppTcp;
    const roster = await phone.xmpp.iqCaller.get(xml("query", { xmlns: "jabber:iq:roster" }));
    const jids = roster.getChildren("item").map((i) => i.attrs.jid);
    assert.ok(jids.includes(`bob@${DOMAIN}`));
    assert.ok(!jids.includes(`carol@${DOMAIN}`));
    const carol = await login(ts, "carol");
    try {
      await carol.sdk.send({ to: "alice", text: "hi, I'm new" });
      await phone.until(
        () =>
          phone.stanzas.some(
            (s) =>
              s.is("iq") &&
              s.attrs.type === "set" &&
              s.getChild("query", "jabber:iq:roster")?.getChild("item")?.attrs.jid === `carol@${DOMAIN}`,
          ),
        "roster push",
      );
      await phone.until(() => bodies(phone).includes("hi, I'm new"), "carol's message");
    } finally {
      await carol.close();
    }
  });

  test("presence follows the roster both ways, and chat states are typing", async () => {
    const phone = open[0] as XmppTcp;
    await phone.xmpp.send(xml("presence", {}, xml("show", {}, "away")));
    // Bob has chatted with alice, so he is on her roster; he is online.
    await phone.until(
      () =>
        phone.stanzas.some(
          (s) => s.is("presence") && s.attrs.from === `bob@${DOMAIN}/starling` && !s.attrs.type,
        ),
      "bob online",
    );
    const [state] = await bob.sdk.subscribePresence([`alice@${DOMAIN}`]);
    assert.equal(state?.status, PresenceStatus.AWAY);

    await bob.sdk.setPresence(PresenceStatus.AWAY);
    await phone.until(
      () =>
        phone.stanzas.some(
          (s) =>
            s.is("presence") &&
            s.attrs.from === `bob@${DOMAIN}/starling` &&
            s.getChildText("show") === "away",
        ),
      "bob away",
    );

    await phone.xmpp.send(
      xml(
        "message",
        { to: `bob@${DOMAIN}`, type: "chat" },
        xml("composing", { xmlns: "http://jabber.org/protocol/chatstates" }),
      ),
    );
    await bob.until(
      () => bob.list("typing").some((t) => t.userId === `alice@${DOMAIN}` && t.typing),
      "typing",
    );
    await bob.sdk.typing(conv, true);
    await phone.until(
      () =>
        phone.stanzas.some(
          (s) =>
            s.attrs.from === `bob@${DOMAIN}/starling` &&
            s.getChild("composing", "http://jabber.org/protocol/chatstates"),
        ),
      "composing",
    );

    const other = await login(ts, "bob");
    await other.close();
    await bob.close();
    await phone.until(
      () =>
        phone.stanzas.some(
          (s) =>
            s.is("presence") && s.attrs.from === `bob@${DOMAIN}/starling` && s.attrs.type === "unavailable",
        ),
      "bob offline",
    );
    bob = await login(ts, "bob");
  });
});
