import { type Static, Type } from "@sinclair/typebox";
import type { FastifyInstance } from "fastify";
import type { Admin } from "../../core/accounts/admin.js";
import { MAX_BOT_LABEL_LENGTH } from "../../core/bots/bots.js";
import { MAX_HOOK_CLIENT_ID } from "../../core/bots/webhooks.js";
import type { Core } from "../../core/core.js";
import { completeUserId } from "../../core/kernel/ids.js";
import { MAX_ID_LENGTH, maxJsonMessageBytes } from "../../core/kernel/limits.js";
import type { HttpAuth } from "./auth.js";
import { ErrorBody, IdParam, Ok, UserId } from "./schemas.js";

const NewHook = Type.Object(
  {
    botId: UserId,
    label: Type.Optional(Type.String({ maxLength: MAX_BOT_LABEL_LENGTH })),
  },
  { additionalProperties: false },
);
const HookParams = Type.Object({
  id: Type.String({ minLength: 1, maxLength: MAX_ID_LENGTH }),
  hookId: Type.String({ minLength: 1, maxLength: MAX_ID_LENGTH }),
});
const PostParams = Type.Object({
  id: Type.String({ minLength: 1, maxLength: 64 }),
  secret: Type.String({ minLength: 1, maxLength: 128 }),
});
const Posted = Type.Object({
  conversationId: Type.String(),
  seq: Type.Integer(),
  duplicate: Type.Boolean(),
});

const tags = ["webhooks"];
const security = [{ bearer: [] }];

/**
 * Incoming webhooks (docs/bots.md): a group's owner or an administrator of its domain makes,
 * lists and revokes them with their session; the URL itself needs no other credential.
 */
export function registerHookRoutes(app: FastifyInstance, core: Core, admin: Admin, auth: HttpAuth): void {
  const l = core.limits;
  const Post = Type.Object(
    {
      text: Type.Optional(Type.String({ maxLength: l.maxTextLength })),
      markdown: Type.Optional(
        Type.String({ maxLength: l.maxTextLength, description: "Taken over text; message text is markdown" }),
      ),
      clientId: Type.Optional(
        Type.String({
          minLength: 1,
          maxLength: MAX_HOOK_CLIENT_ID,
          description: "A retried POST with the same id posts once",
        }),
      ),
    },
    { additionalProperties: false },
  );
  const caller = async (req: Parameters<HttpAuth["user"]>[0]) => {
    const a = await auth.user(req);
    return { actor: a.user.id, source: req.ip, user: a.user };
  };

  app.post<{ Params: Static<typeof IdParam>; Body: Static<typeof NewHook> }>(
    "/api/v1/groups/:id/hooks",
    {
      schema: {
        tags,
        security,
        params: IdParam,
        body: NewHook,
        description:
          "A new webhook posting as the bot, a member of the group; the secret is in this answer only.",
      },
    },
    async (req, reply) => {
      const by = await caller(req);
      const botId = completeUserId(req.body.botId, by.user.domain, "botId");
      const hook = await core.webhooks.create(by, req.params.id, botId, req.body.label ?? "");
      reply.status(201);
      return hook;
    },
  );

  app.get<{ Params: Static<typeof IdParam> }>(
    "/api/v1/groups/:id/hooks",
    { schema: { tags, security, params: IdParam } },
    async (req) => ({ hooks: await core.webhooks.list(await caller(req), req.params.id) }),
  );

  app.delete<{ Params: Static<typeof HookParams> }>(
    "/api/v1/groups/:id/hooks/:hookId",
    { schema: { tags, security, params: HookParams, response: { 200: Ok } } },
    async (req) => {
      await core.webhooks.revoke(await caller(req), req.params.id, req.params.hookId);
      return { ok: true };
    },
  );

  // The same for the admin API's callers: the admin key (the CLI) or an administrator's session.
  const asAdmin = async (req: Parameters<HttpAuth["admin"]>[0]) => {
    const a = await auth.admin(req);
    return { caller: a, by: { actor: a.actor, source: a.source, adminScope: a.scope } };
  };
  const adminTags = ["admin"];

  app.post<{ Params: Static<typeof IdParam>; Body: Static<typeof NewHook> }>(
    "/api/v1/admin/groups/:id/hooks",
    { schema: { tags: adminTags, security, params: IdParam, body: NewHook } },
    async (req, reply) => {
      const { caller, by } = await asAdmin(req);
      const botId = admin.completeUserId(caller, req.body.botId, "botId");
      const hook = await core.webhooks.create(by, req.params.id, botId, req.body.label ?? "");
      reply.status(201);
      return hook;
    },
  );

  app.get<{ Params: Static<typeof IdParam> }>(
    "/api/v1/admin/groups/:id/hooks",
    { schema: { tags: adminTags, security, params: IdParam } },
    async (req) => ({ hooks: await core.webhooks.list((await asAdmin(req)).by, req.params.id) }),
  );

  app.delete<{ Params: Static<typeof HookParams> }>(
    "/api/v1/admin/groups/:id/hooks/:hookId",
    { schema: { tags: adminTags, security, params: HookParams, response: { 200: Ok } } },
    async (req) => {
      await core.webhooks.revoke((await asAdmin(req)).by, req.params.id, req.params.hookId);
      return { ok: true };
    },
  );

  app.post<{ Params: Static<typeof PostParams>; Body: Static<typeof Post> }>(
    "/api/v1/hooks/:id/:secret",
    {
      // The largest JSON of one message's text, like a send over HTTP.
      bodyLimit: maxJsonMessageBytes(l),
      schema: {
        tags,
        params: PostParams,
        body: Post,
        description:
          "No credential but the URL. 403 NOT_A_MEMBER once the bot left the group; 413 FRAME_TOO_LARGE past the body limit (docs/bots.md).",
        response: { 200: Posted, 403: ErrorBody, 413: ErrorBody },
      },
    },
    async (req) => {
      const sent = await core.webhooks.post(req.params.id, req.params.secret, req.body);
      return { conversationId: sent.conversationId, seq: sent.seq, duplicate: sent.duplicate };
    },
  );
}
