import { type Static, Type } from "@sinclair/typebox";
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { Core } from "../../core/core.js";
import { notFound } from "../../core/kernel/errors.js";
import { MAX_PASSWORD_LENGTH } from "../../core/kernel/limits.js";
import { OptionalDomain } from "./schemas.js";

/** What the onboarding document says about this server's listeners. */
export interface OnboardingInfo {
  /** Configured public host ("" : the host the request came to). */
  publicHost: string;
  tcpPort: number;
  tls: boolean;
  /** SHA-256 of the TLS certificate, colon-separated hex ("" without TLS). */
  fingerprint: string;
  /** Public HTTP port (0: the port the request came to). */
  httpPort: number;
  /** Clients reach the HTTP port through TLS (a proxy in front). */
  https: boolean;
  version: string;
}

const Query = Type.Object({ domain: OptionalDomain }, { additionalProperties: false });

/** The host part of the request's Host header (IPv6 keeps its brackets). */
function requestHost(req: FastifyRequest): string {
  const host = req.headers.host ?? "";
  const m = /^(\[[^\]]+\]|[^:]+)/.exec(host);
  return m?.[1] ?? "localhost";
}

/**
 * GET /.well-known/starling: everything a client needs to connect to a
 * domain, for apps that scan an invite's QR code or are given the URL.
 * Public by design (no secret in it; an invite's code stays in the link's
 * fragment, which is never sent); unknown and disabled domains are 404.
 */
export function registerOnboardingRoutes(app: FastifyInstance, core: Core, info: () => OnboardingInfo): void {
  app.get<{ Querystring: Static<typeof Query> }>(
    "/.well-known/starling",
    { schema: { tags: ["onboarding"], querystring: Query } },
    async (req, reply) => {
      const i = info();
      const name = (req.query.domain || core.accounts.defaultDomain).toLowerCase();
      const domain = await core.directory.getDomain(name);
      if (!domain || domain.disabled) throw notFound(`no domain ${name} here`);
      // A browser opening an invite link (a scanned QR code) gets the web client, which reads
      // the link's fragment: browsers keep a fragment across a redirect that has none
      // (RFC 9110, section 10.2.2).
      const accept = String(req.headers.accept ?? "");
      if (/\btext\/html\b/.test(accept) && !/\bapplication\/json\b/.test(accept))
        return reply.redirect(`/?domain=${encodeURIComponent(name)}`, 302);
      const host = i.publicHost || requestHost(req);
      const httpPort = i.httpPort || req.socket.localPort || 80;
      const http = `${i.https ? "https" : "http"}://${host}:${httpPort}`;
      return {
        domain: name,
        serverVersion: i.version,
        endpoints: {
          native: `${i.tls ? "tls" : "tcp"}://${host}:${i.tcpPort}`,
          websocket: `${i.https ? "wss" : "ws"}://${host}:${httpPort}/ws`,
          http,
        },
        tls: i.tls ? { fingerprintSha256: i.fingerprint } : null,
        loginMethods: ["password", "token"],
        // Shown before a new password is chosen (the server checks them again).
        passwordRules: {
          minLength: core.limits.passwordMinLength,
          maxLength: MAX_PASSWORD_LENGTH,
          notUserId: true,
        },
        api: { openapi: `${http}/api/openapi.json`, docs: `${http}/api/docs` },
      };
    },
  );
}
