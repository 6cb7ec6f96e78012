// One suite for every PushProvider adapter, each against its provider's emulator on loopback.
// The cases live in push-cases/*.ts (each exports `pushCase: ProviderCase`).
import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { after, before, describe, test } from "node:test";
import type { PushProvider } from "../../src/core/push/provider.js";
import { notification, type ProviderCase, type ProviderEmulator, pushTarget } from "./push-provider.js";

const dir = new URL("./push-cases/", import.meta.url);
const cases: ProviderCase[] = [];
for (const file of readdirSync(dir)
  .filter((f) => f.endsWith(".ts"))
  .sort()) {
  const mod = (await import(new URL(file, dir).href)) as { pushCase: ProviderCase };
  cases.push(mod.pushCase);
}

for (const c of cases) {
  const problem = c.unavailable ? await c.unavailable() : undefined;
  if (problem) console.log(`# push provider ${c.name} SKIPPED: ${problem}`);
  describe(`push provider ${c.name}`, { skip: problem }, () => {
    let emulator: ProviderEmulator;
    let provider: PushProvider;
    let wrong: PushProvider;
    before(async () => {
      ({ emulator, provider, wrongCredentials: wrong } = await c.start());
    });
    after(async () => {
      await provider?.close?.();
      await wrong?.close?.();
      await emulator?.stop();
    });
    const target = pushTarget;

    test("a message reaches the device with its title, text, collapse key and badge", async () => {
      const before = emulator.received.length;
      const out = await provider.send(target(emulator.validToken), notification());
      assert.deepEqual(out, { ok: true });
      assert.equal(emulator.received.length, before + 1);
      const got = emulator.received.at(-1);
      assert.ok(got);
      assert.equal(got.token, emulator.validToken);
      assert.equal(got.title, "刘德华");
      assert.equal(got.body, "新消息");
      assert.equal(got.quiet, false);
      assert.equal(got.conversationId, "g:0123456789abcdef");
      assert.ok(got.collapseKey.length > 0, "a collapse key");
      if (c.badges) assert.equal(got.badge, 3);
    });

    test("a quiet push shows nothing", async () => {
      const out = await provider.send(target(emulator.validToken), notification({ quiet: true }));
      assert.deepEqual(out, { ok: true });
      assert.equal(emulator.received.at(-1)?.quiet, true);
    });

    test("a clear is sent where the platform allows it, and answered ok either way", async () => {
      const before = emulator.received.length;
      const out = await provider.send(
        target(emulator.validToken),
        notification({ kind: "clear", quiet: true }),
      );
      assert.deepEqual(out, { ok: true });
      assert.equal(emulator.received.length, before + (c.clears ? 1 : 0));
    });

    test("a token the provider calls dead is told as dead_token", async () => {
      const out = await provider.send(target(emulator.deadToken), notification());
      assert.equal(out.ok, false);
      assert.equal(!out.ok && out.reason, "dead_token");
    });

    test("too many requests is told as rate_limited, an outage as retryable", async () => {
      emulator.rateLimitNext();
      const limited = await provider.send(target(emulator.validToken), notification());
      assert.equal(!limited.ok && limited.reason, "rate_limited");
      emulator.failNext();
      const failed = await provider.send(target(emulator.validToken), notification());
      assert.equal(!failed.ok && failed.reason, "retryable");
      assert.deepEqual(await provider.send(target(emulator.validToken), notification()), { ok: true });
    });

    test("credentials the provider refuses are told as rejected, and the emulator saw bad auth", async () => {
      const failures = emulator.authFailures;
      const out = await wrong.send(target(emulator.validToken), notification());
      assert.equal(out.ok, false);
      assert.equal(!out.ok && out.reason, "rejected");
      assert.ok(emulator.authFailures > failures);
    });
  });
}
