import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { SearchScope } from "@starling/protocol";
import sharp from "sharp";
import { compareStores, openPostgresStore, openSqliteStore } from "../../src/index.js";
import { starling, starlingAsync } from "../helpers/child-server.js";
import { login } from "../helpers/clients.js";
import { createPgSchema, postgresUnavailable } from "../helpers/stores.js";
import { startTestServer, type TestServer } from "../helpers/test-server.js";

const pgProblem = await postgresUnavailable();
if (pgProblem) console.log(`# sqlite-to-postgres migration test SKIPPED: ${pgProblem}`);

describe("backup, restore and migration to PostgreSQL", () => {
  const tmp = mkdtempSync(join(tmpdir(), "starling-backup-"));
  after(() => rmSync(tmp, { recursive: true, force: true }));
  const backup = join(tmp, "backup");
  const restored = join(tmp, "restored");

  test("an online backup restores to exactly what was stored when it was taken", async () => {
    const ts = await startTestServer();
    try {
      await ts.addUser("alice");
      await ts.addUser("bob");
      const alice = await login(ts, "alice");
      for (let i = 0; i < 100; i++) await alice.sdk.send({ to: "bob", text: `m${i}` });
      const g = await alice.sdk.createGroup("kept", ["bob"]);
      await alice.sdk.send({ conversationId: g.id, text: "in the group" });
      // The server keeps running (and writing) while the backup is taken.
      const writing = alice.sdk.send({ to: "bob", text: "concurrent" });
      assert.match(starling(["backup", "--out", backup, "--data-dir", ts.dataDir]), /backup of/);
      await writing;
      await alice.sdk.send({ to: "bob", text: "after the backup" });
      await alice.close();
      await ts.stop();
      assert.match(starling(["restore", "--from", backup, "--data-dir", restored]), /restored/);
      const store = await openSqliteStore({ path: join(restored, "starling.db") });
      try {
        const conv = await store.read.getConversation("d:alice@starling.local|bob@starling.local");
        // 100 messages, then one sent while the backup ran (in or out), never the one sent after it.
        assert.ok(conv && (conv.lastSeq === 100 || conv.lastSeq === 101), `last seq ${conv?.lastSeq}`);
        const rows = await store.read.getMessages(conv.id, 0, conv.lastSeq + 1, 500, false);
        rows.forEach((m, i) => assert.equal(m.seq, i + 1));
        assert.equal(
          rows.some((m) => m.clientMsgId && m.seq > 101),
          false,
          "nothing from after the backup",
        );
        assert.equal((await store.read.getConversation(g.id))?.lastSeq, 2);
      } finally {
        await store.close();
      }
    } finally {
      await ts.close();
    }
  });

  test("migrate copies every message, cursor and seq to PostgreSQL, and a server runs on the copy", {
    skip: pgProblem,
  }, async () => {
    const schema = await createPgSchema("migrate");
    const url = schema.url();
    try {
      const out = starling(["migrate", "--from", `sqlite:${restored}`, "--to", url]);
      assert.match(out, /verified/);
      assert.match(out, /messages: \d+ rows/);
      const a = await openSqliteStore({ path: join(restored, "starling.db") });
      const b = await openPostgresStore({ url });
      try {
        assert.deepEqual(await compareStores(a, b), []);
      } finally {
        await a.close();
        await b.close();
      }
      // A second copy into a database that already has users is refused.
      assert.throws(
        () => starling(["migrate", "--from", `sqlite:${restored}`, "--to", url]),
        /already holds users/,
      );
      const ts = await startTestServer({ db: url });
      try {
        const alice = await login(ts, "alice");
        const h = await alice.sdk.history("d:alice@starling.local|bob@starling.local", {
          afterSeq: 0,
          limit: 3,
        });
        assert.deepEqual(
          h.messages.map((m) => [Number(m.seq), m.content?.text]),
          [
            [1, "m0"],
            [2, "m1"],
            [3, "m2"],
          ],
        );
        const next = await alice.sdk.send({ to: "bob", text: "on postgres now" });
        const before = await ts.server.store.read.getConversation(next.conversationId);
        assert.equal(before?.lastSeq, Number(next.seq));
        // The search index came along, in its order, and new messages join it.
        const found = await alice.sdk.search("m0", { scope: SearchScope.MESSAGES });
        assert.deepEqual(
          found.messages.map((m) => m.message?.content?.text),
          ["m0"],
        );
        const newest = await alice.sdk.search("postgres", { scope: SearchScope.MESSAGES });
        assert.deepEqual(
          newest.messages.map((m) => Number(m.message?.seq)),
          [Number(next.seq)],
        );
        await alice.close();
      } finally {
        await ts.close();
      }
    } finally {
      await schema.drop();
    }
  });

  test("migrate copies the files' contents too, verified, and refuses a source a server is writing", {
    skip: pgProblem,
  }, async () => {
    const schema = await createPgSchema("migrate_files");
    const ts = await startTestServer({ "files.maxImagePixels": 4_000_000 });
    let onCopy: TestServer | undefined;
    try {
      await ts.addUser("alice");
      await ts.addUser("bob");
      const photo = await sharp({ create: { width: 400, height: 300, channels: 3, background: "#884422" } })
        .jpeg()
        .toBuffer();
      const alice = await login(ts, "alice");
      const token = alice.sdk.token as string;
      const up = await fetch(`http://127.0.0.1:${ts.server.httpPort}/api/v1/files?name=p.jpg`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}` },
        body: new Uint8Array(photo),
      });
      assert.equal(up.status, 201);
      const file = (await up.json()) as { id: string };
      await alice.sdk.send({ to: "bob", text: "a photo", attachments: [{ fileId: file.id }] });
      await alice.close();

      const refused = await starlingAsync([
        "migrate",
        "--from",
        `sqlite:${ts.dataDir}`,
        "--to",
        schema.url(),
      ]);
      assert.notEqual(refused.status, 0);
      assert.match(refused.stderr, /a server is running/);
      await ts.stop();

      const out = starling(["migrate", "--from", `sqlite:${ts.dataDir}`, "--to", schema.url()]);
      assert.match(out, /files: 2 copied, 0 already there, 0 missing in the source; verified by SHA-256/);
      assert.match(out, /verified: both databases/);

      // A server on the copy with a data folder of its own: the contents come from the database.
      onCopy = await startTestServer({ db: schema.url() });
      const bob = await login(onCopy, "bob");
      const base = `http://127.0.0.1:${onCopy.server.httpPort}/api/v1/files/${file.id}`;
      const auth = { authorization: `Bearer ${bob.sdk.token}` };
      const content = await fetch(`${base}/content`, { headers: auth });
      assert.equal(content.status, 200);
      assert.deepEqual(Buffer.from(await content.arrayBuffer()), photo);
      assert.equal((await fetch(`${base}/thumbnail`, { headers: auth })).status, 200);
      await bob.close();
    } finally {
      await onCopy?.close();
      await ts.close();
      await schema.drop();
    }
  });
});
