import { toJson } from "@bufbuild/protobuf";
import { type Static, Type } from "@sinclair/typebox";
import { ConversationSchema, InviteSchema } from "@starling/protocol";
import type { FastifyInstance } from "fastify";
import type { Core } from "../../core/core.js";
import { MAX_ANNOUNCEMENT_LENGTH, MAX_INVITE_TOKEN_LENGTH } from "../../core/kernel/limits.js";
import type { HttpAuth } from "./auth.js";
import { IdParam, Ok } from "./schemas.js";

const Announcement = Type.Object(
  {
    text: Type.String({
      maxLength: MAX_ANNOUNCEMENT_LENGTH,
      description: "The new announcement; empty clears it.",
    }),
  },
  { additionalProperties: false },
);
// The core tells a bad token from an expired one; the schema only bounds what is read.
const TokenParam = Type.Object({ token: Type.String({ minLength: 1, maxLength: MAX_INVITE_TOKEN_LENGTH }) });

const tags = ["groups"];
const security = [{ bearer: [] }];

/** A group's announcement and its invite links, over HTTP as over the native protocol. */
export function registerGroupProfileRoutes(app: FastifyInstance, core: Core, auth: HttpAuth): void {
  const base = "/api/v1";

  app.put<{ Params: Static<typeof IdParam>; Body: Static<typeof Announcement> }>(
    `${base}/groups/:id/announcement`,
    {
      schema: {
        tags,
        security,
        params: IdParam,
        body: Announcement,
        response: { 200: Ok },
        description: "Owners and admins; every member is told by an announcement_changed event.",
      },
    },
    async (req) => {
      const a = await auth.user(req);
      await core.groups.setAnnouncement({ userId: a.user.id }, req.params.id, req.body.text);
      return { ok: true };
    },
  );

  app.post<{ Params: Static<typeof IdParam> }>(
    `${base}/groups/:id/invites`,
    {
      schema: {
        tags,
        security,
        params: IdParam,
        description: "Owners and admins. The token is in this answer only; the link expires in 7 days.",
      },
    },
    async (req, reply) => {
      const a = await auth.user(req);
      const invite = await core.invites.create({ userId: a.user.id }, req.params.id);
      reply.status(201);
      return toJson(InviteSchema, invite);
    },
  );

  app.delete<{ Params: Static<typeof IdParam> }>(
    `${base}/groups/:id/invites`,
    {
      schema: {
        tags,
        security,
        params: IdParam,
        response: { 200: Ok },
        description: "Owners and admins: every invite link of the group made so far stops working.",
      },
    },
    async (req) => {
      const a = await auth.user(req);
      await core.invites.revoke({ userId: a.user.id }, req.params.id);
      return { ok: true };
    },
  );

  app.get<{ Params: Static<typeof TokenParam> }>(
    `${base}/invites/:token`,
    {
      schema: {
        tags,
        security,
        params: TokenParam,
        description: "The group's name and member count, for users of the group's domain.",
      },
    },
    async (req) => {
      const a = await auth.user(req);
      return toJson(InviteSchema, await core.invites.preview(a.user.id, req.params.token));
    },
  );

  app.post<{ Params: Static<typeof TokenParam> }>(
    `${base}/invites/:token/join`,
    {
      schema: {
        tags,
        security,
        params: TokenParam,
        description: "Joins the group (users of its domain only); answers with the conversation.",
      },
    },
    async (req) => {
      const a = await auth.user(req);
      return toJson(ConversationSchema, await core.invites.join(a.user.id, req.params.token));
    },
  );
}
