import { timingSafeEqual } from "node:crypto";
import { ErrorCode, StarlingError } from "@starling/protocol";
import type { FastifyRequest } from "fastify";
import type { Authenticated } from "../../core/accounts/accounts.js";
import type { AdminCaller } from "../../core/accounts/admin.js";
import { requireScope } from "../../core/bots/scopes.js";
import type { Core } from "../../core/core.js";
import { HTTP_BOT_SCOPES } from "./bot-scopes.js";

export type { AdminCaller } from "../../core/accounts/admin.js";

/** Authentication of HTTP requests: the same session tokens as the native protocol, as Bearer tokens. */
export class HttpAuth {
  /** Who each authenticated request is, for the access log; entries go with their request. */
  private readonly callers = new WeakMap<FastifyRequest, string>();

  constructor(
    private readonly core: Core,
    /** Secret of the local administrator (data/admin.key): every domain. */
    private readonly adminKey: string,
  ) {}

  static bearer(req: FastifyRequest): string {
    const header = req.headers.authorization ?? "";
    return header.startsWith("Bearer ") ? header.slice(7).trim() : "";
  }

  /** A logged-in user; one who must change the password may only do that (and log out). */
  async user(req: FastifyRequest, allowPasswordChange = false): Promise<Authenticated> {
    const token = HttpAuth.bearer(req);
    if (!token) throw new StarlingError(ErrorCode.UNAUTHENTICATED, "missing bearer token");
    const auth = await this.core.accounts.resume(token);
    this.callers.set(req, auth.user.id);
    if (auth.user.mustChangePassword && !allowPasswordChange)
      throw new StarlingError(ErrorCode.PASSWORD_CHANGE_REQUIRED, "set a new password first");
    requireScope(auth.scopes, HTTP_BOT_SCOPES[`${req.method} ${req.routeOptions.url}`]);
    return auth;
  }

  /** The admin key, or the session of a user with the admin role (limited to their domain). */
  async admin(req: FastifyRequest): Promise<AdminCaller> {
    const token = HttpAuth.bearer(req);
    if (!token) throw new StarlingError(ErrorCode.UNAUTHENTICATED, "missing bearer token");
    if (this.isAdminKey(token)) {
      this.callers.set(req, "system");
      return { actor: "system", source: req.ip, scope: "*" };
    }
    const session = await this.user(req);
    if (session.user.role !== "admin") throw new StarlingError(ErrorCode.FORBIDDEN, "administrators only");
    return { actor: session.user.id, source: req.ip, scope: session.user.domain };
  }

  /**
   * The admin key alone: what a node-wide view (the metrics of every domain) needs. An
   * administrator's session is limited to their domain, so it is refused here.
   */
  requireAdminKey(req: FastifyRequest): void {
    const token = HttpAuth.bearer(req);
    if (!token) throw new StarlingError(ErrorCode.UNAUTHENTICATED, "missing bearer token");
    if (!this.isAdminKey(token)) throw new StarlingError(ErrorCode.FORBIDDEN, "the admin key is needed");
    this.callers.set(req, "system");
  }

  /** Compared in constant time. */
  private isAdminKey(token: string): boolean {
    const a = Buffer.from(token);
    const b = Buffer.from(this.adminKey);
    return a.length === b.length && timingSafeEqual(a, b);
  }

  /** The user (or "system", for the admin key) a request authenticated as, if it did. */
  callerOf(req: FastifyRequest): string | undefined {
    return this.callers.get(req);
  }
}
