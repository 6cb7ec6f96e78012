import { createHash, createHmac, pbkdf2 } from "node:crypto";

/** The SCRAM mechanisms (RFC 5802, RFC 7677) whose keys are kept for every password. */
export const SCRAM_MECHANISMS = ["SCRAM-SHA-1", "SCRAM-SHA-256"] as const;
export type ScramMechanism = (typeof SCRAM_MECHANISMS)[number];

/** Iterations of PBKDF2 for new keys; RFC 7677 section 4 asks for at least 4096. */
export const SCRAM_ITERATIONS = 4096;

/** What a server keeps to check a SCRAM proof without knowing the password (RFC 5802 section 3). */
export interface ScramCredential {
  userId: string;
  mechanism: ScramMechanism;
  salt: Uint8Array;
  iterations: number;
  storedKey: Uint8Array;
  serverKey: Uint8Array;
}

export function scramHashName(mechanism: ScramMechanism): "sha1" | "sha256" {
  return mechanism === "SCRAM-SHA-1" ? "sha1" : "sha256";
}

/**
 * SaltedPassword = Hi(Normalize(password), salt, i), ClientKey = HMAC(SaltedPassword, "Client Key"),
 * StoredKey = H(ClientKey), ServerKey = HMAC(SaltedPassword, "Server Key") (RFC 5802 section 3).
 * NFKC stands in for SASLprep (RFC 4013), which it matches for every password without
 * prohibited or unassigned characters.
 */
export async function deriveScramKeys(
  mechanism: ScramMechanism,
  password: string,
  salt: Uint8Array,
  iterations: number,
): Promise<{ storedKey: Uint8Array; serverKey: Uint8Array }> {
  const hash = scramHashName(mechanism);
  const keyLength = hash === "sha1" ? 20 : 32;
  const salted = await new Promise<Buffer>((resolve, reject) =>
    pbkdf2(password.normalize("NFKC"), salt, iterations, keyLength, hash, (err, key) =>
      err ? reject(err) : resolve(key),
    ),
  );
  const clientKey = createHmac(hash, salted).update("Client Key").digest();
  return {
    storedKey: createHash(hash).update(clientKey).digest(),
    serverKey: createHmac(hash, salted).update("Server Key").digest(),
  };
}

/** Keys of every SCRAM mechanism for a password, each with its own salt from `randomBytes`. */
export async function scramCredentials(
  userId: string,
  password: string,
  randomBytes: (n: number) => Uint8Array,
): Promise<ScramCredential[]> {
  return Promise.all(
    SCRAM_MECHANISMS.map(async (mechanism) => {
      const salt = randomBytes(16);
      const keys = await deriveScramKeys(mechanism, password, salt, SCRAM_ITERATIONS);
      return { userId, mechanism, salt, iterations: SCRAM_ITERATIONS, ...keys };
    }),
  );
}
