/**
 * SCRAM (RFC 5802, RFC 7677) for benchmark users: the keys the seed writes
 * for the server, and the client's side of a login through the XMPP gateway.
 */
import { createHash, createHmac, pbkdf2Sync, randomBytes } from "node:crypto";

export type ScramMechanism = "SCRAM-SHA-1" | "SCRAM-SHA-256";
export const SCRAM_MECHANISMS: readonly ScramMechanism[] = ["SCRAM-SHA-1", "SCRAM-SHA-256"];

/** The minimum RFC 7677 allows; also what the server itself uses for new keys. */
const ITERATIONS = 4096;

const hashOf = (m: ScramMechanism) => (m === "SCRAM-SHA-1" ? "sha1" : "sha256");
const hmac = (m: ScramMechanism, key: Uint8Array, text: string) =>
  createHmac(hashOf(m), key).update(text).digest();

/** SaltedPassword = Hi(password, salt, i); the password is ASCII, so SASLprep leaves it alone. */
function saltedPassword(m: ScramMechanism, password: string, salt: Uint8Array, iterations: number): Buffer {
  return pbkdf2Sync(password, salt, iterations, m === "SCRAM-SHA-1" ? 20 : 32, hashOf(m));
}

export interface SeedScramKeys {
  mechanism: ScramMechanism;
  salt: Uint8Array;
  iterations: number;
  storedKey: Uint8Array;
  serverKey: Uint8Array;
}

/**
 * One set of keys per mechanism for `password`. Every seeded user gets the
 * same salt, so the load generator derives the salted password once for all
 * its logins instead of paying PBKDF2 per connection.
 */
export function seedScramKeys(password: string): SeedScramKeys[] {
  return SCRAM_MECHANISMS.map((mechanism) => {
    const salt = randomBytes(16);
    const salted = saltedPassword(mechanism, password, salt, ITERATIONS);
    const clientKey = hmac(mechanism, salted, "Client Key");
    return {
      mechanism,
      salt,
      iterations: ITERATIONS,
      storedKey: createHash(hashOf(mechanism)).update(clientKey).digest(),
      serverKey: hmac(mechanism, salted, "Server Key"),
    };
  });
}

const saltedCache = new Map<string, Buffer>();

/** The client side of one exchange, without channel binding (gs2 header "n,,"). */
export class ScramClient {
  private readonly nonce = randomBytes(18).toString("base64");
  private readonly clientFirstBare: string;
  private expectedServerSignature = "";

  constructor(
    readonly mechanism: ScramMechanism,
    user: string,
    private readonly password: string,
  ) {
    this.clientFirstBare = `n=${user.replace(/=/g, "=3D").replace(/,/g, "=2C")},r=${this.nonce}`;
  }

  clientFirst(): string {
    return `n,,${this.clientFirstBare}`;
  }

  /** The client-final message for the server-first one; throws on a server that breaks the protocol. */
  clientFinal(serverFirst: string): string {
    const attrs = new Map(serverFirst.split(",").map((kv) => [kv.slice(0, 1), kv.slice(2)]));
    const nonce = attrs.get("r") ?? "";
    const salt = Buffer.from(attrs.get("s") ?? "", "base64");
    const iterations = Number(attrs.get("i"));
    if (!nonce.startsWith(this.nonce) || salt.length === 0 || !(iterations > 0))
      throw new Error(`bad SCRAM server-first message: ${serverFirst}`);
    const cacheKey = `${this.mechanism}:${attrs.get("s")}:${iterations}`;
    let salted = saltedCache.get(cacheKey);
    if (!salted) {
      salted = saltedPassword(this.mechanism, this.password, salt, iterations);
      saltedCache.set(cacheKey, salted);
    }
    const withoutProof = `c=biws,r=${nonce}`; // biws = base64("n,,")
    const authMessage = `${this.clientFirstBare},${serverFirst},${withoutProof}`;
    const clientKey = hmac(this.mechanism, salted, "Client Key");
    const storedKey = createHash(hashOf(this.mechanism)).update(clientKey).digest();
    const signature = hmac(this.mechanism, storedKey, authMessage);
    const proof = Buffer.alloc(clientKey.length);
    for (let i = 0; i < proof.length; i++) proof[i] = (clientKey[i] as number) ^ (signature[i] as number);
    const serverKey = hmac(this.mechanism, salted, "Server Key");
    this.expectedServerSignature = `v=${hmac(this.mechanism, serverKey, authMessage).toString("base64")}`;
    return `${withoutProof},p=${proof.toString("base64")}`;
  }

  /** Whether the server proved it knows the keys too (its signature in the success message). */
  verifyServerFinal(serverFinal: string): boolean {
    return this.expectedServerSignature !== "" && serverFinal === this.expectedServerSignature;
  }
}
