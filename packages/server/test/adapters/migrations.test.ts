import assert from "node:assert/strict";
import { test } from "node:test";
import Database from "better-sqlite3";
import { Kysely, SqliteDialect, sql } from "kysely";
import { KyselyStore } from "../../src/adapters/store/kysely-store.js";
import { migrateTo, migrateToLatest } from "../../src/adapters/store/migrations.js";
import type { Database as Schema } from "../../src/adapters/store/schema.js";
import { Directory } from "../../src/core/directory/directory.js";

test("users from before the directory get pinyin and versions, and a directory sync from 0 lists them", async () => {
  const db = new Kysely<unknown>({ dialect: new SqliteDialect({ database: new Database(":memory:") }) });
  try {
    await migrateTo(db, "sqlite", "0001_initial");
    await sql`insert into domains (name, disabled, created_at) values ('old.example', 0, 1)`.execute(db);
    for (const [id, name] of [
      ["zhang@old.example", "张三"],
      ["chongqing@old.example", "重庆"],
    ])
      await sql`insert into users (id, domain, display_name, password_hash, role, disabled, created_at)
        values (${id}, 'old.example', ${name}, 'x', 'user', 0, 1)`.execute(db);
    await migrateToLatest(db, "sqlite");

    const store = new KyselyStore(db as unknown as Kysely<Schema>, "sqlite");
    assert.equal(await store.read.directoryVersion("old.example"), 2);
    const changes = await new Directory(store.read).changes("zhang@old.example", 0, 100);
    assert.deepEqual(changes.users.map((u) => [u.id, u.pinyin, u.pinyinInitials]).sort(), [
      ["chongqing@old.example", "chongqing", "cq"],
      ["zhang@old.example", "zhangsan", "zs"],
    ]);
    assert.ok(changes.users.every((u) => u.version > 0n));
  } finally {
    await db.destroy();
  }
});
