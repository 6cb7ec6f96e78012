import { randomBytes } from "node:crypto";
import { Argon2Hasher, EMPTY_PROFILE, type KyselyStore, NodeRandom } from "@starling/server";
import { BENCH_DOMAIN, tokenFor, userId } from "./users.js";

const PER_TRANSACTION = 2000;

/**
 * Writes `count` users with one session token each straight into the
 * database, before the server starts: logging in thousands of
 * users by password would spend minutes in argon2 and measure nothing we
 * care about. Every user shares one real argon2 hash (nobody logs in with it).
 */
export async function seedUsers(store: KyselyStore, count: number, tokenSalt: string): Promise<void> {
  const passwordHash = await new Argon2Hasher().hash(randomBytes(16).toString("hex"));
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
          createdAt: now,
          expiresAt: now + 86_400_000,
        });
      }
    });
  }
}
