import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { StarlingError } from "@starling/protocol";
import Fastify from "fastify";
import { Upload, type UploadOptions } from "tus-js-client";
import { NodeRandom } from "../../../src/adapters/platform/node-random.js";
import { DiskUploadArea } from "../../../src/adapters/uploads/disk-upload-area.js";
import { ResumableUploads } from "../../../src/core/files/resumable.js";
import { HttpAuth } from "../../../src/doors/http/auth.js";
import { errorBody, httpStatus } from "../../../src/doors/http/error-status.js";
import { parseUploadMetadata, registerTusRoutes } from "../../../src/doors/http/tus-routes.js";
import { passwordOf, startTestServer, type TestServer } from "../../helpers/test-server.js";

const OFFSET_STREAM = "application/offset+octet-stream";
const MAX_UPLOAD = 64 * 1024;
const MAX_FILE = 1024 * 1024;

/** A valid 40x30 PNG. */
const PNG = Buffer.from(
  "89504e470d0a1a0a0000000d49484452000000280000001e0802000000d1bfcb8a0000000970485973000003e8000003e801b57b526b0000003d494441544889edd5410d00300c02c079c2136a113519dbe392fe9b34943be99eccb1b84e1de19a77aa0289ca1c248ac561b1580c1687c562315fb17801613689cbba5ff5740000000049454e44ae426082",
  "hex",
);
/** Bytes that sniff as a PDF (no media inspection), as long as needed. */
const pdfOf = (size: number) => Buffer.concat([Buffer.from("%PDF-1.7\n"), randomBytes(size - 9)]);
const b64 = (s: string) => Buffer.from(s).toString("base64");

interface Call {
  token?: string;
  headers?: Record<string, string>;
  body?: Buffer | ReadableStream<Uint8Array>;
  signal?: AbortSignal;
  /** Leaves out Tus-Resumable. */
  plain?: boolean;
}

/** A tus client in a few lines: plain fetch against one server. */
function tusClient(base: () => string) {
  const call = (method: string, path: string, c: Call = {}) =>
    fetch(`${base()}${path}`, {
      method,
      headers: {
        ...(c.plain ? {} : { "tus-resumable": "1.0.0" }),
        ...(c.token ? { authorization: `Bearer ${c.token}` } : {}),
        ...(c.body ? { "content-type": OFFSET_STREAM } : {}),
        ...c.headers,
      },
      body: c.body instanceof Buffer ? new Uint8Array(c.body) : c.body,
      signal: c.signal,
      ...(c.body && !(c.body instanceof Buffer) ? { duplex: "half" } : {}),
    } as RequestInit);
  return {
    call,
    async create(token: string, length: number, name?: string, body?: Buffer): Promise<Response> {
      const headers: Record<string, string> = { "upload-length": String(length) };
      if (name !== undefined) headers["upload-metadata"] = `filename ${b64(name)},kind`;
      return call("POST", "/uploads/", { token, headers, body });
    },
    async created(token: string, length: number, name?: string): Promise<string> {
      const r = await call("POST", "/uploads/", {
        token,
        headers: {
          "upload-length": String(length),
          ...(name ? { "upload-metadata": `filename ${b64(name)}` } : {}),
        },
      });
      assert.equal(r.status, 201, await r.clone().text());
      const location = r.headers.get("location") ?? "";
      assert.match(location, /^\/api\/v1\/uploads\/[A-Za-z0-9_-]{24}$/);
      return location.slice("/api/v1".length);
    },
    patch(token: string, path: string, offset: number, body: Buffer, headers: Record<string, string> = {}) {
      return call("PATCH", path, { token, body, headers: { "upload-offset": String(offset), ...headers } });
    },
    async offset(token: string, path: string): Promise<number> {
      const r = await call("HEAD", path, { token });
      assert.equal(r.status, 200);
      return Number(r.headers.get("upload-offset"));
    },
  };
}

async function login(ts: TestServer, name: string): Promise<string> {
  await ts.addUser(name);
  const r = await fetch(`http://127.0.0.1:${ts.server.httpPort}/api/v1/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ userId: name, password: passwordOf(name) }),
  });
  return ((await r.json()) as { token: string }).token;
}

/** Every file under the uploads folder. */
function uploadFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name));
}

describe("resumable uploads (tus)", () => {
  let ts: TestServer;
  let alice: string;
  let bob: string;
  let carol: string;
  const tus = tusClient(() => `http://127.0.0.1:${ts.server.httpPort}/api/v1`);
  const uploadsDir = () => join(ts.dataDir, "uploads");

  before(async () => {
    ts = await startTestServer({ "files.maxUploadBytes": MAX_UPLOAD, "files.maxFileBytes": MAX_FILE });
    alice = await login(ts, "alice");
    bob = await login(ts, "bob");
    carol = await login(ts, "carol");
  });
  after(() => ts.close());

  test("OPTIONS tells the protocol and limits without a token", async () => {
    const r = await tus.call("OPTIONS", "/uploads/", { plain: true });
    assert.equal(r.status, 204);
    assert.equal(r.headers.get("tus-version"), "1.0.0");
    assert.equal(r.headers.get("tus-max-size"), String(MAX_FILE));
    const ext = (r.headers.get("tus-extension") ?? "").split(",");
    for (const e of ["creation", "creation-with-upload", "termination"]) assert.ok(ext.includes(e), e);
  });

  test("an interrupted upload resumes from the server's offset and becomes a file", async () => {
    const bytes = pdfOf(300 * 1024);
    const path = await tus.created(alice, bytes.length, "../report.pdf");

    const first = await tus.patch(alice, path, 0, bytes.subarray(0, 100 * 1024));
    assert.equal(first.status, 204);
    assert.equal(first.headers.get("upload-offset"), String(100 * 1024));
    assert.equal(first.headers.get("tus-resumable"), "1.0.0");
    assert.equal(first.headers.get("starling-file-id"), null);

    // The next request dies half way: its client sends 50 KB and goes away.
    const part = uploadFiles(uploadsDir()).find((f) => f.endsWith(`${path.split("/").pop()}.part`)) ?? "";
    const abort = new AbortController();
    const stream = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(new Uint8Array(bytes.subarray(100 * 1024, 150 * 1024)));
      },
    });
    const dying = tus
      .call("PATCH", path, {
        token: alice,
        body: stream,
        headers: { "upload-offset": String(100 * 1024) },
        signal: abort.signal,
      })
      .catch((err: unknown) => err);
    for (let i = 0; i < 200 && statSync(part).size < 150 * 1024; i++) await sleep(10);
    abort.abort();
    assert.ok((await dying) instanceof Error);

    const resumeAt = await tus.offset(alice, path);
    assert.equal(resumeAt, 150 * 1024, "what arrived before the break is kept");
    const stale = await tus.patch(alice, path, 100 * 1024, bytes.subarray(100 * 1024, 110 * 1024));
    assert.equal(stale.status, 409);

    const second = await tus.patch(alice, path, resumeAt, bytes.subarray(resumeAt, 250 * 1024));
    assert.equal(second.status, 204);
    const last = await tus.patch(alice, path, 250 * 1024, bytes.subarray(250 * 1024));
    assert.equal(last.status, 204, await last.clone().text());
    assert.equal(last.headers.get("upload-offset"), String(bytes.length));
    const fileId = last.headers.get("starling-file-id");
    assert.ok(fileId);

    const status = await tus.call("GET", path, { token: alice, plain: true });
    assert.equal(status.status, 200);
    const info = (await status.json()) as {
      offset: number;
      length: number;
      file: { id: string; name: string; mime: string; size: number; sha256: string };
    };
    assert.equal(info.offset, bytes.length);
    assert.equal(info.length, bytes.length);
    assert.deepEqual(
      { id: info.file.id, name: info.file.name, mime: info.file.mime, size: info.file.size },
      { id: fileId, name: "report.pdf", mime: "application/pdf", size: bytes.length },
    );
    assert.equal(info.file.sha256, createHash("sha256").update(bytes).digest("hex"));

    const head = await tus.call("HEAD", path, { token: alice });
    assert.equal(head.headers.get("upload-offset"), String(bytes.length));
    assert.equal(head.headers.get("starling-file-id"), fileId);

    const content = await tus.call("GET", `/files/${fileId}/content`, { token: alice, plain: true });
    assert.equal(content.status, 200);
    assert.equal(content.headers.get("content-type"), "application/pdf");
    assert.deepEqual(Buffer.from(await content.arrayBuffer()), bytes);
    assert.ok(!existsSync(part), "the bytes moved into the blob store");
  });

  test("creation-with-upload: one request, larger than the one-request limit", async () => {
    const bytes = randomBytes(MAX_UPLOAD * 3);
    const single = await tus.call("POST", "/files?name=big.bin", { token: alice, body: bytes });
    assert.equal(single.status, 413, "too big for the one-request upload");

    const r = await tus.create(alice, bytes.length, "big.bin", bytes);
    assert.equal(r.status, 201);
    assert.equal(r.headers.get("upload-offset"), String(bytes.length));
    const fileId = r.headers.get("starling-file-id");
    assert.ok(fileId);
    const content = await tus.call("GET", `/files/${fileId}/content`, { token: alice, plain: true });
    assert.equal(content.headers.get("content-type"), "application/octet-stream");
    assert.deepEqual(Buffer.from(await content.arrayBuffer()), bytes);
  });

  test("a file the server refuses at the last byte answers its error, and its bytes are removed", async () => {
    const damaged = PNG.subarray(0, 80);
    const path = await tus.created(alice, damaged.length, "broken.png");
    const r = await tus.patch(alice, path, 0, damaged);
    assert.equal(r.status, 400);
    assert.equal(((await r.json()) as { code: string }).code, "INVALID_ARGUMENT");
    assert.equal((await tus.call("HEAD", path, { token: alice })).status, 404);
    const id = path.split("/").pop() ?? "";
    assert.ok(!uploadFiles(uploadsDir()).some((f) => f.includes(id)));

    const image = await tus.create(alice, PNG.length, "dot.png", PNG);
    assert.equal(image.status, 201, await image.clone().text());
    const f = await tus.call("GET", `/files/${image.headers.get("starling-file-id")}`, {
      token: alice,
      plain: true,
    });
    const { name, mime, size, width, height } = (await f.json()) as Record<string, unknown>;
    assert.deepEqual(
      { name, mime, size, width, height },
      { name: "dot.png", mime: "image/png", size: PNG.length, width: 40, height: 30 },
    );
  });

  test("every request needs the session token, and uploads are their creator's only", async () => {
    const path = await tus.created(alice, 1000);
    assert.equal((await tus.create("", 1000)).status, 401);
    assert.equal((await tus.call("HEAD", path)).status, 401);
    assert.equal((await tus.patch("", path, 0, randomBytes(10))).status, 401);
    assert.equal((await tus.call("DELETE", path)).status, 401);

    const other = await tus.call("HEAD", path, { token: bob });
    assert.equal(other.status, 404);
    assert.equal((await tus.patch(bob, path, 0, randomBytes(10))).status, 404);
    assert.equal((await tus.call("DELETE", path, { token: bob })).status, 404);
    assert.equal((await tus.call("GET", path, { token: bob, plain: true })).status, 404);
    assert.equal((await tus.call("HEAD", "/uploads/..%2F..%2Fetc", { token: alice })).status, 404);
    assert.equal(await tus.offset(alice, path), 0, "untouched by the others");
  });

  test("protocol errors: version, content type, offset, length", async () => {
    const path = await tus.created(alice, 1000, "x.bin");
    const noVersion = await tus.call("HEAD", path, { token: alice, plain: true });
    assert.equal(noVersion.status, 412);
    assert.equal(noVersion.headers.get("tus-version"), "1.0.0");
    const oldVersion = await tus.call("POST", "/uploads", {
      token: alice,
      headers: { "tus-resumable": "0.2.2", "upload-length": "10" },
    });
    assert.equal(oldVersion.status, 412);

    const wrongType = await tus.patch(alice, path, 0, randomBytes(10), { "content-type": "text/plain" });
    assert.equal(wrongType.status, 415);
    const wrongOffset = await tus.patch(alice, path, 5, randomBytes(10));
    assert.equal(wrongOffset.status, 409);
    assert.equal(((await wrongOffset.json()) as { code: string }).code, "CONFLICT");
    const tooLong = await tus.patch(alice, path, 0, randomBytes(1001));
    assert.equal(tooLong.status, 413);
    assert.equal(await tus.offset(alice, path), 0);
    const noOffset = await tus.call("PATCH", path, { token: alice, body: randomBytes(10) });
    assert.equal(noOffset.status, 400);

    assert.equal((await tus.call("POST", "/uploads", { token: alice })).status, 400, "no Upload-Length");
    const deferred = await tus.call("POST", "/uploads", {
      token: alice,
      headers: { "upload-defer-length": "1" },
    });
    assert.equal(deferred.status, 400);
    assert.equal((await tus.create(alice, 0)).status, 400, "an empty file");
    const badMeta = await tus.call("POST", "/uploads", {
      token: alice,
      headers: { "upload-length": "10", "upload-metadata": "filename not*base64" },
    });
    assert.equal(badMeta.status, 400);
    assert.equal((await tus.call("DELETE", path, { token: alice })).status, 204);
  });

  test("a file larger than files.maxFileBytes is refused before any byte", async () => {
    const r = await tus.create(alice, MAX_FILE + 1, "huge.bin");
    assert.equal(r.status, 413);
    const body = (await r.json()) as { code: string; details: { limit: string } };
    assert.equal(body.code, "FILE_TOO_LARGE");
    assert.equal(body.details.limit, String(MAX_FILE));
    assert.equal(r.headers.get("location"), null);
  });

  test("termination removes the upload and its bytes", async () => {
    const path = await tus.created(bob, 5000, "gone.bin");
    assert.equal((await tus.patch(bob, path, 0, randomBytes(2000))).status, 204);
    const id = path.split("/").pop() ?? "";
    assert.ok(uploadFiles(uploadsDir()).some((f) => f.endsWith(`${id}.part`)));
    const del = await tus.call("DELETE", path, { token: bob });
    assert.equal(del.status, 204);
    assert.equal(del.headers.get("tus-resumable"), "1.0.0");
    assert.equal((await tus.call("HEAD", path, { token: bob })).status, 404);
    assert.equal((await tus.patch(bob, path, 2000, randomBytes(10))).status, 404);
    assert.ok(!uploadFiles(uploadsDir()).some((f) => f.includes(id)));
  });

  test("the reference client (tus-js-client) uploads in chunks, stops, and resumes", async () => {
    const bytes = pdfOf(200 * 1024);
    const options = (events: { chunks: number; stopAfter?: number }, done: (id: string) => void) =>
      ({
        endpoint: `http://127.0.0.1:${ts.server.httpPort}/api/v1/uploads/`,
        headers: { authorization: `Bearer ${alice}` },
        metadata: { filename: "client.pdf", filetype: "text/plain" },
        chunkSize: 64 * 1024,
        retryDelays: [],
        storeFingerprintForResuming: false,
        onChunkComplete: () => {
          events.chunks++;
          if (events.chunks === events.stopAfter) void upload.abort();
        },
        onSuccess: ({ lastResponse }) => done(lastResponse.getHeader("Starling-File-Id") ?? ""),
        onError: (err) => done(`error: ${err.message}`),
      }) satisfies UploadOptions;

    const first = { chunks: 0, stopAfter: 2 };
    const upload = new Upload(
      bytes,
      options(first, () => {}),
    );
    upload.start();
    for (let i = 0; i < 200 && first.chunks < 2; i++) await sleep(10);
    assert.equal(first.chunks, 2);
    assert.ok(upload.url);
    const path = new URL(upload.url).pathname.slice("/api/v1".length);
    assert.equal(await tus.offset(alice, path), 128 * 1024);

    const second = { chunks: 0 };
    const fileId = await new Promise<string>((resolve) =>
      new Upload(bytes, { ...options(second, resolve), uploadUrl: upload.url }).start(),
    );
    assert.match(fileId, /^f/);
    assert.equal(second.chunks, 2, "only the rest was sent");
    const content = await tus.call("GET", `/files/${fileId}/content`, { token: alice, plain: true });
    assert.equal(content.headers.get("content-type"), "application/pdf", "the claimed type is not used");
    assert.deepEqual(Buffer.from(await content.arrayBuffer()), bytes);
  });

  test("a user has at most 20 unfinished uploads", async () => {
    const paths: string[] = [];
    for (let i = 0; i < 20; i++) paths.push(await tus.created(carol, 100));
    const more = await tus.create(carol, 100);
    assert.equal(more.status, 429);
    assert.equal(((await more.json()) as { code: string }).code, "RATE_LIMITED");
    assert.equal((await tus.create(bob, 100)).status, 201, "others are not affected");
    assert.equal((await tus.call("DELETE", paths[0] ?? "", { token: carol })).status, 204);
    assert.equal((await tus.create(carol, 100)).status, 201);
  });
});

describe("resumable uploads and the domain quota", () => {
  let ts: TestServer;
  let alice: string;
  const tus = tusClient(() => `http://127.0.0.1:${ts.server.httpPort}/api/v1`);

  before(async () => {
    ts = await startTestServer({ "files.domainQuotaBytes": 100 * 1024 });
    alice = await login(ts, "alice");
  });
  after(() => ts.close());

  test("over quota: refused at creation, or at the last byte with the bytes removed", async () => {
    const over = await tus.create(alice, 200 * 1024, "a.bin");
    assert.equal(over.status, 507);
    assert.equal(((await over.json()) as { code: string }).code, "QUOTA_EXCEEDED");

    const one = await tus.created(alice, 60 * 1024, "one.bin");
    const two = await tus.created(alice, 60 * 1024, "two.bin");
    const done = await tus.patch(alice, one, 0, randomBytes(60 * 1024));
    assert.equal(done.status, 204);
    assert.ok(done.headers.get("starling-file-id"));
    const refused = await tus.patch(alice, two, 0, randomBytes(60 * 1024));
    assert.equal(refused.status, 507);
    assert.equal(((await refused.json()) as { code: string }).code, "QUOTA_EXCEEDED");
    assert.equal((await tus.call("HEAD", two, { token: alice })).status, 404);
    const id = two.split("/").pop() ?? "";
    assert.ok(!uploadFiles(join(ts.dataDir, "uploads")).some((f) => f.includes(id)));
  });
});

describe("expiry of resumable uploads", () => {
  test("uploads older than the expiry are removed on a timer and at start", async () => {
    const ts = await startTestServer();
    const dir = mkdtempSync(join(tmpdir(), "starling-tus-"));
    try {
      const token = await login(ts, "alice");
      const files = ts.server.core.files;
      assert.ok(files);
      let now = Date.now();
      const build = async () => {
        const app = Fastify();
        app.setErrorHandler((err, _req, reply) => {
          if (err instanceof StarlingError) reply.status(httpStatus(err.code)).send(errorBody(err));
          else reply.send(err);
        });
        const uploads = new ResumableUploads(files, new DiskUploadArea(dir), new NodeRandom(), {
          maxAgeMs: 60_000,
          sweepIntervalMs: 20,
          now: () => now,
        });
        await registerTusRoutes(app, uploads, files, new HttpAuth(ts.server.core, "unused"));
        await app.listen({ host: "127.0.0.1", port: 0 });
        const address = app.server.address();
        const port = typeof address === "object" && address ? address.port : 0;
        return { app, tus: tusClient(() => `http://127.0.0.1:${port}/api/v1`) };
      };

      const first = await build();
      const path = await first.tus.created(token, 100, "old.bin");
      assert.equal((await first.tus.patch(token, path, 0, randomBytes(40))).status, 204);
      const expires = Date.parse(
        (await first.tus.call("HEAD", path, { token })).headers.get("upload-expires") ?? "",
      );
      assert.ok(Math.abs(expires - (now + 60_000)) < 2000);
      now += 61_000;
      for (let i = 0; i < 100 && uploadFiles(dir).length > 0; i++) await sleep(10);
      assert.deepEqual(uploadFiles(dir), []);
      assert.equal((await first.tus.call("HEAD", path, { token })).status, 404);

      const kept = await first.tus.created(token, 100);
      await first.app.close();
      now += 61_000;
      const second = await build();
      assert.deepEqual(uploadFiles(dir), [], "swept when the routes start");
      assert.equal((await second.tus.call("HEAD", kept, { token })).status, 404);
      await second.app.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
      await ts.close();
    }
  });
});

test("Upload-Metadata", () => {
  const m = parseUploadMetadata(`filename ${b64("a b,c.txt")},is-public,kind ${b64("x")}`, 1000);
  assert.deepEqual(
    [...m],
    [
      ["filename", "a b,c.txt"],
      ["is-public", ""],
      ["kind", "x"],
    ],
  );
  assert.equal(parseUploadMetadata(undefined, 10).size, 0);
  for (const bad of ["a b c", "a !!!!", "a YQ==,a YQ==", "a YQ=", " , "])
    assert.throws(() => parseUploadMetadata(bad, 1000), bad);
  assert.throws(() => parseUploadMetadata(`k ${b64("x".repeat(100))}`, 50));
});
