// The VAPID key pair: made once in the data folder and kept, because a new one would
// invalidate every browser subscription; or read from a configured file. And its use by
// the composition of push providers (Welcome.webpush_public_key).
import assert from "node:assert/strict";
import { generateKeyPairSync } from "node:crypto";
import { mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import Database from "better-sqlite3";
import { loadConfig } from "../../../src/adapters/config/load.js";
import { vapidJwt } from "../../../src/adapters/push/vapid-jwt.js";
import { loadVapidKeys } from "../../../src/adapters/push/vapid-keys.js";
import { backupDataDir, restoreDataDir } from "../../../src/adapters/store/sqlite-backup.js";
import { buildPushProviders } from "../../../src/push-providers.js";

const tmp = () => mkdtempSync(join(tmpdir(), "starling-vapid-"));

test("made on first start, private to the server's user, and the same on every later start", () => {
  const dir = tmp();
  const first = loadVapidKeys(dir, "");
  assert.equal(first.created, true);
  assert.equal(first.file, join(dir, "vapid.json"));
  assert.equal(statSync(first.file).mode & 0o777, 0o600);
  const raw = Buffer.from(first.publicKey, "base64url");
  assert.equal(raw.length, 65);
  assert.equal(raw[0], 0x04);
  const again = loadVapidKeys(dir, "");
  assert.equal(again.created, false);
  assert.equal(again.publicKey, first.publicKey);
  const jwt = vapidJwt(
    again.privateKey,
    "https://push.example.com",
    "mailto:a@example.com",
    Date.now() + 60_000,
  );
  assert.equal(jwt.split(".").length, 3);
});

test("a backup carries the key pair, so subscriptions survive a restore", async () => {
  const dataDir = tmp();
  new Database(join(dataDir, "starling.db")).close();
  const made = loadVapidKeys(dataDir, "");
  const out = join(tmp(), "backup");
  await backupDataDir(dataDir, out);
  const restored = join(tmp(), "restored");
  restoreDataDir(out, restored);
  const back = loadVapidKeys(restored, "");
  assert.equal(back.created, false);
  assert.equal(back.publicKey, made.publicKey);
});

test("a configured key file is used as it is, and a broken one is refused with the reason", () => {
  const dir = tmp();
  const jwk = generateKeyPairSync("ec", { namedCurve: "prime256v1" }).privateKey.export({ format: "jwk" });
  const file = join(dir, "mine.json");
  const publicKey = Buffer.concat([
    Buffer.of(4),
    Buffer.from(String(jwk.x), "base64url"),
    Buffer.from(String(jwk.y), "base64url"),
  ]).toString("base64url");
  writeFileSync(file, JSON.stringify({ publicKey, privateKey: jwk.d }));
  const keys = loadVapidKeys(join(dir, "data"), file);
  assert.equal(keys.publicKey, publicKey);
  assert.equal(keys.created, false);

  const other = generateKeyPairSync("ec", { namedCurve: "prime256v1" }).privateKey.export({ format: "jwk" });
  writeFileSync(file, JSON.stringify({ publicKey, privateKey: other.d }));
  assert.throws(() => loadVapidKeys(dir, file), /not the public key of privateKey/);
  writeFileSync(file, JSON.stringify({ publicKey: "abc", privateKey: "def" }));
  assert.throws(() => loadVapidKeys(dir, file), /65-byte/);
  writeFileSync(file, "{");
  assert.throws(() => loadVapidKeys(dir, file), /not JSON/);
  assert.throws(() => loadVapidKeys(dir, join(dir, "missing.json")), /does not exist/);
});

test("Web Push is on by default, with its public key for the Welcome; off when disabled", async () => {
  const dataDir = tmp();
  const lines: string[] = [];
  const log = {
    debug() {},
    info: (_: object, msg?: string) => void lines.push(String(msg)),
    warn() {},
    error() {},
  };
  const config = loadConfig({ env: {}, flags: { dataDir, domain: "example.com" } });
  const built = await buildPushProviders({ config, dataDir, log });
  assert.equal(built.providers.filter((p) => p.name === "webpush").length, 1);
  const file = JSON.parse(readFileSync(join(dataDir, "vapid.json"), "utf8")) as { publicKey: string };
  assert.equal(built.webPushPublicKey, file.publicKey);
  assert.ok(
    lines.some((l) => /VAPID/.test(l)),
    "the new key pair is logged",
  );

  const off = loadConfig({ env: {}, flags: { dataDir, "push.webpush.enabled": false } });
  const none = await buildPushProviders({ config: off, dataDir, log });
  assert.deepEqual(
    none.providers.filter((p) => p.name === "webpush"),
    [],
  );
  assert.equal(none.webPushPublicKey, undefined);

  const bad = loadConfig({ env: {}, flags: { dataDir, "push.webpush.subject": "admin" } });
  await assert.rejects(buildPushProviders({ config: bad, dataDir, log }), /push\.webpush\.subject/);
});
