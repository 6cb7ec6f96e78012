// What the Android vendor adapters do beyond the provider contract: renewing a lapsed access
// token, Xiaomi's pass-through clear, vivo's repeat-safe request id, the vendors' text limits,
// and turning each provider on from the configuration.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { loadConfig } from "../../src/adapters/config/load.js";
import { OppoProvider } from "../../src/adapters/push/oppo.js";
import { VivoProvider } from "../../src/adapters/push/vivo.js";
import { XiaomiProvider } from "../../src/adapters/push/xiaomi.js";
import { buildPushProviders } from "../../src/push-providers.js";
import { pushCase as honorCase } from "../contracts/push-cases/honor.js";
import { pushCase as huaweiCase } from "../contracts/push-cases/huawei.js";
import { pushCase as oppoCase } from "../contracts/push-cases/oppo.js";
import { pushCase as vivoCase } from "../contracts/push-cases/vivo.js";
import { pushCase as xiaomiCase } from "../contracts/push-cases/xiaomi.js";
import {
  notification,
  type ProviderCase,
  type ProviderEmulator,
  pushTarget,
} from "../contracts/push-provider.js";
import type { EmulatorState } from "../helpers/push-emulators/base.js";
import { startOppoEmulator } from "../helpers/push-emulators/oppo.js";
import { startVivoEmulator } from "../helpers/push-emulators/vivo.js";
import { startXiaomiEmulator } from "../helpers/push-emulators/xiaomi.js";

const target = pushTarget;

const withTokens = { huawei: huaweiCase, honor: honorCase, oppo: oppoCase, vivo: vivoCase };

/** A case's emulator with its state, which every emulator of a vendor with access tokens shows. */
async function start(c: ProviderCase) {
  const { emulator, provider, wrongCredentials } = await c.start();
  await wrongCredentials.close?.();
  const state = (emulator as ProviderEmulator & { state: EmulatorState }).state;
  return {
    provider,
    state,
    validToken: emulator.validToken,
    received: emulator.received,
    stop: emulator.stop,
  };
}

describe("vendor access tokens", () => {
  for (const [name, c] of Object.entries(withTokens)) {
    test(`${name}: one token serves many sends; a lapsed one is renewed and the send repeated once`, async () => {
      const s = await start(c);
      try {
        assert.deepEqual(await s.provider.send(target(s.validToken), notification()), { ok: true });
        assert.deepEqual(await s.provider.send(target(s.validToken), notification({ seq: 8 })), { ok: true });
        assert.equal(s.state.tokensIssued, 1);
        s.state.expireTokens();
        const before = s.received.length;
        assert.deepEqual(await s.provider.send(target(s.validToken), notification({ seq: 9 })), { ok: true });
        assert.equal(s.state.tokensIssued, 2);
        assert.equal(s.received.length, before + 1);
      } finally {
        await s.stop();
      }
    });
  }

  test("concurrent sends share one token request", async () => {
    const s = await start(huaweiCase);
    try {
      const outs = await Promise.all(
        [1, 2, 3, 4].map((seq) => s.provider.send(target(s.validToken), notification({ seq }))),
      );
      assert.deepEqual(outs, [{ ok: true }, { ok: true }, { ok: true }, { ok: true }]);
      assert.equal(s.state.tokensIssued, 1);
    } finally {
      await s.stop();
    }
  });
});

describe("vendor message details", () => {
  test("xiaomi: a conversation keeps one notify_id; a clear is a pass-through carrying it", async () => {
    const e = await startXiaomiEmulator();
    try {
      const p = new XiaomiProvider({ appSecret: e.appSecret, apiUrl: e.url, channelId: "starling_messages" });
      await p.send(target(e.validToken), notification());
      await p.send(target(e.validToken), notification({ seq: 8 }));
      await p.send(target(e.validToken), notification({ conversationId: "d:other" }));
      await p.send(target(e.validToken), notification({ kind: "clear", quiet: true }));
      const [first, second, other, clear] = e.forms;
      assert.ok(first && second && other && clear);
      assert.equal(first.get("notify_id"), second.get("notify_id"));
      assert.notEqual(first.get("notify_id"), other.get("notify_id"));
      assert.equal(first.get("pass_through"), "0");
      assert.equal(first.get("extra.channel_id"), "starling_messages");
      assert.equal(clear.get("pass_through"), "1");
      assert.equal(clear.get("title"), null);
      const payload = JSON.parse(clear.get("payload") ?? "{}") as { kind?: string; notifyId?: number };
      assert.equal(payload.kind, "clear");
      assert.equal(String(payload.notifyId), first.get("notify_id"));
    } finally {
      await e.stop();
    }
  });

  test("vivo: the same notification sent again carries the same requestId, another one a new id", async () => {
    const e = await startVivoEmulator();
    try {
      const p = new VivoProvider({ appId: e.appId, appKey: e.appKey, appSecret: e.appSecret, apiUrl: e.url });
      await p.send(target(e.validToken), notification());
      await p.send(target(e.validToken), notification());
      await p.send(target(e.validToken), notification({ seq: 8 }));
      const [a, b, c] = e.requestIds;
      assert.equal(a, b);
      assert.notEqual(a, c);
    } finally {
      await e.stop();
    }
  });

  test("long titles and previews are cut to each vendor's limits, with an ellipsis", async () => {
    const title = "研发部全体同事春节联欢晚会筹备委员会第二工作小组";
    const body = "明天上午十点在三楼大会议室开会，请大家准时参加，带上笔记本电脑和上周的周报。".repeat(8);
    const vivo = await startVivoEmulator();
    const oppo = await startOppoEmulator();
    try {
      const v = new VivoProvider({
        appId: vivo.appId,
        appKey: vivo.appKey,
        appSecret: vivo.appSecret,
        apiUrl: vivo.url,
      });
      assert.deepEqual(await v.send(target(vivo.validToken), notification({ title, body })), { ok: true });
      const o = new OppoProvider({
        appKey: oppo.appKey,
        masterSecret: oppo.masterSecret,
        apiUrl: oppo.url,
        channelId: "",
      });
      assert.deepEqual(await o.send(target(oppo.validToken), notification({ title, body })), { ok: true });
      for (const got of [vivo.received.at(-1), oppo.received.at(-1)]) {
        assert.ok(got);
        assert.ok(got.body.endsWith("…"));
        assert.ok(body.startsWith(got.body.slice(0, -1)));
      }
      assert.equal(vivo.received.at(-1)?.title, "研发部全体同事春节联欢晚会筹备委员会第…");
      assert.equal(oppo.received.at(-1)?.title, title);
    } finally {
      await vivo.stop();
      await oppo.stop();
    }
  });
  test("a very long preview still reaches the device: the payload carries it cut as shown", async () => {
    const body = "明天上午十点在三楼大会议室开会，请大家准时参加。".repeat(150);
    for (const c of [huaweiCase, honorCase, xiaomiCase, oppoCase]) {
      const { emulator, provider, wrongCredentials } = await c.start();
      try {
        assert.deepEqual(
          await provider.send(target(emulator.validToken), notification({ body })),
          { ok: true },
          c.name,
        );
        assert.ok(emulator.received.at(-1)?.body.endsWith("…"), c.name);
      } finally {
        await wrongCredentials.close?.();
        await emulator.stop();
      }
    }
  });
});

describe("vendor providers from the configuration", () => {
  const warnings: string[] = [];
  const log = {
    debug() {},
    info() {},
    warn(_o: object, msg?: string) {
      warnings.push(msg ?? "");
    },
    error() {},
  };

  test("a vendor is on when all its credentials are given, off (with a warning) when only some", async () => {
    const config = loadConfig({
      file: undefined,
      env: {
        STARLING_PUSH_HUAWEI_APP_ID: "104567891",
        STARLING_PUSH_HUAWEI_CLIENT_SECRET: "s",
        STARLING_PUSH_XIAOMI_APP_SECRET: "s",
        STARLING_PUSH_OPPO_APP_KEY: "k",
        STARLING_PUSH_OPPO_MASTER_SECRET: "s",
        STARLING_PUSH_VIVO_APP_ID: "1",
        STARLING_PUSH_VIVO_APP_KEY: "k",
        STARLING_PUSH_VIVO_APP_SECRET: "s",
        STARLING_PUSH_HONOR_APP_ID: "104433221",
      },
    });
    const built = await buildPushProviders({ config, dataDir: "./data", log });
    const names = built.providers.map((p) => p.name);
    for (const n of ["huawei", "xiaomi", "oppo", "vivo"]) assert.ok(names.includes(n), n);
    assert.ok(!names.includes("honor"));
    assert.ok(warnings.some((w) => w.includes("push.honor")));
  });

  test("with no vendor settings, no vendor provider", async () => {
    const built = await buildPushProviders({ config: loadConfig({ env: {} }), dataDir: "./data", log });
    const vendors = ["huawei", "xiaomi", "oppo", "vivo", "honor"];
    assert.deepEqual(
      built.providers.map((p) => p.name).filter((n) => vendors.includes(n)),
      [],
    );
  });
});

describe("vendor device tokens at registration", () => {
  for (const c of [huaweiCase, honorCase, oppoCase, vivoCase, xiaomiCase]) {
    test(`${c.name}: its emulator's tokens are accepted, an empty or spaced one is refused with a reason`, async () => {
      const { emulator, provider, wrongCredentials } = await c.start();
      try {
        assert.ok(provider.checkToken);
        assert.equal(provider.checkToken(emulator.validToken), undefined);
        assert.match(provider.checkToken("") ?? "", /8 to 512/);
        assert.match(provider.checkToken("abc def ghi jkl") ?? "", /without spaces/);
      } finally {
        await wrongCredentials.close?.();
        await emulator.stop();
      }
    });
  }
});
