import { readFileSync } from "node:fs";
import type { BenchOptions } from "../lib/args.js";
import { seededDb } from "../lib/bench-db.js";
import { type RunContext, startBenchServer } from "../lib/harness.js";
import { rssKb } from "../lib/proc-stats.js";
import { fmt, type Row, type ScenarioReport } from "../lib/report.js";
import { tokenFor } from "../lib/users.js";

const MiB = 1024 * 1024;
/** One-request uploads are limited to files.maxUploadBytes (32 MiB by default). */
const ONE_REQUEST_BYTES = 32 * MiB;

/**
 * Upload throughput over loopback: one file of --upload-mib MiB (1 GiB by
 * default) through the resumable (tus) endpoint in --upload-chunk-mib
 * PATCH requests, from the first request until the server answered the last
 * (the bytes are then hashed, typed and in the blob store); then a 32 MiB
 * file in one request. The server's peak memory shows that uploads stream.
 */
export async function uploadScenario(opts: BenchOptions, ctx: RunContext): Promise<ScenarioReport> {
  const db = await seededDb("sqlite", 1, opts.keepData, ctx.log);
  try {
    const run = await startBenchServer(
      "starling",
      { dir: db.nodeDir(0), args: [] },
      "upload",
      opts.profile,
      ctx,
    );
    try {
      const base = `http://127.0.0.1:${run.server.httpPort}/api/v1`;
      const auth = { authorization: `Bearer ${tokenFor(db.tokenSalt, 0)}` };
      const size = opts.uploadMiB * MiB;
      const rssBefore = rssKb(run.server.pid);

      const t0 = performance.now();
      const created = await fetch(`${base}/uploads`, {
        method: "POST",
        headers: {
          ...auth,
          "tus-resumable": "1.0.0",
          "upload-length": String(size),
          "upload-metadata": `filename ${Buffer.from("big.bin").toString("base64")}`,
        },
      });
      if (created.status !== 201)
        throw new Error(`creating the upload: ${created.status} ${await created.text()}`);
      const location = new URL(created.headers.get("location") ?? "", base).toString();
      const chunk = opts.uploadChunkMiB * MiB;
      let fileId = "";
      for (let offset = 0; offset < size; offset += chunk) {
        const length = Math.min(chunk, size - offset);
        const res = await fetch(location, {
          method: "PATCH",
          headers: {
            ...auth,
            "tus-resumable": "1.0.0",
            "upload-offset": String(offset),
            "content-type": "application/offset+octet-stream",
            "content-length": String(length),
          },
          body: bytes(offset, length),
          duplex: "half",
        } as RequestInit);
        if (res.status !== 204) throw new Error(`PATCH at ${offset}: ${res.status} ${await res.text()}`);
        fileId = res.headers.get("starling-file-id") ?? fileId;
      }
      const seconds = (performance.now() - t0) / 1000;
      if (!fileId) throw new Error("the last PATCH named no file");
      const peakKb = peakRssKb(run.server.pid);
      ctx.log(`upload: ${fmt.int(opts.uploadMiB)} MiB in ${seconds.toFixed(2)} s`);

      const one = Buffer.alloc(ONE_REQUEST_BYTES, 7);
      const t1 = performance.now();
      const single = await fetch(`${base}/files?name=one.bin`, {
        method: "POST",
        headers: { ...auth, "content-type": "application/octet-stream" },
        body: new Uint8Array(one),
      });
      if (single.status !== 201) throw new Error(`one-request upload: ${single.status}`);
      const oneSeconds = (performance.now() - t1) / 1000;

      const rows: Row[] = [
        {
          metric: `resumable upload of ${fmt.int(opts.uploadMiB)} MiB (${opts.uploadChunkMiB} MiB requests)`,
          value: `${seconds.toFixed(2)} s, ${(opts.uploadMiB / seconds).toFixed(0)} MiB/s`,
        },
        {
          metric: "server memory: before / peak during the upload",
          value: `${(rssBefore / 1024).toFixed(0)} / ${(peakKb / 1024).toFixed(0)} MiB`,
        },
        {
          metric: "one-request upload of 32 MiB",
          value: `${oneSeconds.toFixed(2)} s, ${(32 / oneSeconds).toFixed(0)} MiB/s`,
        },
      ];
      return {
        scenario: "upload",
        rows,
        data: { mib: opts.uploadMiB, chunkMiB: opts.uploadChunkMiB, seconds, oneSeconds, rssBefore, peakKb },
      };
    } finally {
      await run.finish();
    }
  } finally {
    await db.remove();
  }
}

/** `length` bytes of a repeating pseudo-random block, streamed 1 MiB at a time. */
function bytes(offset: number, length: number): ReadableStream<Uint8Array> {
  const block = new Uint8Array(MiB);
  for (let i = 0; i < MiB; i++) block[i] = (i * 2654435761) >>> 24;
  let sent = 0;
  return new ReadableStream({
    pull(controller) {
      if (sent >= length) {
        controller.close();
        return;
      }
      const n = Math.min(MiB, length - sent);
      const out = block.slice(0, n);
      out[0] = (offset + sent) & 0xff;
      controller.enqueue(out);
      sent += n;
    },
  });
}

/** The server's peak resident memory so far (VmHWM), in KiB. */
function peakRssKb(pid: number): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return m ? Number(m[1]) : 0;
}
