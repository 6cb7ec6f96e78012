import { Readable } from "node:stream";
import { ErrorCode, StarlingError } from "@starling/protocol";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { Files } from "../../core/files/files.js";
import {
  beyondLength,
  type ResumableUploads,
  type Upload,
  type UploadBody,
} from "../../core/files/resumable.js";
import { HttpAuth } from "./auth.js";
import { errorBody } from "./error-status.js";
import { describe } from "./file-routes.js";

/** Longest Upload-Metadata header accepted, in bytes. */
export const MAX_METADATA_BYTES = 4096;

const TUS_VERSION = "1.0.0";
const TUS_EXTENSIONS = "creation,creation-with-upload,termination,expiration";
const OFFSET_STREAM = "application/offset+octet-stream";
const BASE = "/api/v1/uploads";
const DECIMAL = /^\d{1,16}$/;
const METADATA_PAIR = /^([^\s,]+)(?: ([A-Za-z0-9+/]*={0,2}))?$/;

const tags = ["uploads"];
const security = [{ bearer: [] }];

function invalid(message: string, field: string): StarlingError {
  return new StarlingError(ErrorCode.INVALID_ARGUMENT, message, { details: { field } });
}

/** An error answered with a status of its own (the tus statuses that have no error code). */
function refuse(reply: FastifyReply, status: number, err: StarlingError): FastifyReply {
  return reply.status(status).send(errorBody(err));
}

/** A non-negative integer header, or undefined when absent; anything else is refused. */
function headerNumber(req: FastifyRequest, name: string): number | undefined {
  const v = req.headers[name];
  if (v === undefined) return undefined;
  if (typeof v !== "string" || !DECIMAL.test(v) || !Number.isSafeInteger(Number(v)))
    throw invalid(`${name} must be a non-negative integer`, name);
  return Number(v);
}

/** The announced body length, when the body is not chunked. */
function declaredLength(req: FastifyRequest): number | undefined {
  if (req.headers["transfer-encoding"] !== undefined) return undefined;
  const v = req.headers["content-length"];
  return v !== undefined && DECIMAL.test(v) ? Number(v) : undefined;
}

function isOffsetStream(req: FastifyRequest): boolean {
  const type = req.headers["content-type"] ?? "";
  return type.split(";")[0]?.trim().toLowerCase() === OFFSET_STREAM;
}

/** The request's bytes as a stream, when it has any. */
function bodyOf(req: FastifyRequest): Readable | undefined {
  return req.body instanceof Readable ? req.body : undefined;
}

/** The request stream as an upload's body; stopping it destroys the stream. */
function uploadBody(body: Readable): UploadBody {
  return { chunks: body, stop: () => body.destroy() };
}

/** Upload-Metadata: comma-separated `key base64value` pairs, values optional. */
export function parseUploadMetadata(raw: string | undefined, maxBytes: number): Map<string, string> {
  const out = new Map<string, string>();
  if (raw === undefined || raw.trim() === "") return out;
  if (Buffer.byteLength(raw) > maxBytes) throw invalid("Upload-Metadata is too long", "upload-metadata");
  for (const pair of raw.split(",")) {
    const m = METADATA_PAIR.exec(pair.trim());
    const key = m?.[1];
    const value = m?.[2] ?? "";
    if (!key || value.length % 4 !== 0 || out.has(key))
      throw invalid("Upload-Metadata must be distinct `key base64` pairs", "upload-metadata");
    out.set(key, Buffer.from(value, "base64").toString("utf8"));
  }
  return out;
}

/**
 * Resumable uploads with the tus protocol 1.0.0 (creation,
 * creation-with-upload, termination, expiration) at /api/v1/uploads, for
 * files of any size up to the domain's limit: the bytes go to disk as they
 * arrive, and the last one turns the upload into a file (its id in the
 * `Starling-File-Id` header, and in `GET /api/v1/uploads/:id`). Every
 * request but OPTIONS needs the session token; an upload is visible to its
 * creator only.
 */
export async function registerTusRoutes(
  app: FastifyInstance,
  uploads: ResumableUploads,
  files: Files,
  auth: HttpAuth,
  maxMetadataBytes = MAX_METADATA_BYTES,
): Promise<void> {
  await uploads.start();
  app.addHook("preClose", async () => uploads.stopTransfers());
  app.addHook("onClose", async () => uploads.stop());

  const who = async (req: FastifyRequest) => (await auth.user(req)).user.id;

  function progress(reply: FastifyReply, u: Upload, offset: number): FastifyReply {
    reply
      .header("upload-offset", String(offset))
      .header("upload-expires", new Date(uploads.expiresAt(u)).toUTCString());
    if (u.fileId) reply.header("starling-file-id", u.fileId);
    return reply;
  }

  await app.register(async (scope) => {
    // The bytes of an upload reach the handler as the request stream itself.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser("*", (_req, payload, done) => done(null, payload));

    scope.addHook("onRequest", async (req, reply) => {
      if (req.method === "OPTIONS" || req.method === "GET") return;
      if (req.headers["tus-resumable"] !== TUS_VERSION) {
        reply.header("tus-version", TUS_VERSION);
        return refuse(
          reply,
          412,
          invalid(`this server speaks tus ${TUS_VERSION}; send Tus-Resumable`, "tus-resumable"),
        );
      }
    });
    scope.addHook("onSend", async (req, reply, payload) => {
      reply.header("tus-resumable", TUS_VERSION);
      // A body not read to its end is not worth receiving: close the connection after the answer.
      if (!req.raw.complete) reply.header("connection", "close");
      return payload;
    });

    const discover = async (req: FastifyRequest, reply: FastifyReply) => {
      // Without a valid session: the server's settings.
      const owner = HttpAuth.bearer(req) ? await who(req).catch(() => undefined) : undefined;
      const { maxFileBytes } = await files.limitsFor(owner);
      return reply
        .status(204)
        .header("tus-version", TUS_VERSION)
        .header("tus-extension", TUS_EXTENSIONS)
        .header("tus-max-size", String(maxFileBytes))
        .send();
    };
    for (const path of [BASE, `${BASE}/`, `${BASE}/:id`])
      scope.options(path, { schema: { hide: true } }, discover);

    const create = async (req: FastifyRequest, reply: FastifyReply) => {
      const owner = await who(req);
      if (req.headers["upload-defer-length"] !== undefined)
        throw invalid("send Upload-Length; a deferred length is not supported", "upload-length");
      const length = headerNumber(req, "upload-length");
      if (length === undefined) throw invalid("Upload-Length is required", "upload-length");
      if (length === 0) throw invalid("the file is empty", "upload-length");
      const raw = req.headers["upload-metadata"];
      const metadata = parseUploadMetadata(typeof raw === "string" ? raw : undefined, maxMetadataBytes);
      const body = bodyOf(req);
      if (body && !isOffsetStream(req))
        return refuse(reply, 415, invalid(`send the bytes as ${OFFSET_STREAM}`, "content-type"));
      const declared = body ? declaredLength(req) : undefined;
      if (declared !== undefined && declared > length) throw beyondLength(length);
      await files.checkUpload(owner, length);
      const name = metadata.get("filename") || metadata.get("name") || "file";
      let u = await uploads.create(owner, length, name, typeof raw === "string" ? raw : "");
      let offset = 0;
      if (body) {
        try {
          ({ u, offset } = await uploads.append(owner, u.id, 0, uploadBody(body), declared));
        } catch (err) {
          await uploads.discard(u);
          throw err;
        }
      }
      return progress(reply.status(201).header("location", `${BASE}/${u.id}`), u, offset).send();
    };
    const creation = {
      schema: {
        tags,
        security,
        description:
          "tus creation: Upload-Length (required) and Upload-Metadata (`filename`); may carry the first bytes as application/offset+octet-stream. 201 with Location.",
      },
    };
    scope.post(BASE, creation, create);
    scope.post(`${BASE}/`, { ...creation, schema: { ...creation.schema, hide: true } }, create);

    scope.head<{ Params: { id: string } }>(
      `${BASE}/:id`,
      { schema: { tags, security, description: "tus: where the upload is (Upload-Offset, Upload-Length)." } },
      async (req, reply) => {
        const { u, offset } = await uploads.settled(await who(req), req.params.id);
        progress(reply, u, offset)
          .header("upload-length", String(u.length))
          .header("cache-control", "no-store");
        if (u.metadata) reply.header("upload-metadata", u.metadata);
        return reply.status(200).send();
      },
    );

    scope.patch<{ Params: { id: string } }>(
      `${BASE}/:id`,
      {
        schema: {
          tags,
          security,
          description:
            "tus: the next bytes, as application/offset+octet-stream from Upload-Offset. After the last byte the answer carries Starling-File-Id.",
        },
      },
      async (req, reply) => {
        const owner = await who(req);
        if (!isOffsetStream(req))
          return refuse(reply, 415, invalid(`send the bytes as ${OFFSET_STREAM}`, "content-type"));
        const offset = headerNumber(req, "upload-offset");
        if (offset === undefined) throw invalid("Upload-Offset is required", "upload-offset");
        const body = bodyOf(req);
        const done = await uploads.append(
          owner,
          req.params.id,
          offset,
          body && uploadBody(body),
          declaredLength(req),
        );
        return progress(reply.status(204), done.u, done.offset).send();
      },
    );

    scope.delete<{ Params: { id: string } }>(
      `${BASE}/:id`,
      { schema: { tags, security, description: "tus termination: the upload and its bytes are removed." } },
      async (req, reply) => {
        await uploads.remove(await who(req), req.params.id);
        return reply.status(204).send();
      },
    );

    scope.get<{ Params: { id: string } }>(
      `${BASE}/:id`,
      {
        exposeHeadRoute: false,
        schema: {
          tags,
          security,
          description: "The upload's progress as JSON, with the file once the last byte arrived.",
        },
      },
      async (req) => {
        const owner = await who(req);
        const { u, offset } = await uploads.current(owner, req.params.id);
        const file = u.fileId ? describe(await files.readable(owner, u.fileId)) : undefined;
        return { id: u.id, offset, length: u.length, file };
      },
    );
  });
}
