import { type Static, Type } from "@sinclair/typebox";
import type { FastifyInstance } from "fastify";
import type { Admin } from "../../core/accounts/admin.js";
import { IMPORT_MAX_BYTES } from "../../core/directory/import-parse.js";
import {
  ADMIN_PAGE_MAX,
  type CoreLimits,
  DEPARTMENT_LIMITS,
  MAX_PASSWORD_LENGTH,
  PROFILE_LIMITS,
} from "../../core/kernel/limits.js";
import type { DomainRecord } from "../../core/kernel/records.js";
import type { AdminCaller, HttpAuth } from "./auth.js";
import { DomainName, IdParam, Ok, OptionalDomain, Paging, UserId, userIds } from "./schemas.js";

const DomainQuery = Type.Object({ domain: OptionalDomain }, { additionalProperties: false });
const NewPassword = Type.String({ minLength: 1, maxLength: MAX_PASSWORD_LENGTH });
const NewUser = Type.Object(
  {
    id: UserId,
    password: NewPassword,
    displayName: Type.Optional(Type.String({ maxLength: PROFILE_LIMITS.displayName })),
    role: Type.Optional(Type.Union([Type.Literal("user"), Type.Literal("admin")])),
    temporary: Type.Optional(
      Type.Boolean({ description: "The user must choose a new password at first login." }),
    ),
  },
  { additionalProperties: false },
);
const DepartmentId = Type.String({ maxLength: DEPARTMENT_LIMITS.idLength });
const Profile = Type.Object(
  {
    displayName: Type.Optional(Type.String({ maxLength: PROFILE_LIMITS.displayName })),
    title: Type.Optional(Type.String({ maxLength: PROFILE_LIMITS.title })),
    email: Type.Optional(Type.String({ maxLength: PROFILE_LIMITS.email })),
    phone: Type.Optional(Type.String({ maxLength: PROFILE_LIMITS.phone })),
    avatar: Type.Optional(Type.String({ maxLength: PROFILE_LIMITS.avatar })),
    departmentId: Type.Optional(DepartmentId),
    otherDepartmentIds: Type.Optional(
      Type.Array(DepartmentId, { maxItems: DEPARTMENT_LIMITS.maxOtherDepartments }),
    ),
    status: Type.Optional(Type.Union([Type.Literal("active"), Type.Literal("left")])),
    frozen: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
const Password = Type.Object(
  { password: NewPassword, temporary: Type.Optional(Type.Boolean()) },
  { additionalProperties: false },
);
const Disabled = Type.Object({ disabled: Type.Boolean() }, { additionalProperties: false });
const DomainLimits = Type.Object(
  {
    maxFileBytes: Type.Optional(Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER })),
    quotaBytes: Type.Optional(Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER })),
    pushPreviews: Type.Optional(
      Type.Union([Type.Literal(""), Type.Literal("none"), Type.Literal("text")], {
        description:
          'Push notifications with the message text ("text"), without ("none"), or as push.previews says ("").',
      }),
    ),
  },
  { additionalProperties: false },
);
const NewDomain = Type.Object({ name: DomainName }, { additionalProperties: false });
const DomainParam = Type.Object({ name: DomainName });
const Department = Type.Object(
  {
    domain: OptionalDomain,
    id: Type.Optional(Type.String({ minLength: 1, maxLength: DEPARTMENT_LIMITS.idLength })),
    parentId: Type.String({ maxLength: DEPARTMENT_LIMITS.idLength, description: '"" for the top level' }),
    name: Type.String({ minLength: 1, maxLength: DEPARTMENT_LIMITS.nameLength }),
    sortOrder: Type.Optional(
      Type.Integer({ minimum: -DEPARTMENT_LIMITS.maxSortOrder, maximum: DEPARTMENT_LIMITS.maxSortOrder }),
    ),
  },
  { additionalProperties: false },
);
const ImportQuery = Type.Object(
  {
    domain: OptionalDomain,
    dryRun: Type.Optional(Type.Boolean()),
    passwords: Type.Optional(
      Type.Boolean({ description: "Give new users a random initial password (default true)." }),
    ),
  },
  { additionalProperties: false },
);
const AuditQuery = Type.Object(
  {
    domain: OptionalDomain,
    before: Type.Optional(Type.Integer({ minimum: 0 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: ADMIN_PAGE_MAX })),
  },
  { additionalProperties: false },
);
/** Group bounds are the limits the server runs with, as over the native protocol. */
const newGroup = (l: CoreLimits) =>
  Type.Object(
    {
      name: Type.String({ minLength: 1, maxLength: l.maxGroupNameLength }),
      owner: UserId,
      members: userIds(l),
    },
    { additionalProperties: false },
  );
const members = (l: CoreLimits) => Type.Object({ userIds: userIds(l) }, { additionalProperties: false });

const tags = ["admin"];
const security = [{ bearer: [] }];

/**
 * Administration over HTTP, for the CLI while the server runs, for scripts
 * and for an admin console. Authorised by the local admin key (every domain)
 * or an administrator's session (their own domain only).
 */
export function registerAdminRoutes(
  app: FastifyInstance,
  admin: Admin,
  auth: HttpAuth,
  settings: () => Record<string, unknown>,
  limits: CoreLimits,
): void {
  const NewGroup = newGroup(limits);
  const Members = members(limits);
  const base = "/api/v1/admin";
  // The one place an administrator's bare user id gets a domain (their own); Admin
  // itself takes full ids only and checks the caller may manage the target's domain.
  const userOf = (caller: AdminCaller, id: string, field?: string) => admin.completeUserId(caller, id, field);

  app.get(`${base}/domains`, { schema: { tags, security } }, async (req) => {
    return { domains: await admin.listDomains(await auth.admin(req)) };
  });

  app.post<{ Body: Static<typeof NewDomain> }>(
    `${base}/domains`,
    { schema: { tags, security, body: NewDomain } },
    async (req, reply) => {
      const caller = await auth.admin(req);
      reply.status(201);
      return admin.addDomain(caller, req.body.name);
    },
  );

  app.post<{ Params: Static<typeof DomainParam>; Body: Static<typeof Disabled> }>(
    `${base}/domains/:name/disabled`,
    { schema: { tags, security, params: DomainParam, body: Disabled, response: { 200: Ok } } },
    async (req) => {
      const caller = await auth.admin(req);
      await admin.setDomainDisabled(caller, req.params.name, req.body.disabled);
      return { ok: true };
    },
  );

  app.patch<{ Params: Static<typeof DomainParam>; Body: Static<typeof DomainLimits> }>(
    `${base}/domains/:name`,
    {
      schema: {
        tags,
        security,
        params: DomainParam,
        body: DomainLimits,
        description:
          "The domain's own largest file and storage quota in bytes (0 for the server's settings), and whether its push notifications carry the message text.",
      },
    },
    async (req) => {
      const caller = await auth.admin(req);
      const { maxFileBytes, quotaBytes, pushPreviews } = req.body;
      let d: DomainRecord | undefined;
      if (pushPreviews !== undefined)
        d = await admin.setDomainPushPreviews(caller, req.params.name, pushPreviews);
      if (maxFileBytes !== undefined || quotaBytes !== undefined || !d) {
        const now = (await admin.listDomains(caller)).find((x) => x.name === req.params.name);
        d = await admin.setDomainFileLimits(caller, req.params.name, {
          maxFileBytes: maxFileBytes ?? now?.maxFileBytes ?? 0,
          quotaBytes: quotaBytes ?? now?.quotaBytes ?? 0,
        });
      }
      return d;
    },
  );

  app.get<{ Querystring: Static<typeof Paging> }>(
    `${base}/users`,
    { schema: { tags, security, querystring: Paging } },
    async (req) => {
      const caller = await auth.admin(req);
      return {
        users: await admin.listUsers(caller, req.query.domain, req.query.after, req.query.limit),
      };
    },
  );

  app.post<{ Body: Static<typeof NewUser> }>(
    `${base}/users`,
    { schema: { tags, security, body: NewUser } },
    async (req, reply) => {
      const caller = await auth.admin(req);
      const user = await admin.addUser(caller, { ...req.body, id: userOf(caller, req.body.id, "id") });
      reply.status(201);
      return user;
    },
  );

  app.get<{ Params: Static<typeof IdParam> }>(
    `${base}/users/:id`,
    { schema: { tags, security, params: IdParam } },
    async (req) => {
      const caller = await auth.admin(req);
      return admin.getUser(caller, userOf(caller, req.params.id));
    },
  );

  app.patch<{ Params: Static<typeof IdParam>; Body: Static<typeof Profile> }>(
    `${base}/users/:id`,
    { schema: { tags, security, params: IdParam, body: Profile } },
    async (req) => {
      const caller = await auth.admin(req);
      return admin.updateProfile(caller, userOf(caller, req.params.id), req.body);
    },
  );

  app.post<{ Params: Static<typeof IdParam>; Body: Static<typeof Password> }>(
    `${base}/users/:id/password`,
    { schema: { tags, security, params: IdParam, body: Password, response: { 200: Ok } } },
    async (req) => {
      const caller = await auth.admin(req);
      await admin.setPassword(caller, userOf(caller, req.params.id), req.body.password, req.body.temporary);
      return { ok: true };
    },
  );

  app.post<{ Params: Static<typeof IdParam> }>(
    `${base}/users/:id/activation`,
    {
      schema: {
        tags,
        security,
        params: IdParam,
        description:
          "A one-time activation code for a user who has not chosen a password yet (mustChangePassword); it replaces the user's previous code. The code is shown only in this answer.",
        response: {
          201: Type.Object({ userId: Type.String(), code: Type.String(), expiresAt: Type.Integer() }),
        },
      },
    },
    async (req, reply) => {
      const caller = await auth.admin(req);
      const issued = await admin.issueActivation(caller, userOf(caller, req.params.id));
      reply.status(201);
      return issued;
    },
  );

  app.post<{ Params: Static<typeof IdParam>; Body: Static<typeof Disabled> }>(
    `${base}/users/:id/disabled`,
    { schema: { tags, security, params: IdParam, body: Disabled, response: { 200: Ok } } },
    async (req) => {
      const caller = await auth.admin(req);
      await admin.setDisabled(caller, userOf(caller, req.params.id), req.body.disabled);
      return { ok: true };
    },
  );

  app.post<{ Params: Static<typeof IdParam> }>(
    `${base}/users/:id/logout`,
    { schema: { tags, security, params: IdParam } },
    async (req) => {
      const caller = await auth.admin(req);
      return { sessions: await admin.forceLogout(caller, userOf(caller, req.params.id)) };
    },
  );

  app.post<{ Body: Static<typeof Department> }>(
    `${base}/departments`,
    { schema: { tags, security, body: Department } },
    async (req, reply) => {
      const caller = await auth.admin(req);
      const { domain, ...input } = req.body;
      reply.status(201);
      return admin.saveDepartment(caller, domain, input);
    },
  );

  app.delete<{ Params: Static<typeof IdParam>; Querystring: Static<typeof DomainQuery> }>(
    `${base}/departments/:id`,
    { schema: { tags, security, params: IdParam, querystring: DomainQuery, response: { 200: Ok } } },
    async (req) => {
      const caller = await auth.admin(req);
      await admin.deleteDepartment(caller, req.query.domain, req.params.id);
      return { ok: true };
    },
  );

  app.post<{ Querystring: Static<typeof ImportQuery>; Body: unknown }>(
    `${base}/import/users`,
    {
      bodyLimit: IMPORT_MAX_BYTES,
      schema: {
        tags,
        security,
        querystring: ImportQuery,
        description:
          "Body: a CSV file (text/csv) or a JSON array (application/json) of users; the Startalk host_users layout is recognised by its columns.",
      },
    },
    async (req) => {
      const caller = await auth.admin(req);
      const json = typeof req.body !== "string";
      const text = json ? JSON.stringify(req.body) : (req.body as string);
      return admin.importUsers(caller, req.query.domain, text, json ? "json" : "csv", {
        dryRun: req.query.dryRun ?? false,
        initialPasswords: req.query.passwords ?? true,
      });
    },
  );

  app.get<{ Querystring: Static<typeof AuditQuery> }>(
    `${base}/audit`,
    { schema: { tags, security, querystring: AuditQuery } },
    async (req) => {
      const caller = await auth.admin(req);
      return {
        entries: await admin.listAudit(caller, req.query.domain, req.query.before, req.query.limit),
      };
    },
  );

  app.get(`${base}/settings`, { schema: { tags, security } }, async (req) => {
    admin.requireServerAdmin(await auth.admin(req));
    return settings();
  });

  app.get<{ Querystring: Static<typeof Paging> }>(
    `${base}/groups`,
    { schema: { tags, security, querystring: Paging } },
    async (req) => {
      const caller = await auth.admin(req);
      return {
        groups: await admin.listGroups(caller, req.query.domain, req.query.after, req.query.limit),
      };
    },
  );

  app.post<{ Body: Static<typeof NewGroup> }>(
    `${base}/groups`,
    { schema: { tags, security, body: NewGroup } },
    async (req, reply) => {
      const caller = await auth.admin(req);
      const group = await admin.createGroup(caller, {
        name: req.body.name,
        owner: userOf(caller, req.body.owner, "owner"),
        members: req.body.members.map((m) => userOf(caller, m, "members")),
      });
      reply.status(201);
      return group;
    },
  );

  app.post<{ Params: Static<typeof IdParam>; Body: Static<typeof Members> }>(
    `${base}/groups/:id/members`,
    { schema: { tags, security, params: IdParam, body: Members, response: { 200: Ok } } },
    async (req) => {
      const caller = await auth.admin(req);
      await admin.addMembers(
        caller,
        req.params.id,
        req.body.userIds.map((id) => userOf(caller, id, "user_ids")),
      );
      return { ok: true };
    },
  );

  app.post<{ Params: Static<typeof IdParam>; Body: Static<typeof Members> }>(
    `${base}/groups/:id/members/remove`,
    { schema: { tags, security, params: IdParam, body: Members, response: { 200: Ok } } },
    async (req) => {
      const caller = await auth.admin(req);
      await admin.removeMembers(
        caller,
        req.params.id,
        req.body.userIds.map((id) => userOf(caller, id, "user_ids")),
      );
      return { ok: true };
    },
  );
}
