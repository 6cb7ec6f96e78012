import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { ErrorCode, SearchScope } from "@starling/sdk";
import { xml } from "@xmpp/client";
import { type Client, login } from "../helpers/clients.js";
import { passwordOf, startTestServer, type TestServer } from "../helpers/test-server.js";
import { DOMAIN, XmppTcp } from "../helpers/xmpp-tcp.js";

const MAM = "urn:xmpp:mam:2";

/**
 * The one read rule, asked through every door: a former group member reads
 * the messages up to leaving and nothing after, over native GetHistory and
 * GetConversation, HTTP history, search (native and HTTP), shared files and
 * XMPP MAM; a stranger reads nothing; a member who rejoins reads everything.
 */
describe("who may read message N, on every door", () => {
  let ts: TestServer;
  const natives: Record<string, Client> = {};
  const tokens = new Map<string, string>();
  const xmpps: XmppTcp[] = [];
  let gid = "";
  let fileBefore = "";
  let fileAfter = "";
  let lastBeforeLeaving = 0;

  const api = (who: string, path: string, init: RequestInit = {}) =>
    fetch(`http://127.0.0.1:${ts.server.httpPort}/api/v1${path}`, {
      ...init,
      headers: { authorization: `Bearer ${tokens.get(who)}`, ...(init.headers ?? {}) },
    });
  const upload = async (who: string, name: string, bytes: string): Promise<string> => {
    const r = await api(who, `/files?name=${name}`, {
      method: "POST",
      body: new TextEncoder().encode(bytes),
    });
    assert.equal(r.status, 201, await r.clone().text());
    return ((await r.json()) as { id: string }).id;
  };
  const say = async (text: string, fileId?: string) => {
    const ack = await natives.carol!.sdk.send({
      conversationId: gid,
      text,
      ...(fileId ? { attachments: [{ fileId }] } : {}),
    });
    return Number(ack.seq);
  };

  const nativeHistory = async (who: string) =>
    (await natives[who]!.sdk.history(gid, { afterSeq: 0, limit: 100 })).messages.flatMap((m) =>
      m.content?.text ? [m.content.text] : [],
    );
  const httpHistory = async (who: string): Promise<number | string[]> => {
    const r = await api(who, `/conversations/${encodeURIComponent(gid)}/messages?afterSeq=0&limit=100`);
    if (r.status !== 200) return r.status;
    const body = (await r.json()) as { messages: { content?: { text?: string } }[] };
    return body.messages.flatMap((m) => (m.content?.text ? [m.content.text] : []));
  };
  const nativeSearch = async (who: string) =>
    (await natives[who]!.sdk.search("secretword", { scope: SearchScope.MESSAGES })).messages
      .map((h) => h.message?.content?.text ?? "")
      .sort();
  const httpSearch = async (who: string) => {
    const r = await api(who, "/search?q=secretword&scope=messages");
    assert.equal(r.status, 200);
    const body = (await r.json()) as { messages?: { message: { content: { text: string } } }[] };
    return (body.messages ?? []).map((h) => h.message.content.text).sort();
  };
  const download = async (who: string, fileId: string) => (await api(who, `/files/${fileId}/content`)).status;
  const mam = async (who: XmppTcp): Promise<string[] | string> => {
    const room = `${gid.slice(2)}@conference.${DOMAIN}`;
    const queryid = `q${Math.random().toString(36).slice(2)}`;
    const from = who.stanzas.length;
    try {
      await who.xmpp.iqCaller.request(
        xml("iq", { type: "set", to: room }, xml("query", { xmlns: MAM, queryid })),
      );
    } catch (err) {
      return (err as { condition?: string }).condition ?? String(err);
    }
    return who.stanzas
      .slice(from)
      .filter((s) => s.is("message") && s.getChild("result", MAM)?.attrs.queryid === queryid)
      .map((s) =>
        s
          .getChild("result", MAM)
          ?.getChild("forwarded", "urn:xmpp:forward:0")
          ?.getChild("message", "jabber:client")
          ?.getChildText("body"),
      )
      .filter((b): b is string => typeof b === "string");
  };
  const xmppUser = async (name: string) => {
    const c = new XmppTcp(ts, name);
    xmpps.push(c);
    await c.xmpp.start();
    return c;
  };

  before(async () => {
    ts = await startTestServer({ "xmpp.port": 0 });
    for (const name of ["carol", "bob", "dave", "erin"]) {
      await ts.addUser(name);
      natives[name] = await login(ts, name);
      const r = await fetch(`http://127.0.0.1:${ts.server.httpPort}/api/v1/auth/login`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ userId: name, password: passwordOf(name) }),
      });
      tokens.set(name, ((await r.json()) as { token: string }).token);
    }
    gid = (await natives.carol!.sdk.createGroup("read rule", ["bob", "erin"])).id;
    fileBefore = await upload("carol", "before.txt", "shared before leaving");
    await say("one secretword before", fileBefore);
    lastBeforeLeaving = await say("two secretword before");
    await natives.bob!.sdk.leaveGroup(gid);
    await natives.carol!.sdk.removeMembers(gid, [`erin@${DOMAIN}`]);
    fileAfter = await upload("carol", "after.txt", "shared after leaving");
    await say("three secretword after", fileAfter);
    await natives.carol!.sdk.addMembers(gid, [`erin@${DOMAIN}`]);
    await say("four secretword rejoined");
  });
  after(async () => {
    await Promise.all(xmpps.map((c) => c.stop()));
    await Promise.all(Object.values(natives).map((c) => c.close()));
    await ts.close();
  });

  const upToLeaving = ["one secretword before", "two secretword before"];
  const everything = [...upToLeaving, "three secretword after", "four secretword rejoined"];

  test("native: a former member pages history up to leaving and sees the conversation read-only", async () => {
    assert.deepEqual(await nativeHistory("bob"), upToLeaving);
    const conv = await natives.bob!.sdk.getConversation(gid);
    assert.equal(conv.active, false);
    assert.equal(conv.lastSeq, BigInt(lastBeforeLeaving), "the last seq they may read");
    assert.equal(conv.lastMessage?.content?.text, "two secretword before");
    // Read cursors and readers are for active members.
    await assert.rejects(
      natives.bob!.sdk.markRead(gid, lastBeforeLeaving),
      (e: { code?: number }) => e.code === ErrorCode.NOT_A_MEMBER,
    );
    await assert.rejects(
      natives.bob!.sdk.readers(gid, lastBeforeLeaving),
      (e: { code?: number }) => e.code === ErrorCode.NOT_A_MEMBER,
    );
  });

  test("native: a later page asked past leaving is empty, not an error", async () => {
    const page = await natives.bob!.sdk.history(gid, { afterSeq: lastBeforeLeaving, limit: 10 });
    assert.deepEqual(page.messages, []);
    assert.equal(page.hasMore, false);
  });

  test("HTTP history: up to leaving for a former member, 404 for a stranger", async () => {
    assert.deepEqual(await httpHistory("bob"), upToLeaving);
    assert.equal(await httpHistory("dave"), 404);
    const r = await api("bob", `/conversations/${encodeURIComponent(gid)}`);
    assert.equal(r.status, 200);
    const view = (await r.json()) as { active?: boolean; lastSeq?: string };
    assert.equal(view.active ?? false, false, "read-only: no longer active");
    assert.equal(view.lastSeq, String(lastBeforeLeaving));
  });

  test("search, native and HTTP: a former member finds what was sent before leaving", async () => {
    assert.deepEqual(await nativeSearch("bob"), upToLeaving);
    assert.deepEqual(await httpSearch("bob"), upToLeaving);
    assert.deepEqual(await nativeSearch("dave"), []);
    assert.deepEqual(await httpSearch("dave"), []);
  });

  test("files: shared before leaving downloads, shared after does not", async () => {
    assert.equal(await download("bob", fileBefore), 200);
    assert.equal(await download("bob", fileAfter), 404);
    assert.equal(await download("dave", fileBefore), 404);
    assert.equal(await download("erin", fileAfter), 200, "rejoined: an active member again");
  });

  test("XMPP MAM: a former member's room archive ends at leaving; a stranger's is not there", async () => {
    assert.deepEqual(await mam(await xmppUser("bob")), upToLeaving);
    assert.equal(await mam(await xmppUser("dave")), "item-not-found");
  });

  test("a stranger reads nothing on the native door", async () => {
    await assert.rejects(
      natives.dave!.sdk.history(gid),
      (e: { code?: number }) => e.code === ErrorCode.NOT_FOUND,
    );
    await assert.rejects(
      natives.dave!.sdk.getConversation(gid),
      (e: { code?: number }) => e.code === ErrorCode.NOT_FOUND,
    );
  });

  test("a member who rejoins reads everything, on every door", async () => {
    assert.deepEqual(await nativeHistory("erin"), everything);
    assert.deepEqual(await httpHistory("erin"), everything);
    assert.deepEqual(await nativeSearch("erin"), [...everything].sort());
    assert.deepEqual(await mam(await xmppUser("erin")), everything);
  });
});
