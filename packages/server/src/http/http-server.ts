import { timingSafeEqual } from "node:crypto";
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { ErrorCode, StarlingError } from "@starling/protocol";
import Fastify, { type FastifyInstance, type FastifyRequest } from "fastify";
import type { Admin } from "../core/admin.js";
import type { Core } from "../core/core.js";
import type { Logger } from "../core/ports.js";
import { registerAdminRoutes } from "./admin-routes.js";
import { errorBody, httpStatus } from "./error-status.js";

/** Takes over an HTTP upgrade (the native protocol over WebSocket). */
export interface UpgradeHandler {
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
}

export interface HttpDeps {
  core: Core;
  admin: Admin;
  ws: UpgradeHandler;
  log: Logger;
  /** Secret of the local administrator (data/admin.key). */
  adminKey: string;
  version: string;
  health(): Promise<Record<string, unknown>>;
}

/** Largest JSON body accepted by the HTTP API. */
const BODY_LIMIT = 64 * 1024;

export function buildHttpServer(deps: HttpDeps): FastifyInstance {
  const app = Fastify({
    logger: false,
    bodyLimit: BODY_LIMIT,
    ajv: { customOptions: { removeAdditional: false } },
  });

  app.server.on("upgrade", (req, socket, head) => {
    const path = (req.url ?? "").split("?")[0];
    if (path === "/ws") deps.ws.upgrade(req, socket, head);
    else socket.destroy();
  });

  app.setErrorHandler((err, req, reply) => {
    if (err instanceof StarlingError) {
      reply.status(httpStatus(err.code)).send(errorBody(err));
      return;
    }
    const fe = err as { validation?: unknown; statusCode?: number; message?: string };
    if (fe.validation || (fe.statusCode && fe.statusCode < 500)) {
      const code = fe.statusCode === 413 ? ErrorCode.FRAME_TOO_LARGE : ErrorCode.INVALID_ARGUMENT;
      reply
        .status(fe.statusCode ?? 400)
        .send(errorBody(new StarlingError(code, fe.message ?? "bad request")));
      return;
    }
    deps.log.error({ err, url: req.url }, "http request failed");
    reply.status(500).send(errorBody(new StarlingError(ErrorCode.INTERNAL, "internal error")));
  });

  app.get("/healthz", async (_req, reply) => {
    const h = await deps.health();
    reply.status(h.status === "ok" ? 200 : 503).send(h);
  });

  const authAdmin = async (req: FastifyRequest): Promise<string> => {
    const header = req.headers.authorization ?? "";
    const token = header.startsWith("Bearer ") ? header.slice(7) : "";
    if (!token) throw new StarlingError(ErrorCode.UNAUTHENTICATED, "missing bearer token");
    const a = Buffer.from(token);
    const b = Buffer.from(deps.adminKey);
    if (a.length === b.length && timingSafeEqual(a, b)) return deps.admin.systemActor();
    const session = await deps.core.accounts.resume(token);
    if (session.user.role !== "admin") throw new StarlingError(ErrorCode.FORBIDDEN, "administrators only");
    return session.user.id;
  };
  registerAdminRoutes(app, deps.admin, authAdmin);
  return app;
}
