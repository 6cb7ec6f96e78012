import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { startTestServer, type TestServer } from "../../helpers/test-server.js";

/** The built web client is served at /, and nothing but its own files. */
describe("serving the web client", () => {
  let ts: TestServer;
  const get = (path: string) => fetch(`http://127.0.0.1:${ts.server.httpPort}${path}`);

  before(async () => {
    const root = mkdtempSync(join(tmpdir(), "starling-webroot-"));
    mkdirSync(join(root, "assets"));
    writeFileSync(join(root, "index.html"), "<!doctype html><title>Starling</title>");
    writeFileSync(join(root, "assets", "app-abc123.js"), "console.log(1)");
    writeFileSync(join(root, "secret.key"), "not served: no known type");
    ts = await startTestServer({ "http.webRoot": root });
  });
  after(() => ts.close());

  test("the page and its assets, with caching and a content policy", async () => {
    const page = await get("/");
    assert.equal(page.status, 200);
    assert.match(page.headers.get("content-type") ?? "", /text\/html/);
    assert.equal(page.headers.get("cache-control"), "no-cache");
    assert.match(page.headers.get("content-security-policy") ?? "", /frame-ancestors 'none'/);
    const js = await get("/assets/app-abc123.js");
    assert.equal(js.status, 200);
    assert.match(js.headers.get("cache-control") ?? "", /immutable/);
    assert.equal(js.headers.get("content-encoding"), "gzip", "fetch asks for gzip");
    assert.equal(await js.text(), "console.log(1)");
  });

  test("nothing else: other files, path tricks and unknown API paths", async () => {
    for (const path of ["/secret.key", "/../package.json", "/assets/../../etc/passwd", "/%2e%2e/x"])
      assert.equal((await get(path)).status, 404, path);
    assert.equal((await get("/%E0%A4%A")).status, 400, "a malformed path");
    const api = await get("/api/v1/nope");
    assert.equal(api.status, 404);
    assert.equal(((await api.json()) as { code: string }).code, "NOT_FOUND");
    assert.equal((await get("/healthz")).status, 200, "other routes are untouched");
  });
});
