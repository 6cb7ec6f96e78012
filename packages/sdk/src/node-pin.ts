import type { PeerCertificate, TLSSocket } from "node:tls";
import { normaliseFingerprint } from "./invite-link.js";

/**
 * The server's certificate is not the one pinned: someone is in between, or the server's
 * certificate changed since the invite. Not worth retrying: a new invite (or pin) is needed.
 */
export class CertificatePinError extends Error {
  constructor(
    readonly expected: string,
    readonly actual: string,
  ) {
    super(
      `the server's certificate (SHA-256 ${actual || "none"}) is not the pinned one (${expected}): refusing the connection`,
    );
    this.name = "CertificatePinError";
  }
}

/**
 * Why a TLS peer is not acceptable under `pin`, or undefined when it is: its certificate's
 * SHA-256 fingerprint equals the pin, or (a proxy with a certificate of a public CA in front of
 * the HTTP port) the certificate is valid for the host under the system's CAs. Sockets that pin
 * are opened with rejectUnauthorized false, since a self-signed certificate fails the CA chain
 * before any other check runs; this is the check that takes its place.
 */
export function pinProblem(socket: TLSSocket, pin: string): CertificatePinError | undefined {
  const cert = socket.getPeerCertificate() as PeerCertificate | null;
  const actual = normaliseFingerprint(cert?.fingerprint256 ?? "");
  const expected = normaliseFingerprint(pin);
  if (actual !== "" && actual === expected) return undefined;
  if (socket.authorized) return undefined;
  return new CertificatePinError(expected, actual);
}
