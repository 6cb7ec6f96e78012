import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { adminKey } from "../../../src/index.js";
import { apiRequest, passwordOf, startTestServer, type TestServer } from "../../helpers/test-server.js";

/**
 * Every admin operation that names a user, by every kind of caller, with every form of
 * target id, against one rule (docs/operations.md, "Who may administer whom"):
 *
 *   1. no token: 401; a token of a user who is not an administrator: 403;
 *   2. the target is the id completed with the caller's own domain when bare (the
 *      server administrator's is the server's default domain), as it is when full;
 *   3. the server administrator may act on any domain, a domain administrator on their
 *      own only: otherwise 403 and nothing changes anywhere;
 *   4. an allowed operation changes exactly the completed target, in its domain.
 */

const A = "a.test"; // the server's default domain
const B = "b.test";

type CallerName = "server admin" | "admin of A" | "admin of B" | "user of A" | "nobody";
type Form = "bare" | "full in A" | "full in B";

interface Caller {
  name: CallerName;
  /** The domain a domain administrator manages, "*" for the server administrator; undefined: not an admin. */
  scope?: string;
  /** Whether the request carries a valid token at all. */
  authenticated: boolean;
}

const CALLERS: Caller[] = [
  { name: "server admin", scope: "*", authenticated: true },
  { name: "admin of A", scope: A, authenticated: true },
  { name: "admin of B", scope: B, authenticated: true },
  { name: "user of A", authenticated: true },
  { name: "nobody", authenticated: false },
];
const FORMS: Form[] = ["bare", "full in A", "full in B"];

/** The caller's own domain, which completes a bare id. */
const homeOf = (c: Caller) => (c.scope === B ? B : A);

/** The rule: the expected HTTP status and, when allowed, the domain of the target. */
function expected(c: Caller, form: Form, okStatus: number): { status: number; domain?: string } {
  if (!c.authenticated) return { status: 401 };
  if (c.scope === undefined) return { status: 403 };
  const domain = form === "bare" ? homeOf(c) : form === "full in A" ? A : B;
  if (c.scope !== "*" && c.scope !== domain) return { status: 403 };
  return { status: okStatus, domain };
}

const written = (local: string, form: Form) =>
  form === "bare" ? local : `${local}@${form === "full in A" ? A : B}`;

interface Cell {
  /** A local part of its own: the cell's targets are `<local>@a.test` and `<local>@b.test`. */
  local: string;
  /** Groups of the cell, one per domain, where the operation needs one. */
  groups: Record<string, string>;
}

interface Operation {
  name: string;
  okStatus: number;
  /** Whether both targets exist before the request (not for creating one). */
  targetsExist: boolean;
  /** The targets have a temporary password (they have yet to choose their own). */
  targetsMustChoosePassword?: boolean;
  /** Groups the cell needs per domain: owned by that domain's `owner`, with the target as member or not. */
  groups?: "without target" | "with target";
  request(cell: Cell, form: Form): { method: string; path: string; body?: unknown };
  /** Whether the operation's effect is visible on this full id. */
  applied(ts: TestServer, cell: Cell, userId: string): Promise<boolean>;
  /** For a read: what an allowed answer must say about the target. */
  answer?(body: Record<string, unknown>, userId: string): void;
}

const domainOf = (id: string) => id.slice(id.indexOf("@") + 1);
const SYSTEM = { actor: "system", source: "test", scope: "*" };

async function isMember(ts: TestServer, cell: Cell, userId: string): Promise<boolean> {
  const group = cell.groups[domainOf(userId)] as string;
  const members = await ts.server.core.groups.listMembers({ userId: "system", admin: true }, group);
  return members.some((m) => m.userId === userId && m.active);
}

/** Every /api/v1/admin route that takes a user id (in the path, as id, owner, members or userIds). */
const OPERATIONS: Operation[] = [
  {
    name: "create user",
    okStatus: 201,
    targetsExist: false,
    request: (cell, form) => ({
      method: "POST",
      path: "/users",
      body: { id: written(cell.local, form), password: passwordOf(cell.local), role: "admin" },
    }),
    applied: async (ts, _cell, id) => (await ts.server.core.accounts.getUser(id)) !== undefined,
  },
  {
    name: "get user",
    okStatus: 200,
    targetsExist: true,
    request: (cell, form) => ({ method: "GET", path: `/users/${written(cell.local, form)}` }),
    applied: async () => false,
    answer: (body, id) => assert.equal(body.id, id),
  },
  {
    name: "update profile",
    okStatus: 200,
    targetsExist: true,
    request: (cell, form) => ({
      method: "PATCH",
      path: `/users/${written(cell.local, form)}`,
      body: { title: "Changed" },
    }),
    applied: async (ts, _cell, id) => (await ts.server.core.accounts.getUser(id))?.title === "Changed",
    answer: (body, id) => assert.equal(body.id, id),
  },
  {
    name: "reset password",
    okStatus: 200,
    targetsExist: true,
    request: (cell, form) => ({
      method: "POST",
      path: `/users/${written(cell.local, form)}/password`,
      body: { password: "a-reset-password-1", temporary: true },
    }),
    applied: async (ts, _cell, id) =>
      (await ts.server.core.accounts.getUser(id))?.mustChangePassword === true,
  },
  {
    name: "freeze",
    okStatus: 200,
    targetsExist: true,
    request: (cell, form) => ({
      method: "POST",
      path: `/users/${written(cell.local, form)}/disabled`,
      body: { disabled: true },
    }),
    applied: async (ts, _cell, id) => (await ts.server.core.accounts.getUser(id))?.disabled === true,
  },
  {
    name: "forced logout",
    okStatus: 200,
    targetsExist: true,
    request: (cell, form) => ({ method: "POST", path: `/users/${written(cell.local, form)}/logout` }),
    applied: async (ts, _cell, id) =>
      (await ts.server.admin.listAudit(SYSTEM, domainOf(id), 0, 1000)).some(
        (e) => e.action === "user.force_logout" && e.target === id,
      ),
  },
  {
    name: "activation code",
    okStatus: 201,
    targetsExist: true,
    targetsMustChoosePassword: true,
    request: (cell, form) => ({ method: "POST", path: `/users/${written(cell.local, form)}/activation` }),
    applied: async (ts, _cell, id) =>
      (await ts.server.admin.listAudit(SYSTEM, domainOf(id), 0, 1000)).some(
        (e) => e.action === "user.activation_code" && e.target === id,
      ),
    answer: (body, id) => assert.equal(body.userId, id),
  },
  {
    name: "create group with owner",
    okStatus: 201,
    targetsExist: true,
    request: (cell, form) => ({
      method: "POST",
      path: "/groups",
      body: { name: `owned ${cell.local}`, owner: written(cell.local, form), members: [] },
    }),
    applied: async (ts, cell, id) =>
      (await ts.server.admin.listGroups(SYSTEM, domainOf(id), "", 1000)).some(
        (g) => g.name === `owned ${cell.local}`,
      ),
  },
  {
    name: "create group with member",
    okStatus: 201,
    targetsExist: true,
    // The owner is written in the same form as the member, so both name the same domain.
    request: (cell, form) => ({
      method: "POST",
      path: "/groups",
      body: {
        name: `with ${cell.local}`,
        owner: written("owner", form),
        members: [written(cell.local, form)],
      },
    }),
    applied: async (ts, cell, id) =>
      (await ts.server.admin.listGroups(SYSTEM, domainOf(id), "", 1000)).some(
        (g) => g.name === `with ${cell.local}` && g.memberCount === 2,
      ),
  },
  {
    name: "add member",
    okStatus: 200,
    targetsExist: true,
    groups: "without target",
    request: (cell, form) => ({
      method: "POST",
      path: `/groups/${cell.groups[expectedGroupDomain(form)]}/members`,
      body: { userIds: [written(cell.local, form)] },
    }),
    applied: isMember,
  },
  {
    name: "remove member",
    okStatus: 200,
    targetsExist: true,
    groups: "with target",
    request: (cell, form) => ({
      method: "POST",
      path: `/groups/${cell.groups[expectedGroupDomain(form)]}/members/remove`,
      body: { userIds: [written(cell.local, form)] },
    }),
    applied: async (ts, cell, id) => !(await isMember(ts, cell, id)),
  },
];

/**
 * Group requests go to the group of the domain the caller means. A bare id gives no domain
 * of its own, so the cell's caller decides: set per cell before the request is built.
 */
let bareDomain = A;
const expectedGroupDomain = (form: Form) => (form === "bare" ? bareDomain : form === "full in A" ? A : B);

describe("the admin API: every operation × caller × form of user id", () => {
  let ts: TestServer;
  const tokens = new Map<CallerName, string>();

  const http = (token: string, method: string, path: string, body?: unknown) =>
    apiRequest(ts, method, `/admin${path}`, token, body);
  const loginToken = async (userId: string) => {
    const r = await fetch(`http://127.0.0.1:${ts.server.httpPort}/api/v1/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ userId, password: passwordOf(userId.slice(0, userId.indexOf("@"))) }),
    });
    assert.equal(r.status, 200, `${userId} logs in`);
    return ((await r.json()) as { token: string }).token;
  };

  before(async () => {
    ts = await startTestServer({ domain: A });
    const key = adminKey(ts.dataDir);
    assert.equal((await http(key, "POST", "/domains", { name: B })).status, 201);
    for (const [id, role] of [
      [`boss@${A}`, "admin"],
      [`boss@${B}`, "admin"],
      [`plain@${A}`, "user"],
      [`owner@${A}`, "user"],
      [`owner@${B}`, "user"],
    ] as const)
      assert.equal(
        (await http(key, "POST", "/users", { id, password: passwordOf(id.split("@")[0] as string), role }))
          .status,
        201,
      );
    tokens.set("server admin", key);
    tokens.set("admin of A", await loginToken(`boss@${A}`));
    tokens.set("admin of B", await loginToken(`boss@${B}`));
    tokens.set("user of A", await loginToken(`plain@${A}`));
    tokens.set("nobody", "");
  });
  after(() => ts.close());

  let n = 0;
  for (const op of OPERATIONS)
    for (const caller of CALLERS)
      for (const form of FORMS) {
        const want = expected(caller, form, op.okStatus);
        const outcome = want.domain ? `${want.status} on ${want.domain}` : String(want.status);
        test(`${op.name} × ${caller.name} × ${form} -> ${outcome}`, async () => {
          const cell: Cell = { local: `t${++n}`, groups: {} };
          const both = [`${cell.local}@${A}`, `${cell.local}@${B}`];
          if (op.targetsExist)
            for (const id of both)
              await ts.server.core.accounts.createUser({
                id,
                password: passwordOf(cell.local),
                mustChangePassword: op.targetsMustChoosePassword === true,
              });
          if (op.groups)
            for (const d of [A, B]) {
              const members = op.groups === "with target" ? [`${cell.local}@${d}`] : [];
              const g = await ts.server.admin.createGroup(SYSTEM, {
                name: `g ${cell.local}`,
                owner: `owner@${d}`,
                members,
              });
              cell.groups[d] = g.id;
            }
          bareDomain = homeOf(caller);
          const before = await Promise.all(both.map((id) => op.applied(ts, cell, id)));
          assert.deepEqual(before, [false, false], "nothing applied yet");

          const req = op.request(cell, form);
          const res = await http(tokens.get(caller.name) as string, req.method, req.path, req.body);
          assert.equal(res.status, want.status, JSON.stringify(res.body));

          const target = want.domain ? `${cell.local}@${want.domain}` : undefined;
          if (target) op.answer?.(res.body, target);
          const now = await Promise.all(both.map((id) => op.applied(ts, cell, id)));
          const readOnly = op.name === "get user";
          assert.deepEqual(
            now,
            both.map((id) => !readOnly && id === target),
            target ? `only ${target} changed` : "nothing changed anywhere",
          );
        });
      }
});
