import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { LocalBlobStore } from "../../src/adapters/blobs/local-blob-store.js";
import { CHUNK_BYTES, PgBlobStore } from "../../src/adapters/blobs/pg-blob-store.js";
import type { BlobStore } from "../../src/core/kernel/ports.js";
import { createPgSchema, type PgSchema, postgresUnavailable } from "../helpers/stores.js";

/**
 * One suite, run against every BlobStore adapter: what the server does with
 * file contents must not depend on where they live.
 */
interface BlobStoreUnderTest {
  /** Another handle on the same store (another node). */
  open(): Promise<BlobStore>;
  drop(): Promise<void>;
}

async function folderStore(): Promise<BlobStoreUnderTest> {
  const root = mkdtempSync(join(tmpdir(), "starling-blobs-"));
  return {
    open: async () => new LocalBlobStore(root),
    drop: async () => rmSync(root, { recursive: true, force: true }),
  };
}

async function databaseStore(): Promise<BlobStoreUnderTest> {
  const schema: PgSchema = await createPgSchema("blobs");
  return { open: () => PgBlobStore.open({ url: schema.url() }), drop: () => schema.drop() };
}

const sha = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");
const collect = async (it: AsyncIterable<Uint8Array>) => {
  const parts: Buffer[] = [];
  for await (const p of it) parts.push(Buffer.from(p));
  return Buffer.concat(parts);
};
/** Yields `bytes` in pieces of `size`. */
async function* pieces(bytes: Buffer, size: number): AsyncIterable<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

const pgProblem = await postgresUnavailable();
if (pgProblem) console.log(`# database blob store contract SKIPPED: ${pgProblem}`);

for (const [name, make] of [
  ["folder", folderStore],
  ["database", databaseStore],
] as const) {
  describe(`blob store contract on ${name}`, { skip: name === "database" ? pgProblem : undefined }, () => {
    let sut: BlobStoreUnderTest;
    let blobs: BlobStore;
    let other: BlobStore;
    before(async () => {
      sut = await make();
      blobs = await sut.open();
      other = await sut.open();
    });
    after(async () => {
      await blobs.close?.();
      await other.close?.();
      await sut.drop();
    });

    test("put returns the SHA-256; whole and ranged reads; idempotent", async () => {
      const bytes = randomBytes(1000);
      const h = await blobs.put(bytes);
      assert.equal(h, sha(bytes));
      assert.equal(await blobs.put(bytes), h, "the same content again");
      assert.equal(await other.has(h), true, "another handle sees it");
      assert.deepEqual(await collect(other.read(h, 0, Number.MAX_SAFE_INTEGER)), bytes);
      assert.deepEqual(await collect(blobs.read(h, 10, 19)), bytes.subarray(10, 20));
      assert.deepEqual(await collect(blobs.read(h, 999, 999)), bytes.subarray(999));
    });

    test("a large stream spans chunks; ranges across chunk edges; nothing whole in memory is needed", async () => {
      const bytes = randomBytes(CHUNK_BYTES * 2 + 12345);
      const r = await blobs.putStream(pieces(bytes, 10_000));
      assert.deepEqual(r, { sha256: sha(bytes), size: bytes.length });
      assert.deepEqual(await collect(other.read(r.sha256, 0, bytes.length - 1)), bytes);
      const [s, e] = [CHUNK_BYTES - 5, 2 * CHUNK_BYTES + 5];
      assert.deepEqual(await collect(other.read(r.sha256, s, e)), bytes.subarray(s, e + 1));
      let largest = 0;
      for await (const p of other.read(r.sha256, 0, bytes.length - 1)) largest = Math.max(largest, p.length);
      assert.ok(largest <= CHUNK_BYTES, `pieces of at most a chunk, got ${largest}`);
    });

    test("one piece of several chunks (a one-request upload)", async () => {
      const bytes = randomBytes(CHUNK_BYTES * 3 + 1);
      const h = await blobs.put(bytes);
      assert.deepEqual(await collect(other.read(h, 0, bytes.length - 1)), bytes);
      assert.deepEqual(await collect(other.read(h, 3 * CHUNK_BYTES, 3 * CHUNK_BYTES)), bytes.subarray(-1));
    });

    test("a blob is invisible until it is complete", async () => {
      const bytes = randomBytes(CHUNK_BYTES + 100);
      let release = () => {};
      const gate = new Promise<void>((r) => {
        release = r;
      });
      let reachedGate = () => {};
      const atGate = new Promise<void>((r) => {
        reachedGate = r;
      });
      const writing = blobs.putStream(
        (async function* () {
          yield* pieces(bytes.subarray(0, bytes.length - 100), 50_000);
          reachedGate();
          await gate;
          yield bytes.subarray(bytes.length - 100);
        })(),
      );
      await atGate;
      assert.equal(await other.has(sha(bytes)), false, "half written");
      await assert.rejects(collect(other.read(sha(bytes), 0, 10)));
      release();
      await writing;
      assert.equal(await other.has(sha(bytes)), true);
    });

    test("a hash that does not match is refused and nothing is kept", async () => {
      const bytes = randomBytes(5000);
      const wrong = "0".repeat(64);
      await assert.rejects(blobs.putStream(pieces(bytes, 1000), wrong), /SHA-256/);
      assert.equal(await blobs.has(wrong), false);
      assert.equal(await blobs.has(sha(bytes)), false);
      assert.deepEqual(await blobs.putStream(pieces(bytes, 1000), sha(bytes)), {
        sha256: sha(bytes),
        size: bytes.length,
      });
    });

    test("putFile moves a local file in", async () => {
      const dir = mkdtempSync(join(tmpdir(), "starling-put-"));
      try {
        const bytes = randomBytes(CHUNK_BYTES + 7);
        const path = join(dir, "upload.part");
        writeFileSync(path, bytes);
        const r = await blobs.putFile(path);
        assert.deepEqual(r, { sha256: sha(bytes), size: bytes.length });
        assert.equal(existsSync(path), false, "the file is gone");
        assert.deepEqual(await collect(other.read(r.sha256, 0, bytes.length)), bytes);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    test("two writers of the same content at once both succeed", async () => {
      const bytes = randomBytes(CHUNK_BYTES * 2);
      const [a, b] = await Promise.all([
        blobs.putStream(pieces(bytes, 64 * 1024)),
        other.putStream(pieces(bytes, 64 * 1024)),
      ]);
      assert.deepEqual(a, b);
      assert.deepEqual(await collect(blobs.read(a.sha256, 0, bytes.length)), bytes);
    });

    test("unknown content: has is false and reading it fails", async () => {
      const h = sha(randomBytes(8));
      assert.equal(await blobs.has(h), false);
      await assert.rejects(collect(blobs.read(h, 0, 10)));
    });

    test("every handle on the store has the same id; another store has another", async () => {
      const id = await blobs.id();
      assert.ok(id.length > 8);
      assert.equal(await other.id(), id);
      const elsewhere = await make();
      const e = await elsewhere.open();
      try {
        assert.notEqual(await e.id(), id);
      } finally {
        await e.close?.();
        await elsewhere.drop();
      }
    });
  });
}
