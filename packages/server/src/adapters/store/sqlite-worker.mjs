// The SQLite connection, in a worker thread: better-sqlite3 is synchronous, so
// running it here keeps commits and fsyncs off the server's event loop.
// Plain JavaScript so it loads in a worker without a TypeScript loader.
import { parentPort, workerData } from "node:worker_threads";
import Database from "better-sqlite3";

/** Most prepared statements kept; the hot path uses a few dozen distinct texts. */
const STATEMENT_CACHE = 500;

const { path, synchronous } = workerData;
let db;
const cache = new Map();

function prepare(sql) {
  let stmt = cache.get(sql);
  if (stmt) cache.delete(sql);
  else {
    stmt = db.prepare(sql);
    if (cache.size >= STATEMENT_CACHE) cache.delete(cache.keys().next().value);
  }
  cache.set(sql, stmt);
  return stmt;
}

/** Column names of a reading statement, looked up once per statement. */
const columnsOf = new WeakMap();

function execute(sql, params) {
  const stmt = prepare(sql);
  if (stmt.reader) {
    // Rows travel as arrays with one list of column names: structured clone copies every key
    // of every row object otherwise, which costs more than reading the rows.
    let columns = columnsOf.get(stmt);
    if (!columns) {
      columns = stmt.columns().map((c) => c.name);
      stmt.raw(true);
      columnsOf.set(stmt, columns);
    }
    return { columns, rows: stmt.all(params) };
  }
  const { changes, lastInsertRowid } = stmt.run(params);
  return { rows: [], changes, lastInsertRowid };
}

try {
  db = new Database(path);
  db.pragma("journal_mode = WAL");
  db.pragma(`synchronous = ${synchronous === "normal" ? "NORMAL" : "FULL"}`);
  db.pragma("foreign_keys = ON");
  db.pragma("busy_timeout = 5000");
  // Statement journals of multi-row writes stay in memory instead of a temporary file.
  db.pragma("temp_store = MEMORY");
  parentPort.postMessage({ ready: true });
} catch (err) {
  parentPort.postMessage({ ready: false, error: String(err?.message ?? err) });
}

parentPort.on("message", (msg) => {
  if (msg.close) {
    db?.close();
    parentPort.close();
    return;
  }
  if (msg.rollback) {
    // SQLite ends a transaction by itself when a statement or the COMMIT fails with
    // SQLITE_FULL, SQLITE_IOERR, SQLITE_BUSY or SQLITE_NOMEM; rolling back again would fail
    // with "no transaction is active", and that error would replace the one that says why.
    try {
      if (db.inTransaction) db.exec("rollback");
      parentPort.postMessage({ id: msg.id, result: { rows: [] } });
    } catch (err) {
      parentPort.postMessage({
        id: msg.id,
        error: { message: String(err?.message ?? err), code: err?.code },
      });
    }
    return;
  }
  try {
    // IMMEDIATE takes the write lock up front: a deferred transaction that
    // reads and then writes would fail with SQLITE_BUSY when another
    // connection (another process on the same file) writes meanwhile.
    if (msg.begin) db.exec("begin immediate");
    parentPort.postMessage({ id: msg.id, result: execute(msg.sql, msg.params) });
  } catch (err) {
    parentPort.postMessage({ id: msg.id, error: { message: String(err?.message ?? err), code: err?.code } });
  }
});
