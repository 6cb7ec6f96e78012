import { type Static, Type } from "@sinclair/typebox";
import { ErrorCode, StarlingError } from "@starling/protocol";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { Files } from "../../core/files/files.js";
import {
  SLOT_DOWNLOAD_PATH,
  SLOT_UPLOAD_PATH,
  type Slot,
  type UploadSlots,
} from "../../core/files/upload-slots.js";
import { describe, sendContent } from "./file-routes.js";

const tags = ["xmpp"];

const PutParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });
const PutQuery = Type.Object(
  {
    u: Type.String({ maxLength: 200, description: "The uploader" }),
    n: Type.String({ maxLength: 1024, description: "The file name" }),
    s: Type.String({ maxLength: 16, description: "The size in bytes; Content-Length must be this" }),
    t: Type.Optional(Type.String({ maxLength: 255, description: "The Content-Type the upload must have" })),
    e: Type.String({ maxLength: 16, description: "Expiry, milliseconds since the epoch" }),
    sig: Type.String({ maxLength: 64 }),
  },
  { additionalProperties: false },
);
const GetParams = Type.Object({
  id: Type.String({ minLength: 1, maxLength: 64 }),
  sig: Type.String({ maxLength: 64 }),
  name: Type.String({ maxLength: 300, description: "The file name, for show" }),
});

/** Browser-based XMPP clients upload from their own origin; the URL is the credential, so any origin may. */
function allowAnyOrigin(reply: FastifyReply): void {
  reply.header("access-control-allow-origin", "*");
}

/**
 * HTTP file upload for XMPP clients (XEP-0363): the PUT and GET URLs of the
 * slots the XMPP upload service gives out. Neither takes a session token:
 * the signed upload URL is the uploader's credential, the download URL a
 * capability for the file.
 */
export async function registerXmppUploadRoutes(
  app: FastifyInstance,
  slots: UploadSlots,
  files: Files,
  maxUploadBytes: number,
): Promise<void> {
  // The slot each upload claimed before its body was read, to free it if the body never arrives.
  const claimed = new WeakMap<FastifyRequest, Slot>();
  const release = async (req: FastifyRequest) => {
    const slot = claimed.get(req);
    if (slot) slots.release(slot);
  };

  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser("*", { parseAs: "buffer", bodyLimit: maxUploadBytes }, (_req, body, done) =>
      done(null, body),
    );
    scope.put<{ Params: Static<typeof PutParams>; Querystring: Static<typeof PutQuery>; Body: Buffer }>(
      `${SLOT_UPLOAD_PATH}/:id`,
      {
        bodyLimit: maxUploadBytes,
        schema: {
          tags,
          params: PutParams,
          querystring: PutQuery,
          description:
            "Uploads the file of an XMPP upload slot (XEP-0363) from its signed URL, once, before it expires; Content-Length must be the slot's size. 201 with the file.",
        },
        // Checked before the body is read, so a bad URL costs the server no bytes.
        onRequest: async (req, reply) => {
          allowAnyOrigin(reply);
          const r = req as FastifyRequest<{
            Params: Static<typeof PutParams>;
            Querystring: Static<typeof PutQuery>;
          }>;
          const slot = await slots.claim(r.params.id, r.query, {
            contentLength: req.headers["content-length"],
            contentType: req.headers["content-type"],
          });
          claimed.set(req, slot);
        },
        onResponse: release,
        onRequestAbort: release,
      },
      async (req, reply) => {
        const slot = claimed.get(req);
        if (!slot || !Buffer.isBuffer(req.body))
          throw new StarlingError(ErrorCode.INVALID_ARGUMENT, "send the file's bytes as the body", {
            details: { field: "body" },
          });
        const f = await slots.complete(slot, req.body);
        reply.status(201);
        return describe(f);
      },
    );
  });

  app.options(`${SLOT_UPLOAD_PATH}/:id`, { schema: { hide: true } }, async (_req, reply) => {
    allowAnyOrigin(reply);
    reply
      .header("access-control-allow-methods", "PUT")
      .header("access-control-allow-headers", "content-type")
      .header("access-control-max-age", "86400")
      .status(204)
      .send();
  });

  app.get<{ Params: Static<typeof GetParams> }>(
    `${SLOT_DOWNLOAD_PATH}/:id/:sig/:name`,
    {
      schema: {
        tags,
        params: GetParams,
        description:
          "The bytes of a file from its XMPP download URL (a capability: anyone holding the URL may read the file while it exists); supports a single `Range: bytes=...`.",
      },
    },
    async (req, reply) => {
      allowAnyOrigin(reply);
      return sendContent(req, reply, files, await slots.download(req.params.id, req.params.sig));
    },
  );
}
