import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { type XmlElement, xml } from "@xmpp/client";
import { type Client, login } from "../../helpers/clients.js";
import { startTestServer, type TestServer } from "../../helpers/test-server.js";
import { DOMAIN, XmppTcp } from "../../helpers/xmpp-tcp.js";

const MUC_USER = "http://jabber.org/protocol/muc#user";
const CONFERENCE = `conference.${DOMAIN}`;

const statuses = (p: XmlElement) =>
  (p.getChild("x", MUC_USER)?.getChildren("status") ?? []).map((s) => s.attrs.code as string);

describe("XMPP groups as multi-user chat rooms (XEP-0045)", () => {
  let ts: TestServer;
  let bob: Client;
  let groupId: string;
  let room: string;
  const open: XmppTcp[] = [];
  const tcp = (name: string, resource = "laptop") => {
    const c = new XmppTcp(ts, name, { resource });
    open.push(c);
    return c;
  };
  const groupchats = (c: XmppTcp) => c.stanzas.filter((s) => s.is("message") && s.attrs.type === "groupchat");

  before(async () => {
    ts = await startTestServer({ "xmpp.port": 0 });
    for (const name of ["alice", "bob", "carol", "dave"]) await ts.addUser(name);
    bob = await login(ts, "bob");
  });
  after(async () => {
    await Promise.all(open.map((c) => c.stop()));
    await bob.close();
    await ts.close();
  });

  test("a new group invites its XMPP member, who joins and gets occupants, history and subject", async () => {
    const alice = tcp("alice");
    await alice.xmpp.start();
    const group = await bob.sdk.createGroup("重庆分部", [`alice@${DOMAIN}`, `carol@${DOMAIN}`]);
    groupId = group.id;
    room = `${groupId.slice(2)}@${CONFERENCE}`;
    await alice.until(
      () => alice.stanzas.some((s) => s.getChild("x", "jabber:x:conference")?.attrs.jid === room),
      "a direct invitation",
    );
    await bob.sdk.send({ conversationId: groupId, text: "before you joined" });

    // The nick asked for is replaced by the user name (status 210).
    await alice.xmpp.send(
      xml(
        "presence",
        { to: `${room}/Alice W` },
        xml("x", { xmlns: "http://jabber.org/protocol/muc" }, xml("history", { maxstanzas: "10" })),
      ),
    );
    await alice.until(() => alice.stanzas.some((s) => s.getChild("subject")), "the subject");
    const presences = alice.stanzas.filter((s) => s.is("presence") && s.attrs.from?.startsWith(`${room}/`));
    const occupants = presences.map((p) => p.attrs.from);
    assert.deepEqual(occupants.slice(0, -1).sort(), [`${room}/bob`, `${room}/carol`]);
    const self = presences.at(-1) as XmlElement;
    assert.equal(self.attrs.from, `${room}/alice`);
    assert.deepEqual(statuses(self).sort(), ["100", "110", "210"]);
    const bobItem = presences[occupants.indexOf(`${room}/bob`)]?.getChild("x", MUC_USER)?.getChild("item");
    assert.equal(bobItem?.attrs.affiliation, "owner");
    assert.equal(bobItem?.attrs.jid, `bob@${DOMAIN}`);

    const history = groupchats(alice).filter((m) => m.getChild("body"));
    assert.equal(history.length, 1);
    assert.equal(history[0]?.getChildText("body"), "before you joined");
    assert.equal(history[0]?.attrs.from, `${room}/bob`);
    assert.ok(history[0]?.getChild("delay", "urn:xmpp:delay"), "history carries a delay");
    const subject = alice.stanzas.find((s) => s.getChild("subject")) as XmlElement;
    assert.equal(subject.getChildText("subject"), "重庆分部");
    assert.ok(alice.stanzas.indexOf(subject) > alice.stanzas.indexOf(self), "subject comes last");
  });

  test("an XMPP occupant and a native member talk in the room both ways, with a reflection", async () => {
    const alice = open[0] as XmppTcp;
    await alice.xmpp.send(
      xml("message", { to: room, type: "groupchat", id: "g-1" }, xml("body", {}, "hello room")),
    );
    await bob.until(() => bob.in(groupId).some((m) => m.content?.text === "hello room"), "group message");
    const stored = bob.in(groupId).find((m) => m.content?.text === "hello room");
    assert.equal(stored?.senderId, `alice@${DOMAIN}`);
    assert.match(stored?.clientMsgId ?? "", /^x~[\w-]{8}~g-1$/);
    await alice.until(() => groupchats(alice).some((m) => m.attrs.id === "g-1"), "the reflection");
    const echo = groupchats(alice).find((m) => m.attrs.id === "g-1") as XmlElement;
    assert.equal(echo.attrs.from, `${room}/alice`);
    assert.equal(echo.getChild("stanza-id", "urn:xmpp:sid:0")?.attrs.id, `${groupId}:${stored?.seq}`);
    assert.equal(echo.getChild("stanza-id", "urn:xmpp:sid:0")?.attrs.by, room);

    const ack = await bob.sdk.send({ conversationId: groupId, text: "hi alice <3" });
    await alice.until(
      () => groupchats(alice).some((m) => m.getChildText("body") === "hi alice <3"),
      "from bob",
    );
    const got = groupchats(alice).find((m) => m.getChildText("body") === "hi alice <3") as XmlElement;
    assert.equal(got.attrs.from, `${room}/bob`);
    assert.equal(got.getChild("stanza-id", "urn:xmpp:sid:0")?.attrs.id, `${groupId}:${ack.seq}`);

    // A chat marker with the stanza-id moves alice's read cursor.
    await alice.xmpp.send(
      xml(
        "message",
        { to: room, type: "groupchat" },
        xml("displayed", { xmlns: "urn:xmpp:chat-markers:0", id: `${groupId}:${ack.seq}` }),
      ),
    );
    await bob.until(
      () => bob.list("receipt").some((r) => r.userId === `alice@${DOMAIN}` && r.readSeq === ack.seq),
      "alice's read receipt",
    );
  });

  test("the service lists the user's rooms; a room describes itself", async () => {
    const alice = open[0] as XmppTcp;
    const items = await alice.xmpp.iqCaller.get(
      xml("query", { xmlns: "http://jabber.org/protocol/disco#items" }),
      CONFERENCE,
    );
    assert.deepEqual(
      items.getChildren("item").map((i) => [i.attrs.jid, i.attrs.name]),
      [[room, "重庆分部"]],
    );
    const info = await alice.xmpp.iqCaller.get(
      xml("query", { xmlns: "http://jabber.org/protocol/disco#info" }),
      room,
    );
    const features = info.getChildren("feature").map((f) => f.attrs.var);
    for (const f of ["http://jabber.org/protocol/muc", "muc_membersonly", "muc_persistent", "urn:xmpp:mam:2"])
      assert.ok(features.includes(f), f);
    assert.equal(info.getChild("identity")?.attrs.category, "conference");
    const serverItems = await alice.xmpp.iqCaller.get(
      xml("query", { xmlns: "http://jabber.org/protocol/disco#items" }),
      DOMAIN,
    );
    assert.ok(serverItems.getChildren("item").some((i) => i.attrs.jid === CONFERENCE));
    // Self-ping (XEP-0410): in the room under the nick in use.
    const pong = await alice.xmpp.iqCaller.request(
      xml("iq", { type: "get", to: `${room}/alice` }, xml("ping", { xmlns: "urn:xmpp:ping" })),
    );
    assert.equal(pong.attrs.type, "result");
  });

  test("a non-member cannot join, post or read the room", async () => {
    const dave = tcp("dave");
    await dave.xmpp.start();
    await dave.xmpp.send(
      xml("presence", { to: `${room}/dave` }, xml("x", { xmlns: "http://jabber.org/protocol/muc" })),
    );
    await dave.until(
      () => dave.stanzas.some((s) => s.is("presence") && s.attrs.type === "error"),
      "join error",
    );
    const refused = dave.stanzas.find((s) => s.is("presence") && s.attrs.type === "error") as XmlElement;
    // Not even the room's existence is confirmed to someone who was never in the group.
    assert.ok(refused.getChild("error")?.getChild("item-not-found"));
    assert.ok(!dave.stanzas.some((s) => s.getChild("subject")), "no subject for a non-member");

    await dave.xmpp.send(
      xml("message", { to: room, type: "groupchat", id: "d-1" }, xml("body", {}, "let me in")),
    );
    await dave.until(
      () => dave.stanzas.some((s) => s.is("message") && s.attrs.type === "error"),
      "post error",
    );
    const posted = dave.stanzas.find((s) => s.is("message") && s.attrs.type === "error") as XmlElement;
    assert.ok(posted.getChild("error")?.getChild("not-acceptable"));
    await assert.rejects(
      dave.xmpp.iqCaller.get(xml("query", { xmlns: "http://jabber.org/protocol/disco#info" }), room),
      (err: Error & { condition?: string }) => err.condition === "item-not-found",
    );
    const daveItems = await dave.xmpp.iqCaller.get(
      xml("query", { xmlns: "http://jabber.org/protocol/disco#items" }),
      CONFERENCE,
    );
    assert.equal(daveItems.getChildren("item").length, 0);
    const h = await bob.sdk.history(groupId, { limit: 50 });
    assert.ok(!h.messages.some((m) => m.content?.text === "let me in"));
  });

  test("subject changes rename the group; removals and recalls reach the occupant", async () => {
    const alice = open[0] as XmppTcp;
    // A plain member may not rename the group; an admin may.
    await alice.xmpp.send(
      xml("message", { to: room, type: "groupchat", id: "s-1" }, xml("subject", {}, "Not allowed")),
    );
    await alice.until(
      () => alice.stanzas.some((s) => s.attrs.id === "s-1" && s.attrs.type === "error"),
      "rename refused",
    );
    assert.ok(
      alice.stanzas
        .find((s) => s.attrs.id === "s-1")
        ?.getChild("error")
        ?.getChild("forbidden"),
    );
    await bob.sdk.setMemberRole(groupId, `alice@${DOMAIN}`, "admin");
    await alice.until(
      () =>
        alice.stanzas.some(
          (s) =>
            s.attrs.from === `${room}/alice` &&
            s.getChild("x", MUC_USER)?.getChild("item")?.attrs.affiliation === "admin",
        ),
      "alice's new affiliation",
    );
    await alice.xmpp.send(xml("message", { to: room, type: "groupchat" }, xml("subject", {}, "Chongqing")));
    await bob.until(
      () => bob.in(groupId).some((m) => m.event?.kind.case === "groupRenamed"),
      "the rename event",
    );
    await alice.until(
      () => alice.stanzas.some((s) => s.getChildText("subject") === "Chongqing"),
      "new subject",
    );
    assert.equal(
      alice.stanzas.find((s) => s.getChildText("subject") === "Chongqing")?.attrs.from,
      `${room}/alice`,
    );

    await bob.sdk.removeMembers(groupId, [`carol@${DOMAIN}`]);
    await alice.until(
      () => alice.stanzas.some((s) => s.attrs.from === `${room}/carol` && s.attrs.type === "unavailable"),
      "carol leaves the room",
    );
    const left = alice.stanzas.find(
      (s) => s.attrs.from === `${room}/carol` && s.attrs.type === "unavailable",
    );
    assert.deepEqual(statuses(left as XmlElement), ["321"]);

    // The announcement has no MUC counterpart: the occupant gets the next message and nothing for it.
    const seenBefore = alice.stanzas.length;
    await bob.sdk.setAnnouncement(groupId, "公告 for XMPP");
    await bob.sdk.send({ conversationId: groupId, text: "after the announcement" });
    await alice.until(
      () => groupchats(alice).some((m) => m.getChildText("body") === "after the announcement"),
      "the next message",
    );
    const since = alice.stanzas.slice(seenBefore);
    assert.ok(!since.some((st) => st.toString().includes("公告 for XMPP")), "nothing of the announcement");
    assert.equal(since.filter((st) => st.getChild("subject")).length, 0, "the subject stays the name");

    // Alice retracts her own message by its stanza-id (XEP-0424): a recall.
    const mine = bob.in(groupId).find((m) => m.content?.text === "hello room");
    const stanzaId = `${groupId}:${mine?.seq}`;
    await alice.xmpp.send(
      xml(
        "message",
        { to: room, type: "groupchat", id: "g-retract" },
        xml("retract", { xmlns: "urn:xmpp:message-retract:1", id: stanzaId }),
      ),
    );
    await bob.until(
      () =>
        bob
          .in(groupId)
          .some(
            (m) => m.event?.kind.case === "messageRecalled" && m.event.kind.value.targetSeq === mine?.seq,
          ),
      "the recall",
    );
    await alice.until(
      () =>
        groupchats(alice).some(
          (m) => m.getChild("retract", "urn:xmpp:message-retract:1")?.attrs.id === stanzaId,
        ),
      "the retraction reflected",
    );
  });

  test("leaving the room stops its messages for that session only", async () => {
    const alice = open[0] as XmppTcp;
    await alice.xmpp.send(xml("presence", { to: `${room}/alice`, type: "unavailable" }));
    await alice.until(
      () => alice.stanzas.some((s) => s.attrs.from === `${room}/alice` && s.attrs.type === "unavailable"),
      "self unavailable",
    );
    await bob.sdk.send({ conversationId: groupId, text: "after alice left the room" });
    await bob.sdk.send({ to: "alice", text: "direct after" });
    await alice.until(
      () => alice.stanzas.some((s) => s.getChildText("body") === "direct after"),
      "1:1 message",
    );
    assert.ok(!alice.stanzas.some((s) => s.getChildText("body") === "after alice left the room"));
    // Still a member: the group keeps her.
    const members = await bob.sdk.members(groupId);
    assert.ok(members.some((m) => m.userId === `alice@${DOMAIN}`));
  });
});
