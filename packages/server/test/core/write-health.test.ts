import assert from "node:assert/strict";
import { test } from "node:test";
import { ErrorCode, StarlingError } from "@starling/protocol";
import { cannotWriteCause } from "../../src/adapters/store/write-health.js";

const withCode = (code: string, message = "x") => Object.assign(new Error(message), { code });

test("failures that mean the store cannot write are told from failures of one statement", () => {
  for (const code of [
    "SQLITE_FULL",
    "SQLITE_IOERR_WRITE",
    "SQLITE_READONLY",
    "SQLITE_WORKER_STOPPED",
    "ENOSPC",
    "EROFS",
    "ECONNREFUSED",
    "53100", // PostgreSQL disk_full
    "58030", // io_error
    "08006", // connection_failure
    "57P01", // admin_shutdown
    "25006", // read_only_sql_transaction (a standby)
  ])
    assert.equal(cannotWriteCause(withCode(code)), code, code);
  assert.equal(cannotWriteCause(new Error("Connection terminated unexpectedly")), "CONNECTION_TERMINATED");
  for (const code of ["SQLITE_CONSTRAINT_UNIQUE", "SQLITE_BUSY", "23505", "40P01", "22P02"])
    assert.equal(cannotWriteCause(withCode(code)), undefined, code);
  assert.equal(cannotWriteCause(new StarlingError(ErrorCode.NOT_FOUND, "no such user")), undefined);
  assert.equal(cannotWriteCause(undefined), undefined);
});
