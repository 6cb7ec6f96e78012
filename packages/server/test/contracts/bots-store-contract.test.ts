import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { ErrorCode, type StarlingError } from "@starling/protocol";
import type { KyselyStore } from "../../src/adapters/store/kysely-store.js";
import type { Core } from "../../src/core/core.js";
import type { BotTokenRecord, WebhookRecord } from "../../src/core/kernel/records.js";
import { coreOn, freshStore, postgresUnavailable, type StoreUnderTest } from "../helpers/stores.js";

/**
 * The bots store slice on every store: the bot flag on a user, tokens by hash and per bot,
 * revocation by (bot, id) only, webhooks by id and per conversation; and a token signing in
 * through accounts' resume with its scopes, until revoked.
 */
const pgProblem = await postgresUnavailable();
if (pgProblem) console.log(`# postgres bots store contract SKIPPED: ${pgProblem}`);

const D = "@example.com";
const system = { actor: "system", source: "test" };

const token = (hash: string, id: string, botId: string, at: number): BotTokenRecord => ({
  tokenHash: hash,
  id,
  botId,
  label: `label ${id}`,
  scopes: ["messages:send", "groups:read"],
  createdAt: at,
  createdBy: "system",
});

const hook = (id: string, conversationId: string, at: number): WebhookRecord => ({
  id,
  secretHash: `hash-${id}`,
  conversationId,
  botId: `ci${D}`,
  label: `hook ${id}`,
  createdAt: at,
  createdBy: `alice${D}`,
});

for (const name of ["sqlite", "postgres"] as const) {
  const skip = name === "postgres" ? pgProblem : undefined;
  describe(`bots store contract on ${name}`, { skip }, () => {
    let sut: StoreUnderTest;
    let store: KyselyStore;
    let core: Core;
    let t = 1_700_000_000_000;

    before(async () => {
      sut = await freshStore(name);
      store = await sut.open();
      core = coreOn(store, "example.com", undefined, { now: () => t++ });
      await core.accounts.ensureDomain("example.com");
      await core.accounts.createUser({ id: `alice${D}`, password: "alice-password" });
      await core.bots.create(system, `ci${D}`, "CI");
    });
    after(async () => {
      await store.close();
      await sut.drop();
    });

    test("a bot is a user with the flag and no password", async () => {
      const bot = await store.read.getUser(`ci${D}`);
      assert.equal(bot?.bot, true);
      assert.equal(bot?.passwordHash, "");
      assert.equal((await store.read.getUser(`alice${D}`))?.bot, false);
      const err = (await core.accounts
        .login(`ci${D}`, "", "127.0.0.1", { deviceId: "d", platform: "test" })
        .catch((e) => e)) as StarlingError;
      assert.equal(err.code, ErrorCode.BAD_CREDENTIALS);
    });

    test("tokens are stored as given, read by hash and listed per bot in order", async () => {
      await store.transaction((tx) => tx.insertBotToken(token("h2", "t2", `ci${D}`, 2000)));
      await store.transaction((tx) => tx.insertBotToken(token("h1", "t1", `ci${D}`, 1000)));
      assert.deepEqual(await store.read.getBotToken("h1"), token("h1", "t1", `ci${D}`, 1000));
      assert.equal(await store.read.getBotToken("nope"), undefined);
      assert.deepEqual(
        (await store.read.listBotTokens(`ci${D}`)).map((x) => x.id),
        ["t1", "t2"],
      );
      assert.deepEqual(await store.read.listBotTokens(`alice${D}`), []);
    });

    test("a token is deleted by its bot and id only, giving its hash", async () => {
      assert.equal(await store.transaction((tx) => tx.deleteBotToken(`alice${D}`, "t1")), undefined);
      assert.equal(await store.transaction((tx) => tx.deleteBotToken(`ci${D}`, "t1")), "h1");
      assert.equal(await store.transaction((tx) => tx.deleteBotToken(`ci${D}`, "t1")), undefined);
      assert.equal(await store.read.getBotToken("h1"), undefined);
    });

    test("an issued token signs in with its scopes until revoked", async () => {
      const issued = await core.bots.issueToken(system, `ci${D}`, "", ["messages:read"]);
      const auth = await core.accounts.resume(issued.token);
      assert.equal(auth.user.id, `ci${D}`);
      assert.deepEqual(auth.scopes, ["messages:read"]);
      assert.equal(await core.accounts.standing(auth.tokenHash), undefined);
      await core.bots.revokeToken(system, `ci${D}`, issued.id);
      const err = (await core.accounts.resume(issued.token).catch((e) => e)) as StarlingError;
      assert.equal(err.code, ErrorCode.TOKEN_INVALID);
      assert.equal(await core.accounts.standing(auth.tokenHash), "logged_out");
    });

    test("webhooks are read by id, listed per conversation and deleted there only", async () => {
      await store.transaction((tx) => tx.insertWebhook(hook("w2", "g1", 2000)));
      await store.transaction((tx) => tx.insertWebhook(hook("w1", "g1", 1000)));
      await store.transaction((tx) => tx.insertWebhook(hook("w3", "g2", 3000)));
      assert.deepEqual(await store.read.getWebhook("w1"), hook("w1", "g1", 1000));
      assert.deepEqual(
        (await store.read.listWebhooks("g1")).map((h) => h.id),
        ["w1", "w2"],
      );
      assert.equal(await store.transaction((tx) => tx.deleteWebhook("g2", "w1")), false);
      assert.equal(await store.transaction((tx) => tx.deleteWebhook("g1", "w1")), true);
      assert.equal(await store.read.getWebhook("w1"), undefined);
      assert.deepEqual(
        (await store.read.listWebhooks("g1")).map((h) => h.id),
        ["w2"],
      );
    });
  });
}
