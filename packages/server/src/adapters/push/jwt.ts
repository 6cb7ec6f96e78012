import { createSign, type KeyObject } from "node:crypto";

/**
 * The two JSON Web Signature algorithms push providers ask for (RFC 7518 §3.1): ES256 (APNs
 * provider tokens, P-256) and RS256 (Google service-account assertions).
 */
export type JwtAlgorithm = "ES256" | "RS256";

/**
 * A signed compact JWT (RFC 7519 §7.1, RFC 7515 §7.1): base64url(header).base64url(claims).
 * base64url(signature). ES256 signatures are the raw r||s pair (RFC 7518 §3.4), not DER.
 */
export function signJwt(
  alg: JwtAlgorithm,
  key: KeyObject,
  claims: Record<string, unknown>,
  header: Record<string, string> = {},
): string {
  const head = b64url(JSON.stringify({ alg, typ: "JWT", ...header }));
  const input = `${head}.${b64url(JSON.stringify(claims))}`;
  const signer = createSign("SHA256");
  signer.update(input);
  const signature = alg === "ES256" ? signer.sign({ key, dsaEncoding: "ieee-p1363" }) : signer.sign(key);
  return `${input}.${signature.toString("base64url")}`;
}

function b64url(text: string): string {
  return Buffer.from(text, "utf8").toString("base64url");
}
