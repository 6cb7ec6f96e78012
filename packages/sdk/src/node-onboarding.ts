import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import { isIP } from "node:net";
import { type ConnectionOptions, connect as tlsConnect } from "node:tls";
import { type ActivatedSession, type ActivationInput, activate, type HttpFetch } from "./activation.js";
import {
  checkOnboardingDocument,
  type InviteLink,
  InviteLinkError,
  type OnboardingDocument,
  parseInviteLink,
} from "./invite-link.js";
import { pinProblem } from "./node-pin.js";
import type { TlsOptions } from "./node-tcp-transport.js";

/** Bound on each onboarding request, and on the document's size. */
const TIMEOUT_MS = 10_000;
const MAX_BODY_BYTES = 64 * 1024;

export interface Onboarding {
  link: InviteLink;
  document: OnboardingDocument;
  /** For createNodeClient: the document's endpoints (native first) and the pinned certificate. */
  options: { endpoints: string[]; tls?: TlsOptions };
  /** activate() on the document's HTTP endpoint; user id and code default to the link's. */
  activate(
    input: Omit<ActivationInput, "userId" | "code"> & { userId?: string; code?: string },
  ): Promise<ActivatedSession>;
}

/**
 * An HTTP(S) call with the certificate check of the SDK's transports: over https the pinned
 * certificate (or one the system's CAs trust for the host), over http nothing to check.
 */
export function pinnedFetch(pin: string): HttpFetch {
  return (url, init) =>
    new Promise((resolve, reject) => {
      const secure = url.startsWith("https:");
      const options = {
        method: init.method,
        headers: init.headers,
        timeout: TIMEOUT_MS,
        ...(secure && pin
          ? {
              rejectUnauthorized: false,
              // Without an agent, the request connects through this (node:http ClientRequest).
              createConnection: (o: object) => {
                const c = o as ConnectionOptions;
                // SNI must not carry an IP address.
                if (!c.servername && c.host && isIP(c.host) === 0) c.servername = c.host;
                const s = tlsConnect(c);
                s.once("secureConnect", () => {
                  const problem = pinProblem(s, pin);
                  if (problem) s.destroy(problem);
                });
                return s;
              },
            }
          : {}),
      };
      const req = (secure ? httpsRequest : httpRequest)(url, options, (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on("data", (c: Buffer) => {
          size += c.length;
          if (size > MAX_BODY_BYTES)
            req.destroy(new Error(`${url}: answer larger than ${MAX_BODY_BYTES} bytes`));
          else chunks.push(c);
        });
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          const status = res.statusCode ?? 0;
          resolve({
            ok: status >= 200 && status < 300,
            status,
            json: async () => JSON.parse(text) as unknown,
          });
        });
        res.on("error", reject);
      });
      req.on("timeout", () => req.destroy(new Error(`${url}: no answer within ${TIMEOUT_MS} ms`)));
      req.on("error", reject);
      req.end(init.body);
    });
}

/**
 * Reads an invite link: fetches the onboarding document it names and checks that the server's
 * certificate is the one the link names (over https while connecting, and in the document in
 * any case, since over http the document itself is unprotected), then gives client options that
 * pin that certificate. Throws InviteLinkError (damaged link, certificate mismatch) or
 * CertificatePinError.
 */
export async function fromOnboarding(url: string): Promise<Onboarding> {
  const link = parseInviteLink(url);
  const get = pinnedFetch(link.sha256);
  const r = await get(link.documentUrl, { method: "GET", headers: { accept: "application/json" } });
  if (!r.ok) throw new InviteLinkError(`${link.documentUrl} answered HTTP ${r.status}: no such domain here`);
  const document = (await r.json()) as OnboardingDocument;
  if (typeof document?.endpoints?.native !== "string")
    throw new InviteLinkError(`${link.documentUrl} is not a Starling onboarding document`);
  checkOnboardingDocument(document, link);
  const options: Onboarding["options"] = {
    endpoints: [document.endpoints.native, document.endpoints.websocket],
    ...(link.sha256 ? { tls: { pinSha256: link.sha256 } } : {}),
  };
  const post = pinnedFetch(link.sha256);
  return {
    link,
    document,
    options,
    activate: (input) => {
      const userId = input.userId ?? link.userId;
      const code = input.code ?? link.code;
      if (!userId || !code) throw new InviteLinkError("activation needs a user id and a code");
      return activate(document.endpoints.http, { ...input, userId, code }, post);
    },
  };
}
