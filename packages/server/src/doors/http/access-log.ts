import type { FastifyInstance, FastifyRequest } from "fastify";
import type { Logger } from "../../core/kernel/ports.js";

/** Paths probed every few seconds by load balancers and orchestrators: logged at debug only. */
const PROBES = new Set(["/healthz", "/readyz", "/metrics"]);
/** Longest path logged for a request that matched no route. */
const MAX_PATH = 200;

/**
 * One log line per HTTP request, written when the response is finished: method, route, status,
 * time, client address (http.trustProxy applied) and the user when the request was
 * authenticated. The route is the pattern (`/api/v1/files/:id`), never the URL: URLs carry ids,
 * and signed links and XMPP upload slots carry their signature in the query string. A request
 * that matched no route or a wildcard one is logged with its path, the query string cut off. Headers (the bearer
 * token) are never logged.
 */
export function registerAccessLog(
  app: FastifyInstance,
  log: Logger,
  userOf: (req: FastifyRequest) => string | undefined,
): void {
  app.addHook("onResponse", async (req, reply) => {
    const path = req.url.split("?")[0] ?? "";
    const pattern = req.routeOptions.url;
    const line: Record<string, unknown> = {
      method: req.method,
      // A wildcard route (the web client's files) says nothing by its pattern: its path does.
      route: pattern && !pattern.endsWith("*") ? pattern : path.slice(0, MAX_PATH),
      status: reply.statusCode,
      ms: Math.round(reply.elapsedTime * 10) / 10,
      ip: req.ip,
    };
    const user = userOf(req);
    if (user) line.user = user;
    if (PROBES.has(path)) log.debug(line, "http request");
    else log.info(line, "http request");
  });
}
