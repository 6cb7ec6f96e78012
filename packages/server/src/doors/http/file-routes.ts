import { Readable } from "node:stream";
import { type Static, Type } from "@sinclair/typebox";
import { ErrorCode, StarlingError } from "@starling/protocol";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { Files, LinkVariant } from "../../core/files/files.js";
import { MAX_USER_ID_LENGTH } from "../../core/kernel/limits.js";
import type { FileRecord } from "../../core/kernel/records.js";
import type { HttpAuth } from "./auth.js";
import { errorBody } from "./error-status.js";
import { IdParam } from "./schemas.js";

/**
 * What HTTP reads of a file name as given: it may be a path, and the core keeps only its last
 * part, cut to MAX_FILE_NAME_LENGTH.
 */
export const MAX_GIVEN_FILE_NAME_LENGTH = 1024;

const UploadQuery = Type.Object(
  {
    name: Type.String({
      minLength: 1,
      maxLength: MAX_GIVEN_FILE_NAME_LENGTH,
      description: "The file's name (its last path part is kept)",
    }),
  },
  { additionalProperties: false },
);
const ByHash = Type.Object(
  {
    sha256: Type.String({ pattern: "^[0-9a-fA-F]{64}$" }),
    name: Type.String({ minLength: 1, maxLength: MAX_GIVEN_FILE_NAME_LENGTH }),
  },
  { additionalProperties: false },
);

const LinkBody = Type.Object(
  { variant: Type.Optional(Type.Union([Type.Literal("content"), Type.Literal("thumbnail")])) },
  { additionalProperties: false },
);
const LinkQuery = Type.Object(
  {
    u: Type.Optional(Type.String({ maxLength: MAX_USER_ID_LENGTH })),
    exp: Type.Optional(Type.Integer({ minimum: 0 })),
    sig: Type.Optional(Type.String({ pattern: "^[0-9a-f]{64}$" })),
  },
  { additionalProperties: false },
);

/** Types shown in place by a browser; everything else is a download, so no uploaded page runs in our origin. */
const INLINE = new Set(["image/png", "image/jpeg", "image/gif", "image/webp", "audio/mpeg", "video/mp4"]);

const tags = ["files"];
const security = [{ bearer: [] }];

export function describe(f: FileRecord) {
  return {
    id: f.id,
    name: f.name,
    size: f.size,
    mime: f.mime,
    sha256: f.sha256,
    createdAt: f.createdAt,
    ...(f.width !== null ? { width: f.width, height: f.height } : {}),
    ...(f.durationMs !== null ? { durationMs: f.durationMs } : {}),
    hasThumbnail: f.thumbSha256 !== null,
  };
}

/** A stored WebP picture (thumbnail or avatar), cacheable by its content hash. */
export function sendWebp(
  reply: FastifyReply,
  sha256: string,
  bytes: AsyncIterable<Uint8Array>,
  maxAgeSec: number,
): FastifyReply {
  return reply
    .header("content-type", "image/webp")
    .header("x-content-type-options", "nosniff")
    .header("cache-control", `private, max-age=${maxAgeSec}`)
    .header("etag", `"${sha256}"`)
    .send(Readable.from(bytes));
}

/** One byte range of a `Range` header, or undefined for the whole file; throws 416 for one that cannot be served. */
export function parseRange(
  header: string | undefined,
  size: number,
): { start: number; end: number } | undefined {
  if (!header) return undefined;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === "" && m[2] === "")) return unsatisfiable();
  let start: number;
  let end: number;
  if (m[1] === "") {
    const suffix = Number(m[2]);
    if (suffix === 0) return unsatisfiable();
    start = Math.max(0, size - suffix);
    end = size - 1;
  } else {
    start = Number(m[1]);
    end = m[2] === "" ? size - 1 : Math.min(Number(m[2]), size - 1);
  }
  if (start > end || start >= size) return unsatisfiable();
  return { start, end };
}

function unsatisfiable(): never {
  throw new StarlingError(ErrorCode.INVALID_ARGUMENT, "range not satisfiable", {
    details: { field: "range" },
  });
}

/**
 * Uploading and downloading files over HTTP with the session token: one
 * request per file up to files.maxUploadBytes, a skip-the-upload by
 * SHA-256, and downloads with HTTP Range.
 */
export async function registerFileRoutes(
  app: FastifyInstance,
  files: Files,
  auth: HttpAuth,
  maxUploadBytes: number,
): Promise<void> {
  const base = "/api/v1/files";

  // Uploads in a scope of their own, where every body, whatever its claimed type, is raw bytes.
  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser("*", { parseAs: "buffer", bodyLimit: maxUploadBytes }, (_req, body, done) =>
      done(null, body),
    );
    registerUpload(scope, files, auth, maxUploadBytes, base);
  });

  app.post<{ Body: Static<typeof ByHash> }>(
    `${base}/by-hash`,
    {
      schema: {
        tags,
        security,
        body: ByHash,
        description:
          "When the caller may already read a file with this SHA-256 (their upload, or one shared with them), they get a file of their own for it without uploading; 404 otherwise, as for content the server does not hold.",
      },
    },
    async (req, reply) => {
      const a = await auth.user(req);
      const f = await files.adopt(a.user.id, req.body.sha256, req.body.name);
      reply.status(201);
      return describe(f);
    },
  );

  app.get<{ Params: Static<typeof IdParam> }>(
    `${base}/:id`,
    { schema: { tags, security, params: IdParam } },
    async (req) => describe(await files.readable((await auth.user(req)).user.id, req.params.id)),
  );

  app.post<{ Params: Static<typeof IdParam>; Body: Static<typeof LinkBody> }>(
    `${base}/:id/link`,
    {
      schema: {
        tags,
        security,
        params: IdParam,
        body: LinkBody,
        description:
          "A short-lived link to the content or thumbnail that needs no token (for <img src>); it stops working when the caller loses access.",
      },
    },
    async (req) => {
      const a = await auth.user(req);
      return files.link(a.user.id, req.params.id, req.body.variant ?? "content");
    },
  );

  const readable = async (
    req: FastifyRequest<{ Params: Static<typeof IdParam>; Querystring: Static<typeof LinkQuery> }>,
    variant: LinkVariant,
  ) => {
    const q = req.query;
    if (q.sig !== undefined || q.u !== undefined || q.exp !== undefined) {
      if (q.sig === undefined || q.u === undefined || q.exp === undefined)
        throw new StarlingError(ErrorCode.INVALID_ARGUMENT, "a link needs u, exp and sig", {
          details: { field: "sig" },
        });
      return files.readableByLink(req.params.id, variant, { u: q.u, exp: q.exp, sig: q.sig });
    }
    return files.readable((await auth.user(req)).user.id, req.params.id);
  };

  app.get<{ Params: Static<typeof IdParam>; Querystring: Static<typeof LinkQuery> }>(
    `${base}/:id/thumbnail`,
    {
      schema: {
        tags,
        security,
        params: IdParam,
        querystring: LinkQuery,
        description:
          "A WebP preview of an image (404 when there is none). The token, or a signed link's query.",
      },
    },
    async (req, reply) => {
      const f = await readable(req, "thumbnail");
      const thumb = await files.openThumbnail(f);
      if (!thumb) throw new StarlingError(ErrorCode.NOT_FOUND, "this file has no thumbnail");
      return sendWebp(reply, f.thumbSha256 ?? "", thumb, 600);
    },
  );

  app.get<{ Params: Static<typeof IdParam>; Querystring: Static<typeof LinkQuery> }>(
    `${base}/:id/content`,
    {
      schema: {
        tags,
        security,
        params: IdParam,
        querystring: LinkQuery,
        description:
          "The bytes; supports a single `Range: bytes=...`. The token, or a signed link's query (from POST /files/{id}/link).",
      },
    },
    async (req, reply) => sendContent(req, reply, files, await readable(req, "content")),
  );
}

/**
 * A file's bytes, whole or the one range asked for, with the headers that
 * keep uploaded content from running as a page of this origin: nosniff, a
 * sandbox, and inline only for types a browser shows as media.
 */
export async function sendContent(
  req: FastifyRequest,
  reply: FastifyReply,
  files: Files,
  f: FileRecord,
): Promise<FastifyReply> {
  let range: { start: number; end: number } | undefined;
  try {
    range = parseRange(req.headers.range, f.size);
  } catch (err) {
    return reply
      .status(416)
      .header("content-range", `bytes */${f.size}`)
      .send(errorBody(err as StarlingError));
  }
  const start = range?.start ?? 0;
  const end = range?.end ?? f.size - 1;
  // Opened before any header is set, so missing content is a clean 404.
  const bytes = await files.open(f, start, end);
  const disposition = INLINE.has(f.mime) ? "inline" : "attachment";
  reply
    .header("content-type", f.mime)
    .header("content-length", String(end - start + 1))
    .header("accept-ranges", "bytes")
    .header("content-disposition", `${disposition}; filename*=UTF-8''${encodeURIComponent(f.name)}`)
    .header("x-content-type-options", "nosniff")
    .header("content-security-policy", "sandbox; default-src 'none'")
    .header("etag", `"${f.sha256}"`);
  if (range) reply.status(206).header("content-range", `bytes ${start}-${end}/${f.size}`);
  return reply.send(Readable.from(bytes));
}

function registerUpload(
  app: FastifyInstance,
  files: Files,
  auth: HttpAuth,
  maxUploadBytes: number,
  base: string,
): void {
  app.post<{ Querystring: Static<typeof UploadQuery>; Body: Buffer }>(
    base,
    {
      bodyLimit: maxUploadBytes,
      schema: {
        tags,
        security,
        querystring: UploadQuery,
        description:
          "The body is the file's bytes (any content type). Its real type is sniffed from the bytes.",
      },
    },
    async (req, reply) => {
      const a = await auth.user(req);
      if (!Buffer.isBuffer(req.body))
        throw new StarlingError(ErrorCode.INVALID_ARGUMENT, "send the file's bytes as the body", {
          details: { field: "body" },
        });
      const f = await files.upload(a.user.id, req.query.name, req.body);
      reply.status(201);
      return describe(f);
    },
  );
}
