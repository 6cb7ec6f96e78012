import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { ErrorCode } from "@starling/protocol";
import { createNodeClient } from "@starling/sdk/node";
import { adminKey } from "../../../src/index.js";
import { login } from "../../helpers/clients.js";
import { passwordOf, startTestServer, type TestServer } from "../../helpers/test-server.js";

const code = (c: number) => (e: { code?: number }) => e.code === c;

/** JSON over the server's HTTP API; returns status and body. */
async function http(
  ts: TestServer,
  method: string,
  path: string,
  token: string,
  body?: unknown,
  contentType = "application/json",
): Promise<{ status: number; body: Record<string, unknown> & { [k: string]: unknown } }> {
  const r = await fetch(`http://127.0.0.1:${ts.server.httpPort}${path}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body !== undefined ? { "content-type": contentType } : {}),
    },
    body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
  });
  return { status: r.status, body: (await r.json()) as Record<string, unknown> };
}

const ACME_CSV = `id,name,department,title,email,phone,status,frozen
li.lei,李雷,研发部/平台组,Engineer,li.lei@acme.example,123,,
han.meimei,韩梅梅,研发部/平台组,Lead,han@acme.example,,,
chongqing,重庆,重庆办事处,,,,,
bad row without name,,,,not-an-email,,,
zhang.san,张三,"销售部/华东, 上海",Sales,zhang@acme.example,,,
lucy,Lucy King,研发部,,,,left,
`;

describe("directory, domains, import and the HTTP API", () => {
  let ts: TestServer;
  let key: string;
  /** Initial passwords of the imported users. */
  const initial = new Map<string, string>();

  before(async () => {
    ts = await startTestServer();
    key = adminKey(ts.dataDir);
    for (const n of ["alice", "bob"]) await ts.addUser(n);
    assert.equal(
      (await http(ts, "POST", "/api/v1/admin/domains", key, { name: "acme.example" })).status,
      201,
    );
  });
  after(() => ts.close());

  const acmeClient = async (id: string, password: string) => {
    const c = createNodeClient({
      endpoints: [ts.tlsUrl],
      auth: { userId: `${id}@acme.example`, password },
      tls: { rejectUnauthorized: false },
      reconnect: false,
    });
    return { c, welcome: await c.connect() };
  };

  test("import: good rows are stored, bad rows reported by line, a dry run changes nothing", async () => {
    const dry = await http(
      ts,
      "POST",
      "/api/v1/admin/import/users?domain=acme.example&dryRun=true",
      key,
      ACME_CSV,
      "text/csv",
    );
    assert.equal(dry.status, 200);
    assert.equal(dry.body.created, 5);
    assert.equal(
      (await ts.server.store.read.listUsers("acme.example", "", 100)).length,
      0,
      "dry run wrote nothing",
    );

    const r = await http(
      ts,
      "POST",
      "/api/v1/admin/import/users?domain=acme.example",
      key,
      ACME_CSV,
      "text/csv",
    );
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.created, 5);
    assert.equal(r.body.departmentsCreated, 5); // 研发部, 平台组, 重庆办事处, 销售部, "华东, 上海"
    const errors = r.body.errors as { line: number; message: string }[];
    assert.equal(errors.length, 1);
    assert.equal(errors[0]?.line, 5);
    for (const p of r.body.initialPasswords as { userId: string; password: string }[])
      initial.set(p.userId, p.password);
    assert.equal(initial.size, 5);

    const again = await http(
      ts,
      "POST",
      "/api/v1/admin/import/users?domain=acme.example",
      key,
      ACME_CSV,
      "text/csv",
    );
    assert.deepEqual([again.body.created, again.body.updated, again.body.unchanged], [0, 0, 5], "idempotent");
  });

  test("an imported user must set a new password before anything else", async () => {
    const pw = initial.get("li.lei@acme.example") as string;
    const { c, welcome } = await acmeClient("li.lei", pw);
    try {
      assert.equal(welcome.mustChangePassword, true);
      await assert.rejects(c.directory.search("han"), code(ErrorCode.PASSWORD_CHANGE_REQUIRED));
      await assert.rejects(c.changePassword(pw, "li.lei"), code(ErrorCode.INVALID_ARGUMENT));
      await assert.rejects(c.changePassword("wrong", "a-good-new-password"), code(ErrorCode.BAD_CREDENTIALS));
      await c.changePassword(pw, "a-good-new-password");
      assert.equal((await c.directory.search("han")).users[0]?.id, "han.meimei@acme.example");
    } finally {
      await c.close();
    }
    const again = await acmeClient("li.lei", "a-good-new-password");
    assert.equal(again.welcome.mustChangePassword, false);
    await again.c.close();
  });

  test("search finds people by name, pinyin, initials, email and department", async () => {
    const { c } = await acmeClient("li.lei", "a-good-new-password");
    try {
      const ids = async (q: string) => (await c.directory.search(q)).users.map((u) => u.id).sort();
      assert.deepEqual(await ids("chongqing"), ["chongqing@acme.example"]);
      assert.deepEqual(await ids("cq"), ["chongqing@acme.example"]);
      assert.deepEqual(await ids("重庆"), ["chongqing@acme.example"]);
      assert.deepEqual(await ids("zhang"), ["zhang.san@acme.example"]);
      assert.deepEqual(await ids("zhang san"), ["zhang.san@acme.example"]);
      assert.deepEqual(await ids("梅"), ["han.meimei@acme.example"], "substring of a name");
      assert.deepEqual(await ids("han@acme"), ["han.meimei@acme.example"], "email");
      const dept = await c.directory.search("平台");
      assert.equal(dept.departments[0]?.name, "平台组");
      assert.deepEqual(dept.users.map((u) => u.id).sort(), [
        "han.meimei@acme.example",
        "li.lei@acme.example",
      ]);
      assert.deepEqual(await ids("lucy"), [], "people who left are not found");
      await assert.rejects(c.directory.search("   "), code(ErrorCode.INVALID_ARGUMENT));
      await assert.rejects(c.directory.search("x".repeat(65)), code(ErrorCode.INVALID_ARGUMENT));
    } finally {
      await c.close();
    }
  });

  test("the tree: top level, a department's children and members, and user cards", async () => {
    const { c } = await acmeClient("li.lei", "a-good-new-password");
    try {
      const top = await c.directory.department();
      assert.deepEqual(top.children.map((d) => d.name).sort(), ["研发部", "重庆办事处", "销售部"].sort());
      const rd = top.children.find((d) => d.name === "研发部");
      const rdListing = await c.directory.department(rd?.id);
      assert.deepEqual(
        rdListing.children.map((d) => d.name),
        ["平台组"],
      );
      assert.deepEqual(rdListing.members, [], "Lucy left");
      const platform = await c.directory.department(rdListing.children[0]?.id, "", 1);
      assert.equal(platform.members.length, 1);
      const rest = await c.directory.department(rdListing.children[0]?.id, platform.nextAfterUserId, 1);
      assert.equal(rest.members.length, 1);
      assert.equal(rest.nextAfterUserId, "");
      const [card] = await c.directory.cards(["han.meimei@acme.example"]);
      assert.equal(card?.title, "Lead");
      assert.equal(card?.pinyin, "hanmeimei");
      assert.equal(card?.pinyinInitials, "hmm");
      await assert.rejects(c.directory.department("no-such-dept"), code(ErrorCode.NOT_FOUND));
    } finally {
      await c.close();
    }
  });

  test("domains are isolated: nothing of another domain is visible", async () => {
    const alice = await login(ts, "alice");
    const { c: li } = await acmeClient("li.lei", "a-good-new-password");
    try {
      assert.deepEqual((await alice.sdk.directory.search("lilei")).users, []);
      assert.deepEqual((await alice.sdk.directory.search("李雷")).users, []);
      assert.equal((await li.directory.search("lilei")).users.length, 1, "found inside its own domain");
      assert.deepEqual(
        await alice.sdk.directory
          .cards(["li.lei@acme.example", "bob@starling.local"])
          .then((x) => x.map((u) => u.id)),
        ["bob@starling.local"],
      );
      const changes = await alice.sdk.directory.changes(0);
      assert.ok(changes.users.every((u) => u.id.endsWith("@starling.local")));
      assert.deepEqual(changes.departments, []);
      const acmeDept = (await li.directory.department()).children[0]?.id as string;
      await assert.rejects(alice.sdk.directory.department(acmeDept), code(ErrorCode.NOT_FOUND));
      await assert.rejects(li.send({ to: "alice@starling.local", text: "hi" }), code(ErrorCode.CROSS_DOMAIN));
      const token = alice.sdk.token as string;
      const viaHttp = await http(
        ts,
        "GET",
        `/api/v1/directory/users/${encodeURIComponent("li.lei@acme.example")}`,
        token,
      );
      assert.equal(viaHttp.status, 404);
    } finally {
      await alice.close();
      await li.close();
    }
  });

  test("incremental sync: clients keep a copy, are told of changes and fetch only those", async () => {
    const { c } = await acmeClient("li.lei", "a-good-new-password");
    try {
      const first = await c.directory.sync();
      assert.equal(c.directory.users.size, 5 - 1, "everyone but the one who left");
      assert.equal(c.directory.departments.size, 5);
      const updated = new Promise<unknown>((resolve) => c.on("directory", resolve));
      const patchUser = (id: string, body: object) =>
        http(ts, "PATCH", `/api/v1/admin/users/${encodeURIComponent(id)}`, key, body);
      const patch = await patchUser("zhang.san@acme.example", { title: "Sales Director" });
      assert.equal(patch.status, 200, JSON.stringify(patch.body));
      const left = await patchUser("chongqing@acme.example", { status: "left" });
      assert.equal(left.status, 200);
      await updated;
      await c.directory.sync();
      assert.equal(c.directory.users.get("zhang.san@acme.example")?.title, "Sales Director");
      assert.equal(c.directory.users.has("chongqing@acme.example"), false);
      const delta = await c.directory.changes(first.version);
      assert.deepEqual(
        delta.users.map((u) => u.id),
        ["zhang.san@acme.example"],
      );
      assert.deepEqual(delta.removedUserIds, ["chongqing@acme.example"]);
      // Freezing is on the card too, so it is a directory change.
      const frozen = await http(ts, "POST", "/api/v1/admin/users/han.meimei@acme.example/disabled", key, {
        disabled: true,
      });
      assert.equal(frozen.status, 200);
      const afterFreeze = await c.directory.changes(Number(delta.version));
      assert.deepEqual(
        afterFreeze.users.map((u) => [u.id, u.frozen]),
        [["han.meimei@acme.example", true]],
      );
      await http(ts, "POST", "/api/v1/admin/users/han.meimei@acme.example/disabled", key, {
        disabled: false,
      });
      await assert.rejects(
        acmeClient("chongqing", initial.get("chongqing@acme.example") as string),
        code(ErrorCode.ACCOUNT_DISABLED),
      );
    } finally {
      await c.close();
    }
  });

  test("a large first download fetches version ranges at once and gets everything exactly once", async () => {
    const small = createNodeClient({
      endpoints: [ts.tlsUrl],
      auth: { userId: "li.lei@acme.example", password: "a-good-new-password" },
      tls: { rejectUnauthorized: false },
      reconnect: false,
      directoryPageLimit: 2,
    });
    await small.connect();
    const big = createNodeClient({
      endpoints: [ts.tlsUrl],
      auth: { userId: "li.lei@acme.example", password: "a-good-new-password" },
      tls: { rejectUnauthorized: false },
      reconnect: false,
    });
    await big.connect();
    try {
      const update = await small.directory.sync();
      const reference = await big.directory.sync();
      assert.equal(update.version, reference.version);
      assert.deepEqual([...small.directory.users.keys()].sort(), [...big.directory.users.keys()].sort());
      assert.deepEqual(
        [...small.directory.departments.keys()].sort(),
        [...big.directory.departments.keys()].sort(),
      );
      const ids = update.users.map((u) => u.id);
      assert.equal(new Set(ids).size, ids.length, "no user twice");
      const bounded = await big.directory.changes(0, 1000, 3);
      assert.ok(
        bounded.users.every((u) => u.version <= 3n) && bounded.departments.every((d) => d.version <= 3n),
      );
      assert.equal(bounded.domainVersion, BigInt(reference.version));
    } finally {
      await small.close();
      await big.close();
    }
  });

  test("the Startalk host_users layout imports with departments from dep1..dep5", async () => {
    const csv = `user_id,user_name,department,dep1,dep2,dep3,dep4,dep5,pinyin,email,tel,gender,hire_flag,frozen_flag
wang.wu,王五,/技术部/前端,技术部,前端,,,,wangwu,wang@acme.example,555,1,1,0
zhao.liu,赵六,,技术部,,,,,zhaoliu,,,2,0,0
`;
    const r = await http(
      ts,
      "POST",
      "/api/v1/admin/import/users?domain=acme.example&passwords=false",
      key,
      csv,
      "text/csv",
    );
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.format, "startalk");
    assert.equal(r.body.created, 2);
    assert.deepEqual(r.body.initialPasswords, []);
    const wang = await ts.server.store.read.getUser("wang.wu@acme.example");
    assert.equal(wang?.phone, "555");
    assert.equal((await ts.server.store.read.getDepartment(wang?.departmentId ?? ""))?.name, "前端");
    assert.equal((await ts.server.store.read.getUser("zhao.liu@acme.example"))?.status, "left");
  });

  test("admin API: authorised, scoped to the admin's domain, validated and audited", async () => {
    const alice = await login(ts, "alice");
    const aliceToken = alice.sdk.token as string;
    await alice.close();
    assert.equal((await http(ts, "GET", "/api/v1/admin/users", "")).status, 401);
    const forbidden = await http(ts, "GET", "/api/v1/admin/users", aliceToken);
    assert.equal(forbidden.status, 403);
    assert.equal(forbidden.body.code, "FORBIDDEN");

    // An administrator of acme.example manages acme.example only.
    await ts.server.admin.addUser(
      { actor: "system", source: "test", scope: "*" },
      { id: "boss@acme.example", password: passwordOf("boss"), role: "admin" },
    );
    const boss = await http(ts, "POST", "/api/v1/auth/login", "", {
      userId: "boss@acme.example",
      password: passwordOf("boss"),
    });
    assert.equal(boss.status, 200);
    const bossToken = boss.body.token as string;
    assert.equal((await http(ts, "GET", "/api/v1/admin/users?domain=acme.example", bossToken)).status, 200);
    assert.equal((await http(ts, "GET", "/api/v1/admin/users?domain=starling.local", bossToken)).status, 403);
    assert.equal(
      (
        await http(ts, "POST", "/api/v1/admin/users/alice@starling.local/disabled", bossToken, {
          disabled: true,
        })
      ).status,
      403,
    );
    assert.equal(
      (await http(ts, "POST", "/api/v1/admin/domains", bossToken, { name: "evil.example" })).status,
      403,
    );
    const dept = await http(ts, "POST", "/api/v1/admin/departments", bossToken, {
      parentId: "",
      name: "总部",
    });
    assert.equal(dept.status, 201);
    const hq = dept.body.id as string;
    // A second department for li.lei: listed there too, primary department unchanged.
    const also = await http(ts, "PATCH", "/api/v1/admin/users/li.lei@acme.example", bossToken, {
      otherDepartmentIds: [hq],
    });
    assert.equal(also.status, 200, JSON.stringify(also.body));
    const listing = await ts.server.core.directory.department("boss@acme.example", hq, "", 10);
    assert.deepEqual(
      listing.members.map((m) => [m.id, m.departmentId !== hq, m.otherDepartmentIds]),
      [["li.lei@acme.example", true, [hq]]],
    );
    const moveUnder = await http(ts, "POST", "/api/v1/admin/departments", bossToken, {
      id: hq,
      parentId: hq,
      name: "总部",
    });
    assert.equal(moveUnder.status, 400, "a department cannot be its own parent");
    const notEmpty = await http(
      ts,
      "DELETE",
      `/api/v1/admin/departments/${hq}?domain=acme.example`,
      bossToken,
    );
    assert.equal(notEmpty.status, 409);

    // Unknown fields and bad values are refused with the one error shape.
    const unknown = await http(ts, "PATCH", "/api/v1/admin/users/lucy@acme.example", bossToken, {
      nickname: "x",
    });
    assert.equal(unknown.status, 400);
    assert.equal(unknown.body.code, "INVALID_ARGUMENT");
    assert.equal(
      (await http(ts, "PATCH", "/api/v1/admin/users/lucy@acme.example", bossToken, { email: "nope" })).status,
      400,
    );

    const logout = await http(ts, "POST", "/api/v1/admin/users/li.lei@acme.example/logout", bossToken);
    assert.equal(logout.status, 200);

    const audit = await http(ts, "GET", "/api/v1/admin/audit?domain=acme.example", bossToken);
    const entries = audit.body.entries as { actor: string; action: string; target: string; source: string }[];
    const mine = entries.filter((e) => e.actor === "boss@acme.example").map((e) => e.action);
    assert.ok(mine.includes("department.create"), JSON.stringify(mine));
    assert.ok(mine.includes("user.force_logout"));
    assert.ok(entries.some((e) => e.actor === "system" && e.action === "user.import"));
    assert.ok(entries.every((e) => e.source.length > 0));
    assert.ok(!JSON.stringify(entries).includes(passwordOf("boss")), "no password in the audit log");
    assert.equal((await http(ts, "GET", "/api/v1/admin/audit?domain=starling.local", bossToken)).status, 403);
  });

  test("HTTP sessions: login, refresh, logout, and the OpenAPI document", async () => {
    const login1 = await http(ts, "POST", "/api/v1/auth/login", "", {
      userId: "bob",
      password: passwordOf("bob"),
    });
    assert.equal(login1.status, 200);
    const token = login1.body.token as string;
    assert.equal((await http(ts, "GET", "/api/v1/me", token)).body.id, "bob@starling.local");
    const refreshed = await http(ts, "POST", "/api/v1/auth/refresh", token);
    const token2 = refreshed.body.token as string;
    assert.notEqual(token2, token);
    assert.equal((await http(ts, "GET", "/api/v1/me", token)).status, 401, "the old token stopped working");
    const me = await http(ts, "PATCH", "/api/v1/me", token2, { title: "Tester" });
    assert.equal(me.body.title, "Tester");
    assert.equal((await http(ts, "POST", "/api/v1/auth/logout", token2)).status, 200);
    assert.equal((await http(ts, "GET", "/api/v1/me", token2)).status, 401);
    const bad = await http(ts, "POST", "/api/v1/auth/login", "", {
      userId: "bob",
      password: "wrong-password",
    });
    assert.equal(bad.status, 401);
    assert.equal(bad.body.code, "BAD_CREDENTIALS");

    const doc = await http(ts, "GET", "/api/openapi.json", "");
    assert.equal(doc.status, 200);
    assert.match(String(doc.body.openapi), /^3\./);
    const paths = Object.keys(doc.body.paths as object);
    for (const p of ["/api/v1/auth/login", "/api/v1/directory/search", "/api/v1/admin/import/users"])
      assert.ok(paths.includes(p), p);
    const page = await fetch(`http://127.0.0.1:${ts.server.httpPort}/api/docs/`);
    assert.equal(page.status, 200);
  });

  test("a disabled domain's users are disconnected and cannot log in", async () => {
    const { c } = await acmeClient("li.lei", "a-good-new-password");
    const closed = new Promise<void>((resolve) => c.on("state", (s) => s === "closed" && resolve()));
    assert.equal(
      (await http(ts, "POST", "/api/v1/admin/domains/acme.example/disabled", key, { disabled: true })).status,
      200,
    );
    await closed;
    await assert.rejects(acmeClient("li.lei", "a-good-new-password"), code(ErrorCode.DOMAIN_DISABLED));
    assert.equal(
      (await http(ts, "POST", "/api/v1/admin/domains/acme.example/disabled", key, { disabled: false }))
        .status,
      200,
    );
    const back = await acmeClient("li.lei", "a-good-new-password");
    await back.c.close();
  });
});
