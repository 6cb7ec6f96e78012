import { ErrorCode, StarlingError } from "@starling/protocol";
import Fastify, { type FastifyInstance } from "fastify";
import type { HttpAuth } from "./auth.js";
import { errorBody, httpStatus } from "./error-status.js";

/** The metrics of this node, rendered by whatever adapter main chose. */
export interface MetricsEndpoint {
  /** The Prometheus text exposition format and its content type. */
  render(): Promise<{ contentType: string; body: string }>;
  /** Anyone who reaches it may scrape (metrics.public); otherwise only with the admin key. */
  public: boolean;
}

/**
 * GET /metrics. Protected by the admin key, not by an administrator's session: the metrics
 * count every domain of the node, and a session is an administrator of one domain; a
 * Prometheus scrape config also needs a credential that does not expire.
 */
export function registerMetricsRoutes(app: FastifyInstance, endpoint: MetricsEndpoint, auth: HttpAuth): void {
  app.get(
    "/metrics",
    {
      schema: {
        tags: ["metrics"],
        operationId: "getMetrics",
        summary: "This node's metrics, for Prometheus",
        description:
          "The Prometheus text format: connections and sessions by door, sends, acks, deliveries, store and bus state, logins, limits, uploads and the process. Needs the admin key as bearer token unless metrics.public is on; with metrics.listen set it is served on that address only.",
        security: endpoint.public ? [] : [{ bearer: [] }],
        response: {
          200: {
            description: "The metrics",
            content: { "text/plain": { schema: { type: "string" } } },
          },
        },
      },
    },
    async (req, reply) => {
      if (!endpoint.public) auth.requireAdminKey(req);
      const { contentType, body } = await endpoint.render();
      reply.header("content-type", contentType).send(body);
    },
  );
}

/** A listener of its own that serves /metrics and nothing else (metrics.listen). */
export function buildMetricsServer(endpoint: MetricsEndpoint, auth: HttpAuth): FastifyInstance {
  const app = Fastify({ logger: false });
  app.setErrorHandler((err, _req, reply) => {
    const e = err instanceof StarlingError ? err : new StarlingError(ErrorCode.INTERNAL, "internal error");
    reply.status(httpStatus(e.code)).send(errorBody(e));
  });
  registerMetricsRoutes(app, endpoint, auth);
  return app;
}
