import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import sharp from "sharp";
import { login } from "../../helpers/clients.js";
import { passwordOf, startTestServer, type TestServer } from "../../helpers/test-server.js";

/** A valid 1x1 PNG. */
const PNG = Buffer.from(
  "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000970485973000003e8000003e801b57b526b0000000d494441540899636060606000000005000187a14ed40000000049454e44ae426082",
  "hex",
);

/**
 * Files shared by messages: members of the conversation may download them,
 * forwarding shares them on, a recall withdraws them, signed links work
 * without a token for as long as access lasts; quotas and size limits per
 * domain.
 */
describe("sharing files in conversations", () => {
  let ts: TestServer;
  const tokens = new Map<string, string>();
  const url = (path: string) => `http://127.0.0.1:${ts.server.httpPort}/api/v1${path}`;
  const call = (who: string, method: string, path: string, body?: unknown, raw?: Buffer) =>
    fetch(url(path), {
      method,
      headers: {
        ...(tokens.has(who) ? { authorization: `Bearer ${tokens.get(who)}` } : {}),
        ...(body !== undefined ? { "content-type": "application/json" } : {}),
      },
      body: raw ? new Uint8Array(raw) : body !== undefined ? JSON.stringify(body) : undefined,
    });
  const json = async <T>(r: Response | Promise<Response>, status: number): Promise<T> => {
    const res = await r;
    const text = await res.text();
    assert.equal(res.status, status, text);
    return (text ? JSON.parse(text) : {}) as T;
  };
  let seq = 0;
  const send = (who: string, to: { to?: string; conversationId?: string }, fileId: string, text = "") =>
    json<{ conversationId: string; seq: number }>(
      call(who, "POST", "/messages", {
        ...to,
        clientMsgId: `c${++seq}`,
        text,
        attachments: [{ fileId }],
      }),
      200,
    );

  before(async () => {
    ts = await startTestServer({ "files.maxUploadBytes": 256 * 1024, "files.maxImagePixels": 4_000_000 });
    tokens.set("admin", readFileSync(join(ts.dataDir, "admin.key"), "utf8").trim());
    for (const n of ["alice", "bob", "carol", "dave"]) {
      await ts.addUser(n);
      const r = await json<{ token: string }>(
        call("", "POST", "/auth/login", { userId: n, password: passwordOf(n) }),
        200,
      );
      tokens.set(n, r.token);
    }
  });
  after(() => ts.close());

  test("members download what was shared with them; forwarding shares on; a recall withdraws it", async () => {
    const f = await json<{ id: string }>(call("alice", "POST", "/files?name=cat.png", undefined, PNG), 201);
    assert.equal((await call("bob", "GET", `/files/${f.id}/content`)).status, 404, "not shared yet");

    const sent = await send("alice", { to: "bob" }, f.id, "a cat");
    const history = await json<{ messages: { content: { attachments: Record<string, unknown>[] } }[] }>(
      call("bob", "GET", `/conversations/${encodeURIComponent(sent.conversationId)}/messages?afterSeq=0`),
      200,
    );
    const att = history.messages.at(-1)?.content.attachments[0];
    assert.equal(att?.fileId, f.id);
    assert.equal(att?.mime, "image/png", "filled in by the server");
    assert.equal(att?.kind, "ATTACHMENT_KIND_IMAGE");
    assert.equal(att?.name, "cat.png");

    const got = await call("bob", "GET", `/files/${f.id}/content`);
    assert.equal(got.status, 200);
    assert.deepEqual(Buffer.from(await got.arrayBuffer()), PNG);
    assert.equal((await call("carol", "GET", `/files/${f.id}/content`)).status, 404, "not in that chat");

    // Bob forwards it to Carol: he may, because it was shared with him.
    await send("bob", { to: "carol" }, f.id);
    assert.equal((await call("carol", "GET", `/files/${f.id}/content`)).status, 200);
    // Carol cannot attach a file she has never seen.
    const other = await json<{ id: string }>(
      call("alice", "POST", "/files?name=x.bin", undefined, Buffer.from("private bytes")),
      201,
    );
    const refused = await call("carol", "POST", "/messages", {
      to: "alice",
      clientMsgId: "nope",
      text: "",
      attachments: [{ fileId: other.id }],
    });
    assert.equal(refused.status, 404);

    // Alice recalls; what was forwarded stays where it was forwarded.
    await json(
      call("alice", "POST", `/conversations/${encodeURIComponent(sent.conversationId)}/recall`, {
        seq: sent.seq,
      }),
      204,
    );
    // Bob's own forward to Carol still shares it with both of them.
    assert.equal((await call("bob", "GET", `/files/${f.id}/content`)).status, 200);
    assert.equal((await call("carol", "GET", `/files/${f.id}/content`)).status, 200);
    assert.equal((await call("alice", "GET", `/files/${f.id}/content`)).status, 200);
  });

  test("the sender's own copy, from the ack, has what the server filled in", async () => {
    const f = await json<{ id: string }>(call("alice", "POST", "/files?name=own.png", undefined, PNG), 201);
    const sdk = await login(ts, "alice", "ws");
    try {
      const ack = await sdk.sdk.send({ to: "bob", text: "", attachments: [{ fileId: f.id }] });
      assert.equal(ack.attachments[0]?.name, "own.png");
      await sdk.until(() => sdk.messages.some((m) => m.seq === ack.seq), "the own message");
      const mine = sdk.messages.find((m) => m.seq === ack.seq);
      assert.deepEqual(
        [mine?.content?.attachments[0]?.name, mine?.content?.attachments[0]?.mime],
        ["own.png", "image/png"],
      );
    } finally {
      await sdk.sdk.close();
    }
  });

  test("signed links work without a token, until they expire or access ends", async () => {
    const f = await json<{ id: string }>(call("alice", "POST", "/files?name=dog.png", undefined, PNG), 201);
    const sent = await send("alice", { to: "bob" }, f.id);
    const link = await json<{ path: string; expiresAt: number }>(
      call("bob", "POST", `/files/${f.id}/link`, {}),
      200,
    );
    assert.ok(link.expiresAt > Date.now());
    const open = await fetch(`http://127.0.0.1:${ts.server.httpPort}${link.path}`);
    assert.equal(open.status, 200);
    assert.deepEqual(Buffer.from(await open.arrayBuffer()), PNG);

    const tampered = link.path.replace(/exp=\d+/, `exp=${link.expiresAt + 60_000}`);
    assert.equal((await fetch(`http://127.0.0.1:${ts.server.httpPort}${tampered}`)).status, 403);
    const other = link.path.replace("/content?", "/thumbnail?");
    assert.equal(
      (await fetch(`http://127.0.0.1:${ts.server.httpPort}${other}`)).status,
      403,
      "signed for content only",
    );
    assert.equal((await call("carol", "POST", `/files/${f.id}/link`, {})).status, 404);

    await json(
      call("alice", "POST", `/conversations/${encodeURIComponent(sent.conversationId)}/recall`, {
        seq: sent.seq,
      }),
      204,
    );
    assert.equal(
      (await fetch(`http://127.0.0.1:${ts.server.httpPort}${link.path}`)).status,
      404,
      "recall ends the link",
    );
    assert.equal((await call("bob", "GET", `/files/${f.id}/content`)).status, 404, "and Bob's access");
    assert.equal((await call("alice", "GET", `/files/${f.id}/content`)).status, 200, "not the uploader's");
  });

  test("adoption by hash only for content the caller may already read; unknown otherwise", async () => {
    const bytes = Buffer.from(`report ${Date.now()} ${Math.random()}`);
    const sha256 = createHash("sha256").update(bytes).digest("hex");
    const adopt = (who: string) => call(who, "POST", "/files/by-hash", { sha256, name: "copy.txt" });
    const unknownAnswer = async () => {
      const r = await adopt("carol");
      return { status: r.status, body: await r.text() };
    };
    const nothing = await call("carol", "POST", "/files/by-hash", { sha256: "e".repeat(64), name: "x" });
    const unknown = { status: nothing.status, body: await nothing.text() };
    assert.equal(unknown.status, 404);

    const f = await json<{ id: string }>(call("alice", "POST", "/files?name=r.txt", undefined, bytes), 201);
    await json(adopt("alice"), 201);
    assert.deepEqual(await unknownAnswer(), unknown, "a stranger who knows the hash learns nothing");

    const toBob = await send("alice", { to: "bob" }, f.id);
    const toDave = await send("alice", { to: "dave" }, f.id);
    const bobs = await json<{ id: string }>(adopt("bob"), 201);
    assert.equal((await call("bob", "GET", `/files/${bobs.id}/content`)).status, 200);
    assert.deepEqual(await unknownAnswer(), unknown, "still nothing for someone outside the chats");

    const recall = (m: { conversationId: string; seq: number }) =>
      json(
        call("alice", "POST", `/conversations/${encodeURIComponent(m.conversationId)}/recall`, {
          seq: m.seq,
        }),
        204,
      );
    await recall(toDave);
    const dave = await adopt("dave");
    assert.deepEqual({ status: dave.status, body: await dave.text() }, unknown, "a recall withdraws it");
    // Bob's adopted copy is a file of his own, taken while he could read it: it stays his.
    await recall(toBob);
    assert.equal((await call("bob", "GET", `/files/${bobs.id}/content`)).status, 200);
    await json(adopt("alice"), 201);
  });

  test("images get their size and a thumbnail; bombs and lies are refused", async () => {
    const photo = await sharp({
      create: { width: 1200, height: 800, channels: 3, background: { r: 200, g: 80, b: 20 } },
    })
      .jpeg()
      .toBuffer();
    const f = await json<{ id: string; width: number; height: number; hasThumbnail: boolean; mime: string }>(
      call("alice", "POST", "/files?name=photo.jpg", undefined, photo),
      201,
    );
    assert.deepEqual([f.mime, f.width, f.height, f.hasThumbnail], ["image/jpeg", 1200, 800, true]);
    const thumb = await call("alice", "GET", `/files/${f.id}/thumbnail`);
    assert.equal(thumb.status, 200);
    assert.equal(thumb.headers.get("content-type"), "image/webp");
    const meta = await sharp(Buffer.from(await thumb.arrayBuffer())).metadata();
    assert.deepEqual([meta.format, meta.width, meta.height], ["webp", 320, 213]);

    const sent = await send("alice", { to: "bob" }, f.id);
    const page = await json<{
      messages: { seq: number; content: { attachments: Record<string, unknown>[] } }[];
    }>(
      call("bob", "GET", `/conversations/${encodeURIComponent(sent.conversationId)}/messages?afterSeq=0`),
      200,
    );
    const att = page.messages.find((m) => Number(m.seq) === sent.seq)?.content.attachments[0];
    assert.deepEqual([att?.width, att?.height, att?.hasThumbnail], [1200, 800, true]);
    assert.equal((await call("bob", "GET", `/files/${f.id}/thumbnail`)).status, 200);

    // Far more pixels than allowed (the test server allows 4 million), in a few kilobytes.
    const bomb = await sharp({
      create: { width: 4000, height: 4000, channels: 3, background: { r: 0, g: 0, b: 0 } },
    })
      .png({ compressionLevel: 9 })
      .toBuffer();
    assert.ok(bomb.length < 64 * 1024);
    const refused = await call("alice", "POST", "/files?name=bomb.png", undefined, bomb);
    assert.equal(refused.status, 400);
    assert.match(((await refused.json()) as { message: string }).message, /pixels/);
    const truncated = await call(
      "alice",
      "POST",
      "/files?name=half.jpg",
      undefined,
      photo.subarray(0, photo.length / 2),
    );
    assert.equal(truncated.status, 400);
    // A "picture" that is really text is kept as what it is, and cannot be sent as an image.
    const lie = await json<{ id: string; mime: string }>(
      call("alice", "POST", "/files?name=evil.png", undefined, Buffer.from("<script>alert(1)</script>")),
      201,
    );
    assert.equal(lie.mime, "application/octet-stream");
    const asImage = await call("alice", "POST", "/messages", {
      to: "bob",
      clientMsgId: "lie",
      text: "",
      attachments: [{ fileId: lie.id, kind: "image" }],
    });
    const ack = (await asImage.json()) as { conversationId: string; seq: number };
    const lied = await json<{ messages: { seq: number; content: { attachments: { kind: string }[] } }[] }>(
      call("bob", "GET", `/conversations/${encodeURIComponent(ack.conversationId)}/messages?afterSeq=0`),
      200,
    );
    assert.equal(
      lied.messages.find((m) => Number(m.seq) === Number(ack.seq))?.content.attachments[0]?.kind,
      "ATTACHMENT_KIND_FILE",
    );
  });

  test("avatars of users and groups, in three sizes", async () => {
    const picture = await sharp({
      create: { width: 600, height: 400, channels: 3, background: { r: 10, g: 120, b: 200 } },
    })
      .png()
      .toBuffer();
    const put = (who: string, path: string, body: Buffer) =>
      fetch(url(path), {
        method: "PUT",
        headers: { authorization: `Bearer ${tokens.get(who)}`, "content-type": "image/png" },
        body: new Uint8Array(body),
      });
    const set = await put("alice", "/me/avatar", picture);
    assert.equal(set.status, 200);
    const { avatar } = (await set.json()) as { avatar: string };
    assert.match(avatar, /^\/api\/v1\/avatars\/alice%40[^?]+\?v=[0-9a-f]{12}$/);
    const card = await json<{ avatar: string }>(call("bob", "GET", `/directory/users/alice`), 200);
    assert.equal(card.avatar, avatar, "the card points at it, so every device learns of the change");
    for (const [size, expected] of [
      [40, 64],
      [100, 128],
      [1000, 256],
    ] as const) {
      const r = await call("bob", "GET", `/avatars/alice?size=${size}`);
      assert.equal(r.status, 200);
      const meta = await sharp(Buffer.from(await r.arrayBuffer())).metadata();
      assert.deepEqual([meta.format, meta.width, meta.height], ["webp", expected, expected]);
    }
    assert.equal((await call("bob", "GET", "/avatars/carol")).status, 404, "carol has none");
    assert.equal((await put("alice", "/me/avatar", Buffer.from("not a picture"))).status, 400);

    const group = await json<{ id: string }>(
      call("alice", "POST", "/groups", { name: "design", memberIds: ["bob"] }),
      201,
    );
    assert.equal((await put("bob", `/groups/${group.id}/avatar`, picture)).status, 403, "members cannot");
    const groupSet = await put("alice", `/groups/${group.id}/avatar`, picture);
    assert.equal(groupSet.status, 200);
    const groupAvatar = ((await groupSet.json()) as { avatar: string }).avatar;
    const conv = await json<{ avatar: string }>(
      call("bob", "GET", `/conversations/${encodeURIComponent(group.id)}`),
      200,
    );
    assert.equal(conv.avatar, groupAvatar, "the conversation carries the picture, so sync shows it");
    const events = await json<{ messages: { event?: { avatarChanged?: { avatar: string } } }[] }>(
      call("bob", "GET", `/conversations/${encodeURIComponent(group.id)}/messages`),
      200,
    );
    assert.equal(
      events.messages.at(-1)?.event?.avatarChanged?.avatar,
      groupAvatar,
      "and the change is an event",
    );
    assert.equal((await call("bob", "GET", `/avatars/${encodeURIComponent(group.id)}`)).status, 200);
    assert.equal(
      (await call("carol", "GET", `/avatars/${encodeURIComponent(group.id)}`)).status,
      404,
      "not a member",
    );
  });

  test("a domain's own size limit and quota are enforced with clear errors", async () => {
    const domain = ts.domain;
    const limits = (body: unknown) =>
      json<{ maxFileBytes: number; quotaBytes: number; usedBytes: number }>(
        call("admin", "PATCH", `/admin/domains/${domain}`, body),
        200,
      );
    assert.equal((await call("alice", "PATCH", `/admin/domains/${domain}`, { quotaBytes: 1 })).status, 403);
    await limits({ maxFileBytes: 1000 });
    const big = await call("alice", "POST", "/files?name=big.bin", undefined, Buffer.alloc(1001, 1));
    assert.equal(big.status, 413);
    assert.equal(((await big.json()) as { code: string }).code, "FILE_TOO_LARGE");

    const { usedBytes } = await limits({ maxFileBytes: 0 });
    await limits({ quotaBytes: usedBytes + 500 });
    await json(call("alice", "POST", "/files?name=a.bin", undefined, Buffer.alloc(400, 2)), 201);
    const over = await call("alice", "POST", "/files?name=b.bin", undefined, Buffer.alloc(400, 3));
    assert.equal(over.status, 507);
    assert.equal(((await over.json()) as { code: string }).code, "QUOTA_EXCEEDED");
    const after = await limits({ quotaBytes: 0 });
    assert.equal(after.usedBytes, usedBytes + 400, "nothing charged for the refusal");
  });

  test("the same route sets whether the domain's push notifications show message text, and nothing else", async () => {
    const domain = ts.domain;
    const patch = (body: unknown) => call("admin", "PATCH", `/admin/domains/${domain}`, body);
    const before = await json<{ maxFileBytes: number; quotaBytes: number }>(patch({}), 200);
    const d = await json<{ pushPreviews: string; maxFileBytes: number; quotaBytes: number }>(
      patch({ pushPreviews: "text" }),
      200,
    );
    assert.deepEqual(
      [d.pushPreviews, d.maxFileBytes, d.quotaBytes],
      ["text", before.maxFileBytes, before.quotaBytes],
    );
    assert.equal((await patch({ pushPreviews: "everything" })).status, 400);
    assert.equal((await json<{ pushPreviews: string }>(patch({ pushPreviews: "" }), 200)).pushPreviews, "");
  });
});
