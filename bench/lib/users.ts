/** Benchmark users are seeded and logged in by index; both sides derive ids and tokens the same way. */
export const BENCH_DOMAIN = "starling.local";

export function userId(index: number): string {
  return `u${index}@${BENCH_DOMAIN}`;
}

/** A session token for user `index`; the salt is random per run so tokens never repeat across runs. */
export function tokenFor(salt: string, index: number): string {
  return `${salt}.${index}`;
}

/** Every seeded user's password (for the XMPP gateway's SASL), also derived from the run's salt. */
export function passwordFor(salt: string): string {
  return `pw.${salt}`;
}
