import { Worker } from "node:worker_threads";
import {
  CompiledQuery,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  type Kysely,
  type QueryResult,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
} from "kysely";

export interface WorkerSqliteOptions {
  path: string;
  synchronous: "full" | "normal";
}

interface Reply {
  id: number;
  /** Reads: `columns` and one array of values per row; writes: `changes` and `lastInsertRowid`. */
  result?: { columns?: string[]; rows: unknown[][]; changes?: number; lastInsertRowid?: number | bigint };
  error?: { message: string; code?: string };
}

/** Row arrays from the worker back into objects keyed by column name. */
function toObjects(columns: readonly string[], rows: readonly unknown[][]): Record<string, unknown>[] {
  const out = new Array<Record<string, unknown>>(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i] as unknown[];
    const o: Record<string, unknown> = {};
    for (let c = 0; c < columns.length; c++) o[columns[c] as string] = row[c];
    out[i] = o;
  }
  return out;
}

/** SQLite's one connection is shared; callers take turns. */
class Mutex {
  private tail: Promise<void> = Promise.resolve();
  private release: (() => void) | undefined;

  async lock(): Promise<void> {
    const prev = this.tail;
    let release!: () => void;
    this.tail = new Promise<void>((r) => (release = r));
    await prev;
    this.release = release;
  }

  unlock(): void {
    const r = this.release;
    this.release = undefined;
    r?.();
  }
}

/** An error from SQLite in the worker, with its code (e.g. SQLITE_CONSTRAINT_UNIQUE). */
export class SqliteWorkerError extends Error {
  constructor(
    message: string,
    readonly code?: string,
  ) {
    super(message);
    this.name = "SqliteError";
  }
}

class WorkerConnection implements DatabaseConnection {
  private nextId = 1;
  /**
   * BEGIN travels with the transaction's first statement instead of alone:
   * one round trip to the worker fewer per transaction. The worker runs
   * both in order and reports a failing BEGIN as that statement's error.
   */
  beginPending = false;
  /** Set once the worker is gone: every later statement fails at once instead of waiting forever. */
  private failure: Error | undefined;
  private readonly pending = new Map<number, { resolve(r: Reply): void; reject(e: Error): void }>();

  constructor(private readonly worker: Worker) {
    worker.on("message", (reply: Reply) => {
      const p = this.pending.get(reply.id);
      if (!p) return;
      this.pending.delete(reply.id);
      p.resolve(reply);
    });
    const fail = (err: Error) => {
      this.failure ??= err;
      for (const p of this.pending.values()) p.reject(err);
      this.pending.clear();
    };
    worker.on("error", fail);
    worker.on("exit", () =>
      fail(new SqliteWorkerError("the database worker stopped", "SQLITE_WORKER_STOPPED")),
    );
  }

  async executeQuery<R>(q: CompiledQuery): Promise<QueryResult<R>> {
    const reply = await this.call({ sql: q.sql, params: q.parameters, begin: this.beginPending });
    const r = reply.result as NonNullable<Reply["result"]>;
    return {
      rows: (r.columns ? toObjects(r.columns, r.rows) : []) as R[],
      numAffectedRows: r.changes === undefined ? undefined : BigInt(r.changes),
      insertId: r.lastInsertRowid === undefined ? undefined : BigInt(r.lastInsertRowid),
    };
  }

  /** Rolls back the open transaction, if SQLite has not already done so. */
  async rollback(): Promise<void> {
    await this.call({ rollback: true });
  }

  private async call(msg: object): Promise<Reply> {
    if (this.failure) throw this.failure;
    const id = this.nextId++;
    const reply = await new Promise<Reply>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ id, ...msg });
      this.beginPending = false;
    });
    if (reply.error) throw new SqliteWorkerError(reply.error.message, reply.error.code);
    return reply;
  }

  // biome-ignore lint/correctness/useYield: streaming is not offered by this connection
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error("streaming queries are not supported");
  }
}

class WorkerSqliteDriver implements Driver {
  private worker: Worker | undefined;
  private connection: WorkerConnection | undefined;
  private readonly mutex = new Mutex();

  constructor(private readonly opts: WorkerSqliteOptions) {}

  async init(): Promise<void> {
    const worker = new Worker(new URL("./sqlite-worker.mjs", import.meta.url), { workerData: this.opts });
    const ready = await new Promise<{ ready: boolean; error?: string }>((resolve, reject) => {
      worker.once("message", resolve);
      worker.once("error", reject);
    });
    if (!ready.ready) {
      await worker.terminate();
      throw new SqliteWorkerError(`cannot open ${this.opts.path}: ${ready.error}`);
    }
    this.worker = worker;
    this.connection = new WorkerConnection(worker);
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    await this.mutex.lock();
    return this.connection as WorkerConnection;
  }

  async beginTransaction(c: DatabaseConnection): Promise<void> {
    (c as WorkerConnection).beginPending = true;
  }

  async commitTransaction(c: DatabaseConnection): Promise<void> {
    const w = c as WorkerConnection;
    // A transaction that ran no statement has nothing to commit.
    if (w.beginPending) w.beginPending = false;
    else await c.executeQuery(CompiledQuery.raw("commit"));
  }

  async rollbackTransaction(c: DatabaseConnection): Promise<void> {
    const w = c as WorkerConnection;
    if (w.beginPending) w.beginPending = false;
    else await w.rollback();
  }

  async releaseConnection(): Promise<void> {
    this.mutex.unlock();
  }

  async destroy(): Promise<void> {
    const w = this.worker;
    if (!w) return;
    this.worker = undefined;
    const exited = new Promise((r) => w.once("exit", r));
    w.postMessage({ close: true });
    await exited;
  }
}

/** Kysely's SQLite dialect with the database in a worker thread. */
export class WorkerSqliteDialect implements Dialect {
  constructor(private readonly opts: WorkerSqliteOptions) {}
  createAdapter() {
    return new SqliteAdapter();
  }
  createDriver(): Driver {
    return new WorkerSqliteDriver(this.opts);
  }
  createIntrospector(db: Kysely<unknown>) {
    return new SqliteIntrospector(db);
  }
  createQueryCompiler() {
    return new SqliteQueryCompiler();
  }
}
