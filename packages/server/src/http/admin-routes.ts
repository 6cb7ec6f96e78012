import { type Static, Type } from "@sinclair/typebox";
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { Admin } from "../core/admin.js";

const UserId = Type.String({ minLength: 1, maxLength: 200 });
const UserIds = Type.Array(UserId, { maxItems: 500 });
const Paging = Type.Object(
  {
    domain: Type.Optional(Type.String({ maxLength: 253 })),
    after: Type.Optional(Type.String({ maxLength: 300 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
  },
  { additionalProperties: false },
);
const NewUser = Type.Object(
  {
    id: UserId,
    password: Type.String({ minLength: 1, maxLength: 256 }),
    displayName: Type.Optional(Type.String({ maxLength: 100 })),
    role: Type.Optional(Type.Union([Type.Literal("user"), Type.Literal("admin")])),
  },
  { additionalProperties: false },
);
const Password = Type.Object(
  { password: Type.String({ minLength: 1, maxLength: 256 }) },
  { additionalProperties: false },
);
const Disabled = Type.Object({ disabled: Type.Boolean() }, { additionalProperties: false });
const NewGroup = Type.Object(
  { name: Type.String({ minLength: 1, maxLength: 200 }), owner: UserId, members: UserIds },
  { additionalProperties: false },
);
const Members = Type.Object({ userIds: UserIds }, { additionalProperties: false });
const IdParam = Type.Object({ id: Type.String({ minLength: 1, maxLength: 300 }) });

/**
 * Administration over HTTP, for the CLI while the server runs and for
 * scripts. Authorised by the local admin key or an administrator's session.
 */
export function registerAdminRoutes(
  app: FastifyInstance,
  admin: Admin,
  auth: (req: FastifyRequest) => Promise<string>,
): void {
  const base = "/api/v1/admin";

  app.get<{ Querystring: Static<typeof Paging> }>(
    `${base}/users`,
    { schema: { querystring: Paging } },
    async (req) => {
      await auth(req);
      return { users: await admin.listUsers(req.query.domain, req.query.after, req.query.limit) };
    },
  );

  app.post<{ Body: Static<typeof NewUser> }>(
    `${base}/users`,
    { schema: { body: NewUser } },
    async (req, reply) => {
      await auth(req);
      reply.status(201);
      return admin.addUser(req.body);
    },
  );

  app.post<{ Params: Static<typeof IdParam>; Body: Static<typeof Password> }>(
    `${base}/users/:id/password`,
    { schema: { params: IdParam, body: Password } },
    async (req) => {
      await auth(req);
      await admin.setPassword(req.params.id, req.body.password);
      return { ok: true };
    },
  );

  app.post<{ Params: Static<typeof IdParam>; Body: Static<typeof Disabled> }>(
    `${base}/users/:id/disabled`,
    { schema: { params: IdParam, body: Disabled } },
    async (req) => {
      await auth(req);
      await admin.setDisabled(req.params.id, req.body.disabled);
      return { ok: true };
    },
  );

  app.get<{ Querystring: Static<typeof Paging> }>(
    `${base}/groups`,
    { schema: { querystring: Paging } },
    async (req) => {
      await auth(req);
      return { groups: await admin.listGroups(req.query.domain, req.query.after, req.query.limit) };
    },
  );

  app.post<{ Body: Static<typeof NewGroup> }>(
    `${base}/groups`,
    { schema: { body: NewGroup } },
    async (req, reply) => {
      const actor = await auth(req);
      reply.status(201);
      return admin.createGroup(actor, req.body);
    },
  );

  app.post<{ Params: Static<typeof IdParam>; Body: Static<typeof Members> }>(
    `${base}/groups/:id/members`,
    { schema: { params: IdParam, body: Members } },
    async (req) => {
      const actor = await auth(req);
      await admin.addMembers(actor, req.params.id, req.body.userIds);
      return { ok: true };
    },
  );

  app.post<{ Params: Static<typeof IdParam>; Body: Static<typeof Members> }>(
    `${base}/groups/:id/members/remove`,
    { schema: { params: IdParam, body: Members } },
    async (req) => {
      const actor = await auth(req);
      await admin.removeMembers(actor, req.params.id, req.body.userIds);
      return { ok: true };
    },
  );
}
