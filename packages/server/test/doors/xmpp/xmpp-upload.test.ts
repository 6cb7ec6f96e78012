import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { AttachmentKind } from "@starling/protocol";
import { type XmlElement, xml } from "@xmpp/client";
import sharp from "sharp";
import { UploadSlots } from "../../../src/core/files/upload-slots.js";
import { type Client, login } from "../../helpers/clients.js";
import { startTestServer, type TestServer } from "../../helpers/test-server.js";
import { DOMAIN, XmppTcp } from "../../helpers/xmpp-tcp.js";

const UPLOAD = `upload.${DOMAIN}`;
const NS_UPLOAD = "urn:xmpp:http:upload:0";
const MAX_UPLOAD = 256 * 1024;
const SYSTEM = { actor: "system", source: "test", scope: "*" };

type XmppFailure = Error & { condition?: string; application?: XmlElement; element?: XmlElement };

/**
 * HTTP file upload (XEP-0363) through the file service: slots from
 * upload.<domain>, PUT and GET on the HTTP server, and download URLs in
 * messages turned into attachments and back.
 */
describe("XMPP HTTP file upload", () => {
  let ts: TestServer;
  let bob: Client;
  let alice: XmppTcp;
  let carol: XmppTcp;
  const open: XmppTcp[] = [];
  let png: Buffer;
  let n = 0;

  const connect = async (name: string) => {
    const c = new XmppTcp(ts, name, { resource: `r${++n}` });
    open.push(c);
    await c.xmpp.start();
    return c;
  };
  const requestSlot = async (c: XmppTcp, attrs: Record<string, string>) => {
    const res = await c.xmpp.iqCaller.request(
      xml("iq", { type: "get", to: UPLOAD }, xml("request", { xmlns: NS_UPLOAD, ...attrs })),
    );
    const slot = res.getChild("slot", NS_UPLOAD);
    const put = slot?.getChild("put")?.attrs.url as string;
    const get = slot?.getChild("get")?.attrs.url as string;
    assert.ok(put && get);
    return { put, get };
  };
  const refusal = async (c: XmppTcp, attrs: Record<string, string>): Promise<XmppFailure> => {
    let failure: XmppFailure | undefined;
    await c.xmpp.iqCaller.get(xml("request", { xmlns: NS_UPLOAD, ...attrs }), UPLOAD).catch((err) => {
      failure = err as XmppFailure;
    });
    assert.ok(failure, "the slot request is refused");
    return failure;
  };
  const put = (url: string, body: Buffer, headers: Record<string, string> = {}) =>
    fetch(url, { method: "PUT", body: new Uint8Array(body), headers });
  const status = async (r: Promise<Response>) => {
    const res = await r;
    await res.arrayBuffer();
    return res.status;
  };
  const chat = (to: string, body: string, oob?: string) =>
    xml(
      "message",
      { to: `${to}@${DOMAIN}`, type: "chat", id: `m-${++n}` },
      xml("body", {}, body),
      ...(oob ? [xml("x", { xmlns: "jabber:x:oob" }, xml("url", {}, oob))] : []),
    );
  /** The next message Bob gets from `from`, after those he already has. */
  const nextForBob = async (from: string, send: () => Promise<void>) => {
    const before = bob.messages.length;
    await send();
    await bob.until(
      () => bob.messages.slice(before).some((m) => m.senderId === `${from}@${DOMAIN}`),
      `a message from ${from}`,
    );
    const got = bob.messages.slice(before).find((m) => m.senderId === `${from}@${DOMAIN}`);
    assert.ok(got);
    return got;
  };

  before(async () => {
    ts = await startTestServer({
      "xmpp.port": 0,
      "files.maxUploadBytes": MAX_UPLOAD,
      "files.maxImagePixels": 4_000_000,
    });
    for (const name of ["alice", "bob", "carol", "dave"]) await ts.addUser(name);
    bob = await login(ts, "bob");
    alice = await connect("alice");
    carol = await connect("carol");
    png = await sharp({ create: { width: 64, height: 48, channels: 3, background: "#c04020" } })
      .png()
      .toBuffer();
  });
  after(async () => {
    await Promise.all(open.map((c) => c.stop()));
    await bob.close();
    await ts.close();
  });

  test("disco#info on upload.<domain>: a file store with its largest file", async () => {
    const info = await alice.xmpp.iqCaller.get(
      xml("query", { xmlns: "http://jabber.org/protocol/disco#info" }),
      UPLOAD,
    );
    const identity = info.getChild("identity");
    assert.equal(identity?.attrs.category, "store");
    assert.equal(identity?.attrs.type, "file");
    const features = info.getChildren("feature").map((f) => f.attrs.var);
    assert.ok(features.includes(NS_UPLOAD));
    const form = info.getChild("x", "jabber:x:data");
    const field = (name: string) =>
      form
        ?.getChildren("field")
        .find((f) => f.attrs.var === name)
        ?.getChildText("value");
    assert.equal(field("FORM_TYPE"), NS_UPLOAD);
    assert.equal(field("max-file-size"), String(MAX_UPLOAD), "files.maxUploadBytes, the smaller limit");

    // A domain's own, smaller, largest file is what its users are told.
    await ts.server.admin.setDomainFileLimits(SYSTEM, DOMAIN, { maxFileBytes: 1000, quotaBytes: 0 });
    try {
      const again = await alice.xmpp.iqCaller.get(
        xml("query", { xmlns: "http://jabber.org/protocol/disco#info" }),
        UPLOAD,
      );
      const max = again
        .getChild("x", "jabber:x:data")
        ?.getChildren("field")
        .find((f) => f.attrs.var === "max-file-size")
        ?.getChildText("value");
      assert.equal(max, "1000");
      const tooBig = await refusal(alice, { filename: "a.bin", size: "1001" });
      assert.equal(tooBig.condition, "not-acceptable");
      assert.equal(tooBig.application?.getChildText("max-file-size"), "1000");
    } finally {
      await ts.server.admin.setDomainFileLimits(SYSTEM, DOMAIN, { maxFileBytes: 0, quotaBytes: 0 });
    }
  });

  test("an uploaded picture sent as its URL reaches a native user as an image without text", async () => {
    const slot = await requestSlot(alice, {
      filename: "sunset.png",
      size: String(png.length),
      "content-type": "image/png",
    });
    assert.match(slot.put, new RegExp(`^http://127\\.0\\.0\\.1:${ts.server.httpPort}/`));
    assert.match(slot.get, /\/sunset\.png$/);
    assert.equal(await status(fetch(slot.get)), 404, "nothing there before the upload");

    const res = await put(slot.put, png, { "content-type": "image/png" });
    assert.equal(res.status, 201, await res.clone().text());
    const file = (await res.json()) as { id: string; mime: string; width: number; height: number };
    assert.equal(file.mime, "image/png");
    assert.deepEqual([file.width, file.height], [64, 48]);

    const got = await nextForBob("alice", () => alice.xmpp.send(chat("bob", slot.get, slot.get)));
    assert.equal(got.content?.text, "");
    assert.equal(got.content?.attachments.length, 1);
    const a = got.content?.attachments[0];
    assert.equal(a?.kind, AttachmentKind.IMAGE);
    assert.equal(a?.fileId, file.id);
    assert.equal(a?.name, "sunset.png");
    assert.equal(a?.width, 64);
    assert.ok(a?.hasThumbnail, "thumbnails are made as for any upload");

    // The GET URL works without a session, with ranges and the safe headers of file downloads.
    const whole = await fetch(slot.get);
    assert.equal(whole.status, 200);
    assert.equal(whole.headers.get("x-content-type-options"), "nosniff");
    assert.equal(whole.headers.get("content-type"), "image/png");
    assert.match(whole.headers.get("content-disposition") ?? "", /^inline; filename\*=UTF-8''sunset\.png$/);
    assert.deepEqual(Buffer.from(await whole.arrayBuffer()), png);
    assert.equal(whole.headers.get("access-control-allow-origin"), "*", "for browser clients");
    const head = await fetch(slot.get, { method: "HEAD" });
    assert.equal(head.status, 200);
    assert.equal(head.headers.get("content-length"), String(png.length));
    const part = await fetch(slot.get, { headers: { range: "bytes=0-7" } });
    assert.equal(part.status, 206);
    assert.deepEqual(Buffer.from(await part.arrayBuffer()), png.subarray(0, 8));
  });

  test("a native user's attachment reaches an XMPP user as its URL in the body and OOB", async () => {
    const bytes = Buffer.from("%PDF-1.4\nnot really a pdf, but bytes to fetch back\n");
    const f = await ts.server.core.files?.upload(`bob@${DOMAIN}`, "report <q3>.txt", bytes);
    assert.ok(f);
    const before = alice.chats().length;
    await bob.sdk.send({ to: "alice", text: "", attachments: [{ fileId: f.id }] });
    const fromBob = () =>
      alice
        .chats()
        .slice(before)
        .find((s) => s.attrs.from === `bob@${DOMAIN}/starling` && s.getChild("body"));
    await alice.until(() => fromBob() !== undefined, "the attachment over xmpp");
    const m = fromBob() as XmlElement;
    const body = m.getChildText("body") ?? "";
    const oob = m.getChild("x", "jabber:x:oob")?.getChildText("url");
    assert.match(
      body,
      new RegExp(`^http://127\\.0\\.0\\.1:${ts.server.httpPort}/.+/report%20%3Cq3%3E\\.txt$`),
    );
    assert.equal(oob, body);
    const res = await fetch(body);
    assert.equal(res.status, 200);
    assert.match(res.headers.get("content-disposition") ?? "", /^attachment;/, "not a type shown inline");
    assert.equal(res.headers.get("x-content-type-options"), "nosniff");
    assert.deepEqual(Buffer.from(await res.arrayBuffer()), bytes);

    // Sent back by the XMPP user (Alice may read it: it was shared with her), it is the same file again.
    const back = await nextForBob("alice", () => alice.xmpp.send(chat("bob", ` ${body}\n`)));
    assert.equal(back.content?.text, "");
    assert.equal(back.content?.attachments[0]?.fileId, f.id);
  });

  test("slot requests past the limits are refused as XEP-0363 says", async () => {
    const tooBig = await refusal(alice, { filename: "big.bin", size: String(MAX_UPLOAD + 1) });
    assert.equal(tooBig.condition, "not-acceptable");
    assert.equal(tooBig.element?.attrs.type, "modify");
    assert.equal(tooBig.application?.name, "file-too-large");
    assert.equal(tooBig.application?.attrs.xmlns, NS_UPLOAD);
    assert.equal(tooBig.application?.getChildText("max-file-size"), String(MAX_UPLOAD));

    const malformed: Record<string, string>[] = [
      { size: "10" },
      { filename: "", size: "10" },
      { filename: "../../etc/passwd", size: "10" },
      { filename: "a\\b", size: "10" },
      { filename: "x".repeat(256), size: "10" },
      { filename: "a.bin" },
      { filename: "a.bin", size: "0" },
      { filename: "a.bin", size: "-5" },
      { filename: "a.bin", size: "1e3" },
      { filename: "a.bin", size: "10", "content-type": "not a type" },
    ];
    for (const attrs of malformed)
      assert.equal((await refusal(alice, attrs)).condition, "bad-request", JSON.stringify(attrs));

    await ts.server.admin.setDomainFileLimits(SYSTEM, DOMAIN, { maxFileBytes: 0, quotaBytes: 1 });
    try {
      const full = await refusal(alice, { filename: "a.bin", size: "10" });
      assert.equal(full.condition, "resource-constraint");
      assert.equal(full.element?.attrs.type, "wait");
    } finally {
      await ts.server.admin.setDomainFileLimits(SYSTEM, DOMAIN, { maxFileBytes: 0, quotaBytes: 0 });
    }
  });

  test("a user may hold only so many unused slots", async () => {
    const dave = await connect("dave");
    for (let i = 0; i < 20; i++) await requestSlot(dave, { filename: `f${i}.bin`, size: "10" });
    const refused = await refusal(dave, { filename: "one-more.bin", size: "10" });
    assert.equal(refused.condition, "resource-constraint");
    assert.equal(refused.application?.name, "retry");
    assert.ok(!Number.isNaN(Date.parse(refused.application?.attrs.stamp ?? "")));
    // Others are not held back by it.
    await requestSlot(carol, { filename: "mine.bin", size: "10" });
  });

  test("upload URLs work once, as signed, before they expire", async () => {
    const bytes = Buffer.from("exactly these bytes");
    const slot = await requestSlot(alice, {
      filename: "note.txt",
      size: String(bytes.length),
      "content-type": "text/plain",
    });
    const url = new URL(slot.put);
    const tampered = (key: string, value: string) => {
      const u = new URL(url);
      u.searchParams.set(key, value);
      return u.toString();
    };
    const plain = { "content-type": "text/plain" };
    const bigger = Buffer.concat([bytes, bytes]);
    // A longer file, another user, a changed signature: the signature no longer holds.
    assert.equal(await status(put(tampered("s", String(bigger.length)), bigger, plain)), 403);
    assert.equal(await status(put(tampered("u", `carol@${DOMAIN}`), bytes, plain)), 403);
    assert.equal(
      await status(put(tampered("sig", `A${url.searchParams.get("sig")?.slice(1)}`), bytes, plain)),
      403,
    );
    const otherId = new URL(url);
    otherId.pathname = otherId.pathname.replace(/[^/]+$/, "fSomeOtherFileId00000");
    assert.equal(await status(put(otherId.toString(), bytes, plain)), 403);
    // The declared size and type must be kept.
    assert.equal(await status(put(slot.put, bigger, plain)), 400);
    assert.equal(await status(put(slot.put, bytes.subarray(1), plain)), 400);
    assert.equal(await status(put(slot.put, bytes, { "content-type": "text/html" })), 400);
    const bad = await put(slot.put, bytes, { "content-type": "text/html" });
    const error = (await bad.json()) as { code: string; details: Record<string, string> };
    assert.equal(error.code, "INVALID_ARGUMENT");
    assert.equal(error.details.field, "content-type");

    assert.equal(await status(put(slot.put, bytes, plain)), 201);
    const reused = await put(slot.put, bytes, plain);
    assert.equal(reused.status, 409);
    assert.equal(((await reused.json()) as { code: string }).code, "CONFLICT");
    const got = await fetch(slot.get);
    assert.equal(await got.text(), "exactly these bytes");

    // A slot signed with the server's key but already expired (a clock ten minutes behind).
    const files = ts.server.core.files;
    assert.ok(files);
    const past = new UploadSlots(files, ts.server.store.read, { now: () => Date.now() - 10 * 60 * 1000 });
    const old = await past.grant(`alice@${DOMAIN}`, { filename: "late.txt", size: String(bytes.length) });
    const expired = await put(`http://127.0.0.1:${ts.server.httpPort}${old.putPath}`, bytes);
    assert.equal(expired.status, 403);
    assert.match(((await expired.json()) as { message: string }).message, /expired/);
  });

  test("download URLs with a bad signature or for no file are not found", async () => {
    const slot = await requestSlot(alice, { filename: "kept.txt", size: "4" });
    assert.equal(await status(put(slot.put, Buffer.from("kept"))), 201);
    assert.equal(await status(fetch(slot.get)), 200);
    const u = new URL(slot.get);
    const parts = u.pathname.split("/");
    const sig = parts[parts.length - 2] as string;
    const flipped = `${sig.slice(0, -1)}${sig.endsWith("A") ? "B" : "A"}`;
    parts[parts.length - 2] = flipped;
    assert.equal(await status(fetch(new URL(parts.join("/"), u).toString())), 404);
    parts[parts.length - 2] = "short";
    assert.equal(await status(fetch(new URL(parts.join("/"), u).toString())), 404);
    parts[parts.length - 2] = sig;
    parts[parts.length - 3] = "fNoSuchFile";
    assert.equal(await status(fetch(new URL(parts.join("/"), u).toString())), 404);
  });

  test("a download URL whose content is missing from the blob store is not found", async () => {
    const bytes = randomBytes(64);
    const slot = await requestSlot(alice, { filename: "lost.bin", size: String(bytes.length) });
    assert.equal(await status(put(slot.put, bytes)), 201);
    assert.equal(await status(fetch(slot.get)), 200);
    const sha = createHash("sha256").update(bytes).digest("hex");
    rmSync(join(ts.dataDir, "files", sha.slice(0, 2), sha.slice(2, 4), sha));
    assert.equal(await status(fetch(slot.get)), 404);
  });

  test("URLs that are not ours, forged, or for files the sender cannot read stay text", async () => {
    // Alice's picture, not shared with Carol: its genuine URL attaches nothing when Carol pastes it.
    const slot = await requestSlot(alice, { filename: "private.png", size: String(png.length) });
    assert.equal(await status(put(slot.put, png)), 201);
    const pasted = await nextForBob("carol", () => carol.xmpp.send(chat("bob", slot.get, slot.get)));
    assert.equal(pasted.content?.text, slot.get);
    assert.equal(pasted.content?.attachments.length, 0);

    // Carol's own upload, with the id swapped for Alice's file: the signature fails.
    const own = await requestSlot(carol, { filename: "mine.png", size: String(png.length) });
    assert.equal(await status(put(own.put, png)), 201);
    const forgedUrl = new URL(own.get);
    const parts = forgedUrl.pathname.split("/");
    parts[parts.length - 3] = new URL(slot.get).pathname.split("/").at(-3) as string;
    forgedUrl.pathname = parts.join("/");
    const forged = forgedUrl.toString();
    assert.notEqual(forged, own.get);
    const sent = await nextForBob("carol", () => carol.xmpp.send(chat("bob", forged, forged)));
    assert.equal(sent.content?.text, forged);
    assert.equal(sent.content?.attachments.length, 0);

    // Text around a URL keeps the message text; the OOB URL still attaches the file.
    const mixed = `look at this ${own.get}`;
    const withText = await nextForBob("carol", () => carol.xmpp.send(chat("bob", mixed, own.get)));
    assert.equal(withText.content?.text, mixed);
    assert.equal(withText.content?.attachments.length, 1);

    const elsewhere = "https://example.com/api/v1/xmpp/files/fabc/def/x.png";
    const plain = await nextForBob("carol", () => carol.xmpp.send(chat("bob", elsewhere)));
    assert.equal(plain.content?.text, elsewhere);
    assert.equal(plain.content?.attachments.length, 0);
  });
});

test("behind a TLS proxy (public.https), upload URLs and the onboarding document use https and wss", async () => {
  const ts = await startTestServer({
    "xmpp.port": 0,
    "public.https": true,
    "public.host": "chat.example.com",
  });
  const c = new XmppTcp(ts, "alice", { resource: "proxy" });
  try {
    await ts.addUser("alice");
    await c.xmpp.start();
    const res = await c.xmpp.iqCaller.request(
      xml(
        "iq",
        { type: "get", to: UPLOAD },
        xml("request", { xmlns: NS_UPLOAD, filename: "a.txt", size: "3", "content-type": "text/plain" }),
      ),
    );
    const slot = res.getChild("slot", NS_UPLOAD);
    assert.match(
      slot?.getChild("put")?.attrs.url ?? "",
      /^https:\/\/chat\.example\.com:\d+\/api\/v1\/xmpp\/upload\//,
    );
    assert.match(
      slot?.getChild("get")?.attrs.url ?? "",
      /^https:\/\/chat\.example\.com:\d+\/api\/v1\/xmpp\/files\//,
    );
    const nav = (await (
      await fetch(`http://127.0.0.1:${ts.server.httpPort}/.well-known/starling`)
    ).json()) as { endpoints: { websocket: string; http: string } };
    assert.match(nav.endpoints.websocket, /^wss:\/\/chat\.example\.com:\d+\/ws$/);
    assert.match(nav.endpoints.http, /^https:\/\/chat\.example\.com:\d+$/);
  } finally {
    await c.stop();
    await ts.close();
  }
});
