import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { ErrorCode } from "@starling/protocol";
import { DEFAULT_LIMITS } from "../../../src/core/kernel/limits.js";
import { adminKey } from "../../../src/index.js";
import { type Client, login } from "../../helpers/clients.js";
import { apiRequest, passwordOf, startTestServer, type TestServer } from "../../helpers/test-server.js";

const code = (c: number) => (e: { code?: number }) => e.code === c;

/** The HTTP schemas take their bounds from the core's limits, so HTTP and native agree at the edge. */
describe("HTTP and native refuse and accept the same group names", () => {
  let ts: TestServer;
  let alice: Client;
  let token = "";
  let key = "";
  const atLimit = "n".repeat(DEFAULT_LIMITS.maxGroupNameLength);
  const overLimit = `${atLimit}x`;

  before(async () => {
    ts = await startTestServer();
    for (const n of ["alice", "bob"]) await ts.addUser(n);
    token = (
      await apiRequest(ts, "POST", "/auth/login", "", { userId: "alice", password: passwordOf("alice") })
    ).body.token as string;
    key = adminKey(ts.dataDir);
    alice = await login(ts, "alice");
  });
  after(async () => {
    await alice.close();
    await ts.close();
  });

  test("one character over maxGroupNameLength is INVALID_ARGUMENT over native, HTTP and the admin API", async () => {
    await assert.rejects(alice.sdk.createGroup(overLimit, ["bob"]), code(ErrorCode.INVALID_ARGUMENT));
    const user = await apiRequest(ts, "POST", "/groups", token, { name: overLimit, memberIds: ["bob"] });
    assert.equal(user.status, 400, JSON.stringify(user.body));
    assert.equal(user.body.code, "INVALID_ARGUMENT");
    const admin = await apiRequest(ts, "POST", "/admin/groups", key, {
      name: overLimit,
      owner: `alice@${ts.domain}`,
      members: [`bob@${ts.domain}`],
    });
    assert.equal(admin.status, 400, JSON.stringify(admin.body));
    assert.equal(admin.body.code, "INVALID_ARGUMENT");
  });

  test("a name of exactly maxGroupNameLength is accepted on every door, and as a rename", async () => {
    const native = await alice.sdk.createGroup(atLimit, ["bob"]);
    assert.equal(native.name, atLimit);
    const user = await apiRequest(ts, "POST", "/groups", token, { name: atLimit, memberIds: ["bob"] });
    assert.equal(user.status, 201, JSON.stringify(user.body));
    const admin = await apiRequest(ts, "POST", "/admin/groups", key, {
      name: atLimit,
      owner: `alice@${ts.domain}`,
      members: [`bob@${ts.domain}`],
    });
    assert.equal(admin.status, 201, JSON.stringify(admin.body));
    const id = encodeURIComponent(user.body.id as string);
    assert.equal((await apiRequest(ts, "PATCH", `/groups/${id}`, token, { name: atLimit })).status, 200);
    const renamed = await apiRequest(ts, "PATCH", `/groups/${id}`, token, { name: overLimit });
    assert.equal(renamed.status, 400);
    assert.equal(renamed.body.code, "INVALID_ARGUMENT");
  });

  test("the published schema states the core's bound for every group name", async () => {
    const doc = (await (await fetch(`http://127.0.0.1:${ts.server.httpPort}/api/openapi.json`)).json()) as {
      paths: Record<
        string,
        Record<string, { requestBody?: { content: Record<string, { schema: unknown }> } }>
      >;
    };
    const nameBound = (path: string, method: string) => {
      const body = doc.paths[path]?.[method]?.requestBody?.content["application/json"]?.schema as {
        properties: { name: { maxLength: number } };
      };
      return body.properties.name.maxLength;
    };
    for (const [path, method] of [
      ["/api/v1/groups", "post"],
      ["/api/v1/groups/{id}", "patch"],
      ["/api/v1/admin/groups", "post"],
    ] as const)
      assert.equal(nameBound(path, method), DEFAULT_LIMITS.maxGroupNameLength, `${method} ${path}`);
  });
});
