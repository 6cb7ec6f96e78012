import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { create, ErrorCode, SearchSchema, SearchScope, SendMessageSchema } from "@starling/protocol";
import { LocalBlobStore } from "../../src/adapters/blobs/local-blob-store.js";
import type { KyselyStore } from "../../src/adapters/store/kysely-store.js";
import type { Core } from "../../src/core/core.js";
import { coreOn, freshStore, postgresUnavailable, type StoreUnderTest } from "../helpers/stores.js";

/**
 * A conversation's file list (a files search with no query and a
 * conversation) on every store: newest shared first, in pages, by the read
 * rule as history reads it (a member who joined later sees everything, a
 * former member what was shared before leaving, an outsider NOT_FOUND),
 * and a recalled file is gone from it.
 */
const pgProblem = await postgresUnavailable();
if (pgProblem) console.log(`# postgres chat files contract SKIPPED: ${pgProblem}`);

const D = "@example.com";

for (const name of ["sqlite", "postgres"] as const) {
  const skip = name === "postgres" ? pgProblem : undefined;
  describe(`a chat's file list on ${name}`, { skip }, () => {
    let sut: StoreUnderTest;
    let store: KyselyStore;
    let core: Core;
    let blobDir = "";
    let group = "";
    let n = 0;

    const share = async (from: string, fileName: string, conv: string) => {
      const files = core.files;
      assert.ok(files);
      const f = await files.upload(`${from}${D}`, fileName, Buffer.from(`${fileName} ${++n}`));
      await core.send(
        `${from}${D}`,
        create(SendMessageSchema, {
          conversationId: conv,
          clientMsgId: `c${n}`,
          content: { attachments: [{ fileId: f.id }] },
        }),
      );
      return f.id;
    };
    const list = (who: string, opts: { limit?: number; cursor?: string; query?: string } = {}) =>
      core.search.search(
        `${who}${D}`,
        create(SearchSchema, { scope: SearchScope.FILES, conversationId: group, query: "", ...opts }),
      );
    const names = async (who: string) => (await list(who)).files.map((f) => f.name);

    before(async () => {
      sut = await freshStore(name);
      store = await sut.open();
      blobDir = mkdtempSync(join(tmpdir(), "starling-chat-files-"));
      core = coreOn(store, "example.com", undefined, undefined, { blobs: new LocalBlobStore(blobDir) });
      await core.accounts.ensureDomain("example.com");
      for (const u of ["alice", "bob", "carol", "dave", "mallory"])
        await core.accounts.createUser({ id: `${u}${D}`, password: `${u}-password` });
      group = (await core.groups.create({ userId: `alice${D}` }, "项目组", [`bob${D}`, `carol${D}`])).id;
      await share("alice", "plan.pdf", group);
      await share("bob", "notes.txt", group);
      await core.groups.leave({ userId: `carol${D}` }, group);
      await share("alice", "after-carol.txt", group);
      await core.groups.addMembers({ userId: `alice${D}` }, group, [`dave${D}`]);
      await share("bob", "budget.xlsx", group);
      const other = await core.groups.create({ userId: `alice${D}` }, "other", [`mallory${D}`]);
      await share("alice", "elsewhere.txt", other.id);
    });
    after(async () => {
      await store.close();
      await sut.drop();
      rmSync(blobDir, { recursive: true, force: true });
    });

    test("lists the conversation's files newest shared first, with who and where", async () => {
      const r = await list("alice");
      assert.deepEqual(
        r.files.map((f) => f.name),
        ["budget.xlsx", "after-carol.txt", "notes.txt", "plan.pdf"],
      );
      assert.deepEqual(
        r.files.map((f) => f.uploader),
        [`bob${D}`, `alice${D}`, `bob${D}`, `alice${D}`],
      );
      assert.ok(r.files.every((f) => f.conversationId === group && f.seq > 0n && f.size > 0n));
      const seqs = r.files.map((f) => Number(f.seq));
      assert.deepEqual(
        seqs,
        [...seqs].sort((a, b) => b - a),
      );
      assert.equal(r.nextCursor, "");
    });

    test("pages with the cursor, nothing twice", async () => {
      const first = await list("bob", { limit: 3 });
      assert.equal(first.files.length, 3);
      assert.notEqual(first.nextCursor, "");
      const second = await list("bob", { limit: 3, cursor: first.nextCursor });
      assert.deepEqual(
        second.files.map((f) => f.name),
        ["plan.pdf"],
      );
      assert.equal(second.nextCursor, "");
    });

    test("as history: a later member sees all, a former member up to leaving, an outsider NOT_FOUND", async () => {
      assert.deepEqual(await names("dave"), ["budget.xlsx", "after-carol.txt", "notes.txt", "plan.pdf"]);
      assert.deepEqual(await names("carol"), ["notes.txt", "plan.pdf"]);
      await assert.rejects(list("mallory"), (e: { code?: number }) => e.code === ErrorCode.NOT_FOUND);
    });

    test("a query still narrows by name; no query needs a conversation", async () => {
      assert.deepEqual(
        (await list("alice", { query: "TXT" })).files.map((f) => f.name),
        ["after-carol.txt", "notes.txt"],
      );
      await assert.rejects(
        core.search.search(`alice${D}`, create(SearchSchema, { scope: SearchScope.FILES, query: "" })),
        (e: { code?: number }) => e.code === ErrorCode.INVALID_ARGUMENT,
      );
      await assert.rejects(
        core.search.search(`alice${D}`, create(SearchSchema, { conversationId: group, query: " " })),
        (e: { code?: number }) => e.code === ErrorCode.INVALID_ARGUMENT,
      );
    });

    test("a recalled file leaves the list", async () => {
      const conv = await core.history.page(`alice${D}`, group, { afterSeq: 0, beforeSeq: 0, limit: 50 });
      const last = conv.messages.filter((m) => m.content?.attachments.length).at(-1);
      assert.ok(last);
      await core.recaller.recall(`bob${D}`, group, Number(last.seq));
      assert.deepEqual(await names("alice"), ["after-carol.txt", "notes.txt", "plan.pdf"]);
    });
  });
}
