import assert from "node:assert/strict";
import { test } from "node:test";
import { openSqliteStore } from "../../src/adapters/store/sqlite.js";
import { EMPTY_PROFILE } from "../../src/core/kernel/records.js";

test("a closed store refuses statements instead of leaving them waiting", async () => {
  const store = await openSqliteStore({ path: ":memory:" });
  assert.equal(await store.read.getUser("nobody@example.com"), undefined);
  await store.close();
  await assert.rejects(store.read.getUser("nobody@example.com"));
});

test("a failed statement rolls its transaction back and the store stays usable", async () => {
  const store = await openSqliteStore({ path: ":memory:" });
  await store.transaction((tx) => tx.createDomain("example.com", 1));
  await assert.rejects(
    store.transaction(async (tx) => {
      await tx.createDomain("other.example", 1);
      // Unknown domain: the foreign key refuses the user.
      await tx.insertUser({
        id: "a@missing.example",
        domain: "missing.example",
        displayName: "a",
        passwordHash: "x",
        role: "user",
        disabled: false,
        createdAt: 1,
        ...EMPTY_PROFILE,
      });
    }),
  );
  assert.equal(await store.read.getDomain("other.example"), undefined, "rolled back");
  assert.ok(await store.read.getDomain("example.com"));
  await store.close();
});
