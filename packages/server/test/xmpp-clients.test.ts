import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { type Client, login } from "./helpers/clients.js";
import { RawXmpp } from "./helpers/raw-xmpp.js";
import { passwordOf, startTestServer, type TestServer } from "./helpers/test-server.js";
import { DOMAIN } from "./helpers/xmpp-tcp.js";

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
    for (const name of ["alice", "bob", "carol", "dave"]) await ts.addUser(name);
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
    // Not answered, so not advertised.
    for (const f of ["urn:xmpp:blocking", "urn:xmpp:push:0"])
      assert.ok(!server.includes(f) && !account.includes(f), f);
  });
});
