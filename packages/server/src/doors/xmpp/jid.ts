/** An XMPP address (RFC 7622): localpart@domainpart/resourcepart. */
export interface Jid {
  local: string;
  domain: string;
  resource: string;
}

/** Each part of a JID is at most 1023 bytes (RFC 7622 section 3). */
const MAX_PART_BYTES = 1023;

/**
 * Parses a JID; undefined when it is malformed. The local and domain parts
 * are lower-cased, which is what Starling's user ids are; the resource is
 * kept as given.
 */
export function parseJid(text: string): Jid | undefined {
  const slash = text.indexOf("/");
  const bare = slash < 0 ? text : text.slice(0, slash);
  const resource = slash < 0 ? "" : text.slice(slash + 1);
  const at = bare.indexOf("@");
  const local = at < 0 ? "" : bare.slice(0, at);
  const domain = (at < 0 ? bare : bare.slice(at + 1)).toLowerCase();
  if (domain.length === 0 || (at >= 0 && local.length === 0) || (slash >= 0 && resource.length === 0))
    return undefined;
  for (const part of [local, domain, resource])
    if (Buffer.byteLength(part) > MAX_PART_BYTES || /\p{Cc}/u.test(part)) return undefined;
  if (/[\s"&'/:<>@]/.test(local) || /[\s@/]/.test(domain)) return undefined;
  return { local: local.toLowerCase(), domain, resource };
}

export function bareJid(j: Jid): string {
  return j.local ? `${j.local}@${j.domain}` : j.domain;
}

export function fullJid(j: Jid): string {
  return j.resource ? `${bareJid(j)}/${j.resource}` : bareJid(j);
}

/** A resource a client may ask for at binding: printable, without control characters, not too long. */
export function isValidResource(resource: string): boolean {
  return (
    resource.length > 0 &&
    Buffer.byteLength(resource) <= MAX_PART_BYTES &&
    !/\p{Cc}/u.test(resource) &&
    resource.trim() === resource
  );
}
