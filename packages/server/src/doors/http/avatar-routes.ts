import { type Static, Type } from "@sinclair/typebox";
import { ErrorCode, StarlingError } from "@starling/protocol";
import type { FastifyInstance } from "fastify";
import type { Avatars } from "../../core/files/avatars.js";
import { AVATAR_MAX_BYTES } from "../../core/files/avatars.js";
import type { HttpAuth } from "./auth.js";
import { sendWebp } from "./file-routes.js";
import { IdParam } from "./schemas.js";

/** The largest picture size a request may ask for (the kept sizes are AVATAR_SIZES). */
const MAX_SIZE_ASKED = 4096;
/** What HTTP reads of the cache-busting version. */
const MAX_VERSION_LENGTH = 64;

const SizeQuery = Type.Object(
  {
    size: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: MAX_SIZE_ASKED,
        description: "Pixels wanted; the next kept size up is sent",
      }),
    ),
    v: Type.Optional(Type.String({ maxLength: MAX_VERSION_LENGTH, description: "A version, for caches" })),
  },
  { additionalProperties: false },
);

const tags = ["avatars"];
const security = [{ bearer: [] }];

/** Setting the caller's or a group's avatar (the body is the picture) and reading avatars. */
export async function registerAvatarRoutes(
  app: FastifyInstance,
  avatars: Avatars,
  auth: HttpAuth,
): Promise<void> {
  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser("*", { parseAs: "buffer", bodyLimit: AVATAR_MAX_BYTES }, (_req, body, done) =>
      done(null, body),
    );
    const body = (b: unknown): Buffer => {
      if (!Buffer.isBuffer(b))
        throw new StarlingError(ErrorCode.INVALID_ARGUMENT, "send the picture as the body", {
          details: { field: "body" },
        });
      return b;
    };
    scope.put(
      "/api/v1/me/avatar",
      {
        bodyLimit: AVATAR_MAX_BYTES,
        schema: {
          tags,
          security,
          description: "The body is a picture; it is cropped square and kept in 64, 128 and 256 px.",
        },
      },
      async (req) => {
        const a = await auth.user(req);
        return {
          avatar: await avatars.setForUser({ actor: a.user.id, source: req.ip }, a.user.id, body(req.body)),
        };
      },
    );
    scope.put<{ Params: Static<typeof IdParam> }>(
      "/api/v1/groups/:id/avatar",
      {
        bodyLimit: AVATAR_MAX_BYTES,
        schema: {
          tags,
          security,
          params: IdParam,
          description: "Group owners and admins; the body is a picture.",
        },
      },
      async (req) => {
        const a = await auth.user(req);
        return { avatar: await avatars.setForGroup(a.user.id, req.params.id, body(req.body)) };
      },
    );
  });

  app.get<{ Params: Static<typeof IdParam>; Querystring: Static<typeof SizeQuery> }>(
    "/api/v1/avatars/:id",
    {
      schema: {
        tags,
        security,
        params: IdParam,
        querystring: SizeQuery,
        description: "A user's avatar (same domain) or a group's (members), as WebP.",
      },
    },
    async (req, reply) => {
      const a = await auth.user(req);
      const sha = await avatars.find(a.user.id, req.params.id, req.query.size ?? 128);
      return sendWebp(reply, sha, await avatars.open(sha), 86_400);
    },
  );
}
