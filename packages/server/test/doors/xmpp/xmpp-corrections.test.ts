import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { type XmlElement, xml } from "@xmpp/client";
import { type Client, login } from "../../helpers/clients.js";
import { startTestServer, type TestServer } from "../../helpers/test-server.js";
import { DOMAIN, XmppTcp } from "../../helpers/xmpp-tcp.js";

const CORRECT = "urn:xmpp:message-correct:0";
const REACTIONS = "urn:xmpp:reactions:0";
const MAM = "urn:xmpp:mam:2";

describe("XMPP: corrections (XEP-0308) and reactions (XEP-0444), both ways", () => {
  let ts: TestServer;
  let bob: Client;
  let alice: XmppTcp;
  const conv = `d:alice@${DOMAIN}|bob@${DOMAIN}`;
  const bodyIs = (text: string) => (s: XmlElement) => s.is("message") && s.getChildText("body") === text;

  before(async () => {
    ts = await startTestServer({ "xmpp.port": 0 });
    for (const name of ["alice", "bob"]) await ts.addUser(name);
    bob = await login(ts, "bob");
    alice = new XmppTcp(ts, "alice", { resource: "phone" });
    await alice.xmpp.start();
  });
  after(async () => {
    await alice.stop();
    await bob.close();
    await ts.close();
  });

  test("disco lists both features", async () => {
    const info = await alice.xmpp.iqCaller.get(
      xml("query", { xmlns: "http://jabber.org/protocol/disco#info" }),
      DOMAIN,
    );
    const features = info.getChildren("feature").map((f) => f.attrs.var);
    assert.ok(features.includes(CORRECT));
    assert.ok(features.includes(REACTIONS));
  });

  test("a correction from an XMPP client edits the sender's message; someone else's is refused", async () => {
    await alice.xmpp.send(
      xml("message", { to: `bob@${DOMAIN}`, type: "chat", id: "c-1" }, xml("body", {}, "helo")),
    );
    await bob.until(() => bob.in(conv).some((m) => m.content?.text === "helo"), "the first version");
    const seq = bob.in(conv).find((m) => m.content?.text === "helo")?.seq;
    await alice.xmpp.send(
      xml(
        "message",
        { to: `bob@${DOMAIN}`, type: "chat", id: "c-2" },
        xml("body", {}, "hello"),
        xml("replace", { xmlns: CORRECT, id: "c-1" }),
      ),
    );
    await bob.until(
      () => bob.list("messageEdited").some((e) => e.seq === seq && e.content?.text === "hello"),
      "the edit",
    );
    const h = await bob.sdk.history(conv, { afterSeq: Number(seq) - 1, limit: 1 });
    assert.equal(h.messages[0]?.content?.text, "hello");

    await bob.sdk.send({ to: "alice", text: "bob's words" });
    await alice.until(() => alice.stanzas.some(bodyIs("bob's words")), "bob's message");
    const theirs = alice.stanzas.find(bodyIs("bob's words"))?.attrs.id as string;
    await alice.xmpp.send(
      xml(
        "message",
        { to: `bob@${DOMAIN}`, type: "chat", id: "c-3" },
        xml("body", {}, "alice's words"),
        xml("replace", { xmlns: CORRECT, id: theirs }),
      ),
    );
    await alice.until(
      () => alice.stanzas.some((s) => s.attrs.id === "c-3" && s.attrs.type === "error"),
      "refusal",
    );
  });

  test("a native edit reaches the XMPP client as a correction of the message it was shown", async () => {
    const ack = await bob.sdk.send({ to: "alice", text: "meet at 3" });
    await alice.until(() => alice.stanzas.some(bodyIs("meet at 3")), "the message");
    const shownId = alice.stanzas.find(bodyIs("meet at 3"))?.attrs.id as string;
    await bob.sdk.editMessage(conv, ack.seq, "meet at 4");
    await alice.until(() => alice.stanzas.some(bodyIs("meet at 4")), "the correction");
    const fix = alice.stanzas.find(bodyIs("meet at 4")) as XmlElement;
    assert.equal(fix.getChild("replace", CORRECT)?.attrs.id, shownId);
    assert.equal(fix.attrs.from, `bob@${DOMAIN}/starling`);
  });

  test("reactions from an XMPP client are its full set; the server adds and removes the difference", async () => {
    const ack = await bob.sdk.send({ to: "alice", text: "lunch?" });
    await alice.until(() => alice.stanzas.some(bodyIs("lunch?")), "the message");
    const id = alice.stanzas.find(bodyIs("lunch?"))?.attrs.id as string;
    const reactions = (msgId: string, ...emoji: string[]) =>
      alice.xmpp.send(
        xml(
          "message",
          { to: `bob@${DOMAIN}`, type: "chat", id: `r-${emoji.length}-${msgId}` },
          xml("reactions", { xmlns: REACTIONS, id: msgId }, ...emoji.map((e) => xml("reaction", {}, e))),
          xml("store", { xmlns: "urn:xmpp:hints" }),
        ),
      );
    const mine = async () =>
      (await bob.sdk.history(conv, { afterSeq: Number(ack.seq) - 1, limit: 1 })).messages[0]?.reactions.map(
        (r) => [r.emoji, r.userIds],
      );
    await reactions(id, "👍", "🎉");
    await bob.until(
      () => bob.list("reaction").filter((r) => r.seq === ack.seq).length === 2,
      "two reactions",
    );
    assert.deepEqual(await mine(), [
      ["👍", [`alice@${DOMAIN}`]],
      ["🎉", [`alice@${DOMAIN}`]],
    ]);
    await reactions(id, "👍");
    await bob.until(
      () => bob.list("reaction").some((r) => r.seq === ack.seq && r.emoji === "🎉" && !r.added),
      "the removal",
    );
    assert.deepEqual(await mine(), [["👍", [`alice@${DOMAIN}`]]]);
  });

  test("a native reaction reaches the XMPP client as the reactor's set on the message", async () => {
    await alice.xmpp.send(
      xml("message", { to: `bob@${DOMAIN}`, type: "chat", id: "x-1" }, xml("body", {}, "news")),
    );
    await bob.until(() => bob.in(conv).some((m) => m.content?.text === "news"), "the message");
    const seq = bob.in(conv).find((m) => m.content?.text === "news")?.seq as bigint;
    await bob.sdk.react(conv, seq, "👀");
    const isReaction = (s: XmlElement) => s.getChild("reactions", REACTIONS)?.attrs.id === "x-1";
    await alice.until(() => alice.stanzas.some(isReaction), "the reaction");
    const r = alice.stanzas.find(isReaction) as XmlElement;
    assert.equal(r.attrs.from, `bob@${DOMAIN}/starling`);
    assert.deepEqual(
      r
        .getChild("reactions", REACTIONS)
        ?.getChildren("reaction")
        .map((e) => e.text()),
      ["👀"],
    );
  });

  test("one's own correction reaches one's other resource as a carbon, never the resource that sent it", async () => {
    const laptop = new XmppTcp(ts, "alice", { resource: "laptop" });
    await laptop.xmpp.start();
    try {
      // Both resources take carbons, as Conversations and Monal do.
      for (const c of [laptop, alice])
        await c.xmpp.iqCaller.request(
          xml("iq", { type: "set" }, xml("enable", { xmlns: "urn:xmpp:carbons:2" })),
        );
      await alice.xmpp.send(
        xml("message", { to: `bob@${DOMAIN}`, type: "chat", id: "own-1" }, xml("body", {}, "see yuo")),
      );
      await bob.until(() => bob.in(conv).some((m) => m.content?.text === "see yuo"), "the first version");
      const from = alice.stanzas.length;
      await alice.xmpp.send(
        xml(
          "message",
          { to: `bob@${DOMAIN}`, type: "chat", id: "own-2" },
          xml("body", {}, "see you"),
          xml("replace", { xmlns: CORRECT, id: "own-1" }),
        ),
      );
      const carbonOf = (s: XmlElement) =>
        s
          .getChild("sent", "urn:xmpp:carbons:2")
          ?.getChild("forwarded", "urn:xmpp:forward:0")
          ?.getChild("message");
      await laptop.until(
        () => laptop.stanzas.some((s) => carbonOf(s)?.getChild("replace", CORRECT)?.attrs.id === "own-1"),
        "the carbon on the laptop",
      );
      // Pushes reach a session in the order they were made: once bob's later message is on the
      // phone, an echo of the correction would be there too.
      await bob.until(() => bob.list("messageEdited").some((e) => e.content?.text === "see you"), "the edit");
      await bob.sdk.send({ to: "alice", text: "after the fix" });
      await alice.until(() => alice.stanzas.some(bodyIs("after the fix")), "bob's next message");
      const echoed = alice.stanzas
        .slice(from)
        .some((s) => (carbonOf(s) ?? s).getChild("replace", CORRECT)?.attrs.id === "own-1");
      assert.equal(echoed, false, "the phone is not told of its own correction");
    } finally {
      await laptop.stop();
    }
  });

  test("the archive (XEP-0313) holds the current text and the correction naming the original", async () => {
    const queryid = "edits";
    const from = alice.stanzas.length;
    await alice.xmpp.iqCaller.request(xml("iq", { type: "set" }, xml("query", { xmlns: MAM, queryid })));
    const items = alice.stanzas
      .slice(from)
      .map((s) => s.getChild("result", MAM)?.getChild("forwarded", "urn:xmpp:forward:0")?.getChild("message"))
      .filter((m): m is XmlElement => m !== undefined);
    const bodies = items.map((m) => m.getChildText("body"));
    assert.ok(!bodies.includes("helo"), "the first version is gone");
    const original = items.find((m) => m.attrs.id === "c-1");
    assert.equal(original?.getChildText("body"), "hello");
    const correction = items.find((m) => m.getChild("replace", CORRECT)?.attrs.id === "c-1");
    assert.equal(correction?.getChildText("body"), "hello");
    assert.ok(items.some((m) => m.getChild("replace", CORRECT) && m.getChildText("body") === "meet at 4"));

    // Reactions are archived as the reactor's set at each change: replayed in order, the last
    // set per reactor is what the message has now.
    const sets = (id: string, from: string) =>
      items
        .filter((m) => m.getChild("reactions", REACTIONS)?.attrs.id === id && m.attrs.from?.startsWith(from))
        .map((m) =>
          m
            .getChild("reactions", REACTIONS)
            ?.getChildren("reaction")
            .map((r) => r.text()),
        );
    assert.deepEqual(sets("x-1", `bob@${DOMAIN}`).at(-1), ["👀"]);
    const lunch = items.find((m) => m.getChildText("body") === "lunch?")?.attrs.id as string;
    assert.ok(lunch, "the message reacted to is in the archive");
    assert.deepEqual(sets(lunch, `alice@${DOMAIN}`).at(-1), ["👍"]);
  });

  test("in a room: corrections and reactions both ways, reactions naming the room's stanza-id", async () => {
    const group = await bob.sdk.createGroup("edits", [`alice@${DOMAIN}`]);
    const room = `${group.id.slice(2)}@conference.${DOMAIN}`;
    await alice.xmpp.send(
      xml("presence", { to: `${room}/alice` }, xml("x", { xmlns: "http://jabber.org/protocol/muc" })),
    );
    await alice.until(
      () => alice.stanzas.some((s) => s.attrs.from === room && s.getChild("subject")),
      "joined",
    );
    const inRoom = (s: XmlElement) => s.is("message") && s.attrs.type === "groupchat";

    const ack = await bob.sdk.send({ conversationId: group.id, text: "agenda v1" });
    await alice.until(
      () => alice.stanzas.some((s) => inRoom(s) && s.getChildText("body") === "agenda v1"),
      "bob's",
    );
    const shown = alice.stanzas.find(
      (s) => inRoom(s) && s.getChildText("body") === "agenda v1",
    ) as XmlElement;
    const stanzaId = shown.getChild("stanza-id", "urn:xmpp:sid:0")?.attrs.id as string;
    await bob.sdk.editMessage(group.id, ack.seq, "agenda v2");
    await alice.until(
      () => alice.stanzas.some((s) => inRoom(s) && s.getChildText("body") === "agenda v2"),
      "the fix",
    );
    const fix = alice.stanzas.find((s) => inRoom(s) && s.getChildText("body") === "agenda v2") as XmlElement;
    assert.equal(fix.getChild("replace", CORRECT)?.attrs.id, shown.attrs.id);
    assert.equal(fix.attrs.from, `${room}/bob`);

    await alice.xmpp.send(
      xml(
        "message",
        { to: room, type: "groupchat", id: "gr-1" },
        xml("reactions", { xmlns: REACTIONS, id: stanzaId }, xml("reaction", {}, "🙌")),
      ),
    );
    await bob.until(
      () => bob.list("reaction").some((r) => r.seq === ack.seq && r.emoji === "🙌"),
      "alice's reaction",
    );
    await bob.sdk.react(group.id, ack.seq, "💯");
    await alice.until(
      () =>
        alice.stanzas.some(
          (s) =>
            inRoom(s) &&
            s.attrs.from === `${room}/bob` &&
            s.getChild("reactions", REACTIONS)?.attrs.id === stanzaId &&
            s.getChild("reactions", REACTIONS)?.getChildText("reaction") === "💯",
        ),
      "bob's reaction in the room",
    );

    await alice.xmpp.send(
      xml("message", { to: room, type: "groupchat", id: "g-own" }, xml("body", {}, "typo hree")),
    );
    await bob.until(() => bob.in(group.id).some((m) => m.content?.text === "typo hree"), "alice's message");
    const own = bob.in(group.id).find((m) => m.content?.text === "typo hree")?.seq;
    await alice.xmpp.send(
      xml(
        "message",
        { to: room, type: "groupchat", id: "g-fix" },
        xml("body", {}, "typo here"),
        xml("replace", { xmlns: CORRECT, id: "g-own" }),
      ),
    );
    await bob.until(
      () => bob.list("messageEdited").some((e) => e.seq === own && e.content?.text === "typo here"),
      "alice's correction",
    );
  });
});
