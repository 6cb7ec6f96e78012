import { randomBytes } from "node:crypto";
import pg from "pg";
import { LocalBus } from "../../src/adapters/cluster/local-bus.js";
import { LocalPresenceDirectory } from "../../src/adapters/cluster/local-presence.js";
import { NodeRandom, SystemClock } from "../../src/adapters/platform/node-random.js";
import type { KyselyStore } from "../../src/adapters/store/kysely-store.js";
import { openPostgresStore } from "../../src/adapters/store/postgres.js";
import { openSqliteStore } from "../../src/adapters/store/sqlite.js";
import { Core, type CoreDeps } from "../../src/core/core.js";
import { DEFAULT_LIMITS } from "../../src/core/kernel/limits.js";
import type { Clock, PasswordHasher } from "../../src/core/kernel/ports.js";

/** The PostgreSQL that store tests use (the machine's, trust auth). */
export const PG_URL = process.env.STARLING_TEST_PG ?? "postgres://postgres@127.0.0.1:5432/test";

/** Why PostgreSQL tests cannot run here, or undefined when they can. */
export async function postgresUnavailable(): Promise<string | undefined> {
  const c = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 3000 });
  try {
    await c.connect();
    await c.query("select 1");
    return undefined;
  } catch (err) {
    return `PostgreSQL is not reachable at ${PG_URL} (${err instanceof Error ? err.message : String(err)})`;
  } finally {
    await c.end().catch(() => {});
  }
}

/** A PostgreSQL schema of a test's own, and the URL that selects it. */
export interface PgSchema {
  name: string;
  /** `base` (default PG_URL, e.g. a proxy in front of it) with this schema as the search path. */
  url(base?: string): string;
  drop(): Promise<void>;
}

async function adminQuery(text: string): Promise<void> {
  const c = new pg.Client({ connectionString: PG_URL });
  await c.connect();
  try {
    await c.query(text);
  } finally {
    await c.end();
  }
}

export async function createPgSchema(prefix: string): Promise<PgSchema> {
  const name = `${prefix}_${randomBytes(6).toString("hex")}`;
  await adminQuery(`create schema ${name}`);
  return {
    name,
    url: (base = PG_URL) => `${base}?options=${encodeURIComponent(`-c search_path=${name}`)}`,
    drop: () => adminQuery(`drop schema if exists ${name} cascade`),
  };
}

export interface StoreUnderTest {
  name: "sqlite" | "postgres";
  /** Another handle on the same database (a second node), for concurrency tests. */
  open(): Promise<KyselyStore>;
  /** Removes what the run created. */
  drop(): Promise<void>;
}

/** A fresh database per run: an in-memory SQLite file, or a PostgreSQL schema of its own. */
export async function freshStore(name: "sqlite" | "postgres"): Promise<StoreUnderTest> {
  if (name === "sqlite") {
    const path = `/tmp/starling-contract-${randomBytes(6).toString("hex")}.db`;
    return {
      name,
      open: () => openSqliteStore({ path, synchronous: "normal" }),
      drop: async () => {
        const { rmSync } = await import("node:fs");
        for (const f of [path, `${path}-wal`, `${path}-shm`]) rmSync(f, { force: true });
      },
    };
  }
  const schema = `contract_${randomBytes(6).toString("hex")}`;
  return {
    name,
    open: () => openPostgresStore({ url: PG_URL, schema, poolSize: 4 }),
    drop: () => adminQuery(`drop schema if exists ${schema} cascade`),
  };
}

/** Passwords are beside the point of store tests; a trivial hasher keeps them fast. */
export const plainHasher: PasswordHasher = {
  hash: async (p) => `plain:${p}`,
  verify: async (h, p) => h === `plain:${p}`,
};
const silent = { debug() {}, info() {}, warn() {}, error() {} };

export function coreOn(
  store: KyselyStore,
  domain = "example.com",
  hasher: PasswordHasher = plainHasher,
  clock: Clock = new SystemClock(),
  extra: Partial<CoreDeps> = {},
): Core {
  return new Core({
    store,
    bus: new LocalBus(),
    presence: new LocalPresenceDirectory(clock),
    clock,
    hasher,
    random: new NodeRandom(),
    log: silent,
    limits: DEFAULT_LIMITS,
    defaultDomain: domain,
    ...extra,
  });
}
