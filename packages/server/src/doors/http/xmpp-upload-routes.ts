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
import { MAX_CONTENT_TYPE_LENGTH, MAX_FILE_ID_LENGTH, MAX_USER_ID_LENGTH } from "../../core/kernel/limits.js";
import { describe, MAX_GIVEN_FILE_NAME_LENGTH, sendContent } from "./file-routes.js";

const tags = ["xmpp"];

/*
 * The slot URLs are the server's own, signed; these bounds only keep a forged one small. Ids,
 * uploaders and types are the core's sizes; the numbers are decimal (Number.MAX_SAFE_INTEGER has 16
 * digits); the signature is base64url of an HMAC-SHA-256.
 */
const MAX_DECIMAL_LENGTH = 16;
const MAX_SIGNATURE_LENGTH = 64;
/** The name in a download URL is only shown; the file keeps its own. */
const MAX_SHOWN_NAME_LENGTH = 300;
const FileId = Type.String({ minLength: 1, maxLength: MAX_FILE_ID_LENGTH });
const Signature = Type.String({ maxLength: MAX_SIGNATURE_LENGTH });

const PutParams = Type.Object({ id: FileId });
const PutQuery = Type.Object(
  {
    u: Type.String({ maxLength: MAX_USER_ID_LENGTH, description: "The uploader" }),
    n: Type.String({ maxLength: MAX_GIVEN_FILE_NAME_LENGTH, description: "The file name" }),
    s: Type.String({
      maxLength: MAX_DECIMAL_LENGTH,
      description: "The size in bytes; Content-Length must be this",
    }),
    t: Type.Optional(
      Type.String({
        maxLength: MAX_CONTENT_TYPE_LENGTH,
        description: "The Content-Type the upload must have",
      }),
    ),
    e: Type.String({ maxLength: MAX_DECIMAL_LENGTH, description: "Expiry, milliseconds since the epoch" }),
    sig: Signature,
  },
  { additionalProperties: false },
);
const GetParams = Type.Object({
  id: FileId,
  sig: Signature,
  name: Type.String({ maxLength: MAX_SHOWN_NAME_LENGTH, description: "The file name, for show" }),
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
