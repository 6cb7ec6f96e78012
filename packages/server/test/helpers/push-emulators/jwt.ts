import { createVerify, type KeyObject } from "node:crypto";

export interface VerifiedJwt {
  header: Record<string, unknown>;
  claims: Record<string, unknown>;
}

/**
 * Checks a compact JWT's signature as a provider does (RFC 7515 §5.2): ES256 as the raw r||s
 * pair (RFC 7518 §3.4), RS256 as PKCS#1 v1.5. Undefined when malformed or not signed by `key`.
 */
export function verifyJwt(jwt: string, alg: "ES256" | "RS256", key: KeyObject): VerifiedJwt | undefined {
  const parts = jwt.split(".");
  if (parts.length !== 3) return undefined;
  const [head = "", body = "", sig = ""] = parts;
  let header: Record<string, unknown>;
  let claims: Record<string, unknown>;
  try {
    header = JSON.parse(Buffer.from(head, "base64url").toString("utf8")) as Record<string, unknown>;
    claims = JSON.parse(Buffer.from(body, "base64url").toString("utf8")) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  if (header.alg !== alg) return undefined;
  const verifier = createVerify("SHA256");
  verifier.update(`${head}.${body}`);
  const signature = Buffer.from(sig, "base64url");
  const ok =
    alg === "ES256"
      ? verifier.verify({ key, dsaEncoding: "ieee-p1363" }, signature)
      : verifier.verify(key, signature);
  return ok ? { header, claims } : undefined;
}
