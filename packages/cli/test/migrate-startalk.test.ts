import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import pg from "pg";
import { openSqliteStore } from "../../server/src/adapters/store/sqlite.js";
import { ChildServer, starling, starlingFails } from "../../server/test/helpers/child-server.js";
import { createPgSchema, type PgSchema, postgresUnavailable } from "../../server/test/helpers/stores.js";

const FIXTURE = join(import.meta.dirname, "../../server/test/fixtures/startalk/startalk.sql");

async function query<T extends pg.QueryResultRow>(url: string, text: string): Promise<T[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query<T>(text)).rows;
  } finally {
    await c.end();
  }
}

async function login(server: ChildServer, userId: string, password: string) {
  const info = server.info;
  if (!info) throw new Error("not started");
  const r = await fetch(`http://${info.httpHost}:${info.httpPort}/api/v1/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ userId, password }),
  });
  return { status: r.status, body: (await r.json()) as { mustChangePassword?: boolean; code?: string } };
}

async function passwordHashOf(dataDir: string, userId: string): Promise<string | undefined> {
  const store = await openSqliteStore({ path: join(dataDir, "starling.db") });
  try {
    return (await store.read.getUser(userId))?.passwordHash;
  } finally {
    await store.close();
  }
}

const skip = await postgresUnavailable();

describe("starling migrate --from startalk:", { skip }, () => {
  const dataDir = mkdtempSync(join(tmpdir(), "starling-startalk-"));
  const d = ["--data-dir", dataDir];
  const server = new ChildServer(dataDir);
  let schema: PgSchema;
  let from: string;
  before(async () => {
    schema = await createPgSchema("startalk");
    await query(schema.url(), readFileSync(FIXTURE, "utf8"));
    from = `startalk:${schema.url()}`;
  });
  after(async () => {
    await server.stop();
    await schema?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  test("a dry run reads and reports and writes nothing", async () => {
    const r = starlingFails(["migrate", "--from", from, "--dry-run", ...d]);
    assert.equal(r.status, 3, "skipped rows make the exit status non-zero");
    assert.match(r.stdout, /^host_info: 2 read, 2 would import \(2 new domains\), 0 skipped$/m);
    assert.match(
      r.stdout,
      /^host_users: 7 read, 5 would import \(5 new, 0 updated, 0 unchanged, 4 new departments\), 2 skipped$/m,
    );
    assert.doesNotMatch(starling(["domain", "list", ...d]), /startalk\.example/);
  });

  test("users, departments and domains come over; bad rows are skipped by id; a second run changes nothing", () => {
    const first = starlingFails(["migrate", "--from", from, ...d]);
    assert.equal(first.status, 3);
    assert.match(first.stdout, /^host_info: 2 read, 2 imported \(2 new domains\), 0 skipped$/m);
    assert.match(
      first.stdout,
      /^host_users: 7 read, 5 imported \(5 new, 0 updated, 0 unchanged, 4 new departments\), 2 skipped$/m,
    );
    assert.match(first.stdout, /^ {2}host_users id 5: host_id 9 is not in host_info$/m);
    assert.match(first.stdout, /^ {2}host_users id 6: not an email address$/m);
    assert.match(first.stdout, /^passwords: 2 users have no Startalk password/m);
    assert.match(first.stdout, /^zhaoliu@startalk\.example\t\S+$/m, "a user without a password gets one");
    assert.doesNotMatch(first.stdout, /^zhangsan@/m, "a user with a password keeps it");
    const domains = starling(["domain", "list", ...d]);
    assert.match(domains, /^startalk\.example$/m);
    assert.match(domains, /^ops\.example$/m);
    const users = starling(["user", "list", "--user-domain", "startalk.example", ...d]);
    assert.match(users, /^zhangsan@startalk\.example\t张三\tuser$/m);
    assert.match(users, /^wangwu@startalk\.example\t王五\tuser\tdisabled$/m, "frozen_flag freezes");
    assert.match(
      starling(["user", "list", "--user-domain", "ops.example", ...d]),
      /^ops1@ops\.example\tOps One/m,
    );

    const again = starlingFails(["migrate", "--from", from, ...d]);
    assert.match(again.stdout, /^host_info: 2 read, 2 imported \(0 new domains\), 0 skipped$/m);
    assert.match(
      again.stdout,
      /^host_users: 7 read, 5 imported \(0 new, 0 updated, 5 unchanged, 0 new departments\), 2 skipped$/m,
    );
    assert.doesNotMatch(again.stdout, /initial passwords/);
  });

  test("the Startalk password works once; then it is this server's own hash", async () => {
    assert.match((await passwordHashOf(dataDir, "zhangsan@startalk.example")) ?? "", /^startalk-cry\$/);
    await server.start();
    assert.equal((await login(server, "zhangsan@startalk.example", "wrong-password")).status, 401);
    const ok = await login(server, "zhangsan@startalk.example", "zhang-san-pw");
    assert.equal(ok.status, 200);
    assert.equal(ok.body.mustChangePassword, false);
    // Upper-case hex in host_users.password is the same hash.
    assert.equal((await login(server, "lisi@startalk.example", "li-si-pw")).status, 200);
    assert.notEqual((await login(server, "wangwu@startalk.example", "x")).status, 200);
    await server.stop();
    assert.match((await passwordHashOf(dataDir, "zhangsan@startalk.example")) ?? "", /^\$argon2id\$/);
    assert.match((await passwordHashOf(dataDir, "lisi@startalk.example")) ?? "", /^\$argon2id\$/);
    assert.match((await passwordHashOf(dataDir, "ops1@ops.example")) ?? "", /^startalk-cry\$/);
    await server.start();
    assert.equal((await login(server, "zhangsan@startalk.example", "zhang-san-pw")).status, 200);
    assert.equal((await login(server, "ops1@ops.example", "zhang-san-pw")).status, 200);
    await server.stop();
  });

  test("the Startalk database is read, never written", async () => {
    const rows = await query<{ n: string }>(schema.url(), "select count(*)::text as n from host_users");
    assert.equal(rows[0]?.n, "7");
  });
});
