import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { extname, join, relative, sep } from "node:path";
import { gzipSync } from "node:zlib";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { notFound } from "../../core/kernel/errors.js";
import type { Logger } from "../../core/kernel/ports.js";

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".webp": "image/webp",
  ".woff2": "font/woff2",
  ".json": "application/json",
  // The web app manifest's own type (W3C Web Application Manifest, section 1.1 "Media type registration").
  ".webmanifest": "application/manifest+json",
  ".txt": "text/plain; charset=utf-8",
};

/** Files of the built client, at most this many (a build has a handful). */
const MAX_FILES = 1000;

/** The page may talk to this server only, and never be framed. */
const CSP = [
  "default-src 'self'",
  "connect-src 'self' ws: wss:",
  "img-src 'self' blob: data:",
  "style-src 'self' 'unsafe-inline'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join("; ");

function scan(root: string, dir: string, out: Map<string, string>): void {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (out.size >= MAX_FILES) return;
    const full = join(dir, entry.name);
    if (entry.isDirectory()) scan(root, full, out);
    else if (entry.isFile() && TYPES[extname(entry.name)])
      out.set(`/${relative(root, full).split(sep).join("/")}`, full);
  }
}

/**
 * Serves the built web client at /. The folder is read once at start into a
 * table of its files, so a request can only ever name one of them (no path
 * from a request reaches the file system). Hashed assets are cached for a
 * year; the page itself is revalidated on every load.
 */
export function registerWebRoutes(app: FastifyInstance, webRoot: string, log: Logger): void {
  const files = new Map<string, string>();
  if (existsSync(join(webRoot, "index.html"))) scan(webRoot, webRoot, files);
  else log.warn({ webRoot }, "no web client built there; / answers 503 (npm run build -w @starling/web)");

  // Text assets compressed once at start, sent compressed to clients that accept it.
  const gzipped = new Map<string, Buffer>();
  for (const [path, file] of files)
    if (/\.(html|js|css|svg|json|webmanifest|txt)$/.test(path))
      gzipped.set(path, gzipSync(readFileSync(file), { level: 9 }));

  const send = (path: string, reply: FastifyReply, acceptsGzip: boolean) => {
    const file = files.get(path);
    if (!file) return undefined;
    const packed = acceptsGzip ? gzipped.get(path) : undefined;
    const body = packed ?? readFileSync(file);
    if (packed) reply.header("content-encoding", "gzip");
    reply
      .header("vary", "accept-encoding")
      .header("content-type", TYPES[extname(file)] ?? "application/octet-stream")
      .header("x-content-type-options", "nosniff")
      .header("referrer-policy", "no-referrer")
      .header(
        "cache-control",
        path.startsWith("/assets/") ? "public, max-age=31536000, immutable" : "no-cache",
      )
      .header("last-modified", statSync(file).mtime.toUTCString());
    if (path.endsWith(".html")) reply.header("content-security-policy", CSP);
    return reply.send(body);
  };

  const gzipOk = (req: FastifyRequest) => /\bgzip\b/.test(String(req.headers["accept-encoding"] ?? ""));
  app.get("/", { schema: { hide: true } }, async (req, reply) => {
    const sent = send("/index.html", reply, gzipOk(req));
    if (sent) return sent;
    return reply.status(503).type("text/plain").send("The web client is not built on this server.\n");
  });
  app.get("/*", { schema: { hide: true } }, async (req, reply) => {
    const raw = req.url.split("?")[0] ?? "";
    if (raw.startsWith("/api/")) throw notFound("no such endpoint");
    let path = raw;
    try {
      path = decodeURIComponent(raw);
    } catch {
      // Left as sent: it names no file.
    }
    const sent = send(path, reply, gzipOk(req));
    if (sent) return sent;
    return reply.status(404).type("text/plain").send("Not found\n");
  });
}
