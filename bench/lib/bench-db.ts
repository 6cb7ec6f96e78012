/**
 * Where a scenario's server keeps its data: SQLite in a fresh data folder,
 * or a fresh schema of its own on the local PostgreSQL (every node of a
 * cluster run shares it and has a data folder of its own for its TLS key,
 * admin key and runtime file). Seeded with the benchmark users before any
 * server starts.
 */
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import { join } from "node:path";
import { type KyselyStore, openPostgresStore, openSqliteStore } from "@starling/server";
import pg from "pg";
import { type SeedOptions, seedUsers } from "./seed.js";

export type StoreKind = "sqlite" | "postgres";

/** The PostgreSQL database bench schemas are made in; STARLING_BENCH_PG overrides it. */
export const BENCH_PG_URL = process.env.STARLING_BENCH_PG ?? "postgres://postgres@127.0.0.1:5432/test";

export interface BenchDb {
  kind: StoreKind;
  /** Salt of every seeded user's session token (see users.ts). */
  tokenSalt: string;
  /** Data folder of node `i` (0 is the one a single-node run uses). */
  nodeDir(i: number): string;
  /** Server flags that select this database (none for SQLite in the data folder). */
  serverArgs: string[];
  /** A store handle on the same database, for seeding (never while a SQLite server runs). */
  open(): Promise<KyselyStore>;
  /** The PostgreSQL schema (postgres only), for generators that write with bulk SQL. */
  schema?: string;
  remove(): Promise<void>;
}

export type Log = (message: string) => void;

export async function createBenchDb(kind: StoreKind, keep: boolean, log: Log): Promise<BenchDb> {
  const root = mkdtempSync(join(os.tmpdir(), "starling-bench-"));
  const tokenSalt = randomBytes(12).toString("base64url");
  const nodeDir = (i: number) => {
    const dir = i === 0 ? root : join(root, `node${i}`);
    mkdirSync(dir, { recursive: true });
    return dir;
  };
  const removeDir = () => {
    if (keep) log(`kept data folder ${root}`);
    else rmSync(root, { recursive: true, force: true });
  };
  if (kind === "sqlite") {
    return {
      kind,
      tokenSalt,
      nodeDir,
      serverArgs: [],
      open: () => openSqliteStore({ path: join(root, "starling.db") }),
      remove: async () => removeDir(),
    };
  }
  const schema = `bench_${randomBytes(6).toString("hex")}`;
  await pgAdmin(`create schema ${schema}`);
  const url = `${BENCH_PG_URL}?options=${encodeURIComponent(`-c search_path=${schema}`)}`;
  log(`PostgreSQL schema ${schema} in ${BENCH_PG_URL}`);
  return {
    kind,
    tokenSalt,
    nodeDir,
    serverArgs: ["--db", url],
    schema,
    open: () => openPostgresStore({ url: BENCH_PG_URL, schema, poolSize: 4 }),
    remove: async () => {
      removeDir();
      if (keep) log(`kept PostgreSQL schema ${schema}`);
      else await pgAdmin(`drop schema if exists ${schema} cascade`);
    },
  };
}

/** A fresh database of `kind` holding `users` seeded users with session tokens. */
export async function seededDb(
  kind: StoreKind,
  users: number,
  keep: boolean,
  log: Log,
  seed: SeedOptions = {},
): Promise<BenchDb> {
  const db = await createBenchDb(kind, keep, log);
  try {
    log(`seeding ${users} users (${kind})`);
    const store = await db.open();
    try {
      await seedUsers(store, users, db.tokenSalt, seed);
    } finally {
      await store.close();
    }
    return db;
  } catch (err) {
    await db.remove();
    throw err;
  }
}

/** Runs one statement on the bench database as the connecting role (schema names are generated, never input). */
export async function pgAdmin(text: string): Promise<void> {
  const c = new pg.Client({ connectionString: BENCH_PG_URL });
  await c.connect();
  try {
    await c.query(text);
  } finally {
    await c.end();
  }
}
