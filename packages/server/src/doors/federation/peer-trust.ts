import { X509Certificate } from "node:crypto";
import { readFileSync } from "node:fs";
import type { FederationLinkRecord } from "../../core/kernel/records.js";

/**
 * Whether the certificate a peer presented is the one its link trusts: the
 * link's pin (the SHA-256 fingerprint of the whole certificate, so nothing
 * in it, the CN least of all, can be forged without changing it), or a
 * certificate signed by the link's CA, valid now and naming the peer's
 * domain in its subjectAltName (RFC 6125 section 6: the CN is not looked at).
 */
export function peerTrusted(
  link: FederationLinkRecord,
  peerCertDer: Buffer | undefined,
  now: number,
): boolean {
  if (!peerCertDer || peerCertDer.length === 0) return false;
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(peerCertDer);
  } catch {
    return false;
  }
  if (link.pin) return cert.fingerprint256 === link.pin;
  let ca: X509Certificate;
  try {
    // Read at each handshake, so a CA file replaced by the operator applies at once.
    ca = new X509Certificate(readFileSync(link.caPath));
  } catch {
    return false;
  }
  const validNow = Date.parse(cert.validFrom) <= now && now <= Date.parse(cert.validTo);
  return (
    validNow &&
    cert.checkIssued(ca) &&
    cert.verify(ca.publicKey) &&
    cert.checkHost(link.peerDomain, { subject: "never" }) !== undefined
  );
}
