import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { ContentSchema, create, ErrorCode, toBinary } from "@starling/protocol";
import { SaxesParser } from "saxes";
import { login } from "../../helpers/clients.js";
import { RawXmpp } from "../../helpers/raw-xmpp.js";
import { passwordOf, startTestServer } from "../../helpers/test-server.js";
import { DOMAIN } from "../../helpers/xmpp-tcp.js";

/**
 * What a message may hold is decided once, in the core, from the configured limits: every door
 * (native, HTTP, XMPP) accepts exactly that, no more and no less.
 */

const code = (c: number) => (e: { code?: number }) => e.code === c;
const bob = `bob@${DOMAIN}`;

/** The message stanza answering the one sent with this id, if it came. */
const reply = (text: string, id: string) =>
  new RegExp(`<message(?=[^>]*\\bid='${id}')[^>]*>.*?</message>`, "s").exec(text)?.[0];
const condition = (stanza: string | undefined) =>
  /<([a-z-]+) xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/.exec(stanza ?? "")?.[1];

/** A running server with alice and bob, their HTTP tokens, a native client and a raw XMPP stream for alice. */
async function setUp(flags: Record<string, unknown>) {
  const ts = await startTestServer({ "xmpp.port": 0, ...flags } as never);
  await ts.addUser("alice");
  await ts.addUser("bob");
  const r = await fetch(`http://127.0.0.1:${ts.server.httpPort}/api/v1/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ userId: "alice", password: passwordOf("alice") }),
  });
  const token = ((await r.json()) as { token: string }).token;
  const native = await login(ts, "alice");
  const receiver = await login(ts, "bob");
  const xmpp = await RawXmpp.connect(ts.server.xmppPort);
  await xmpp.startTls(DOMAIN);
  await xmpp.loginPlain(`alice@${DOMAIN}`, passwordOf("alice"));
  const http = async (body: Record<string, unknown>) => {
    const res = await fetch(`http://127.0.0.1:${ts.server.httpPort}/api/v1/messages`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ to: "bob", ...body }),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  let n = 0;
  /** Sends over XMPP and returns the answer to it: an error stanza, or undefined once bob got it. */
  const overXmpp = async (bodyXml: string, id = `x${++n}`) => {
    // The stanza id, scoped to its stream (`x~<key>~<id>`), becomes the client_msg_id, which is how bob's copy is recognised.
    const got = () => receiver.messages.filter((m) => m.clientMsgId.endsWith(`~${id}`)).length;
    const before = got();
    xmpp.text = "";
    xmpp.write(`<message to='${bob}' type='chat' id='${id}'><body>${bodyXml}</body></message>`);
    // Either an error comes back, or the message reaches bob.
    await receiver.until(() => got() > before || reply(xmpp.text, id) !== undefined, `an answer to ${id}`);
    return got() > before ? undefined : reply(xmpp.text, id);
  };
  const close = async () => {
    xmpp.close();
    await native.close();
    await receiver.close();
    await ts.close();
  };
  return { ts, http, native, receiver, overXmpp, close };
}

describe("a raised limits.maxTextLength holds at every door", () => {
  let s: Awaited<ReturnType<typeof setUp>>;
  const LIMIT = 1_048_576;
  before(async () => {
    s = await setUp({ "limits.maxTextLength": LIMIT });
  });
  after(() => s.close());

  // A text this long is larger than the default frame, JSON body and stanza limits.
  const longest = "a".repeat(LIMIT);

  test("native", async () => {
    assert.equal((await s.native.sdk.connect()).maxTextLength, LIMIT, "Welcome tells clients the limit");
    const ack = await s.native.sdk.send({ to: bob, text: longest });
    assert.ok(ack.seq > 0);
    await assert.rejects(
      s.native.sdk.send({ to: bob, text: `${longest}a` }),
      code(ErrorCode.INVALID_ARGUMENT),
    );
  });

  test("HTTP", async () => {
    const ok = await s.http({ clientMsgId: "h-long", text: longest });
    assert.equal(ok.status, 200, JSON.stringify(ok.body).slice(0, 300));
    const over = await s.http({ clientMsgId: "h-longer", text: `${longest}a` });
    assert.equal(over.status, 400);
  });

  test("XMPP", async () => {
    assert.equal(await s.overXmpp(longest), undefined, "delivered");
    assert.equal(s.receiver.messages.at(-1)?.content?.text.length, LIMIT);
    assert.equal(condition(await s.overXmpp(`${longest}a`)), "bad-request");
  });
});

describe("a lowered limits.maxTextLength holds at every door", () => {
  let s: Awaited<ReturnType<typeof setUp>>;
  before(async () => {
    s = await setUp({ "limits.maxTextLength": 100 });
  });
  after(() => s.close());

  test("native", async () => {
    await s.native.sdk.send({ to: bob, text: "b".repeat(100) });
    await assert.rejects(
      s.native.sdk.send({ to: bob, text: "b".repeat(101) }),
      code(ErrorCode.INVALID_ARGUMENT),
    );
  });

  test("HTTP", async () => {
    assert.equal((await s.http({ clientMsgId: "h-100", text: "b".repeat(100) })).status, 200);
    assert.equal((await s.http({ clientMsgId: "h-101", text: "b".repeat(101) })).status, 400);
  });

  test("XMPP", async () => {
    assert.equal(await s.overXmpp("b".repeat(100)), undefined);
    assert.equal(condition(await s.overXmpp("b".repeat(101))), "bad-request");
  });
});

describe("text that XML cannot carry", () => {
  let s: Awaited<ReturnType<typeof setUp>>;
  before(async () => {
    s = await setUp({});
  });
  after(() => s.close());

  const refusedChar = (e: { code?: number; details?: Record<string, string> }) =>
    e.code === ErrorCode.INVALID_ARGUMENT &&
    e.details?.field === "content.text" &&
    e.details?.char === "U+0007";

  test("native: U+0007 is refused, tab and line breaks are not", async () => {
    await assert.rejects(s.native.sdk.send({ to: bob, text: "ding\u0007" }), refusedChar);
    await assert.rejects(
      s.native.sdk.send({ to: bob, text: "\u0085next line" }),
      code(ErrorCode.INVALID_ARGUMENT),
    );
    await s.native.sdk.send({ to: bob, text: "a\tb\r\nc" });
  });

  test("HTTP: U+0007 and a lone surrogate are refused with the field and the character", async () => {
    const bell = await s.http({ clientMsgId: "h-bell", text: "ding\u0007" });
    assert.equal(bell.status, 400);
    assert.ok(
      refusedChar({ code: bell.body.number as number, details: bell.body.details as Record<string, string> }),
    );
    const half = await s.http({ clientMsgId: "h-half", text: "x\ud800y" });
    assert.equal(half.status, 400);
    assert.deepEqual(half.body.details, { field: "content.text", char: "U+D800", offset: "1" });
  });

  test("XMPP: a control character XML allows (U+007F) is refused; U+0007 cannot even be written", async () => {
    assert.equal(condition(await s.overXmpp("del\u007f")), "bad-request");
    const r = await RawXmpp.connect(s.ts.server.xmppPort);
    await r.startTls(DOMAIN);
    await r.loginPlain(`alice@${DOMAIN}`, passwordOf("alice"), "bell");
    r.write(`<message to='${bob}' type='chat' id='bell'><body>ding&#7;</body></message>`);
    assert.match(await r.ended(), /<not-well-formed xmlns='urn:ietf:params:xml:ns:xmpp-streams'/);
  });

  test("a stored row holding U+0007 reaches an XMPP client as well-formed XML", async () => {
    const ack = await s.native.sdk.send({ to: bob, text: "before the bell" });
    // As a row written before the check existed: straight into the store.
    const store = s.ts.server.store;
    await store.transaction(async (tx) => {
      const [conv] = await tx.getConversations([ack.conversationId]);
      assert.ok(conv);
      const seq = conv.lastSeq + 1;
      await tx.insertMessages([
        {
          conversationId: conv.id,
          seq,
          senderId: `alice@${DOMAIN}`,
          clientMsgId: "legacy-bell",
          serverTime: Date.now(),
          content: toBinary(ContentSchema, create(ContentSchema, { text: "ding\u0007dong\ufffe" })),
          event: null,
          recalledBy: null,
          recalledAt: null,
        },
      ]);
      await tx.advanceConversations([{ id: conv.id, lastSeq: seq, version: await tx.nextVersions(1) }]);
    });
    const r = await RawXmpp.connect(s.ts.server.xmppPort);
    await r.startTls(DOMAIN);
    await r.loginPlain(bob, passwordOf("bob"), "archive");
    r.write("<iq type='set' id='mam1'><query xmlns='urn:xmpp:mam:2' queryid='q1'/></iq>");
    const text = await r.until(/<iq[^>]*id='mam1'[^>]*type='result'|<iq[^>]*type='result'[^>]*id='mam1'/);
    r.close();
    // A strict XML 1.0 parser over everything the client was sent.
    const bodies: string[] = [];
    let inBody = false;
    const errors: string[] = [];
    const parser = new SaxesParser({ xmlns: false });
    parser.on("error", (err) => {
      errors.push(err.message);
    });
    parser.on("opentag", (t) => {
      if (t.name === "body") bodies.push("");
      inBody = t.name === "body";
    });
    parser.on("closetag", () => {
      inBody = false;
    });
    parser.on("text", (t) => {
      if (inBody) bodies[bodies.length - 1] += t;
    });
    parser.write(`<stream>${text}</stream>`).close();
    assert.deepEqual(errors, []);
    assert.ok(bodies.includes("ding\ufffddong\ufffd"), JSON.stringify(bodies));
  });
});

describe("a reused client_msg_id with other content", () => {
  let s: Awaited<ReturnType<typeof setUp>>;
  before(async () => {
    s = await setUp({});
  });
  after(() => s.close());

  test("HTTP: 409 CLIENT_MSG_ID_REUSED; the same content again: the first ack", async () => {
    const first = await s.http({ clientMsgId: "again", text: "one" });
    assert.equal(first.status, 200);
    const same = await s.http({ clientMsgId: "again", text: "one" });
    assert.equal(same.status, 200);
    assert.equal(same.body.seq, first.body.seq);
    const other = await s.http({ clientMsgId: "again", text: "two" });
    assert.equal(other.status, 409);
    assert.equal(other.body.code, "CLIENT_MSG_ID_REUSED");
  });

  test("XMPP: conflict", async () => {
    assert.equal(await s.overXmpp("first", "xmpp-again"), undefined);
    assert.equal(condition(await s.overXmpp("second", "xmpp-again")), "conflict");
  });

  test("native: CLIENT_MSG_ID_REUSED", async () => {
    await s.native.sdk.send({ to: bob, text: "one", clientMsgId: "native-again" });
    await assert.rejects(
      s.native.sdk.send({ to: bob, text: "two", clientMsgId: "native-again" }),
      code(ErrorCode.CLIENT_MSG_ID_REUSED),
    );
  });
});
