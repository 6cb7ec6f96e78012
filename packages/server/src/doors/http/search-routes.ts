import { toJson } from "@bufbuild/protobuf";
import { type Static, Type } from "@sinclair/typebox";
import { create, MessageKind, SearchResultsSchema, SearchSchema, SearchScope } from "@starling/protocol";
import type { FastifyInstance } from "fastify";
import type { Core } from "../../core/core.js";
import { MAX_CONVERSATION_ID_LENGTH, MAX_USER_ID_LENGTH } from "../../core/kernel/limits.js";
import { SEARCH_LIMITS } from "../../core/search/search-service.js";
import type { HttpAuth } from "./auth.js";

const scopes = {
  all: SearchScope.UNSPECIFIED,
  people: SearchScope.PEOPLE,
  groups: SearchScope.GROUPS,
  messages: SearchScope.MESSAGES,
  files: SearchScope.FILES,
};
const kinds = {
  text: MessageKind.TEXT,
  image: MessageKind.IMAGE,
  file: MessageKind.FILE,
  voice: MessageKind.VOICE,
  video: MessageKind.VIDEO,
};

/** A nextCursor is a decimal offset; HTTP reads no more of one than this. */
const SEARCH_CURSOR_LENGTH = 32;

const Query = Type.Object(
  {
    q: Type.Optional(
      Type.String({
        maxLength: SEARCH_LIMITS.queryMaxLength,
        description:
          "Chinese is found by any substring; other words by prefix. Empty (or left out) only with scope=files and a conversationId: that chat's files, newest first",
      }),
    ),
    scope: Type.Optional(
      Type.Union(
        Object.keys(scopes).map((k) => Type.Literal(k)),
        { description: "all (the default) gives the first few of each kind" },
      ),
    ),
    conversationId: Type.Optional(Type.String({ maxLength: MAX_CONVERSATION_ID_LENGTH })),
    senderId: Type.Optional(Type.String({ maxLength: MAX_USER_ID_LENGTH })),
    since: Type.Optional(
      Type.Integer({ minimum: 0, description: "Milliseconds since the epoch, inclusive" }),
    ),
    until: Type.Optional(
      Type.Integer({ minimum: 0, description: "Milliseconds since the epoch, exclusive" }),
    ),
    kind: Type.Optional(Type.Union(Object.keys(kinds).map((k) => Type.Literal(k)))),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: SEARCH_LIMITS.maxLimit })),
    cursor: Type.Optional(
      Type.String({ maxLength: SEARCH_CURSOR_LENGTH, description: "nextCursor of the previous page" }),
    ),
  },
  { additionalProperties: false },
);

/**
 * One search over people, groups, messages and files (starling.v1.Search
 * and SearchResults in their JSON mapping).
 */
export function registerSearchRoutes(app: FastifyInstance, core: Core, auth: HttpAuth): void {
  app.get<{ Querystring: Static<typeof Query> }>(
    "/api/v1/search",
    { schema: { tags: ["search"], security: [{ bearer: [] }], querystring: Query } },
    async (req) => {
      const a = await auth.user(req);
      const q = req.query;
      const search = create(SearchSchema, {
        query: q.q ?? "",
        scope: scopes[(q.scope ?? "all") as keyof typeof scopes],
        conversationId: q.conversationId ?? "",
        senderId: q.senderId ?? "",
        sinceTime: BigInt(q.since ?? 0),
        untilTime: BigInt(q.until ?? 0),
        kind: q.kind ? kinds[q.kind as keyof typeof kinds] : MessageKind.UNSPECIFIED,
        limit: q.limit ?? 0,
        cursor: q.cursor ?? "",
      });
      return toJson(SearchResultsSchema, await core.search.search(a.user.id, search));
    },
  );
}
