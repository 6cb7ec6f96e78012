import { type Static, Type } from "@sinclair/typebox";
import { ContentSchema, create } from "@starling/protocol";
import type { FastifyInstance } from "fastify";
import type { Core } from "../../core/core.js";
import {
  MAX_CONVERSATION_ID_LENGTH,
  MAX_USER_ID_LENGTH,
  maxJsonMessageBytes,
} from "../../core/kernel/limits.js";
import type { HttpAuth } from "./auth.js";

const security = [{ bearer: [] }];
const tags = ["conversations"];

const MessageParams = Type.Object({
  id: Type.String({ minLength: 1, maxLength: MAX_CONVERSATION_ID_LENGTH }),
  seq: Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER }),
});
// The core checks the emoji itself (code points, characters); this only bounds what is read.
const ReactionParams = Type.Object({
  id: Type.String({ minLength: 1, maxLength: MAX_CONVERSATION_ID_LENGTH }),
  seq: Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER }),
  emoji: Type.String({ minLength: 1, maxLength: 64, description: "The emoji, percent-encoded in the path." }),
});

/**
 * Changes to a stored message over HTTP: the sender's edit and anyone's emoji reactions. Each is
 * the core's rule (edit.ts, reactions.ts); like a recall, each answers 204 once the change and its
 * event are stored.
 */
export function registerMessageChangeRoutes(app: FastifyInstance, core: Core, auth: HttpAuth): void {
  const base = "/api/v1/conversations/:id/messages/:seq";
  const l = core.limits;
  const Edit = Type.Object(
    {
      text: Type.String({ maxLength: l.maxTextLength }),
      mentions: Type.Optional(
        Type.Array(
          Type.Object(
            {
              userId: Type.String({ minLength: 1, maxLength: MAX_USER_ID_LENGTH }),
              offset: Type.Integer({ minimum: 0, maximum: l.maxTextLength }),
              length: Type.Integer({ minimum: 0, maximum: l.maxTextLength }),
            },
            { additionalProperties: false },
          ),
          { maxItems: l.maxMentions },
        ),
      ),
    },
    { additionalProperties: false },
  );

  app.patch<{ Params: Static<typeof MessageParams>; Body: Static<typeof Edit> }>(
    base,
    {
      bodyLimit: Math.max(app.initialConfig.bodyLimit ?? 0, maxJsonMessageBytes(l)),
      schema: {
        tags,
        security,
        params: MessageParams,
        body: Edit,
        description:
          "Replaces the text of one's own message within limits.editWindowMs; attachments stay. " +
          "The message keeps its seq and gets editedAt; a message_edited event follows it.",
      },
    },
    async (req, reply) => {
      const a = await auth.user(req);
      const b = req.body;
      await core.editor.edit(
        a.user.id,
        req.params.id,
        req.params.seq,
        create(ContentSchema, { text: b.text, mentions: b.mentions ?? [] }),
      );
      reply.status(204);
    },
  );

  for (const [method, add] of [
    ["PUT", true],
    ["DELETE", false],
  ] as const) {
    app.route<{ Params: Static<typeof ReactionParams> }>({
      method,
      url: `${base}/reactions/:emoji`,
      schema: {
        tags,
        security,
        params: ReactionParams,
        description: add
          ? "Adds one's reaction with this emoji; adding it again changes nothing."
          : "Removes one's reaction with this emoji; removing one that is not there changes nothing.",
      },
      handler: async (req, reply) => {
        const a = await auth.user(req);
        await core.reactions.react(a.user.id, req.params.id, req.params.seq, req.params.emoji, add);
        reply.status(204);
      },
    });
  }
}
