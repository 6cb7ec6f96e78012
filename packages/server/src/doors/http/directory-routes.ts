import { toJson } from "@bufbuild/protobuf";
import { type Static, Type } from "@sinclair/typebox";
import {
  DepartmentListingSchema,
  DirectoryChangesSchema,
  DirectorySearchResultSchema,
  UserCardSchema,
} from "@starling/protocol";
import type { FastifyInstance } from "fastify";
import type { Core } from "../../core/core.js";
import { DIRECTORY_LIMITS } from "../../core/directory/directory.js";
import { notFound } from "../../core/kernel/errors.js";
import { completeUserId } from "../../core/kernel/ids.js";
import { MAX_USER_ID_LENGTH } from "../../core/kernel/limits.js";
import type { HttpAuth } from "./auth.js";
import { IdParam } from "./schemas.js";

const Changes = Type.Object(
  {
    since: Type.Optional(
      Type.Integer({ minimum: 0, description: "Directory version the client has (0: everything)" }),
    ),
    until: Type.Optional(
      Type.Integer({ minimum: 0, description: "Only changes up to this version (0: no bound)" }),
    ),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: DIRECTORY_LIMITS.changesMax })),
  },
  { additionalProperties: false },
);
const DepartmentQuery = Type.Object(
  {
    after: Type.Optional(
      Type.String({ maxLength: MAX_USER_ID_LENGTH, description: "Members after this user id" }),
    ),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: DIRECTORY_LIMITS.membersMax })),
  },
  { additionalProperties: false },
);
const Search = Type.Object(
  {
    q: Type.String({ minLength: 1, maxLength: DIRECTORY_LIMITS.queryMaxLength }),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: DIRECTORY_LIMITS.searchMax })),
  },
  { additionalProperties: false },
);

const tags = ["directory"];
const security = [{ bearer: [] }];

/**
 * The organisation directory of the caller's domain, as JSON (the protobuf
 * messages of proto/starling/v1/directory.proto in their JSON mapping).
 */
export function registerDirectoryRoutes(app: FastifyInstance, core: Core, auth: HttpAuth): void {
  const base = "/api/v1/directory";

  app.get<{ Querystring: Static<typeof Changes> }>(
    `${base}/changes`,
    { schema: { tags, security, querystring: Changes } },
    async (req) => {
      const a = await auth.user(req);
      const changes = await core.directory.changes(
        a.user.id,
        req.query.since ?? 0,
        req.query.limit ?? 0,
        req.query.until ?? 0,
      );
      return toJson(DirectoryChangesSchema, changes);
    },
  );

  app.get<{ Querystring: Static<typeof DepartmentQuery> }>(
    `${base}/departments`,
    { schema: { tags, security, querystring: DepartmentQuery, description: "The top level of the tree." } },
    async (req) => {
      const a = await auth.user(req);
      return toJson(DepartmentListingSchema, await core.directory.department(a.user.id, "", "", 0));
    },
  );

  app.get<{ Params: Static<typeof IdParam>; Querystring: Static<typeof DepartmentQuery> }>(
    `${base}/departments/:id`,
    { schema: { tags, security, params: IdParam, querystring: DepartmentQuery } },
    async (req) => {
      const a = await auth.user(req);
      const listing = await core.directory.department(
        a.user.id,
        req.params.id,
        req.query.after ?? "",
        req.query.limit ?? 0,
      );
      return toJson(DepartmentListingSchema, listing);
    },
  );

  app.get<{ Params: Static<typeof IdParam> }>(
    `${base}/users/:id`,
    { schema: { tags, security, params: IdParam } },
    async (req) => {
      const a = await auth.user(req);
      const [card] = await core.directory.cards(a.user.id, [completeUserId(req.params.id, a.user.domain)]);
      if (!card) throw notFound("no such user");
      return toJson(UserCardSchema, card);
    },
  );

  app.get<{ Querystring: Static<typeof Search> }>(
    `${base}/search`,
    { schema: { tags, security, querystring: Search } },
    async (req) => {
      const a = await auth.user(req);
      return toJson(
        DirectorySearchResultSchema,
        await core.directory.search(a.user.id, req.query.q, req.query.limit ?? 0),
      );
    },
  );
}
