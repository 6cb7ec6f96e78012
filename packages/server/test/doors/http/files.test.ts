import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { parseRange } from "../../../src/doors/http/file-routes.js";
import { passwordOf, startTestServer, type TestServer } from "../../helpers/test-server.js";

/** A valid 1x1 PNG. */
const PNG = Buffer.from(
  "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000970485973000003e8000003e801b57b526b0000000d494441540899636060606000000005000187a14ed40000000049454e44ae426082",
  "hex",
);

describe("files over HTTP", () => {
  let ts: TestServer;
  const tokens = new Map<string, string>();
  const url = (path: string) => `http://127.0.0.1:${ts.server.httpPort}/api/v1${path}`;
  const call = (
    who: string,
    method: string,
    path: string,
    body?: Buffer | string,
    headers: Record<string, string> = {},
  ) =>
    fetch(url(path), {
      method,
      headers: { ...(tokens.has(who) ? { authorization: `Bearer ${tokens.get(who)}` } : {}), ...headers },
      body: body === undefined || typeof body === "string" ? body : new Uint8Array(body),
    });

  before(async () => {
    ts = await startTestServer({ "files.maxUploadBytes": 64 * 1024 });
    for (const n of ["alice", "bob"]) {
      await ts.addUser(n);
      const r = await fetch(url("/auth/login"), {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ userId: n, password: passwordOf(n) }),
      });
      tokens.set(n, ((await r.json()) as { token: string }).token);
    }
  });
  after(() => ts.close());

  test("an upload is stored once, typed from its bytes, and read back whole or by range", async () => {
    const up = await call("alice", "POST", "/files?name=../../etc/cat.txt", PNG, {
      "content-type": "text/plain",
    });
    assert.equal(up.status, 201);
    const f = (await up.json()) as { id: string; name: string; mime: string; size: number; sha256: string };
    assert.equal(f.mime, "image/png", "sniffed, not the claimed text/plain");
    assert.equal(f.name, "cat.txt", "no path in the name");
    assert.equal(f.sha256, createHash("sha256").update(PNG).digest("hex"));

    const whole = await call("alice", "GET", `/files/${f.id}/content`);
    assert.equal(whole.status, 200);
    assert.equal(whole.headers.get("content-type"), "image/png");
    assert.equal(whole.headers.get("x-content-type-options"), "nosniff");
    assert.deepEqual(Buffer.from(await whole.arrayBuffer()), PNG);

    const part = await call("alice", "GET", `/files/${f.id}/content`, undefined, { range: "bytes=1-3" });
    assert.equal(part.status, 206);
    assert.equal(part.headers.get("content-range"), `bytes 1-3/${PNG.length}`);
    assert.deepEqual(Buffer.from(await part.arrayBuffer()), PNG.subarray(1, 4));
    const bad = await call("alice", "GET", `/files/${f.id}/content`, undefined, { range: "bytes=999-" });
    assert.equal(bad.status, 416);
    assert.equal(bad.headers.get("content-range"), `bytes */${PNG.length}`);

    // The same bytes again: a new file, the same single blob on disk.
    const again = (await (await call("alice", "POST", "/files?name=copy.png", PNG)).json()) as { id: string };
    assert.notEqual(again.id, f.id);
    const blobs = readdirSync(join(ts.dataDir, "files", f.sha256.slice(0, 2), f.sha256.slice(2, 4)));
    assert.deepEqual(blobs, [f.sha256]);
  });

  test("a client that knows the SHA-256 skips the upload; unknown content must be uploaded", async () => {
    const sha = createHash("sha256").update(PNG).digest("hex");
    const adopted = await call(
      "alice",
      "POST",
      "/files/by-hash",
      JSON.stringify({ sha256: sha, name: "mine.png" }),
      {
        "content-type": "application/json",
      },
    );
    assert.equal(adopted.status, 201);
    const f = (await adopted.json()) as { id: string; size: number };
    assert.equal(f.size, PNG.length);
    assert.equal((await call("alice", "GET", `/files/${f.id}/content`)).status, 200);
    const unknown = await call(
      "alice",
      "POST",
      "/files/by-hash",
      JSON.stringify({ sha256: "0".repeat(64), name: "x" }),
      { "content-type": "application/json" },
    );
    assert.equal(unknown.status, 404);
  });

  test("only the uploader reads a file; bad uploads are refused and change nothing", async () => {
    const up = (await (await call("alice", "POST", "/files?name=secret.bin", randomBytes(100))).json()) as {
      id: string;
      mime: string;
    };
    assert.equal(up.mime, "application/octet-stream");
    assert.equal((await call("bob", "GET", `/files/${up.id}/content`)).status, 404);
    assert.equal((await call("bob", "GET", `/files/${up.id}`)).status, 404);
    assert.equal((await call("", "POST", "/files?name=x", PNG)).status, 401);
    assert.equal((await call("alice", "POST", "/files?name=empty", Buffer.alloc(0))).status, 400);
    assert.equal((await call("alice", "POST", "/files?name=big", randomBytes(64 * 1024 + 1))).status, 413);
    assert.equal((await call("alice", "POST", "/files", PNG)).status, 400, "a name is required");
  });

  test("Range headers", () => {
    assert.equal(parseRange(undefined, 10), undefined);
    assert.deepEqual(parseRange("bytes=0-", 10), { start: 0, end: 9 });
    assert.deepEqual(parseRange("bytes=-4", 10), { start: 6, end: 9 });
    assert.deepEqual(parseRange("bytes=2-100", 10), { start: 2, end: 9 });
    for (const bad of ["bytes=10-", "bytes=5-2", "bytes=-0", "bytes=-", "items=0-1", "bytes=0-1,3-4"])
      assert.throws(() => parseRange(bad, 10), bad);
  });
});
