import { createHash, randomUUID } from "node:crypto";
import { createReadStream } from "node:fs";
import { rm } from "node:fs/promises";
import type pg from "pg";
import type { BlobStore } from "../../core/kernel/ports.js";

/** Bytes per row of blob_chunks: small enough to stream, large enough that a big file is few rows. */
export const CHUNK_BYTES = 256 * 1024;
/** A write unfinished for this long was abandoned (its node died); its chunks are removed. */
const ABANDONED_MS = 24 * 60 * 60 * 1000;
const SHA256 = /^[0-9a-f]{64}$/;
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;
/** Serialises creating the tables when several nodes start at once (any constant of our own). */
const SCHEMA_LOCK = 0x5b10b;

export interface PgBlobOptions {
  url: string;
  schema?: string;
  poolSize?: number;
}

/**
 * Blobs in PostgreSQL, so that every node of a cluster reads every file
 * without a shared file system. A blob is written as rows of CHUNK_BYTES
 * under a fresh write id while its hash is computed, and becomes visible
 * only when one row in `blobs` names that write, after the last chunk: a
 * reader never sees part of a blob, and two nodes storing the same content
 * at once both succeed (the one that loses drops its chunks). Reads fetch
 * one chunk at a time, so no file is ever whole in memory.
 */
export class PgBlobStore implements BlobStore {
  private storeId: Promise<string> | undefined;

  private constructor(private readonly pool: pg.Pool) {}

  static async open(opts: PgBlobOptions): Promise<PgBlobStore> {
    if (opts.schema !== undefined && !SCHEMA_NAME.test(opts.schema))
      throw new Error(`not a valid schema name: ${opts.schema}`);
    // Loaded only for blobs in PostgreSQL.
    const { default: pg } = await import("pg");
    const pool = new pg.Pool({
      connectionString: opts.url,
      max: opts.poolSize ?? 4,
      ...(opts.schema ? { options: `-c search_path=${opts.schema}` } : {}),
    });
    // As in the store: a dropped idle connection is replaced on the next query.
    pool.on("error", () => {});
    pool.on("connect", (client) => client.on("error", () => {}));
    const store = new PgBlobStore(pool);
    try {
      await store.createTables(opts.schema);
      await store.sweep();
    } catch (err) {
      await pool.end();
      throw err;
    }
    return store;
  }

  private async createTables(schema?: string): Promise<void> {
    const c = await this.pool.connect();
    try {
      await c.query("begin");
      await c.query("select pg_advisory_xact_lock($1)", [SCHEMA_LOCK]);
      if (schema) await c.query(`create schema if not exists ${schema}`);
      await c.query(`create table if not exists blobs (
        sha256 text primary key, write_id text not null, size bigint not null, created_at bigint not null)`);
      await c.query(`create table if not exists blob_chunks (
        write_id text not null, idx integer not null, data bytea not null, primary key (write_id, idx))`);
      // Most files are compressed already; trying again costs CPU for nothing.
      await c.query("alter table blob_chunks alter column data set storage external");
      await c.query(
        "create table if not exists blob_writes (write_id text primary key, started_at bigint not null)",
      );
      // One row: the store's id.
      await c.query(
        "create table if not exists blob_store (one boolean primary key default true check (one), id text not null)",
      );
      await c.query("commit");
    } catch (err) {
      await c.query("rollback").catch(() => {});
      throw err;
    } finally {
      c.release();
    }
  }

  /** Removes what writes that never finished left behind. */
  private async sweep(): Promise<void> {
    const old = await this.pool.query<{ write_id: string }>(
      "select write_id from blob_writes where started_at < $1",
      [Date.now() - ABANDONED_MS],
    );
    for (const { write_id } of old.rows) await this.drop(write_id);
  }

  private async drop(writeId: string): Promise<void> {
    await this.pool.query("delete from blob_chunks where write_id = $1", [writeId]);
    await this.pool.query("delete from blob_writes where write_id = $1", [writeId]);
  }

  id(): Promise<string> {
    this.storeId ??= (async () => {
      await this.pool.query("insert into blob_store (id) values ($1) on conflict do nothing", [
        `database:${randomUUID()}`,
      ]);
      const r = await this.pool.query<{ id: string }>("select id from blob_store");
      return r.rows[0]?.id as string;
    })();
    this.storeId.catch(() => {
      this.storeId = undefined;
    });
    return this.storeId;
  }

  async put(bytes: Uint8Array): Promise<string> {
    const sha256 = createHash("sha256").update(bytes).digest("hex");
    if (await this.has(sha256)) return sha256;
    await this.putStream([bytes], sha256);
    return sha256;
  }

  async putFile(path: string): Promise<{ sha256: string; size: number }> {
    const r = await this.putStream(createReadStream(path, { highWaterMark: CHUNK_BYTES }));
    await rm(path, { force: true });
    return r;
  }

  async putStream(
    source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
    expectSha256?: string,
  ): Promise<{ sha256: string; size: number }> {
    if (expectSha256 !== undefined && !SHA256.test(expectSha256)) throw new Error("not a SHA-256 name");
    const writeId = randomUUID();
    await this.pool.query("insert into blob_writes (write_id, started_at) values ($1, $2)", [
      writeId,
      Date.now(),
    ]);
    const hash = createHash("sha256");
    let size = 0;
    let idx = 0;
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    const flush = async (all: boolean) => {
      if (pendingBytes < CHUNK_BYTES && !(all && pendingBytes > 0)) return;
      // Joined once: a large piece (a whole one-request upload) is cut into chunks without copying again.
      const joined = Buffer.concat(pending);
      let at = 0;
      while (joined.length - at >= CHUNK_BYTES || (all && at < joined.length)) {
        const chunk = joined.subarray(at, at + CHUNK_BYTES);
        await this.pool.query("insert into blob_chunks (write_id, idx, data) values ($1, $2, $3)", [
          writeId,
          idx++,
          chunk,
        ]);
        at += chunk.length;
      }
      const rest = joined.subarray(at);
      pending = rest.length > 0 ? [rest] : [];
      pendingBytes = rest.length;
    };
    try {
      for await (const part of source) {
        // A copy: the source may reuse its buffer once it has yielded it.
        const b = Buffer.from(part);
        hash.update(b);
        size += b.length;
        pending.push(b);
        pendingBytes += b.length;
        if (pendingBytes >= CHUNK_BYTES) await flush(false);
      }
      await flush(true);
      const sha256 = hash.digest("hex");
      if (expectSha256 !== undefined && sha256 !== expectSha256)
        throw new Error(`the content's SHA-256 is ${sha256}, not ${expectSha256}`);
      const won = await this.pool.query(
        "insert into blobs (sha256, write_id, size, created_at) values ($1, $2, $3, $4) on conflict (sha256) do nothing",
        [sha256, writeId, size, Date.now()],
      );
      if (won.rowCount === 0) await this.pool.query("delete from blob_chunks where write_id = $1", [writeId]);
      await this.pool.query("delete from blob_writes where write_id = $1", [writeId]);
      return { sha256, size };
    } catch (err) {
      await this.drop(writeId).catch(() => {});
      throw err;
    }
  }

  async has(sha256: string): Promise<boolean> {
    if (!SHA256.test(sha256)) return false;
    const r = await this.pool.query("select 1 from blobs where sha256 = $1", [sha256]);
    return (r.rowCount ?? 0) > 0;
  }

  async *read(sha256: string, start: number, end: number): AsyncIterable<Uint8Array> {
    const r = await this.pool.query<{ write_id: string; size: string }>(
      "select write_id, size from blobs where sha256 = $1",
      [sha256],
    );
    const blob = r.rows[0];
    if (!blob) throw Object.assign(new Error(`no blob ${sha256}`), { code: "ENOENT" });
    const last = Math.min(end, Number(blob.size) - 1);
    for (let idx = Math.floor(start / CHUNK_BYTES); idx * CHUNK_BYTES <= last; idx++) {
      const base = idx * CHUNK_BYTES;
      const from = Math.max(start, base) - base;
      const to = Math.min(last, base + CHUNK_BYTES - 1) - base;
      // substring on bytea is 1-based; only the asked part of the chunk crosses the wire.
      const c = await this.pool.query<{ data: Buffer }>(
        "select substring(data from $3 for $4) as data from blob_chunks where write_id = $1 and idx = $2",
        [blob.write_id, idx, from + 1, to - from + 1],
      );
      const data = c.rows[0]?.data;
      if (!data) throw new Error(`blob ${sha256} lacks chunk ${idx}`);
      yield data;
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
