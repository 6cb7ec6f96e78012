import { mkdtempSync } from "node:fs";
import os from "node:os";
import { join } from "node:path";
import { Core, openSqliteStore } from "@starling/server";
import { Directory } from "../packages/server/src/core/directory/directory.js";
import { generateOrg } from "./lib/directory-gen.js";
import { seedUsers } from "./lib/seed.js";

const dir = mkdtempSync(join(os.tmpdir(), "dbg-"));
const store = await openSqliteStore({ path: join(dir, "s.db") });
await seedUsers(store, 20000, "x");
await generateOrg(store, 20000, 1000);
const d = new Directory(store.read);
for (const limit of [1000, 2000]) {
  let v = 0;
  let pages = 0;
  const t0 = performance.now();
  let tq = 0;
  for (;;) {
    const a = performance.now();
    const p = await d.changes("u0@starling.local", v, limit);
    tq += performance.now() - a;
    pages++;
    v = Number(p.version);
    if (!p.hasMore) break;
  }
  console.log(limit, pages, "pages", (performance.now() - t0).toFixed(0), "ms total");
}
const t1 = performance.now();
const users = await store.read.changedUsers("starling.local", 0, 2001);
console.log("changedUsers 2001", (performance.now() - t1).toFixed(1));
const t2 = performance.now();
await store.read.otherDepartments(users.map((u) => u.id));
console.log("otherDepartments 2001", (performance.now() - t2).toFixed(1));
const t3 = performance.now();
await store.read.changedDepartments("starling.local", 0, 2001);
console.log("changedDepartments", (performance.now() - t3).toFixed(1));
await store.close();
