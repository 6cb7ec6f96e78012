/**
 * Invite links (docs/protocol.md, "Onboarding"): the onboarding document's URL, with what the
 * client must check in its fragment, which browsers and HTTP clients never send to the server:
 *
 *   https?://host:port/.well-known/starling?domain=D#sha256=HEX[&user=ID&code=CODE]
 *
 * `sha256` is the TLS certificate's SHA-256 fingerprint (64 hex digits) as the person who made
 * the invite saw it, so the certificate is checked against the link rather than against what the
 * network says; `user` and `code` are a one-time activation code for one person.
 */
export interface InviteLink {
  /** The onboarding document's URL, without the fragment. */
  documentUrl: string;
  /** Lower-case hex without separators; "" when the server has no TLS. */
  sha256: string;
  userId?: string;
  code?: string;
}

/** What GET /.well-known/starling answers. */
export interface OnboardingDocument {
  domain: string;
  serverVersion: string;
  endpoints: { native: string; websocket: string; http: string };
  tls: { fingerprintSha256: string } | null;
  loginMethods: string[];
  passwordRules: { minLength: number; maxLength: number; notUserId: boolean };
}

/** A fingerprint as compared: lower-case hex, without the colons of "AB:CD:...". */
export function normaliseFingerprint(value: string): string {
  return value.replace(/[:\s]/g, "").toLowerCase();
}

export class InviteLinkError extends Error {
  override name = "InviteLinkError";
}

/** Reads an invite link; throws InviteLinkError when it is not one. */
export function parseInviteLink(text: string): InviteLink {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    throw new InviteLinkError(`not an invite link: ${text}`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:")
    throw new InviteLinkError(`an invite link is an http or https URL, not ${url.protocol}`);
  const fragment = new URLSearchParams(url.hash.replace(/^#/, ""));
  const sha256 = normaliseFingerprint(fragment.get("sha256") ?? "");
  if (sha256 !== "" && !/^[0-9a-f]{64}$/.test(sha256))
    throw new InviteLinkError("the invite link's sha256 is not 64 hex digits: the link is damaged");
  url.hash = "";
  const link: InviteLink = { documentUrl: url.toString(), sha256 };
  const userId = fragment.get("user");
  const code = fragment.get("code");
  if (userId) link.userId = userId;
  if (code) link.code = code;
  return link;
}

/** The link for `link`'s fields (the inverse of parseInviteLink). */
export function formatInviteLink(link: InviteLink): string {
  const fragment = new URLSearchParams();
  if (link.sha256) fragment.set("sha256", normaliseFingerprint(link.sha256));
  if (link.userId) fragment.set("user", link.userId);
  if (link.code) fragment.set("code", link.code);
  const rest = fragment.toString();
  return rest ? `${link.documentUrl}#${rest}` : link.documentUrl;
}

/**
 * Refuses a document whose certificate is not the one the link names: the document may have
 * come over plain HTTP, so only the link vouches for it. A link without a hash is accepted only
 * for a server without TLS.
 */
export function checkOnboardingDocument(doc: OnboardingDocument, link: InviteLink): void {
  const published = normaliseFingerprint(doc.tls?.fingerprintSha256 ?? "");
  if (link.sha256 === "" && published !== "")
    throw new InviteLinkError(
      "the invite link carries no certificate hash, so the server cannot be checked: ask for a new invite",
    );
  if (published !== link.sha256)
    throw new InviteLinkError(
      `the server's certificate (SHA-256 ${published || "none"}) is not the one the invite names (${link.sha256}): the link was altered or someone is in between; do not go on, ask for a new invite`,
    );
}
