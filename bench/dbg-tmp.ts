import { mkdtempSync } from "node:fs";
import os from "node:os";
import { join } from "node:path";
import { fromBinary } from "@bufbuild/protobuf";
import { DirectoryChangesSchema } from "@starling/protocol";
import { openSqliteStore } from "@starling/server";
import { sql } from "kysely";
import { Directory } from "../packages/server/src/core/directory/directory.js";
import { encodeDirectoryChanges } from "../packages/server/src/gateway/directory-codec.js";
import { generateOrg } from "./lib/directory-gen.js";
import { seedUsers } from "./lib/seed.js";

const dir = mkdtempSync(join(os.tmpdir(), "dbg-"));
const store = await openSqliteStore({ path: join(dir, "s.db") });
await seedUsers(store, 100000, "x");
await generateOrg(store, 100000, 5000);
await sql`analyze`.execute(store.db);
const d = new Directory(store.read);
for (let round = 0; round < 2; round++) {
  let v = 0;
  let tCore = 0;
  let tEnc = 0;
  let tDec = 0;
  let pages = 0;
  for (;;) {
    let a = performance.now();
    const p = await d.changes("u0@starling.local", v, 2000);
    tCore += performance.now() - a;
    a = performance.now();
    const bytes = encodeDirectoryChanges(p);
    tEnc += performance.now() - a;
    a = performance.now();
    fromBinary(DirectoryChangesSchema, bytes);
    tDec += performance.now() - a;
    pages++;
    v = Number(p.version);
    if (!p.hasMore) break;
  }
  console.log(
    `round ${round}: ${pages} pages, core ${tCore.toFixed(0)} ms, encode ${tEnc.toFixed(0)} ms, client decode ${tDec.toFixed(0)} ms`,
  );
}
let t = performance.now();
for (let v = 0, i = 0; i < 10; i++) {
  await store.read.changedUsers("starling.local", v + i * 2000, 2001);
}
console.log("changedUsers x10", (performance.now() - t).toFixed(0));
t = performance.now();
const us = await store.read.changedUsers("starling.local", 0, 2001);
for (let i = 0; i < 10; i++) await store.read.otherDepartments(us.map((u) => u.id));
console.log("otherDepartments x10", (performance.now() - t).toFixed(0));
t = performance.now();
for (let i = 0; i < 10; i++) await store.read.changedDepartments("starling.local", 6000 + i, 2001);
console.log("changedDepartments x10", (performance.now() - t).toFixed(0));
await store.close();
