import assert from "node:assert/strict";
import { EventEmitter } from "node:events";
import { Writable } from "node:stream";
import { after, before, describe, test } from "node:test";
import pino from "pino";
import { passwordOf, startTestServer, type TestServer } from "../../helpers/test-server.js";

type Line = Record<string, unknown>;

/** The server's log, line by line, as pino writes it. */
class LogCapture extends EventEmitter {
  readonly raw: string[] = [];
  readonly lines: Line[] = [];
  readonly stream = new Writable({
    write: (chunk: Buffer, _enc, done) => {
      for (const text of String(chunk).split("\n").filter(Boolean)) {
        this.raw.push(text);
        const line = JSON.parse(text) as Line;
        this.lines.push(line);
        this.emit("line", line);
      }
      done();
    },
  });

  /** The first access-log line (past or future) that matches. */
  next(match: (l: Line) => boolean): Promise<Line> {
    const seen = this.lines.find((l) => l.msg === "http request" && match(l));
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve) => {
      const on = (l: Line) => {
        if (l.msg === "http request" && match(l)) {
          this.off("line", on);
          resolve(l);
        }
      };
      this.on("line", on);
    });
  }
}

describe("the access log", () => {
  const log = new LogCapture();
  let ts: TestServer;
  let base = "";
  before(async () => {
    ts = await startTestServer({}, pino({ level: "info" }, log.stream));
    await ts.addUser("bob");
    base = `http://127.0.0.1:${ts.server.httpPort}`;
  });
  after(() => ts.close());

  // The limit only turns a missing line into a failure instead of a hang.
  test("one line per request: method, route pattern, status, time, address, and the user once authenticated", {
    timeout: 60_000,
  }, async () => {
    const login = await fetch(`${base}/api/v1/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ userId: "bob", password: passwordOf("bob") }),
    });
    const { token } = (await login.json()) as { token: string };
    const loginLine = await log.next((l) => l.route === "/api/v1/auth/login");
    assert.equal(loginLine.method, "POST");
    assert.equal(loginLine.status, 200);
    assert.equal(loginLine.ip, "127.0.0.1");
    assert.equal(typeof loginLine.ms, "number");
    assert.equal(loginLine.user, undefined);

    const me = await fetch(`${base}/api/v1/directory/search?q=very-private-words`, {
      headers: { authorization: `Bearer ${token}` },
    });
    assert.equal(me.status, 200);
    const search = await log.next((l) => l.route === "/api/v1/directory/search");
    assert.deepEqual(
      { method: search.method, status: search.status, ip: search.ip, user: search.user },
      { method: "GET", status: 200, ip: "127.0.0.1", user: `bob@${ts.domain}` },
    );

    // A route with a parameter is logged by its pattern; a request that matches no route by its path.
    await fetch(`${base}/api/v1/files/some-file-id/content?sig=secret-signature&exp=1`);
    const file = await log.next((l) => typeof l.route === "string" && l.route.startsWith("/api/v1/files/"));
    assert.equal(file.route, "/api/v1/files/:id/content");
    await fetch(`${base}/no-such-page?token=secret-in-query`);
    const missing = await log.next((l) => typeof l.route === "string" && l.route.includes("no-such-page"));
    assert.equal(missing.route, "/no-such-page");
    const unauthorised = await fetch(`${base}/api/v1/conversations`);
    assert.equal(unauthorised.status, 401);
    const denied = await log.next((l) => l.route === "/api/v1/conversations");
    assert.equal(denied.status, 401);

    const all = log.raw.join("\n");
    for (const secret of [
      token,
      "very-private-words",
      "secret-signature",
      "secret-in-query",
      passwordOf("bob"),
    ])
      assert.ok(!all.includes(secret), `the log holds ${secret}`);
  });
});
