import { type Static, Type } from "@sinclair/typebox";
import type { FastifyInstance } from "fastify";
import type { Admin } from "../../core/accounts/admin.js";
import { MAX_BOT_LABEL_LENGTH } from "../../core/bots/bots.js";
import { BOT_SCOPES, MAX_TOKEN_SCOPES } from "../../core/bots/scopes.js";
import type { Core } from "../../core/core.js";
import { MAX_ID_LENGTH, PROFILE_LIMITS } from "../../core/kernel/limits.js";
import type { HttpAuth } from "./auth.js";
import { IdParam, Ok, UserId } from "./schemas.js";

const Label = Type.String({ maxLength: MAX_BOT_LABEL_LENGTH });
const NewBot = Type.Object(
  { id: UserId, displayName: Type.Optional(Type.String({ maxLength: PROFILE_LIMITS.displayName })) },
  { additionalProperties: false },
);
const NewToken = Type.Object(
  {
    label: Type.Optional(Label),
    scopes: Type.Array(Type.String({ maxLength: 40 }), {
      minItems: 1,
      maxItems: MAX_TOKEN_SCOPES,
      description: `Any of ${BOT_SCOPES.join(", ")}`,
    }),
  },
  { additionalProperties: false },
);
const TokenParams = Type.Object({
  id: Type.String({ minLength: 1, maxLength: MAX_ID_LENGTH }),
  tokenId: Type.String({ minLength: 1, maxLength: MAX_ID_LENGTH }),
});

const tags = ["admin"];
const security = [{ bearer: [] }];

/**
 * Bot accounts and their tokens over the admin API (docs/bots.md), authorised like every admin
 * route: the admin key, or an administrator's session for their own domain.
 */
export function registerBotRoutes(app: FastifyInstance, core: Core, admin: Admin, auth: HttpAuth): void {
  const base = "/api/v1/admin/bots";

  app.post<{ Body: Static<typeof NewBot> }>(
    base,
    { schema: { tags, security, body: NewBot } },
    async (req, reply) => {
      const caller = await auth.admin(req);
      const id = admin.target(caller, admin.completeUserId(caller, req.body.id, "id"), "id");
      const bot = await core.bots.create(caller, id, req.body.displayName);
      reply.status(201);
      return { id: bot.id, displayName: bot.displayName, bot: true };
    },
  );

  app.post<{ Params: Static<typeof IdParam>; Body: Static<typeof NewToken> }>(
    `${base}/:id/tokens`,
    {
      schema: {
        tags,
        security,
        params: IdParam,
        body: NewToken,
        description: "A new token for the bot; the token is in this answer only.",
      },
    },
    async (req, reply) => {
      const caller = await auth.admin(req);
      const id = admin.target(caller, admin.completeUserId(caller, req.params.id));
      const issued = await core.bots.issueToken(caller, id, req.body.label ?? "", req.body.scopes);
      reply.status(201);
      return issued;
    },
  );

  app.get<{ Params: Static<typeof IdParam> }>(
    `${base}/:id/tokens`,
    { schema: { tags, security, params: IdParam } },
    async (req) => {
      const caller = await auth.admin(req);
      const id = admin.target(caller, admin.completeUserId(caller, req.params.id));
      return { tokens: await core.bots.listTokens(id) };
    },
  );

  app.delete<{ Params: Static<typeof TokenParams> }>(
    `${base}/:id/tokens/:tokenId`,
    { schema: { tags, security, params: TokenParams, response: { 200: Ok } } },
    async (req) => {
      const caller = await auth.admin(req);
      const id = admin.target(caller, admin.completeUserId(caller, req.params.id));
      await core.bots.revokeToken(caller, id, req.params.tokenId);
      return { ok: true };
    },
  );
}
