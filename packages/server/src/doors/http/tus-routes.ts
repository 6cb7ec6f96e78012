import { createHash, randomBytes } from "node:crypto";
import { mkdir, open, readdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { Readable } from "node:stream";
import { ErrorCode, StarlingError } from "@starling/protocol";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { Files } from "../../core/files/files.js";
import { HttpAuth } from "./auth.js";
import { errorBody } from "./error-status.js";
import { describe } from "./file-routes.js";

/** What a resumable upload keeps, and for how long. */
export interface TusOptions {
  /** Unfinished uploads one user may have at a time. */
  maxUnfinished: number;
  /** Age after which an upload, finished or not, is forgotten and its bytes removed. */
  maxAgeMs: number;
  /** How often expired uploads are looked for. */
  sweepIntervalMs: number;
  /** Longest Upload-Metadata header accepted, in bytes. */
  maxMetadataBytes: number;
  /** Milliseconds since the epoch. */
  now: () => number;
}

export const DEFAULT_TUS_OPTIONS: TusOptions = {
  maxUnfinished: 20,
  maxAgeMs: 24 * 60 * 60 * 1000,
  sweepIntervalMs: 60 * 60 * 1000,
  maxMetadataBytes: 4096,
  now: Date.now,
};

const TUS_VERSION = "1.0.0";
const TUS_EXTENSIONS = "creation,creation-with-upload,termination,expiration";
const OFFSET_STREAM = "application/offset+octet-stream";
const BASE = "/api/v1/uploads";
/** Upload ids: 18 random bytes in base64url. */
const ID = /^[A-Za-z0-9_-]{24}$/;
const OWNER_DIR = /^[0-9a-f]{32}$/;
const UPLOAD_FILE = /^([A-Za-z0-9_-]{24})\.(?:json|part|tmp)$/;
const DECIMAL = /^\d{1,16}$/;
const METADATA_PAIR = /^([^\s,]+)(?: ([A-Za-z0-9+/]*={0,2}))?$/;

const ignore = () => {};
const tags = ["uploads"];
const security = [{ bearer: [] }];

/** One upload as kept next to its bytes. */
interface UploadInfo {
  id: string;
  owner: string;
  length: number;
  name: string;
  /** The Upload-Metadata header as the client sent it, echoed by HEAD. */
  metadata: string;
  createdAt: number;
  /** The file made from the upload once its last byte arrived. */
  fileId?: string;
}

function invalid(message: string, field: string): StarlingError {
  return new StarlingError(ErrorCode.INVALID_ARGUMENT, message, { details: { field } });
}

function gone(): StarlingError {
  return new StarlingError(ErrorCode.NOT_FOUND, "no such upload");
}

function tooMany(limit: number): StarlingError {
  return new StarlingError(ErrorCode.RATE_LIMITED, "too many unfinished uploads; finish or delete one", {
    details: { limit: String(limit) },
  });
}

function beyondLength(length: number): StarlingError {
  return new StarlingError(ErrorCode.FILE_TOO_LARGE, `the upload is ${length} bytes long`, {
    details: { field: "body", limit: String(length) },
  });
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
 * Who is writing to which upload. A request that arrives for an upload
 * another request is still writing stops that one (its client has most
 * likely gone, and the new one resumes from what was kept) and waits until
 * its bytes are on disk.
 */
class Transfers {
  private readonly held = new Map<string, { stop: () => void; done: Promise<void> }>();

  async acquire(key: string): Promise<{ release(): void; onStop(stop: () => void): void }> {
    do await this.settle(key);
    while (this.held.has(key));
    let finished = ignore;
    const done = new Promise<void>((resolve) => {
      finished = resolve;
    });
    const entry = { stop: ignore, done };
    this.held.set(key, entry);
    return {
      release: () => {
        if (this.held.get(key) === entry) this.held.delete(key);
        finished();
      },
      onStop: (stop) => {
        entry.stop = stop;
      },
    };
  }

  /** Stops the request writing to this upload, if any, and waits until it has let go. */
  async settle(key: string): Promise<void> {
    for (let h = this.held.get(key); h; h = this.held.get(key)) {
      h.stop();
      await h.done;
    }
  }

  has(key: string): boolean {
    return this.held.has(key);
  }

  stopAll(): void {
    for (const h of this.held.values()) h.stop();
  }
}

/**
 * The uploads folder: one folder per user (named by a hash of the user id),
 * holding `<id>.json` (the upload) and `<id>.part` (the bytes so far) for
 * each upload. Nothing a client sends becomes part of a path.
 */
class UploadArea {
  private readonly queues = new Map<string, Promise<void>>();

  constructor(
    private readonly root: string,
    private readonly opts: TusOptions,
    private readonly busy: (partPath: string) => boolean,
  ) {}

  private dirOf(owner: string): string {
    return join(this.root, createHash("sha256").update(owner).digest("hex").slice(0, 32));
  }

  private pathsIn(dir: string, id: string) {
    return { info: join(dir, `${id}.json`), part: join(dir, `${id}.part`), tmp: join(dir, `${id}.tmp`) };
  }

  partOf(u: UploadInfo): string {
    return this.pathsIn(this.dirOf(u.owner), u.id).part;
  }

  expiresAt(u: UploadInfo): number {
    return u.createdAt + this.opts.maxAgeMs;
  }

  async create(owner: string, length: number, name: string, metadata: string): Promise<UploadInfo> {
    const dir = this.dirOf(owner);
    return this.serial(dir, async () => {
      await mkdir(dir, { recursive: true });
      if ((await this.unfinished(dir)) >= this.opts.maxUnfinished) {
        await this.sweepDir(dir);
        if ((await this.unfinished(dir)) >= this.opts.maxUnfinished) throw tooMany(this.opts.maxUnfinished);
      }
      const u: UploadInfo = {
        id: randomBytes(18).toString("base64url"),
        owner,
        length,
        name,
        metadata,
        createdAt: this.opts.now(),
      };
      await writeFile(this.pathsIn(dir, u.id).part, new Uint8Array(0), { flag: "wx" });
      await this.save(u);
      return u;
    });
  }

  /** The caller's upload with this id, unless it does not exist, is someone else's or has expired. */
  async find(owner: string, id: string): Promise<UploadInfo | undefined> {
    if (!ID.test(id)) return undefined;
    const u = await readInfo(this.pathsIn(this.dirOf(owner), id).info);
    if (!u || u.owner !== owner || u.id !== id || this.expired(u)) return undefined;
    return u;
  }

  /**
   * The caller's upload and the bytes received so far. Bytes that are gone
   * have just become a file (reread), are becoming one in another request
   * (the whole length, when `othersFinishing`), or were lost with the upload.
   */
  async state(
    owner: string,
    id: string,
    othersFinishing = false,
  ): Promise<{ u: UploadInfo; offset: number } | undefined> {
    const u = await this.find(owner, id);
    if (!u || u.fileId) return u && { u, offset: u.length };
    const part = await stat(this.partOf(u)).catch(() => undefined);
    if (part) return { u, offset: part.size };
    const again = await this.find(owner, id);
    if (again?.fileId || (again && othersFinishing && this.busy(this.partOf(again))))
      return { u: again, offset: again.length };
    return undefined;
  }

  async save(u: UploadInfo): Promise<void> {
    const p = this.pathsIn(this.dirOf(u.owner), u.id);
    await writeFile(p.tmp, JSON.stringify(u));
    await rename(p.tmp, p.info);
  }

  async remove(u: UploadInfo): Promise<void> {
    await this.removeIn(this.dirOf(u.owner), u.id);
  }

  /** Removes every expired upload and every stray file older than the expiry. */
  async sweep(): Promise<void> {
    const owners = await readdir(this.root).catch(() => [] as string[]);
    for (const o of owners) if (OWNER_DIR.test(o)) await this.sweepDir(join(this.root, o));
  }

  private async sweepDir(dir: string): Promise<void> {
    const names = await readdir(dir).catch(() => [] as string[]);
    const ids = new Set(names.flatMap((n) => UPLOAD_FILE.exec(n)?.[1] ?? []));
    for (const id of ids) {
      const p = this.pathsIn(dir, id);
      if (this.busy(p.part)) continue;
      const u = await readInfo(p.info);
      if (u ? this.expired(u) : await this.strayAndOld(p)) await this.removeIn(dir, id);
    }
  }

  private async strayAndOld(p: { info: string; part: string; tmp: string }): Promise<boolean> {
    const mtime = async (f: string) => (await stat(f).catch(() => undefined))?.mtimeMs ?? 0;
    const times = await Promise.all([p.info, p.part, p.tmp].map(mtime));
    return this.opts.now() - Math.max(...times) > this.opts.maxAgeMs;
  }

  private async removeIn(dir: string, id: string): Promise<void> {
    const p = this.pathsIn(dir, id);
    await Promise.all([p.part, p.tmp, p.info].map((f) => rm(f, { force: true })));
  }

  private expired(u: UploadInfo): boolean {
    return this.opts.now() > this.expiresAt(u);
  }

  private async unfinished(dir: string): Promise<number> {
    return (await readdir(dir)).filter((n) => n.endsWith(".part")).length;
  }

  /** Runs fn after every earlier one for the same key. */
  private async serial<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const run = (this.queues.get(key) ?? Promise.resolve()).then(fn);
    const tail = run.then(ignore, ignore);
    this.queues.set(key, tail);
    try {
      return await run;
    } finally {
      if (this.queues.get(key) === tail) this.queues.delete(key);
    }
  }
}

async function readInfo(path: string): Promise<UploadInfo | undefined> {
  try {
    const u = JSON.parse(await readFile(path, "utf8")) as Partial<UploadInfo>;
    const valid =
      typeof u.id === "string" &&
      typeof u.owner === "string" &&
      typeof u.length === "number" &&
      typeof u.name === "string" &&
      typeof u.metadata === "string" &&
      typeof u.createdAt === "number" &&
      (u.fileId === undefined || typeof u.fileId === "string");
    return valid ? (u as UploadInfo) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Appends the body at `start`, one chunk at a time. A body that ends early
 * (the client went away) keeps what arrived; one longer than `room` is
 * refused whole.
 */
async function receive(path: string, body: Readable, start: number, room: number): Promise<number> {
  const fh = await open(path, "r+");
  let n = 0;
  try {
    const chunks = body[Symbol.asyncIterator]();
    for (;;) {
      let step: IteratorResult<Buffer>;
      try {
        step = await chunks.next();
      } catch {
        break;
      }
      if (step.done) break;
      const chunk = step.value;
      if (n + chunk.length > room) {
        await fh.truncate(start);
        throw beyondLength(start + room);
      }
      await fh.write(chunk, 0, chunk.length, start + n);
      n += chunk.length;
    }
  } finally {
    await fh.close();
  }
  return n;
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
  files: Files,
  auth: HttpAuth,
  uploadsDir: string,
  options: Partial<TusOptions> = {},
): Promise<void> {
  const opts = { ...DEFAULT_TUS_OPTIONS, ...options };
  const transfers = new Transfers();
  const area = new UploadArea(uploadsDir, opts, (key) => transfers.has(key));
  await mkdir(uploadsDir, { recursive: true });
  await area.sweep();
  const timer = setInterval(() => {
    area.sweep().catch(ignore);
  }, opts.sweepIntervalMs);
  timer.unref();
  app.addHook("preClose", async () => transfers.stopAll());
  app.addHook("onClose", async () => clearInterval(timer));

  const who = async (req: FastifyRequest) => (await auth.user(req)).user.id;

  /** Writes the body at `offset` (which must be where the upload is), and makes the file after the last byte. */
  async function append(
    owner: string,
    id: string,
    offset: number,
    body: Readable | undefined,
    declared: number | undefined,
  ): Promise<{ u: UploadInfo; offset: number }> {
    const known = await area.find(owner, id);
    if (!known) throw gone();
    const hold = await transfers.acquire(area.partOf(known));
    try {
      const now = await area.state(owner, id);
      if (!now) throw gone();
      const { u, offset: current } = now;
      if (offset !== current)
        throw new StarlingError(ErrorCode.CONFLICT, `the upload is at offset ${current}`, {
          details: { field: "upload-offset", offset: String(current) },
        });
      if (declared !== undefined && offset + declared > u.length) throw beyondLength(u.length);
      let end = offset;
      if (body && !u.fileId) {
        hold.onStop(() => body.destroy());
        end += await receive(area.partOf(u), body, offset, u.length - offset);
        hold.onStop(ignore);
      }
      if (end === u.length && !u.fileId) await finish(u);
      return { u, offset: end };
    } finally {
      hold.release();
    }
  }

  async function finish(u: UploadInfo): Promise<void> {
    try {
      u.fileId = (await files.uploadFromPath(u.owner, u.name, area.partOf(u))).id;
    } catch (err) {
      if (err instanceof StarlingError) await area.remove(u);
      throw err;
    }
    await area.save(u);
  }

  function progress(reply: FastifyReply, u: UploadInfo, offset: number): FastifyReply {
    reply
      .header("upload-offset", String(offset))
      .header("upload-expires", new Date(area.expiresAt(u)).toUTCString());
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
      const metadata = parseUploadMetadata(typeof raw === "string" ? raw : undefined, opts.maxMetadataBytes);
      const body = bodyOf(req);
      if (body && !isOffsetStream(req))
        return refuse(reply, 415, invalid(`send the bytes as ${OFFSET_STREAM}`, "content-type"));
      const declared = body ? declaredLength(req) : undefined;
      if (declared !== undefined && declared > length) throw beyondLength(length);
      await files.checkUpload(owner, length);
      const name = metadata.get("filename") || metadata.get("name") || "file";
      let u = await area.create(owner, length, name, typeof raw === "string" ? raw : "");
      let offset = 0;
      if (body) {
        try {
          ({ u, offset } = await append(owner, u.id, 0, body, declared));
        } catch (err) {
          await area.remove(u);
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
        const owner = await who(req);
        const known = await area.find(owner, req.params.id);
        if (!known) throw gone();
        await transfers.settle(area.partOf(known));
        const now = await area.state(owner, req.params.id, true);
        if (!now) throw gone();
        const { u, offset } = now;
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
        const done = await append(owner, req.params.id, offset, bodyOf(req), declaredLength(req));
        return progress(reply.status(204), done.u, done.offset).send();
      },
    );

    scope.delete<{ Params: { id: string } }>(
      `${BASE}/:id`,
      { schema: { tags, security, description: "tus termination: the upload and its bytes are removed." } },
      async (req, reply) => {
        const owner = await who(req);
        const u = await area.find(owner, req.params.id);
        if (!u) throw gone();
        const hold = await transfers.acquire(area.partOf(u));
        try {
          await area.remove(u);
        } finally {
          hold.release();
        }
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
        const now = await area.state(owner, req.params.id, true);
        if (!now) throw gone();
        const { u, offset } = now;
        const file = u.fileId ? describe(await files.readable(owner, u.fileId)) : undefined;
        return { id: u.id, offset, length: u.length, file };
      },
    );
  });
}
