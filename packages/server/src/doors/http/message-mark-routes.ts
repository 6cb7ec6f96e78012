import { toJson } from "@bufbuild/protobuf";
import { type Static, Type } from "@sinclair/typebox";
import { FavouriteListSchema, FavouriteSchema, MessageSchema } from "@starling/protocol";
import type { FastifyInstance } from "fastify";
import type { Core } from "../../core/core.js";
import { MAX_CONVERSATION_ID_LENGTH, MAX_ID_LENGTH, MESSAGE_MARK_LIMITS } from "../../core/kernel/limits.js";
import type { HttpAuth } from "./auth.js";
import { IdParam } from "./schemas.js";

const Seq = Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER });
const PinBody = Type.Object({ seq: Seq }, { additionalProperties: false });
const PinParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: MAX_ID_LENGTH }), seq: Seq });
const HideBody = Type.Object(
  { seqs: Type.Array(Seq, { minItems: 1, maxItems: MESSAGE_MARK_LIMITS.hidePerRequest }) },
  { additionalProperties: false },
);
const FavouriteId = Type.String({ minLength: 1, maxLength: MESSAGE_MARK_LIMITS.favouriteIdLength });
const NewFavourite = Type.Object(
  { conversationId: Type.String({ minLength: 1, maxLength: MAX_CONVERSATION_ID_LENGTH }), seq: Seq },
  { additionalProperties: false },
);
const FavouriteParams = Type.Object({ id: FavouriteId });
const FavouritesQuery = Type.Object(
  {
    before: Type.Optional(FavouriteId),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MESSAGE_MARK_LIMITS.favouritesPageMax })),
  },
  { additionalProperties: false },
);

const security = [{ bearer: [] }];

/**
 * Pinned messages, delete-for-me and favourites over HTTP, in the protobuf
 * messages' JSON mapping; the rules are the core's (core/messaging/pins.ts,
 * hidden.ts, favourites.ts).
 */
export function registerMessageMarkRoutes(app: FastifyInstance, core: Core, auth: HttpAuth): void {
  const base = "/api/v1";
  const tags = ["conversations"];

  app.get<{ Params: Static<typeof IdParam> }>(
    `${base}/conversations/:id/pins`,
    {
      schema: {
        tags,
        security,
        params: IdParam,
        description: "The conversation's pinned messages, the most recently pinned first.",
      },
    },
    async (req) => {
      const a = await auth.user(req);
      const messages = await core.pins.list(a.user.id, req.params.id);
      return { messages: messages.map((m) => toJson(MessageSchema, m)) };
    },
  );

  app.post<{ Params: Static<typeof IdParam>; Body: Static<typeof PinBody> }>(
    `${base}/conversations/:id/pins`,
    {
      schema: {
        tags,
        security,
        params: IdParam,
        body: PinBody,
        description: `Pins a message for every member: either peer of a 1:1 chat, a group's owner or admins; at most ${MESSAGE_MARK_LIMITS.pinnedPerConversation}.`,
      },
    },
    async (req, reply) => {
      const a = await auth.user(req);
      await core.pins.set(a.user.id, req.params.id, req.body.seq, true);
      reply.status(204);
    },
  );

  app.delete<{ Params: Static<typeof PinParams> }>(
    `${base}/conversations/:id/pins/:seq`,
    { schema: { tags, security, params: PinParams, description: "Unpins a message." } },
    async (req, reply) => {
      const a = await auth.user(req);
      await core.pins.set(a.user.id, req.params.id, req.params.seq, false);
      reply.status(204);
    },
  );

  app.get<{ Params: Static<typeof IdParam> }>(
    `${base}/conversations/:id/hidden`,
    {
      schema: {
        tags,
        security,
        params: IdParam,
        description: "The seqs the caller hid from their own view, ascending.",
      },
    },
    async (req) => {
      const a = await auth.user(req);
      return { seqs: await core.hidden.list(a.user.id, req.params.id) };
    },
  );

  app.post<{ Params: Static<typeof IdParam>; Body: Static<typeof HideBody> }>(
    `${base}/conversations/:id/hidden`,
    {
      schema: {
        tags,
        security,
        params: IdParam,
        body: HideBody,
        description:
          "Hides messages from the caller's own view on all their devices (delete for me); others still see them.",
      },
    },
    async (req, reply) => {
      const a = await auth.user(req);
      await core.hidden.hide(a.user.id, req.params.id, req.body.seqs);
      reply.status(204);
    },
  );

  const ftags = ["favourites"];
  app.get<{ Querystring: Static<typeof FavouritesQuery> }>(
    `${base}/me/favourites`,
    {
      schema: {
        tags: ftags,
        security,
        querystring: FavouritesQuery,
        description: "The caller's favourites, newest first; `before` is the last id of the previous page.",
      },
    },
    async (req) => {
      const a = await auth.user(req);
      const page = await core.favourites.list(a.user.id, req.query.before ?? "", req.query.limit ?? 0);
      return toJson(FavouriteListSchema, page);
    },
  );

  app.post<{ Body: Static<typeof NewFavourite> }>(
    `${base}/me/favourites`,
    {
      schema: {
        tags: ftags,
        security,
        body: NewFavourite,
        description: "Saves a message the caller may read; saving it again answers the same favourite.",
      },
    },
    async (req) => {
      const a = await auth.user(req);
      return toJson(
        FavouriteSchema,
        await core.favourites.add(a.user.id, req.body.conversationId, req.body.seq),
      );
    },
  );

  app.delete<{ Params: Static<typeof FavouriteParams> }>(
    `${base}/me/favourites/:id`,
    { schema: { tags: ftags, security, params: FavouriteParams, description: "Removes a favourite." } },
    async (req, reply) => {
      const a = await auth.user(req);
      await core.favourites.remove(a.user.id, req.params.id);
      reply.status(204);
    },
  );
}
