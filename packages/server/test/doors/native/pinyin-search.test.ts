import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { SearchScope } from "@starling/protocol";
import { createNodeClient } from "@starling/sdk/node";
import { adminKey } from "../../../src/index.js";
import { startTestServer, type TestServer } from "../../helpers/test-server.js";

const CSV = `id,name,department,title,email,phone,status,frozen
zeng.cq,曾重庆,行政部,,,,,
li.lei,李雷,重庆研发部,,,,,
shan.tf,单田芳,行政部,,,,,
`;
const D = "pinyin.example";

describe("search by every pinyin reading over the native door", () => {
  let ts: TestServer;
  let c: ReturnType<typeof createNodeClient>;

  before(async () => {
    ts = await startTestServer();
    const key = adminKey(ts.dataDir);
    const api = (method: string, path: string, body: string, type: string) =>
      fetch(`http://127.0.0.1:${ts.server.httpPort}${path}`, {
        method,
        headers: { authorization: `Bearer ${key}`, "content-type": type },
        body,
      });
    assert.equal(
      (await api("POST", "/api/v1/admin/domains", JSON.stringify({ name: D }), "application/json")).status,
      201,
    );
    const r = await api("POST", `/api/v1/admin/import/users?domain=${D}`, CSV, "text/csv");
    assert.equal(r.status, 200);
    const { initialPasswords } = (await r.json()) as {
      initialPasswords: { userId: string; password: string }[];
    };
    const pw = initialPasswords.find((p) => p.userId === `li.lei@${D}`)?.password as string;
    c = createNodeClient({
      endpoints: [ts.tlsUrl],
      auth: { userId: `li.lei@${D}`, password: pw },
      tls: { rejectUnauthorized: false },
      reconnect: false,
    });
    await c.connect();
    await c.changePassword(pw, "a-good-new-password");
    await c.createGroup("长乐项目组", [`zeng.cq@${D}`]);
    await c.createGroup("周末羽毛球", [`shan.tf@${D}`]);
  });
  after(async () => {
    await c?.close();
    await ts.close();
  });

  const people = async (q: string) => (await c.directory.search(q)).users.map((u) => u.id);

  test("曾重庆 is found by zengzhongqing, chongqing, zengchongqing, cq and zcq", async () => {
    for (const q of ["zengzhongqing", "chongqing", "zengchongqing", "cq", "zcq", "zzq", "zeng chong"])
      assert.equal((await people(q))[0], `zeng.cq@${D}`, q);
  });

  test("a surname is found by its surname reading and its other readings", async () => {
    assert.equal((await people("shantian"))[0], `shan.tf@${D}`);
    assert.equal((await people("dantian"))[0], `shan.tf@${D}`);
  });

  test("departments are found by pinyin and initials, their members after them", async () => {
    for (const q of ["chongqingyanfa", "cqyf", "yanfabu", "zhongqing"]) {
      const r = await c.directory.search(q);
      assert.deepEqual(
        r.departments.map((d) => d.name),
        ["重庆研发部"],
        q,
      );
      assert.ok(
        r.users.some((u) => u.id === `li.lei@${D}`),
        `${q}: members listed`,
      );
    }
    const admin = await c.directory.search("xingzheng");
    assert.deepEqual(
      admin.departments.map((d) => d.name),
      ["行政部"],
    );
    assert.deepEqual(admin.users.map((u) => u.id).sort(), [`shan.tf@${D}`, `zeng.cq@${D}`]);
  });

  test("groups are found by pinyin and initials of every reading", async () => {
    const groups = async (q: string) =>
      (await c.search(q, { scope: SearchScope.GROUPS })).groups.map((g) => g.name);
    for (const q of ["changle", "zhangle", "clxm", "xiangmu", "yumaoqiu", "zmymq"])
      assert.deepEqual(
        await groups(q),
        [q.startsWith("y") || q.startsWith("zm") ? "周末羽毛球" : "长乐项目组"],
        q,
      );
    const all = await c.search("chongqing");
    assert.equal(all.people[0]?.id, `zeng.cq@${D}`, "people in a search of everything");
  });
});
