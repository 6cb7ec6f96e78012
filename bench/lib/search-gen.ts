/**
 * Fills a store with `count` searchable messages for the search benchmark,
 * before any server starts: CONVERSATIONS groups (bench user 1 in all of
 * them, bench user 0 in every tenth, bench user 2 in the first only), messages spread over them in time
 * order, each four phrases from a fixed vocabulary joined by "，". Messages,
 * the search rows and their tokens are written by set-based SQL in exactly
 * the rows the server writes (tokens as core/search/tokens.ts makes them).
 */
import { join } from "node:path";
import { indexTokens, tsVector } from "@starling/server";
import Database from "better-sqlite3";
import pg from "pg";
import { BENCH_PG_URL, type BenchDb } from "./bench-db.js";
import { BENCH_DOMAIN, userId } from "./users.js";

export const CONVERSATIONS = 1000;
const CHUNK = 500_000;

/** Everyday office phrases; four per message. */
export const VOCABULARY = [
  ..."项目 进展 会议 明天 今天 下午 上午 客户 需求 方案 报告 周报 合同 预算 审批 发布 版本 测试 上线 问题 修复 设计 评审 文档 数据 系统 服务器 数据库 接口 部署 即时通讯 消息 通知 安排 时间 地点 同事 部门 经理 总监 财务 人事 行政 采购 销售 市场 运营 产品 研发 质量 安全 培训 招聘 面试 入职 离职 请假 出差 报销 发票 订单 库存 物流 仓库 供应商 合作 协议 签字 盖章 确认 收到 好的 谢谢 辛苦 没问题 稍等 马上 已经 还没 需要 可以 不行 讨论 沟通 反馈 跟进 处理 完成 延期 提前 计划 目标 指标 绩效 考核 年终 奖金 工资 社保 公积金 福利 团建 聚餐 生日 节日 假期 加班 值班 巡检 故障 告警 监控 日志 备份 恢复 迁移 扩容 重庆 北京 上海 深圳 广州 杭州 成都 武汉 南京 西安".split(
    " ",
  ),
  ..."deploy release meeting report budget customer server database review design".split(" "),
];

/** Two-character Chinese queries drawn from the vocabulary, as the issue asks for. */
export const QUERIES = VOCABULARY.filter((w) => /^\p{Script=Han}{2}$/u.test(w));

/** Bench users in group k. */
const members = (k: number) => [...(k % 10 === 0 ? [0] : []), 1, ...(k === 0 ? [2] : [])];

export function searchConversationId(k: number): string {
  return `g:bench${String(k).padStart(5, "0")}`;
}

export async function generateSearchData(
  db: BenchDb,
  count: number,
  log: (message: string) => void,
): Promise<{ seconds: number }> {
  const started = performance.now();
  const now = Date.now();
  const t0 = now - count;
  const perConv = Math.ceil(count / CONVERSATIONS);
  const store = await db.open();
  try {
    await store.transaction(async (tx) => {
      for (let k = 0; k < CONVERSATIONS; k++) {
        const id = searchConversationId(k);
        const version = await tx.nextVersions(1);
        await tx.insertConversation({
          id,
          kind: "group",
          domain: BENCH_DOMAIN,
          name: `bench group ${k}`,
          lastSeq: perConv,
          memberCount: members(k).length,
          memberVersion: 1,
          disbanded: false,
          createdAt: t0,
          version,
        });
        for (const u of members(k))
          await tx.upsertMember({
            conversationId: id,
            userId: userId(u),
            role: u === 1 ? "owner" : "member",
            active: true,
            readSeq: 0,
            deliveredSeq: 0,
            joinedAt: t0,
            version,
          });
      }
    });
  } finally {
    await store.close();
  }
  const vocab = VOCABULARY.map((word, i) => {
    const tokens = indexTokens(word);
    return { i, word, tokens: tokens.join(" "), tsv: tsVector(tokens) };
  });
  const p = { convs: CONVERSATIONS, t0, sender: userId(1), vocab: vocab.length };
  if (db.kind === "sqlite") fillSqlite(join(db.nodeDir(0), "starling.db"), count, p, vocab, log);
  else await fillPostgres(db.schema as string, count, p, vocab, log);
  return { seconds: (performance.now() - started) / 1000 };
}

interface Params {
  convs: number;
  t0: number;
  sender: string;
  vocab: number;
}
type Vocab = { i: number; word: string; tokens: string; tsv: string }[];

/** Word j of message x: a fixed pseudo-random pick, the same in both dialects. */
const pick = (j: number, alias: string) =>
  `((x * ${[7919, 104729, 1299709, 15485863][j]} + ${j * 13}) % @vocab)`.replace("@vocab", alias);

function fillSqlite(path: string, count: number, p: Params, vocab: Vocab, log: (m: string) => void) {
  const sqlite = new Database(path);
  try {
    sqlite.pragma("journal_mode = WAL");
    sqlite.pragma("synchronous = OFF");
    sqlite.exec("create temp table vocab (i integer primary key, word text, tokens text)");
    const add = sqlite.prepare("insert into vocab (i, word, tokens) values (?, ?, ?)");
    for (const v of vocab) add.run(v.i, v.word, v.tokens);
    const words = [0, 1, 2, 3].map((j) => `(select word from vocab where i = ${pick(j, String(p.vocab))})`);
    const toks = [0, 1, 2, 3].map((j) => `(select tokens from vocab where i = ${pick(j, String(p.vocab))})`);
    sqlite.exec(`create temp table gen (x integer primary key, text text, tokens text)`);
    const fill = sqlite.prepare(`
      with recursive g(x) as (select @lo union all select x + 1 from g where x < @hi)
      insert into gen (x, text, tokens)
      select x, ${words.join(" || '，' || ")}, ${toks.join(" || ' ' || ")} from g`);
    const conv = `'g:bench' || printf('%05d', (x - 1) % ${p.convs})`;
    const seq = `((x - 1) / ${p.convs} + 1)`;
    const messages = sqlite.prepare(`
      insert into messages (conversation_id, seq, sender_id, client_msg_id, server_time, content)
      select ${conv}, ${seq}, @sender, 's' || x, @t0 + x,
             cast(char(10, length(cast(text as blob))) || text as blob)
      from gen`);
    const search = sqlite.prepare(`
      insert into message_search (id, conversation_id, seq, sender_id, server_time, kind)
      select x, ${conv}, ${seq}, @sender, @t0 + x, 'text' from gen`);
    // Every message also carries its conversation's token (conversationToken in tokens.ts).
    const fts = sqlite.prepare(
      `insert into message_fts (rowid, tokens) select x, tokens || ' zc' || lower(hex(cast(${conv} as blob))) from gen`,
    );
    for (let lo = 1; lo <= count; lo += CHUNK) {
      const hi = Math.min(count, lo + CHUNK - 1);
      sqlite.transaction(() => {
        sqlite.exec("delete from gen");
        fill.run({ lo, hi });
        messages.run({ sender: p.sender, t0: p.t0 });
        search.run({ sender: p.sender, t0: p.t0 });
        fts.run();
      })();
      log(`search: ${hi.toLocaleString("en-US")} of ${count.toLocaleString("en-US")} messages (sqlite)`);
    }
    sqlite.exec("insert into message_fts (message_fts) values ('optimize')");
    sqlite.pragma("wal_checkpoint(TRUNCATE)");
    sqlite.exec("analyze");
  } finally {
    sqlite.close();
  }
}

async function fillPostgres(
  schema: string,
  count: number,
  p: Params,
  vocab: Vocab,
  log: (m: string) => void,
) {
  const client = new pg.Client({ connectionString: BENCH_PG_URL, options: `-c search_path=${schema}` });
  await client.connect();
  try {
    await client.query("set synchronous_commit = off");
    await client.query("create temp table vocab (i int primary key, word text, tsv tsvector)");
    for (const v of vocab)
      await client.query("insert into vocab values ($1, $2, $3::tsvector)", [v.i, v.word, v.tsv]);
    await client.query("drop index message_search_tokens");
    const w = (j: number, col: string) => `(select ${col} from vocab where i = ${pick(j, String(p.vocab))})`;
    const text = [0, 1, 2, 3].map((j) => w(j, "word")).join(" || '，' || ");
    const tsv = [0, 1, 2, 3].map((j) => w(j, "tsv")).join(" || ");
    const conv = `'g:bench' || lpad(((x - 1) % ${p.convs})::text, 5, '0')`;
    const seq = `((x - 1) / ${p.convs} + 1)`;
    for (let lo = 1; lo <= count; lo += CHUNK) {
      const hi = Math.min(count, lo + CHUNK - 1);
      await client.query("begin");
      await client.query(
        `create temp table gen on commit drop as
         select x, ${text} as text, ${tsv} as tsv from generate_series($1::bigint, $2::bigint) as x`,
        [lo, hi],
      );
      await client.query(
        `insert into messages (conversation_id, seq, sender_id, client_msg_id, server_time, content)
         select ${conv}, ${seq}, $1, 's' || x, $2::bigint + x,
                '\\x0a'::bytea || set_byte('\\x00'::bytea, 0, octet_length(convert_to(text, 'UTF8')))
                  || convert_to(text, 'UTF8')
         from gen`,
        [p.sender, p.t0],
      );
      await client.query(
        `insert into message_search (id, conversation_id, seq, sender_id, server_time, kind, tokens)
         select x, ${conv}, ${seq}, $1, $2::bigint + x, 'text',
                tsv || ('zc' || encode(convert_to(${conv}, 'UTF8'), 'hex'))::tsvector
         from gen`,
        [p.sender, p.t0],
      );
      await client.query("commit");
      log(`search: ${hi.toLocaleString("en-US")} of ${count.toLocaleString("en-US")} messages (postgres)`);
    }
    await client.query(`select setval(pg_get_serial_sequence('message_search', 'id'), $1)`, [count]);
    log("search: building the GIN index (postgres)");
    await client.query("set maintenance_work_mem = '512MB'");
    await client.query("create index message_search_tokens on message_search using gin (tokens)");
    await client.query("vacuum analyze messages");
    await client.query("vacuum analyze message_search");
    // As autovacuum would soon: without statistics the planner takes a user for a member of 4 groups.
    await client.query("analyze members");
    await client.query("analyze conversations");
  } finally {
    await client.end();
  }
}
