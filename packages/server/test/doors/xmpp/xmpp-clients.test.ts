import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { type Client, login } from "../../helpers/clients.js";
import { RawXmpp, streamHeader } from "../../helpers/raw-xmpp.js";
import { passwordOf, startTestServer, type TestServer } from "../../helpers/test-server.js";
import { DOMAIN } from "../../helpers/xmpp-tcp.js";

/** The stanza (one top-level element) with this id in what a raw client read, if it came. */
function stanzaWithId(text: string, id: string): string | undefined {
  const re = new RegExp(`<(iq|message)\\b[^>]*\\bid=["']${id}["'][^>]*?(?:/>|>[\\s\\S]*?</\\1>)`);
  return re.exec(text)?.[0];
}

describe("XMPP clients as people use them", () => {
  let ts: TestServer;
  let bob: Client;
  const open: RawXmpp[] = [];
  const raw = async (name: string, resource: string): Promise<RawXmpp> => {
    const c = await RawXmpp.connect(ts.server.xmppPort);
    open.push(c);
    await c.startTls(DOMAIN);
    await c.loginPlain(`${name}@${DOMAIN}`, passwordOf(name), resource);
    return c;
  };
  const iq = async (c: RawXmpp, id: string, body: string): Promise<string> => {
    c.write(body);
    await c.until(new RegExp(`id=["']${id}["']`), `the answer to ${id}`);
    return stanzaWithId(c.text, id) ?? "";
  };

  before(async () => {
    ts = await startTestServer({ "xmpp.port": 0 });
    for (const name of ["alice", "bob", "carol", "dave", "erin", "frank", "gina"]) await ts.addUser(name);
    bob = await login(ts, "bob");
  });
  after(async () => {
    for (const c of open) c.close();
    await bob.close();
    await ts.close();
  });

  test("the legacy <session/> request is answered after binding too, as Converse.js sends it", async () => {
    const c = await raw("alice", "converse");
    const answer = await iq(
      c,
      "sess1",
      "<iq type='set' id='sess1'><session xmlns='urn:ietf:params:xml:ns:xmpp-session'/></iq>",
    );
    assert.match(answer, /type=['"]result/, answer);
    const again = await iq(
      c,
      "sess2",
      `<iq type='set' id='sess2' to='${DOMAIN}'><session xmlns='urn:ietf:params:xml:ns:xmpp-session'/></iq>`,
    );
    assert.match(again, /type=['"]result/, again);
  });

  test("disco#info: the archive on the server JID and the account, carbons on the server, no blocking", async () => {
    const c = await raw("carol", "profanity");
    const features = (answer: string) => [...answer.matchAll(/<feature var='([^']+)'/g)].map((m) => m[1]);
    const server = features(
      await iq(
        c,
        "d1",
        `<iq type='get' id='d1' to='${DOMAIN}'><query xmlns='http://jabber.org/protocol/disco#info'/></iq>`,
      ),
    );
    for (const f of ["urn:xmpp:mam:2", "urn:xmpp:carbons:2", "urn:xmpp:ping", "vcard-temp"])
      assert.ok(server.includes(f), `server: ${f}`);
    const account = features(
      await iq(
        c,
        "d2",
        `<iq type='get' id='d2' to='carol@${DOMAIN}'><query xmlns='http://jabber.org/protocol/disco#info'/></iq>`,
      ),
    );
    for (const f of ["urn:xmpp:mam:2", "urn:xmpp:sid:0"]) assert.ok(account.includes(f), `account: ${f}`);
    // Not answered, so not advertised: blocking; push (XEP-0357) is off unless push.xmpp.enabled.
    for (const f of ["urn:xmpp:blocking", "urn:xmpp:push:0"])
      assert.ok(!server.includes(f) && !account.includes(f), f);
  });

  test("a native user's message comes from a full JID; receipts and markers to it, or to the bare JID, arrive", async () => {
    const c = await raw("dave", "profanity");
    const conv = `d:bob@${DOMAIN}|dave@${DOMAIN}`;
    const received = async (text: string) => {
      await c.until(new RegExp(`<body>${text}</body>`), text);
      const m = new RegExp(
        `<message [^>]*>(?:(?!</message>)[\\s\\S])*<body>${text}</body>[\\s\\S]*?</message>`,
      ).exec(c.text)?.[0] as string;
      return { from: /from='([^']+)'/.exec(m)?.[1], id: /id='([^']+)'/.exec(m)?.[1] as string };
    };
    const first = await bob.sdk.send({ to: "dave", text: "one" });
    const m1 = await received("one");
    assert.equal(m1.from, `bob@${DOMAIN}/starling`);
    // profanity's receipt: no type, to the JID the message came from.
    c.write(`<message to='${m1.from}' id='r1'><received xmlns='urn:xmpp:receipts' id='${m1.id}'/></message>`);
    await bob.until(
      () => bob.list("receipt").some((r) => r.conversationId === conv && r.deliveredSeq >= first.seq),
      "delivered from a receipt to the full JID",
    );
    const second = await bob.sdk.send({ to: "dave", text: "two" });
    const m2 = await received("two");
    // Conversations: a chat marker of type chat, to the bare JID.
    c.write(
      `<message to='bob@${DOMAIN}' type='chat' id='r2'><displayed xmlns='urn:xmpp:chat-markers:0' id='${m2.id}'/><store xmlns='urn:xmpp:hints'/></message>`,
    );
    await bob.until(
      () => bob.list("receipt").some((r) => r.conversationId === conv && r.readSeq >= second.seq),
      "read from a marker to the bare JID",
    );
    // A reply to the full JID reaches the native user.
    c.write(`<message to='${m1.from}' type='chat' id='reply-1'><body>back</body></message>`);
    await bob.until(() => bob.in(conv).some((m) => m.content?.text === "back"), "the reply");
  });

  test("no XMPP session can bind the native resource", async () => {
    const c = await RawXmpp.connect(ts.server.xmppPort);
    open.push(c);
    await c.startTls(DOMAIN);
    const creds = Buffer.from(`\0carol@${DOMAIN}\0${passwordOf("carol")}`).toString("base64");
    c.write(`<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>${creds}</auth>`);
    await c.until(/<success /, "sasl success");
    c.write(streamHeader(DOMAIN));
    await c.until(/<bind /, "bind offered");
    c.write(
      "<iq type='set' id='b1'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><resource>starling</resource></bind></iq>",
    );
    const jid = /<jid>([^<]+)<\/jid>/.exec(await c.until(/<jid>/, "bound"))?.[1];
    assert.match(jid ?? "", /^carol@starling\.local\/starling-[0-9a-f]+$/);
  });

  test("stanza ids are idempotency keys within a stream and its resumption only", async () => {
    const SM = "urn:xmpp:sm:3";
    const conv = `d:bob@${DOMAIN}|carol@${DOMAIN}`;
    const texts = () => bob.in(conv).map((m) => m.content?.text);
    const first = await raw("carol", "bot");
    first.write(`<enable xmlns='${SM}' resume='true'/>`);
    const previd = /<enabled [^>]*id='([^']+)'/.exec(await first.until(/<enabled /, "enabled"))?.[1];
    first.write(`<message to='bob@${DOMAIN}' type='chat' id='1'><body>kept</body></message>`);
    await bob.until(() => texts().includes("kept"), "the first message");
    // A resend on the same stream is the same message.
    first.write(`<message to='bob@${DOMAIN}' type='chat' id='1'><body>kept</body></message>`);
    first.close();

    // The stream is resumed (XEP-0198) and the client resends what it had not seen acknowledged.
    const resumed = await RawXmpp.connect(ts.server.xmppPort);
    open.push(resumed);
    await resumed.startTls(DOMAIN);
    const creds = Buffer.from(`\0carol@${DOMAIN}\0${passwordOf("carol")}`).toString("base64");
    resumed.write(`<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>${creds}</auth>`);
    await resumed.until(/<success /, "sasl success");
    resumed.write(streamHeader(DOMAIN));
    await resumed.until(/<sm /, "features");
    resumed.write(`<resume xmlns='${SM}' previd='${previd}' h='0'/>`);
    await resumed.until(/<resumed /, "resumed");
    resumed.write(`<message to='bob@${DOMAIN}' type='chat' id='1'><body>kept</body></message>`);
    resumed.write(`<message to='bob@${DOMAIN}' type='chat' id='2'><body>after resuming</body></message>`);
    await bob.until(() => texts().includes("after resuming"), "the message after resuming");
    resumed.write("</stream:stream>");
    await resumed.ended();

    // A new stream numbers from 1 again: its messages are new, never swallowed.
    const again = await raw("carol", "bot");
    again.write(`<message to='bob@${DOMAIN}' type='chat' id='1'><body>a new stream's first</body></message>`);
    again.write(
      `<message to='bob@${DOMAIN}' type='chat' id='2'><body>a new stream's second</body></message>`,
    );
    await bob.until(() => texts().includes("a new stream's second"), "the new stream's messages");
    assert.deepEqual(texts(), ["kept", "after resuming", "a new stream's first", "a new stream's second"]);

    // An origin-id (XEP-0359) is unique by definition: a resend from another stream is still one message.
    const o = `<message to='bob@${DOMAIN}' type='chat' id='3'><body>once</body><origin-id xmlns='urn:xmpp:sid:0' id='6f1c2e0a-origin'/></message>`;
    again.write(o);
    await bob.until(() => texts().includes("once"), "the message with an origin-id");
    const other = await raw("carol", "laptop");
    other.write(o);
    other.write(`<message to='bob@${DOMAIN}' type='chat' id='4'><body>sentinel</body></message>`);
    await bob.until(() => texts().includes("sentinel"), "the sentinel");
    assert.equal(texts().filter((t) => t === "once").length, 1);
  });

  test("IQs to a contact's full JID reach that XMPP resource, and its answer comes back", async () => {
    const alice = await raw("alice", "jingle");
    const carol = await raw("carol", "gajim");
    alice.write(
      `<iq type='get' id='c2c-1' to='carol@${DOMAIN}/gajim'><query xmlns='http://jabber.org/protocol/disco#info' node='http://gajim.org#abc'/></iq>`,
    );
    await carol.until(/id='c2c-1'/, "the IQ at carol's resource");
    const asked = stanzaWithId(carol.text, "c2c-1") ?? "";
    assert.match(asked, new RegExp(`from='alice@${DOMAIN}/jingle'`));
    assert.match(
      asked,
      /<query xmlns='http:\/\/jabber.org\/protocol\/disco#info' node='http:\/\/gajim.org#abc'\/>/,
    );
    carol.write(
      `<iq type='result' id='c2c-1' to='alice@${DOMAIN}/jingle'><query xmlns='http://jabber.org/protocol/disco#info'><identity category='client' type='pc'/><feature var='urn:xmpp:jingle:1'/></query></iq>`,
    );
    await alice.until(/urn:xmpp:jingle:1/, "carol's answer");
    const back = stanzaWithId(alice.text, "c2c-1") ?? "";
    assert.match(
      back,
      new RegExp(
        `type='result'[^>]*from='carol@${DOMAIN}/gajim'|from='carol@${DOMAIN}/gajim'[^>]*type='result'`,
      ),
    );
    // No such resource: service-unavailable, from the address asked.
    const none = await iq(
      alice,
      "c2c-2",
      `<iq type='get' id='c2c-2' to='carol@${DOMAIN}/gone'><ping xmlns='urn:xmpp:ping'/></iq>`,
    );
    assert.match(none, /service-unavailable/);
  });

  test("a native user's resource answers disco#info (with its caps node) and ping as a client would", async () => {
    const c = await raw("alice", "caps");
    const native = `bob@${DOMAIN}/starling`;
    assert.match(
      await iq(c, "n1", `<iq type='get' id='n1' to='${native}'><ping xmlns='urn:xmpp:ping'/></iq>`),
      /type='result'/,
    );
    const info = await iq(
      c,
      "n2",
      `<iq type='get' id='n2' to='${native}'><query xmlns='http://jabber.org/protocol/disco#info'/></iq>`,
    );
    assert.match(info, /<identity category='client'/);
    for (const f of ["urn:xmpp:receipts", "urn:xmpp:chat-markers:0", "http://jabber.org/protocol/chatstates"])
      assert.ok(info.includes(`var='${f}'`), f);
    // The caps in bob's presence name a node whose disco#info is the same (a chat puts him on the roster).
    await bob.sdk.send({ to: "alice", text: "caps check" });
    await c.until(/caps check/, "bob's message");
    c.write("<presence/>");
    const presence = await c.until(
      new RegExp(`<presence [^>]*from='${native}'[\\s\\S]*?</presence>`),
      "bob's presence",
    );
    const caps =
      /<c xmlns='http:\/\/jabber.org\/protocol\/caps' hash='sha-1' node='([^']+)' ver='([^']+)'/.exec(
        presence,
      );
    assert.ok(caps, "presence carries entity capabilities");
    const byNode = await iq(
      c,
      "n3",
      `<iq type='get' id='n3' to='${native}'><query xmlns='http://jabber.org/protocol/disco#info' node='${caps[1]}#${caps[2]}'/></iq>`,
    );
    assert.match(byNode, /<identity category='client'/);
    const version = await iq(
      c,
      "n4",
      `<iq type='get' id='n4' to='${native}'><query xmlns='jabber:iq:version'/></iq>`,
    );
    assert.match(version, /service-unavailable/);
    const nobody = await iq(
      c,
      "n5",
      `<iq type='get' id='n5' to='nobody@${DOMAIN}/starling'><ping xmlns='urn:xmpp:ping'/></iq>`,
    );
    assert.match(nobody, /service-unavailable/);
  });

  test("offline messages arrive at the initial presence, with delay and stanza-id, once", async () => {
    const conv = `d:bob@${DOMAIN}|erin@${DOMAIN}`;
    const seen = (upTo: bigint) =>
      bob.list("receipt").some((r) => r.conversationId === conv && r.deliveredSeq >= upTo);
    await bob.sdk.send({ to: "erin", text: "offline one" });
    const two = await bob.sdk.send({ to: "erin", text: "offline two" });
    const first = await raw("erin", "bot");
    first.write("<presence/>");
    const text = await first.until(/offline two/, "the offline messages");
    const one =
      /<message [^>]*>(?:(?!<\/message>)[\s\S])*offline one[\s\S]*?<\/message>/.exec(text)?.[0] ?? "";
    assert.match(one, new RegExp(`<delay xmlns='urn:xmpp:delay' from='${DOMAIN}' stamp='\\d{4}-`));
    assert.match(
      one,
      new RegExp(
        `<stanza-id xmlns='urn:xmpp:sid:0' by='erin@${DOMAIN}' id='${conv.replace(/[|]/g, "\\|")}:\\d+'`,
      ),
    );
    assert.ok(text.indexOf("offline one") < text.indexOf("offline two"), "oldest first");
    // A message shown live, without any receipt from the client, is delivered too.
    const live = await bob.sdk.send({ to: "erin", text: "live one" });
    await first.until(/live one/, "the live message");
    first.write("</stream:stream>");
    await first.ended();
    await bob.until(() => seen(two.seq) && seen(live.seq), "what the session had counts as delivered");

    await bob.sdk.send({ to: "erin", text: "while away again" });
    const second = await raw("erin", "bot");
    second.write("<presence/>");
    const again = await second.until(/while away again/, "the new offline message");
    for (const old of ["offline one", "offline two", "live one"])
      assert.ok(!again.includes(old), `${old} once`);
  });

  test("a session that syncs from the archive before its initial presence gets no offline messages", async () => {
    await bob.sdk.send({ to: "frank", text: "for the archive" });
    const c = await raw("frank", "conversations");
    c.write(
      "<iq type='set' id='mam1'><query xmlns='urn:xmpp:mam:2' queryid='q1'><set xmlns='http://jabber.org/protocol/rsm'><before/></set></query></iq>",
    );
    await c.until(/<fin /, "the archive page");
    assert.match(c.text, /for the archive/);
    c.write("<presence/>");
    await bob.sdk.send({ to: "frank", text: "after syncing" });
    const text = await c.until(/after syncing/, "a live message");
    assert.equal(text.split("<body>for the archive</body>").length - 1, 1, "only in the archive page");
  });

  test("a suspended phone: what it lost on a connection the server still thinks open is resent on resume", async () => {
    const SM = "urn:xmpp:sm:3";
    const phone = await raw("dave", "phone");
    phone.write(`<enable xmlns='${SM}' resume='true'/>`);
    const enabled = await phone.until(/<enabled [^>]*\/>/, "enabled");
    const previd = /id='([^']+)'/.exec(/<enabled [^>]*\/>/.exec(enabled)?.[0] ?? "")?.[1];
    assert.match(enabled, /max='300'/, "a window of minutes, as ejabberd's");
    for (const n of [1, 2, 3]) await bob.sdk.send({ to: "dave", text: `before ${n}` });
    await phone.until(/before 3/, "three messages");
    // The phone handled only the first before it was suspended; the rest were lost on the way.
    phone.write(`<a xmlns='${SM}' h='1'/>`);
    phone.write(`<r xmlns='${SM}'/>`);
    await phone.until(/<a xmlns='urn:xmpp:sm:3' h=/, "the server read the ack");
    // Suspended: the connection stays open and unread; more messages are written to it.
    for (const n of [4, 5]) await bob.sdk.send({ to: "dave", text: `during ${n}` });
    await phone.until(/during 5/, "the server wrote to the suspended connection");

    const woke = await RawXmpp.connect(ts.server.xmppPort);
    open.push(woke);
    await woke.startTls(DOMAIN);
    const creds = Buffer.from(`\0dave@${DOMAIN}\0${passwordOf("dave")}`).toString("base64");
    woke.write(`<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>${creds}</auth>`);
    await woke.until(/<success /, "sasl success");
    woke.write(streamHeader(DOMAIN));
    await woke.until(/<sm /, "features");
    woke.text = "";
    woke.write(`<resume xmlns='${SM}' previd='${previd}' h='1'/>`);
    const text = await woke.until(/during 5/, "everything after what was handled");
    const bodies = [...text.matchAll(/<body>([^<]+)<\/body>/g)].map((m) => m[1]);
    assert.deepEqual(bodies, ["before 2", "before 3", "during 4", "during 5"]);
    assert.match(await phone.ended(), /<conflict /, "the stale connection is ended");
    woke.write(`<r xmlns='${SM}'/>`);
    await woke.until(/<a xmlns='urn:xmpp:sm:3' h=/, "acks go on on the resumed stream");
  });

  test("with stream management, only what the client acknowledged counts as delivered", async () => {
    // gina has no other session, which would have shown the message too.
    const c = await raw("gina", "suspended");
    c.write("<enable xmlns='urn:xmpp:sm:3'/>");
    await c.until(/<enabled /, "enabled");
    await bob.sdk.send({ to: "gina", text: "never acknowledged" });
    await c.until(/never acknowledged/, "the message");
    c.write("</stream:stream>");
    await c.ended();
    const next = await raw("gina", "later");
    next.write("<presence/>");
    const text = await next.until(/never acknowledged/, "the unacknowledged message, offline");
    assert.match(text, /never acknowledged<\/body>[\s\S]*?<delay /);
  });
});

test("on one machine listening on every address, upload URLs use the host the client reached", async () => {
  const ts = await startTestServer({ "xmpp.port": 0, "http.host": "0.0.0.0", "tcp.host": "0.0.0.0" });
  const c = await RawXmpp.connect(ts.server.xmppPort);
  try {
    await ts.addUser("alice");
    await c.startTls(DOMAIN);
    await c.loginPlain(`alice@${DOMAIN}`, passwordOf("alice"), "phone");
    c.write(
      `<iq type='get' id='up1' to='upload.${DOMAIN}'><request xmlns='urn:xmpp:http:upload:0' filename='a.txt' size='3' content-type='text/plain'/></iq>`,
    );
    const answer = await c.until(/<\/slot>/, "the slot");
    const put = /<put url='([^']+)'/.exec(answer)?.[1] ?? "";
    assert.match(put, new RegExp(`^http://127\\.0\\.0\\.1:${ts.server.httpPort}/`), put);
    const res = await fetch(put.replace(/&amp;/g, "&"), {
      method: "PUT",
      headers: { "content-type": "text/plain" },
      body: "abc",
    });
    assert.equal(res.status, 201);
  } finally {
    c.close();
    await ts.close();
  }
});
