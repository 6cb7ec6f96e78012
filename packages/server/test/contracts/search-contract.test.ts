import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import {
  create,
  ErrorCode,
  MessageKind,
  type SearchResults,
  SearchSchema,
  SearchScope,
  SendMessageSchema,
} from "@starling/protocol";
import type { KyselyStore } from "../../src/adapters/store/kysely-store.js";
import type { Core } from "../../src/core/core.js";
import { coreOn, freshStore, postgresUnavailable, type StoreUnderTest } from "../helpers/stores.js";

/**
 * Search over the same fixtures on every store: Chinese substrings, mixed
 * text, prefixes, filters, paging, membership (current and former) and
 * recall. Each store must give exactly the expected results, so both give
 * the same.
 */
const pgProblem = await postgresUnavailable();
if (pgProblem) console.log(`# postgres search contract SKIPPED: ${pgProblem}`);

const D = "@example.com";
const results = new Map<string, Record<string, unknown>>();

for (const name of ["sqlite", "postgres"] as const) {
  const skip = name === "postgres" ? pgProblem : undefined;
  describe(`search contract on ${name}`, { skip }, () => {
    let sut: StoreUnderTest;
    let store: KyselyStore;
    let core: Core;
    let group = "";
    const seqs = new Map<string, string>();
    const seen: Record<string, unknown> = {};

    const send = async (from: string, key: string, text: string, to: { user?: string; conv?: string }) => {
      const ack = await core.send(
        from,
        create(SendMessageSchema, {
          toUserId: to.user ?? "",
          conversationId: to.conv ?? "",
          clientMsgId: key,
          content: { text },
        }),
      );
      seqs.set(`${ack.conversationId}#${ack.seq}`, key);
      return ack;
    };
    const find = async (who: string, query: string, opts: Record<string, unknown> = {}) => {
      const r = await core.search.search(
        `${who}${D}`,
        create(SearchSchema, { query, scope: SearchScope.MESSAGES, ...opts }),
      );
      return r;
    };
    const keys = (r: SearchResults) =>
      r.messages.map((h) => seqs.get(`${h.message?.conversationId}#${h.message?.seq}`));
    const check = async (
      who: string,
      query: string,
      expected: string[],
      opts: Record<string, unknown> = {},
    ) => {
      const got = keys(await find(who, query, opts));
      const filters = JSON.stringify(opts, (k, v) =>
        k === "conversationId" ? "group" : typeof v === "bigint" ? String(v) : v,
      );
      seen[`${who}:${query}:${filters}`] = got;
      assert.deepEqual(got, expected, `${who} searching "${query}"`);
    };

    before(async () => {
      sut = await freshStore(name);
      store = await sut.open();
      core = coreOn(store);
      await core.accounts.ensureDomain("example.com");
      const people: [string, string][] = [
        ["alice", "Alice"],
        ["bob", "Bob"],
        ["carol", "Carol"],
        ["dave", "Dave"],
        ["cq", "重庆"],
        ["eve", "Eve"],
        ["frank", "Frank"],
      ];
      for (const [u, display] of people)
        await core.accounts.createUser({ id: `${u}${D}`, password: `${u}-password`, displayName: display });
      await send(`alice${D}`, "m1", "我们的即时通讯系统很好用", { user: `bob${D}` });
      await send(`bob${D}`, "m2", "Deploy the Starling server today", { user: `alice${D}` });
      const g = await core.groups.create({ userId: `alice${D}` }, "重庆分部", [`bob${D}`, `carol${D}`]);
      group = g.id;
      await send(`alice${D}`, "m3", "重庆的火锅很好吃", { conv: group });
      await send(`carol${D}`, "m4", "Starling 用起来很方便，即时消息", { conv: group });
      await send(`bob${D}`, "m5", "the deployment went fine", { conv: group });
      const secret = await send(`alice${D}`, "m6", "秘密 recalled 即时", { user: `bob${D}` });
      await core.recaller.recall(`alice${D}`, secret.conversationId, Number(secret.seq));
      await send(`dave${D}`, "m7", "即时通讯 in another chat", { user: `carol${D}` });
      await core.groups.leave({ userId: `carol${D}` }, group);
      await send(`alice${D}`, "m8", "即时通讯 after carol left", { conv: group });
    });
    after(async () => {
      results.set(name, seen);
      await store.close();
      await sut.drop();
    });

    test("a Chinese word or substring inside a sentence is found", async () => {
      await check("alice", "即时通讯", ["m8", "m1"]);
      await check("alice", "通讯", ["m8", "m1"]);
      await check("alice", "时通讯系", ["m1"]);
      await check("alice", "讯", ["m8", "m1"]);
      await check("alice", "火锅", ["m3"]);
      await check("alice", "通讯录", []);
    });

    test("English words by prefix, case-insensitive; mixed text needs every term", async () => {
      await check("alice", "starling", ["m4", "m2"]);
      await check("alice", "STAR", ["m4", "m2"]);
      await check("alice", "deploy", ["m5", "m2"]);
      await check("alice", "Starling 即时", ["m4"]);
      await check("alice", "server 即时", []);
    });

    test("recalled messages and other people's conversations are never found", async () => {
      await check("alice", "即时", ["m8", "m4", "m1"]);
      await check("alice", "秘密", []);
      await check("bob", "recalled", []);
      await check("dave", "即时通讯", ["m7"]);
    });

    test("someone who left finds what was said before, not after", async () => {
      await check("carol", "即时", ["m7", "m4"]);
      await check("carol", "starling", ["m4"]);
      await check("carol", "carol", []);
    });

    test("filters: conversation, sender, time and kind", async () => {
      await check("alice", "即时", ["m8", "m4"], { conversationId: group });
      await check("alice", "starling", ["m4"], { senderId: "carol" });
      await check("alice", "即时", [], { untilTime: 1n });
      await check("alice", "即时", ["m8", "m4", "m1"], { sinceTime: 1n });
      await check("alice", "即时", ["m8", "m4", "m1"], { kind: MessageKind.TEXT });
      await check("alice", "即时", [], { kind: MessageKind.IMAGE });
    });

    test("pages follow the cursor to the end", async () => {
      const pages: string[][] = [];
      let cursor = "";
      for (let i = 0; i < 5; i++) {
        const r = await find("alice", "即时", { limit: 1, cursor });
        pages.push(keys(r) as string[]);
        cursor = r.nextCursor;
        if (!cursor) break;
      }
      assert.deepEqual(pages.flat(), ["m8", "m4", "m1"]);
    });

    test("snippets highlight the matches", async () => {
      const r = await find("alice", "即时通讯");
      const m1 = r.messages[1];
      assert.equal(m1?.snippet?.text, "我们的即时通讯系统很好用");
      assert.deepEqual(
        m1?.snippet?.highlights.map((h) => [h.offset, h.length]),
        [[3, 4]],
      );
      const en = await find("alice", "deploy");
      const h = en.messages[0]?.snippet?.highlights[0];
      assert.equal(
        en.messages[0]?.snippet?.text.slice(h?.offset, (h?.offset ?? 0) + (h?.length ?? 0)),
        "deploy",
      );
    });

    test("people by pinyin and initials, groups by name and pinyin", async () => {
      for (const q of ["chongqing", "cq", "重庆"]) {
        const r = await core.search.search(`alice${D}`, create(SearchSchema, { query: q }));
        assert.ok(
          r.people.some((p) => p.id === `cq${D}`),
          `person found by ${q}`,
        );
        assert.deepEqual(
          r.groups.map((g) => g.name),
          ["重庆分部"],
          `group found by ${q}`,
        );
      }
      const carol = await core.search.search(`carol${D}`, create(SearchSchema, { query: "cq" }));
      assert.deepEqual(carol.groups, [], "a group one has left is not listed");
    });

    test("a user who sees little of a busy index finds just their own, newest first", async () => {
      // 300 matching messages elsewhere, 3 in Eve's only chat: SQLite walks her chat rather than the index.
      await Promise.all(
        Array.from({ length: 300 }, (_, i) =>
          send(`bob${D}`, `busy${i}`, `项目进展 ${i}`, { user: `carol${D}` }),
        ),
      );
      for (const [i, text] of ["项目启动", "无关的话", "项目进展顺利", "项目结束"].entries())
        await send(i % 2 ? `frank${D}` : `eve${D}`, `e${i}`, text, { user: i % 2 ? `eve${D}` : `frank${D}` });
      await check("eve", "项目", ["e3", "e2", "e0"]);
      await check("eve", "项目进展", ["e2"]);
      await check("eve", "项目", ["e3"], { limit: 1 });
      await check("eve", "项目", ["e3"], { senderId: "frank", kind: MessageKind.TEXT, limit: 5 });
      await check("bob", "项目进展", ["busy299", "busy298"], { limit: 2 });
    });

    test("bad queries get a clear error", async () => {
      for (const query of ["", "   ", "x".repeat(201)]) {
        await assert.rejects(
          core.search.search(`alice${D}`, create(SearchSchema, { query })),
          (e: { code?: number }) => e.code === ErrorCode.INVALID_ARGUMENT,
        );
      }
      await assert.rejects(
        core.search.search(
          `alice${D}`,
          create(SearchSchema, { query: "x", scope: SearchScope.MESSAGES, cursor: "'; drop" }),
        ),
        (e: { code?: number }) => e.code === ErrorCode.INVALID_ARGUMENT,
      );
    });
  });
}

describe("search contract: both stores agree", { skip: pgProblem }, () => {
  test("every query gave the same results", () => {
    assert.deepEqual(results.get("postgres"), results.get("sqlite"));
  });
});
