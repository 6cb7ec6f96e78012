import assert from "node:assert/strict";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import sharp from "sharp";
import type { Logger } from "../../../src/core/kernel/ports.js";
import { passwordOf, startTestServer, type TestServer } from "../../helpers/test-server.js";

/** Keeps the error lines the server logs. */
class ErrorLog implements Logger {
  readonly errors: { msg: string; obj: Record<string, unknown> }[] = [];
  debug(): void {}
  info(): void {}
  warn(): void {}
  error(obj: object, msg = ""): void {
    this.errors.push({ msg, obj: obj as Record<string, unknown> });
  }
}

const blobPath = (dataDir: string, sha256: string) =>
  join(dataDir, "files", sha256.slice(0, 2), sha256.slice(2, 4), sha256);

/**
 * Content the metadata names but the blob store lacks (lost, deleted by
 * hand, a node that does not see the shared store) is a 404 with one error
 * line, on every download route, never a 500 or a response cut off halfway.
 */
describe("a missing blob", () => {
  let ts: TestServer;
  const log = new ErrorLog();
  let token = "";
  const url = (path: string) => `http://127.0.0.1:${ts.server.httpPort}/api/v1${path}`;
  const get = (path: string, headers: Record<string, string> = {}) =>
    fetch(url(path), { headers: { authorization: `Bearer ${token}`, ...headers } });

  before(async () => {
    ts = await startTestServer({ "files.maxImagePixels": 4_000_000 }, log);
    await ts.addUser("alice");
    const r = await fetch(url("/auth/login"), {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ userId: "alice", password: passwordOf("alice") }),
    });
    token = ((await r.json()) as { token: string }).token;
  });
  after(() => ts.close());

  test("file content, thumbnail and avatar answer 404 and log the hash", async () => {
    const photo = await sharp({ create: { width: 300, height: 200, channels: 3, background: "#336699" } })
      .jpeg()
      .toBuffer();
    const up = await fetch(url("/files?name=p.jpg"), {
      method: "POST",
      headers: { authorization: `Bearer ${token}` },
      body: new Uint8Array(photo),
    });
    assert.equal(up.status, 201);
    const f = (await up.json()) as { id: string; sha256: string };
    assert.equal((await get(`/files/${f.id}/content`)).status, 200);
    const thumbSha = (await ts.server.store.read.getFile(f.id))?.thumbSha256 as string;

    rmSync(blobPath(ts.dataDir, f.sha256));
    rmSync(blobPath(ts.dataDir, thumbSha));
    const content = await get(`/files/${f.id}/content`);
    assert.equal(content.status, 404);
    assert.equal(((await content.json()) as { code: string }).code, "NOT_FOUND");
    assert.equal((await get(`/files/${f.id}/content`, { range: "bytes=0-9" })).status, 404, "a range too");
    assert.equal((await get(`/files/${f.id}/thumbnail`)).status, 404);
    const logged = log.errors.filter((e) => e.msg === "content missing from the blob store");
    assert.ok(
      logged.some((e) => e.obj.sha256 === f.sha256 && e.obj.fileId === f.id),
      "the content's hash is logged",
    );
    assert.ok(logged.some((e) => e.obj.sha256 === thumbSha));

    const set = await fetch(url("/me/avatar"), {
      method: "PUT",
      headers: { authorization: `Bearer ${token}`, "content-type": "image/jpeg" },
      body: new Uint8Array(photo),
    });
    assert.equal(set.status, 200);
    const avatars = await ts.server.store.read.getAvatar(`alice@${ts.domain}`);
    for (const a of avatars) rmSync(blobPath(ts.dataDir, a.sha256), { force: true });
    assert.equal((await get("/avatars/alice")).status, 404);
    assert.ok(log.errors.some((e) => e.obj.avatar !== undefined));
    assert.equal(
      log.errors.filter((e) => e.msg === "http request failed").length,
      0,
      "no internal error on the way",
    );
  });
});
