import { createNodeClient, type StarlingClient } from "@starling/sdk/node";
import { adminKey } from "@starling/server";
import { sql } from "kysely";
import type { BenchOptions } from "../lib/args.js";
import { type BenchDb, type StoreKind, seededDb } from "../lib/bench-db.js";
import { ByteProxy } from "../lib/byte-proxy.js";
import { generateOrg } from "../lib/directory-gen.js";
import { type RunContext, startBenchServer } from "../lib/harness.js";
import { fmt, type Row, type ScenarioReport } from "../lib/report.js";
import { BENCH_DOMAIN, tokenFor } from "../lib/users.js";
import { Latency, type LatencySummary } from "../load/latency.js";

/** Bars from the issue. */
export const DIRECTORY_BARS = { downloadSec: 2, downloadMiB: 10, changesMs: 50, searchP99Ms: 10 };

const EDITS = 100;
const CHANGES_REPEATS = 50;

interface StoreFigures {
  store: StoreKind;
  users: number;
  departments: number;
  generateSec: number;
  download: { seconds: number; wireBytes: number; users: number; departments: number };
  changesMs: LatencySummary;
  searchMs: LatencySummary;
  searches: number;
}

/**
 * The organisation directory at company scale, on SQLite and PostgreSQL: a
 * domain of --directory-users people in --directory-departments departments.
 * A fresh device downloads the whole directory through the SDK (TLS, with
 * the compression the SDK negotiates; bytes counted on the wire by a relay);
 * after 100 profile edits by the admin API it asks for the changes since its
 * version; and it searches by random pinyin prefixes of real names. Times
 * are round trips seen by the client, so they include the server's time.
 */
export async function directoryScenario(opts: BenchOptions, ctx: RunContext): Promise<ScenarioReport> {
  const figures: StoreFigures[] = [];
  for (const kind of opts.stores) {
    const db = await seededDb(kind, opts.directoryUsers, opts.keepData, ctx.log);
    try {
      figures.push(await measure(db, opts, ctx));
    } finally {
      await db.remove();
    }
  }
  const rows: Row[] = figures.flatMap((f) => {
    const mib = f.download.wireBytes / 2 ** 20;
    return [
      {
        metric: `${f.store}: directory`,
        value: `${fmt.int(f.users)} users, ${fmt.int(f.departments)} departments`,
      },
      {
        metric: `${f.store}: full download (fresh device, SDK over TLS)`,
        value: `${f.download.seconds.toFixed(2)} s`,
        bar: `< ${DIRECTORY_BARS.downloadSec} s`,
        pass: f.download.seconds < DIRECTORY_BARS.downloadSec,
      },
      {
        metric: `${f.store}: bytes received on the wire`,
        value: `${mib.toFixed(2)} MiB`,
        bar: `< ${DIRECTORY_BARS.downloadMiB} MB`,
        pass: f.download.wireBytes < DIRECTORY_BARS.downloadMiB * 1e6,
      },
      {
        metric: `${f.store}: changes since V after ${EDITS} edits, p99 of ${CHANGES_REPEATS}`,
        value: `${fmt.ms(f.changesMs.p99)} (p50 ${fmt.ms(f.changesMs.p50)})`,
        bar: `< ${DIRECTORY_BARS.changesMs} ms`,
        pass: f.changesMs.p99 < DIRECTORY_BARS.changesMs,
      },
      {
        metric: `${f.store}: pinyin-prefix search p99 (${fmt.int(f.searches)} searches)`,
        value: `${fmt.ms(f.searchMs.p99)} (p50 ${fmt.ms(f.searchMs.p50)})`,
        bar: `< ${DIRECTORY_BARS.searchP99Ms} ms`,
        pass: f.searchMs.p99 < DIRECTORY_BARS.searchP99Ms,
      },
    ];
  });
  return { scenario: "directory", rows, data: { stores: figures } };
}

async function measure(db: BenchDb, opts: BenchOptions, ctx: RunContext): Promise<StoreFigures> {
  ctx.log(`directory: generating ${fmt.int(opts.directoryDepartments)} departments and names (${db.kind})`);
  const store = await db.open();
  const org = await (async () => {
    try {
      const generated = await generateOrg(store, opts.directoryUsers, opts.directoryDepartments);
      // Fresh planner statistics after a bulk load, as autovacuum / a maintenance window would give.
      await sql`analyze`.execute(store.db);
      return generated;
    } finally {
      await store.close();
    }
  })();
  ctx.log(`directory: generated in ${org.seconds.toFixed(0)} s`);
  const run = await startBenchServer(
    "starling",
    { dir: db.nodeDir(0), args: db.serverArgs },
    `directory-${db.kind}`,
    opts.profile,
    ctx,
  );
  const proxy = await ByteProxy.start(run.server.tcpPort);
  try {
    const connect = async (port: number, device: string) => {
      const c = createNodeClient({
        endpoints: [`tls://127.0.0.1:${port}`],
        auth: { token: tokenFor(db.tokenSalt, 0) },
        device: { deviceId: device },
        tls: { rejectUnauthorized: false },
        reconnect: false,
        // Whole pages of the directory, as a real client would ask for them.
        syncIntervalMs: 0,
      });
      await c.connect();
      return c;
    };
    // Full download by a fresh device, through the counting relay.
    const fresh = await connect(proxy.port, "directory-fresh");
    let download: StoreFigures["download"];
    try {
      proxy.reset();
      const t0 = performance.now();
      const update = await fresh.directory.sync();
      const seconds = (performance.now() - t0) / 1000;
      download = {
        seconds,
        wireBytes: proxy.toClient,
        users: update.users.length,
        departments: update.departments.length,
      };
      // The server's first administrator is in the directory too.
      if (update.users.length !== org.users + 1 || update.departments.length !== org.departments)
        throw new Error(
          `downloaded ${update.users.length} users and ${update.departments.length} departments`,
        );
      ctx.log(
        `directory (${db.kind}): full download ${seconds.toFixed(2)} s, ${(proxy.toClient / 2 ** 20).toFixed(2)} MiB`,
      );
    } finally {
      await fresh.close();
    }

    const client = await connect(run.server.tcpPort, "directory-bench");
    try {
      await client.directory.sync();
      const since = client.directory.version;
      await editProfiles(run.server.httpPort, adminKey(db.nodeDir(0)));
      const changes = new Latency();
      for (let i = 0; i < CHANGES_REPEATS; i++) {
        const t0 = performance.now();
        const page = await client.directory.changes(since);
        changes.recordMs(performance.now() - t0);
        if (page.users.length !== EDITS)
          throw new Error(`changes since ${since}: ${page.users.length} users, expected ${EDITS}`);
      }
      const search = await searchLatency(client, org.samplePinyin, opts.directorySearches);
      ctx.log(
        `directory (${db.kind}): changes p99 ${fmt.ms(changes.summary().p99)}, search p99 ${fmt.ms(search.p99)}`,
      );
      return {
        store: db.kind,
        users: org.users,
        departments: org.departments,
        generateSec: org.seconds,
        download,
        changesMs: changes.summary(),
        searchMs: search,
        searches: opts.directorySearches,
      };
    } finally {
      await client.close();
    }
  } finally {
    await proxy.close();
    await run.finish();
  }
}

/** 100 profile edits through the admin HTTP API, as an administrator would make them. */
async function editProfiles(httpPort: number, key: string): Promise<void> {
  for (let i = 0; i < EDITS; i++) {
    const id = encodeURIComponent(`u${i * 7}@${BENCH_DOMAIN}`);
    const r = await fetch(`http://127.0.0.1:${httpPort}/api/v1/admin/users/${id}`, {
      method: "PATCH",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: JSON.stringify({ title: `高级工程师 ${i}` }),
    });
    if (r.status !== 200) throw new Error(`profile edit ${i}: HTTP ${r.status} ${await r.text()}`);
  }
}

/** Searches by prefixes (2-6 letters) of real names' pinyin; every one must find someone. */
async function searchLatency(
  client: StarlingClient,
  pinyins: string[],
  count: number,
): Promise<LatencySummary> {
  const rec = new Latency();
  for (let i = 0; i < count; i++) {
    const p = pinyins[(i * 7919) % pinyins.length] as string;
    const q = p.slice(0, 2 + (i % 5));
    const t0 = performance.now();
    const r = await client.directory.search(q, 20);
    rec.recordMs(performance.now() - t0);
    if (r.users.length === 0) throw new Error(`search ${q} found nobody`);
  }
  return rec.summary();
}
