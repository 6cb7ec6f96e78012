// APNs, FCM and webhook settings turning their providers on, and bad key files stopping the start.
import assert from "node:assert/strict";
import { generateKeyPairSync } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { ConfigError, loadConfig } from "../../src/adapters/config/load.js";
import type { SettingKey } from "../../src/adapters/config/schema.js";
import type { Logger } from "../../src/core/kernel/ports.js";
import { buildPushProviders } from "../../src/push-providers.js";

const dir = mkdtempSync(join(tmpdir(), "push-native-config-"));
const file = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};
const pem = (k: ReturnType<typeof generateKeyPairSync>["privateKey"]) =>
  k.export({ type: "pkcs8", format: "pem" }).toString();
const p8 = file("AuthKey.p8", pem(generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey));
const rsaPem = pem(generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey);
const serviceAccount = file(
  "service-account.json",
  JSON.stringify({
    project_id: "p",
    client_email: "push@p.iam.gserviceaccount.com",
    private_key: rsaPem,
    token_uri: "https://oauth2.googleapis.com/token",
  }),
);

function build(flags: Partial<Record<SettingKey, unknown>>) {
  const warnings: string[] = [];
  const log: Logger = {
    debug() {},
    info() {},
    warn(_o, msg) {
      warnings.push(String(msg));
    },
    error() {},
  };
  const config = loadConfig({
    file: file("starling.json", "{}"),
    env: {},
    // Web Push needs no account and is on by default; these tests are about the other providers.
    flags: { dataDir: dir, "push.webpush.enabled": false, ...flags },
  });
  return { warnings, built: buildPushProviders({ config, dataDir: dir, log }) };
}

async function names(flags: Partial<Record<SettingKey, unknown>>): Promise<string[]> {
  const { built } = build(flags);
  const providers = (await built).providers;
  await Promise.all(providers.map((p) => p.close?.()));
  return providers.map((p) => p.name);
}

describe("APNs, FCM and webhook configuration", () => {
  after(() => rmSync(dir, { recursive: true, force: true }));

  test("each provider is on when its settings are given, and none of these by default", async () => {
    assert.deepEqual(await names({}), []);
    assert.deepEqual(
      await names({
        "push.apns.keyFile": p8,
        "push.apns.keyId": "ABC123DEFG",
        "push.apns.teamId": "DEF123GHIJ",
        "push.fcm.serviceAccountFile": serviceAccount,
        "push.webhook.url": "https://relay.example.com/push",
        "push.webhook.secret": "s",
      }),
      ["apns", "fcm", "webhook"],
    );
  });

  test("settings given only in part leave the provider off, with a warning", async () => {
    const { warnings, built } = build({
      "push.apns.keyFile": p8,
      "push.webhook.url": "https://r.example.com",
    });
    assert.deepEqual((await built).providers, []);
    assert.equal(warnings.length, 2);
    assert.match(warnings.join("\n"), /apns is off/);
    assert.match(warnings.join("\n"), /webhook is off/);
  });

  test("a key file that is missing or not a key stops the start with the setting's name", async () => {
    const apns = { "push.apns.keyId": "ABC123DEFG", "push.apns.teamId": "DEF123GHIJ" };
    const cases: [Partial<Record<SettingKey, unknown>>, RegExp][] = [
      [{ ...apns, "push.apns.keyFile": join(dir, "missing.p8") }, /push\.apns\.keyFile: cannot read/],
      [
        { ...apns, "push.apns.keyFile": file("rsa.p8", rsaPem) },
        /push\.apns\.keyFile: .* not an EC P-256 key/,
      ],
      [
        { "push.fcm.serviceAccountFile": file("bad.json", "{}") },
        /push\.fcm\.serviceAccountFile: .* no "project_id"/,
      ],
      [{ "push.webhook.url": "relay:8080", "push.webhook.secret": "s" }, /push\.webhook\.url/],
      [
        { ...apns, "push.apns.keyFile": p8, "push.apns.endpoint": "api.push.apple.com" },
        /push\.apns\.endpoint/,
      ],
    ];
    for (const [flags, problem] of cases) {
      await assert.rejects(build(flags).built, (err: unknown) => {
        assert.ok(err instanceof ConfigError);
        assert.match(err.message, problem);
        return true;
      });
    }
  });
});
