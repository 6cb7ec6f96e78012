import type { IncomingMessage } from "node:http";
import type { Socket } from "node:net";
import type { Duplex } from "node:stream";
import swagger from "@fastify/swagger";
import swaggerUi from "@fastify/swagger-ui";
import { Type } from "@sinclair/typebox";
import { ErrorCode, StarlingError } from "@starling/protocol";
import Fastify, { type FastifyInstance } from "fastify";
import type { Admin } from "../../core/accounts/admin.js";
import type { Core } from "../../core/core.js";
import type { Federation } from "../../core/federation/federation.js";
import type { ResumableUploads } from "../../core/files/resumable.js";
import type { UploadSlots } from "../../core/files/upload-slots.js";
import type { ConnectionTicket } from "../../core/kernel/connection-limiter.js";
import type { Logger } from "../../core/kernel/ports.js";
import { registerAccessLog } from "./access-log.js";
import { registerAdminRoutes } from "./admin-routes.js";
import { HttpAuth } from "./auth.js";
import { registerAvatarRoutes } from "./avatar-routes.js";
import { registerBotRoutes } from "./bot-routes.js";
import { clientAddress, proxyTrust } from "./client-address.js";
import { registerConversationRoutes } from "./conversation-routes.js";
import { registerDirectoryRoutes } from "./directory-routes.js";
import { errorBody, httpStatus } from "./error-status.js";
import { registerFederationRoutes } from "./federation-routes.js";
import { registerFileRoutes } from "./file-routes.js";
import { registerGroupProfileRoutes } from "./group-profile-routes.js";
import { registerHookRoutes } from "./hook-routes.js";
import { registerMeRoutes } from "./me-routes.js";
import { registerMessageChangeRoutes } from "./message-change-routes.js";
import { registerMessageMarkRoutes } from "./message-mark-routes.js";
import { type MetricsEndpoint, registerMetricsRoutes } from "./metrics-routes.js";
import { type OnboardingInfo, registerOnboardingRoutes } from "./onboarding-routes.js";
import { documentOperation } from "./openapi-operations.js";
import { registerPushRoutes } from "./push-routes.js";
import { type HttpRateLimit, registerRateLimit } from "./rate-limit.js";
import { registerSearchRoutes } from "./search-routes.js";
import { registerSessionRoutes } from "./session-routes.js";
import { registerTusRoutes } from "./tus-routes.js";
import { registerWebRoutes } from "./web-routes.js";
import { registerXmppUploadRoutes } from "./xmpp-upload-routes.js";

/** Takes over an HTTP upgrade (the native protocol over WebSocket). */
export interface UpgradeHandler {
  /** `remoteAddress`: the client's address as the HTTP API sees it (http.trustProxy applied). */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer, remoteAddress: string): void;
}

export interface HttpDeps {
  core: Core;
  admin: Admin;
  /** Federation links' admin routes; absent in tools that build the API without them. */
  federation?: Federation;
  ws: UpgradeHandler;
  /** XMPP over WebSocket (RFC 7395) at /xmpp, when the XMPP gateway is enabled. */
  xmpp?: UpgradeHandler;
  log: Logger;
  /** Secret of the local administrator (data/admin.key). */
  adminKey: string;
  version: string;
  health(): Promise<Record<string, unknown>>;
  /** Whether this node should be given clients, with every check and which of them fail. */
  readiness(): Promise<{ ready: boolean; failing: string[]; checks: Record<string, unknown> }>;
  /** The effective configuration without secrets, for administrators. */
  settings(): Record<string, unknown>;
  /** Listeners and certificate, for the onboarding document. */
  onboarding(): OnboardingInfo;
  rateLimit: HttpRateLimit;
  /** Largest single upload (files.maxUploadBytes). */
  maxUploadBytes: number;
  timeouts: HttpTimeouts;
  /** Folder of the built web client served at /. */
  webRoot: string;
  /** Resumable uploads (tus), when files are enabled. */
  uploads?: ResumableUploads;
  /** Upload slots of the XMPP gateway (XEP-0363), when it is enabled. */
  uploadSlots?: UploadSlots;
  /** Addresses and CIDR ranges of trusted reverse proxies (http.trustProxy); none when absent. */
  trustProxy?: readonly string[];
  /** /metrics on this port; absent when it has a listener of its own (metrics.listen) or none. */
  metrics?: MetricsEndpoint;
}

/** Slowloris protection and idle connections (the http.* timeout settings). */
export interface HttpTimeouts {
  /** Until the request's headers are in. */
  headersMs: number;
  /** Until the whole request, body included, is in. */
  requestMs: number;
  /** Nothing moved either way; 0 for never. */
  idleMs: number;
  /** Between requests on a keep-alive connection. */
  keepAliveMs: number;
}

const Check = Type.Object({ ok: Type.Boolean(), detail: Type.Optional(Type.String()) });
const ReadinessBody = Type.Object({
  ready: Type.Boolean(),
  failing: Type.Array(Type.String(), { description: "names of the checks that fail" }),
  checks: Type.Object({
    listeners: Check,
    store: Check,
    bus: Type.Optional(Check),
  }),
});

/** Largest JSON body accepted by the HTTP API. */
const BODY_LIMIT = 64 * 1024;

export async function buildHttpServer(opts: HttpDeps): Promise<FastifyInstance> {
  const trust = proxyTrust(opts.trustProxy ?? []);
  const limiter = opts.core.connections;
  const t = opts.timeouts;
  const app = Fastify({
    logger: false,
    trustProxy: trust,
    bodyLimit: BODY_LIMIT,
    ajv: { customOptions: { removeAdditional: false } },
    connectionTimeout: t.idleMs,
    keepAliveTimeout: t.keepAliveMs,
    requestTimeout: t.requestMs,
    // Node checks the header and request deadlines only this often (30 s by default).
    http: {
      headersTimeout: t.headersMs,
      connectionsCheckingInterval: Math.max(50, Math.min(5000, Math.floor(t.headersMs / 2))),
    },
    clientErrorHandler: (err, socket) => {
      const address = socket.remoteAddress ?? "";
      if ((err as NodeJS.ErrnoException).code === "ERR_HTTP_REQUEST_TIMEOUT") {
        limiter.timedOut("http request", address, "http");
        if (socket.writable)
          socket.write("HTTP/1.1 408 Request Timeout\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
      } else if (socket.writable && (err as NodeJS.ErrnoException).code !== "ECONNRESET") {
        socket.write("HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
      }
      socket.destroy();
    },
  });

  // HTTP sockets count towards the per-address total until they close or become WebSockets.
  const tickets = new WeakMap<Duplex, ConnectionTicket>();
  app.server.on("connection", (socket: Socket) => {
    const ticket = limiter.admit(socket.remoteAddress ?? "", "http", "socket");
    if (ticket.refusal) {
      socket.destroy();
      return;
    }
    tickets.set(socket, ticket);
    socket.on("close", () => ticket.release());
  });
  // The idle timeout (connectionTimeout): with a listener Node leaves the closing to us.
  app.server.on("timeout", (socket: Socket) => {
    limiter.timedOut("http idle", socket.remoteAddress ?? "", "http");
    socket.destroy();
  });

  app.server.on("upgrade", (req, socket, head) => {
    // From here the WebSocket door counts the connection, as a session not yet logged in.
    tickets.get(socket)?.release();
    const path = (req.url ?? "").split("?")[0];
    if (path === "/ws") opts.ws.upgrade(req, socket, head, clientAddress(req, trust));
    else if (path === "/xmpp" && opts.xmpp) opts.xmpp.upgrade(req, socket, head, clientAddress(req, trust));
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
    opts.log.error({ err, url: req.url }, "http request failed");
    reply.status(500).send(errorBody(new StarlingError(ErrorCode.INTERNAL, "internal error")));
  });

  registerRateLimit(app, opts.rateLimit, opts.core.metrics);
  registerAccessLog(app, opts.log, (req) => auth.callerOf(req));

  // Import files arrive as CSV text; JSON keeps fastify's own parser.
  app.addContentTypeParser(["text/csv", "text/plain"], { parseAs: "string" }, (_req, body, done) =>
    done(null, body),
  );

  await app.register(swagger, {
    openapi: {
      openapi: "3.0.3",
      // Relative: the API is where this document was fetched from.
      servers: [{ url: "/", description: "This server" }],
      info: {
        title: "Starling HTTP API",
        version: opts.version,
        license: { name: "Apache-2.0", url: "https://www.apache.org/licenses/LICENSE-2.0" },
        description:
          "Errors have one shape, {code, number, message, details}, with the codes of the native protocol (proto/starling/v1/error.proto).",
      },
      components: { securitySchemes: { bearer: { type: "http", scheme: "bearer" } } },
    },
    transform: documentOperation,
  });
  await app.register(swaggerUi, { routePrefix: "/api/docs" });
  app.get("/api/openapi.json", { schema: { hide: true } }, async () => app.swagger());

  // Liveness: the process answers. A store or bus that is down is reported in the body
  // (and by /readyz) but is not a reason to restart the process.
  app.get("/healthz", { schema: { hide: true } }, async () => opts.health());

  app.get(
    "/readyz",
    {
      schema: {
        tags: ["health"],
        description:
          'Readiness: 200 when the listeners are up and the server is not shutting down, the database can write, and (in a cluster) the bus is connected; 503 otherwise, naming the checks that fail, e.g. {"ready":false,"failing":["store"],"checks":{"listeners":{"ok":true},"store":{"ok":false,"detail":"cannot write: SQLITE_FULL"}}}. For load balancers; liveness is /healthz.',
        response: {
          "2xx": ReadinessBody,
          "5xx": ReadinessBody,
        },
      },
    },
    async (_req, reply) => {
      const r = await opts.readiness();
      reply.status(r.ready ? 200 : 503).send(r);
    },
  );

  const auth = new HttpAuth(opts.core, opts.adminKey);
  registerSessionRoutes(app, opts.core, auth);
  registerMeRoutes(app, opts.core, auth);
  registerDirectoryRoutes(app, opts.core, auth);
  registerConversationRoutes(app, opts.core, auth);
  registerMessageChangeRoutes(app, opts.core, auth);
  registerGroupProfileRoutes(app, opts.core, auth);
  registerMessageMarkRoutes(app, opts.core, auth);
  registerOnboardingRoutes(app, opts.core, opts.onboarding);
  registerSearchRoutes(app, opts.core, auth);
  registerPushRoutes(app, opts.core, auth);
  if (opts.core.avatars) await registerAvatarRoutes(app, opts.core.avatars, auth);
  if (opts.core.files) await registerFileRoutes(app, opts.core.files, auth, opts.maxUploadBytes);
  if (opts.core.files && opts.uploads) await registerTusRoutes(app, opts.uploads, opts.core.files, auth);
  if (opts.core.files && opts.uploadSlots)
    await registerXmppUploadRoutes(app, opts.uploadSlots, opts.core.files, opts.maxUploadBytes);
  registerAdminRoutes(app, opts.admin, auth, opts.settings, opts.core.limits);
  registerBotRoutes(app, opts.core, opts.admin, auth);
  registerHookRoutes(app, opts.core, opts.admin, auth);
  if (opts.federation) registerFederationRoutes(app, opts.federation, auth);
  if (opts.metrics) registerMetricsRoutes(app, opts.metrics, auth);
  registerWebRoutes(app, opts.webRoot, opts.log);
  return app;
}
