import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { type XmlElement, xml } from "@xmpp/client";
import { comparePositions } from "../../../src/core/messaging/archive-page.js";
import { parseDateTime } from "../../../src/doors/xmpp/mam.js";
import { type Client, login } from "../../helpers/clients.js";
import { startTestServer, type TestServer } from "../../helpers/test-server.js";
import { DOMAIN, XmppTcp } from "../../helpers/xmpp-tcp.js";

const MAM = "urn:xmpp:mam:2";
const RSM = "http://jabber.org/protocol/rsm";

interface MamRequest {
  to?: string;
  fields?: Record<string, string | string[]>;
  max?: number | string;
  after?: string;
  /** "" asks for the last page. */
  before?: string;
  flip?: boolean;
  formType?: string;
}

interface Item {
  /** The result's archive id. */
  id: string;
  body: string | undefined;
  message: XmlElement;
  stamp: string | undefined;
}

interface MamAnswer {
  items: Item[];
  complete: boolean;
  first: string | undefined;
  last: string | undefined;
}

let queries = 0;

/** One archive query (XEP-0313): the results that came before the IQ result, and the page it describes. */
async function mam(c: XmppTcp, r: MamRequest = {}): Promise<MamAnswer> {
  const queryid = `q${++queries}`;
  const fields = Object.entries(r.fields ?? {}).map(([name, v]) =>
    xml("field", { var: name }, ...[v].flat().map((value) => xml("value", {}, value))),
  );
  const form = xml(
    "x",
    { xmlns: "jabber:x:data", type: "submit" },
    xml("field", { var: "FORM_TYPE", type: "hidden" }, xml("value", {}, r.formType ?? MAM)),
    ...fields,
  );
  const paging: XmlElement[] = [];
  if (r.max !== undefined) paging.push(xml("max", {}, String(r.max)));
  if (r.after !== undefined) paging.push(xml("after", {}, r.after));
  if (r.before !== undefined) paging.push(r.before ? xml("before", {}, r.before) : xml("before"));
  const children = [form, xml("set", { xmlns: RSM }, ...paging)];
  if (r.flip) children.push(xml("flip-page"));
  const from = c.stanzas.length;
  const answer = await c.xmpp.iqCaller.request(
    xml(
      "iq",
      { type: "set", ...(r.to ? { to: r.to } : {}) },
      xml("query", { xmlns: MAM, queryid }, ...children),
    ),
  );
  const fin = answer.getChild("fin", MAM);
  assert.ok(fin, "the IQ result holds a fin");
  const items = c.stanzas
    .slice(from)
    .filter((s) => s.is("message") && s.getChild("result", MAM)?.attrs.queryid === queryid)
    .map((s) => {
      const result = s.getChild("result", MAM) as XmlElement;
      const forwarded = result.getChild("forwarded", "urn:xmpp:forward:0") as XmlElement;
      const message = forwarded.getChild("message", "jabber:client") as XmlElement;
      return {
        id: result.attrs.id as string,
        body: message.getChildText("body") ?? undefined,
        message,
        stamp: forwarded.getChild("delay", "urn:xmpp:delay")?.attrs.stamp,
      };
    });
  const set = fin.getChild("set", RSM);
  return {
    items,
    complete: fin.attrs.complete === "true",
    first: set?.getChildText("first") ?? undefined,
    last: set?.getChildText("last") ?? undefined,
  };
}

/** The stanza error condition a query is refused with. */
async function refusal(c: XmppTcp, r: MamRequest): Promise<string> {
  try {
    await mam(c, r);
  } catch (err) {
    return (err as { condition?: string }).condition ?? String(err);
  }
  return "answered";
}

interface Sent {
  id: string;
  text: string;
  time: number;
  conversationId: string;
  seq: number;
}

async function send(
  from: Client,
  to: { to: string } | { conversationId: string },
  text: string,
): Promise<Sent> {
  const ack = await from.sdk.send({ ...to, text });
  return {
    id: `${ack.conversationId}:${ack.seq}`,
    text,
    time: Number(ack.serverTime),
    conversationId: ack.conversationId,
    seq: Number(ack.seq),
  };
}

const inArchiveOrder = (list: Sent[]) =>
  [...list].sort((a, b) =>
    comparePositions(
      { time: a.time, conversationId: a.conversationId, seq: a.seq },
      { time: b.time, conversationId: b.conversationId, seq: b.seq },
    ),
  );
const iso = (ms: number) => new Date(ms).toISOString();

describe("XMPP message archive (XEP-0313)", () => {
  let ts: TestServer;
  const natives: Record<string, Client> = {};
  let alice: XmppTcp;
  let dave: XmppTcp;
  const open: XmppTcp[] = [];
  /** alice's 1:1 with bob: 25 messages, every sixth from alice. */
  const withBob: Sent[] = [];
  const withCarol: Sent[] = [];

  const xmppUser = async (name: string) => {
    const c = new XmppTcp(ts, name);
    open.push(c);
    await c.xmpp.start();
    return c;
  };

  before(async () => {
    ts = await startTestServer({ "xmpp.port": 0 });
    for (const name of ["alice", "bob", "carol", "dave", "erin"]) await ts.addUser(name);
    for (const name of ["alice", "bob", "carol", "erin"]) natives[name] = await login(ts, name);
    alice = await xmppUser("alice");
    dave = await xmppUser("dave");
    const n = natives as Record<"alice" | "bob" | "carol" | "erin", Client>;
    for (let i = 0; i < 25; i++) {
      withBob.push(
        i % 6 === 5
          ? await send(n.alice, { to: "bob" }, `a${i}`)
          : await send(n.bob, { to: "alice" }, `b${i}`),
      );
      if (i % 5 === 2) withCarol.push(await send(n.carol, { to: "alice" }, `c${i}`));
    }
  });
  after(async () => {
    await Promise.all(open.map((c) => c.stop()));
    await Promise.all(Object.values(natives).map((c) => c.close()));
    await ts.close();
  });

  test("a 1:1 archive pages forwards with after, in order, as the messages were", async () => {
    const bob = `bob@${DOMAIN}`;
    const seen: string[] = [];
    let after: string | undefined;
    const pages: MamAnswer[] = [];
    for (;;) {
      const page = await mam(alice, { fields: { with: bob }, max: 10, ...(after ? { after } : {}) });
      pages.push(page);
      seen.push(...page.items.map((i) => i.body ?? ""));
      assert.equal(page.first, page.items[0]?.id);
      assert.equal(page.last, page.items[page.items.length - 1]?.id);
      if (page.complete) break;
      after = page.last;
    }
    assert.deepEqual(
      pages.map((p) => [p.items.length, p.complete]),
      [
        [10, false],
        [10, false],
        [5, true],
      ],
    );
    assert.deepEqual(
      seen,
      withBob.map((m) => m.text),
    );
    const first = pages[0]?.items[0] as Item;
    assert.equal(first.id, withBob[0]?.id);
    assert.equal(first.stamp, iso(withBob[0]?.time ?? 0));
    assert.equal(first.message.attrs.type, "chat");
    assert.equal(first.message.attrs.from, `${bob}/starling`);
    assert.equal(first.message.getChild("stanza-id", "urn:xmpp:sid:0")?.attrs.id, withBob[0]?.id);
    // alice's own messages are from her to bob.
    const mine = pages[0]?.items[5] as Item;
    assert.deepEqual(
      [mine.body, mine.message.attrs.from, mine.message.attrs.to],
      ["a5", `alice@${DOMAIN}`, bob],
    );
  });

  test("an empty before is the last page; before pages backwards to the first", async () => {
    const texts = withBob.map((m) => m.text);
    const last = await mam(alice, { fields: { with: `bob@${DOMAIN}` }, max: 10, before: "" });
    assert.deepEqual(
      last.items.map((i) => i.body),
      texts.slice(15),
    );
    assert.equal(last.complete, false);
    const middle = await mam(alice, { fields: { with: `bob@${DOMAIN}` }, max: 10, before: last.first });
    assert.deepEqual(
      middle.items.map((i) => i.body),
      texts.slice(5, 15),
    );
    const start = await mam(alice, { fields: { with: `bob@${DOMAIN}` }, max: 10, before: middle.first });
    assert.deepEqual(
      start.items.map((i) => i.body),
      texts.slice(0, 5),
    );
    assert.equal(start.complete, true);
    const flipped = await mam(alice, { fields: { with: `bob@${DOMAIN}` }, max: 3, before: "", flip: true });
    assert.deepEqual(
      flipped.items.map((i) => i.body),
      texts.slice(22).reverse(),
    );
  });

  test("start and end keep the messages stored between them, both included", async () => {
    const from = withBob[5] as Sent;
    const to = withBob[12] as Sent;
    const expected = withBob.filter((m) => m.time >= from.time && m.time <= to.time).map((m) => m.text);
    const page = await mam(alice, {
      fields: { with: `bob@${DOMAIN}`, start: iso(from.time), end: iso(to.time) },
    });
    assert.deepEqual(
      page.items.map((i) => i.body),
      expected,
    );
    assert.equal(page.complete, true);
    const between = await mam(alice, {
      fields: { with: `bob@${DOMAIN}`, "after-id": from.id, "before-id": to.id },
    });
    assert.deepEqual(
      between.items.map((i) => i.body),
      withBob.slice(6, 12).map((m) => m.text),
    );
    const later = await mam(alice, { fields: { with: `bob@${DOMAIN}`, start: iso(Date.now() + 60_000) } });
    assert.deepEqual([later.items.length, later.complete, later.first], [0, true, undefined]);
  });

  test("the user archive merges every 1:1 chat in time order, and pages both ways", async () => {
    const expected = inArchiveOrder([...withBob, ...withCarol]).map((m) => m.id);
    const forwards: string[] = [];
    let after: string | undefined;
    for (;;) {
      const page = await mam(alice, { max: 7, ...(after ? { after } : {}) });
      forwards.push(...page.items.map((i) => i.id));
      if (page.complete) break;
      after = page.last;
    }
    assert.deepEqual(forwards, expected);
    const backwards: string[][] = [];
    let before = "";
    for (;;) {
      const page = await mam(alice, { max: 7, before });
      backwards.unshift(page.items.map((i) => i.id));
      if (page.complete) break;
      before = page.first as string;
    }
    assert.deepEqual(backwards.flat(), expected);
    // A catch-up from a time: everything stored since, in order.
    const since = (withCarol[2] as Sent).time;
    const caughtUp = await mam(alice, { fields: { start: iso(since) } });
    assert.deepEqual(
      caughtUp.items.map((i) => i.id),
      inArchiveOrder([...withBob, ...withCarol])
        .filter((m) => m.time >= since)
        .map((m) => m.id),
    );
    const carol = await mam(alice, { fields: { with: `carol@${DOMAIN}` } });
    assert.deepEqual(
      carol.items.map((i) => i.body),
      withCarol.map((m) => m.text),
    );
  });

  test("a recalled message is a tombstone; the recall itself is not an item; ids fetch items", async () => {
    const erin = natives.erin as Client;
    const gone = await send(erin, { to: "alice" }, "wrong chat");
    const kept = await send(erin, { to: "alice" }, "hello alice");
    await erin.sdk.recall(gone.conversationId, gone.seq);
    const page = await mam(alice, { fields: { with: `erin@${DOMAIN}` } });
    assert.deepEqual(
      page.items.map((i) => [i.id, i.body]),
      [
        [gone.id, undefined],
        [kept.id, "hello alice"],
      ],
    );
    const retracted = page.items[0]?.message.getChild("retracted", "urn:xmpp:message-retract:1");
    assert.equal(retracted?.attrs.by, `erin@${DOMAIN}`);
    assert.ok(retracted?.attrs.stamp);
    const byId = await mam(alice, { fields: { ids: [kept.id, (withBob[3] as Sent).id] } });
    assert.deepEqual(
      byId.items.map((i) => i.body),
      [withBob[3]?.text, "hello alice"],
    );
    assert.equal(await refusal(alice, { fields: { ids: [`${kept.conversationId}:999`] } }), "item-not-found");
  });

  test("a room's archive is for its members; one who left reads up to leaving", async () => {
    const n = natives as Record<"alice" | "bob" | "carol", Client>;
    const g = await n.carol.sdk.createGroup("MAM room", ["alice", "bob"]);
    const room = `${g.id.slice(2)}@conference.${DOMAIN}`;
    const sent: Sent[] = [];
    for (let i = 0; i < 5; i++) sent.push(await send(n.carol, { conversationId: g.id }, `r${i}`));
    sent.push(await send(n.bob, { conversationId: g.id }, "from bob"));
    const first = await mam(alice, { to: room, max: 4 });
    const rest = await mam(alice, { to: room, max: 4, after: first.last });
    assert.deepEqual(
      [...first.items, ...rest.items].map((i) => i.body),
      sent.map((m) => m.text),
      "only messages: the group's events are not archive items",
    );
    assert.deepEqual([first.complete, rest.complete], [false, true]);
    const item = first.items[0] as Item;
    assert.deepEqual(
      [item.message.attrs.type, item.message.attrs.from, item.id],
      ["groupchat", `${room}/carol`, sent[0]?.id],
    );
    const fromBob = await mam(alice, { to: room, fields: { with: `bob@${DOMAIN}` } });
    assert.deepEqual(
      fromBob.items.map((i) => i.body),
      ["from bob"],
    );
    const byNick = await mam(alice, { to: room, fields: { with: `${room}/carol` }, before: "", max: 2 });
    assert.deepEqual(
      byNick.items.map((i) => i.body),
      ["r3", "r4"],
    );

    assert.equal(await refusal(dave, { to: room }), "item-not-found");
    assert.equal(await refusal(dave, { to: `nosuchroom00@conference.${DOMAIN}` }), "item-not-found");
    // An id from the room is not in alice's own archive, nor a 1:1 id in the room's.
    assert.equal(await refusal(alice, { after: sent[0]?.id as string }), "item-not-found");
    assert.equal(await refusal(alice, { to: room, after: withBob[0]?.id as string }), "item-not-found");

    const bob = await xmppUser("bob");
    await n.bob.sdk.leaveGroup(g.id);
    const after = await send(n.carol, { conversationId: g.id }, "after bob left");
    const left = await mam(bob, { to: room });
    assert.deepEqual(
      left.items.map((i) => i.body),
      sent.map((m) => m.text),
    );
    assert.equal(await refusal(bob, { to: room, after: after.id }), "item-not-found");
    const stayed = await mam(alice, { to: room, before: "", max: 1 });
    assert.deepEqual(
      stayed.items.map((i) => i.body),
      ["after bob left"],
    );
  });

  test("bad queries: bad-request, feature-not-implemented, item-not-found", async () => {
    const cases: [MamRequest, string][] = [
      [{ fields: { start: "yesterday" } }, "bad-request"],
      [{ fields: { end: "2024-02-30T00:00:00Z" } }, "bad-request"],
      [{ formType: "urn:xmpp:mam:1" }, "bad-request"],
      [{ fields: { with: "not a jid" } }, "bad-request"],
      [{ fields: { start: ["2024-01-01T00:00:00Z", "2024-01-02T00:00:00Z"] } }, "bad-request"],
      [{ max: "ten" }, "bad-request"],
      [{ after: "" }, "bad-request"],
      [{ fields: { "{urn:example}free-text": "hi" } }, "feature-not-implemented"],
      [{ after: "nonsense" }, "item-not-found"],
      [{ before: `${withBob[0]?.conversationId}:999` }, "item-not-found"],
      [{ fields: { "after-id": "d:bob@starling.local|carol@starling.local:1" } }, "item-not-found"],
    ];
    for (const [request, condition] of cases)
      assert.equal(await refusal(alice, request), condition, JSON.stringify(request));
    // The session carries on.
    const ok = await mam(alice, { fields: { with: `bob@${DOMAIN}` }, max: 1 });
    assert.equal(ok.items.length, 1);
  });

  test("the query form and the archive's metadata", async () => {
    const form = await alice.xmpp.iqCaller.get(xml("query", { xmlns: MAM }));
    const vars = (form.getChild("x", "jabber:x:data")?.getChildren("field") ?? []).map((f) => f.attrs.var);
    assert.deepEqual(vars, ["FORM_TYPE", "with", "start", "end", "before-id", "after-id", "ids"]);

    const meta = await alice.xmpp.iqCaller.get(xml("metadata", { xmlns: MAM }));
    const start = meta.getChild("start");
    const end = meta.getChild("end");
    const all = inArchiveOrder([...withBob, ...withCarol]);
    assert.equal(start?.attrs.id, all[0]?.id);
    assert.equal(start?.attrs.timestamp, iso(all[0]?.time ?? 0));
    assert.match(end?.attrs.id ?? "", /^d:alice@starling\.local\|erin@starling\.local:\d+$/);

    const info = await alice.xmpp.iqCaller.get(
      xml("query", { xmlns: "http://jabber.org/protocol/disco#info" }),
      `alice@${DOMAIN}`,
    );
    const features = info.getChildren("feature").map((f) => f.attrs.var);
    assert.ok(features.includes(MAM) && features.includes(`${MAM}#extended`));
  });
});

test("XEP-0082 times: zones, fractions rounded inwards, impossible dates refused", () => {
  const base = Date.UTC(2010, 5, 7, 12, 30, 15);
  assert.equal(parseDateTime("2010-06-07T12:30:15Z", "ceil"), base);
  assert.equal(parseDateTime("2010-06-07T14:30:15+02:00", "floor"), base);
  assert.equal(parseDateTime("2010-06-07T07:00:15-05:30", "floor"), base);
  assert.equal(parseDateTime("2010-06-07T12:30:15.5Z", "floor"), base + 500);
  assert.equal(parseDateTime("2010-06-07T12:30:15.346685Z", "ceil"), base + 347);
  assert.equal(parseDateTime("2010-06-07T12:30:15.346685Z", "floor"), base + 346);
  assert.equal(parseDateTime("2010-06-07T12:30:15.346000Z", "ceil"), base + 346);
  for (const bad of [
    "2010-06-07T12:30:15",
    "2010-06-07 12:30:15Z",
    "2010-02-30T00:00:00Z",
    "2010-06-07T24:00:00Z",
    "2010-06-07T12:30:60Z",
    "2010-06-07T12:30:15+25:00",
    "10-06-07T12:30:15Z",
  ])
    assert.equal(parseDateTime(bad, "ceil"), undefined, bad);
});
