/**
 * A generated organisation: `departments` departments in a three-level tree
 * and `users` people with Chinese names spread over them, written through
 * the store (pinyin computed as the server computes it), before any server
 * starts. Deterministic for a given size.
 */
import { EMPTY_PROFILE, type KyselyStore, nameKeys } from "@starling/server";
import { BENCH_DOMAIN } from "./users.js";

const SURNAMES =
  "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤";
const GIVEN =
  "伟芳娜秀敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍鹏建红飞鑫波斌宇浩凯健俊帆帅旭宁龙林欣佳琳雪婷晨晶颖倩琪慧嘉怡子涵梓萱一诺雨桐思远博文浩然宇轩天佑";

/** Rows per transaction. */
const BATCH = 2000;

function pick(s: string, n: number): string {
  return s[n % s.length] as string;
}

/** The display name of generated user `i`: a surname and one or two given-name characters. */
export function generatedName(i: number): string {
  const given = pick(GIVEN, i * 7 + 3) + (i % 3 === 0 ? "" : pick(GIVEN, Math.floor(i / 13) + i));
  return pick(SURNAMES, i * 31 + Math.floor(i / 97)) + given;
}

export interface GeneratedOrg {
  users: number;
  departments: number;
  /** The pinyin of a sample of users, to draw search prefixes from. */
  samplePinyin: string[];
  seconds: number;
}

/**
 * Users are bench users 0..users-1 (ids and tokens as users.ts makes them, already seeded):
 * this gives them names, pinyin, titles, e-mail and a department, and creates the tree.
 */
export async function generateOrg(
  store: KyselyStore,
  users: number,
  departments: number,
): Promise<GeneratedOrg> {
  const started = performance.now();
  const top = 10;
  const second = 100;
  const deptIds: string[] = [];
  let version = 0;
  await store.transaction(async (tx) => {
    version = await tx.nextDirectoryVersions(BENCH_DOMAIN, departments);
    for (let i = 0; i < departments; i++) {
      const parent = i < top ? "" : i < top + second ? `dep${i % top}` : `dep${top + (i % second)}`;
      await tx.upsertDepartment({
        id: `dep${i}`,
        domain: BENCH_DOMAIN,
        parentId: parent,
        name: `部门${i}`,
        sortOrder: i,
        deleted: false,
        version: version + i,
      });
      deptIds.push(`dep${i}`);
    }
  });
  const samplePinyin: string[] = [];
  for (let first = 0; first < users; first += BATCH) {
    const count = Math.min(BATCH, users - first);
    await store.transaction(async (tx) => {
      const v = await tx.nextDirectoryVersions(BENCH_DOMAIN, count);
      for (let i = first; i < first + count; i++) {
        const name = generatedName(i);
        const keys = nameKeys(name);
        if (i % 50 === 0) samplePinyin.push(keys.pinyin);
        await tx.updateUser(`u${i}@${BENCH_DOMAIN}`, {
          ...EMPTY_PROFILE,
          displayName: name,
          pinyin: keys.pinyin,
          pinyinInitials: keys.initials,
          title: i % 10 === 0 ? "经理" : "工程师",
          email: `u${i}@corp.example`,
          phone: `1380000${String(i).padStart(4, "0")}`,
          departmentId: deptIds[i % departments] as string,
          version: v + (i - first),
        });
      }
    });
  }
  return { users, departments, samplePinyin, seconds: (performance.now() - started) / 1000 };
}
