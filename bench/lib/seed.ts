import { Argon2Hasher, EMPTY_PROFILE, type KyselyStore, NodeRandom } from "@starling/server";
import { seedScramKeys } from "./scram.js";
import { BENCH_DOMAIN, passwordFor, tokenFor, userId } from "./users.js";

const PER_TRANSACTION = 2000;

export interface SeedOptions {
  /**
   * Also write SCRAM keys of the password, as a password login would: XMPP
   * clients log in with SASL SCRAM against them, with no argon2 on the server.
   */
  scram?: boolean;
}

/**
 * Writes `count` users with one session token each straight into the
 * database, before the server starts: logging in thousands of
 * users by password would spend minutes in argon2 and measure nothing we
 * care about. Every user shares one real argon2 hash of `passwordFor(tokenSalt)`.
 */
export async function seedUsers(
  store: KyselyStore,
  count: number,
  tokenSalt: string,
  opts: SeedOptions = {},
): Promise<void> {
  const password = passwordFor(tokenSalt);
  const passwordHash = await new Argon2Hasher().hash(password);
  const scram = opts.scram ? seedScramKeys(password) : [];
  const random = new NodeRandom();
  const now = Date.now();
  await store.transaction((tx) => tx.createDomain(BENCH_DOMAIN, now));
  for (let first = 0; first < count; first += PER_TRANSACTION) {
    await store.transaction(async (tx) => {
      for (let i = first; i < Math.min(count, first + PER_TRANSACTION); i++) {
        const id = userId(i);
        await tx.insertUser({
          id,
          domain: BENCH_DOMAIN,
          displayName: `u${i}`,
          passwordHash,
          role: "user",
          disabled: false,
          createdAt: now,
          ...EMPTY_PROFILE,
        });
        await tx.insertSession({
          tokenHash: random.sha256(tokenFor(tokenSalt, i)),
          userId: id,
          deviceId: `bench-${i}`,
          platform: "bench",
          client: "",
          createdAt: now,
          lastActiveAt: now,
          expiresAt: now + 86_400_000,
        });
        if (scram.length > 0) await tx.putScramCredentials(scram.map((k) => ({ userId: id, ...k })));
      }
    });
  }
}
