import { createECDH, createPrivateKey, generateKeyPairSync, type KeyObject } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";

/**
 * The server's VAPID key pair (RFC 8292 §3.2): the "application server key" a browser binds
 * every push subscription to. Replacing it invalidates every subscription made with the old
 * one, so it is made once and kept.
 */
export interface VapidKeys {
  /** Signs the VAPID JWT (ES256). */
  privateKey: KeyObject;
  /** The raw uncompressed P-256 point (65 bytes), base64url: the `k` parameter and PushManager's applicationServerKey. */
  publicKey: string;
  /** Where it was read from or written to. */
  file: string;
  /** Made by this start. */
  created: boolean;
}

/**
 * The file: {"publicKey": raw point base64url, "privateKey": the scalar d base64url}, the
 * shape most Web Push tools read and write, so a key pair can be carried over.
 */
interface VapidFile {
  publicKey: string;
  privateKey: string;
}

/**
 * Reads the key pair from `keyFile` when one is configured (it must exist), else from
 * <dataDir>/vapid.json, making it there on first start (mode 0600, like the TLS key).
 */
export function loadVapidKeys(dataDir: string, keyFile: string): VapidKeys {
  const file = keyFile || join(dataDir, "vapid.json");
  let created = false;
  if (keyFile && !existsSync(keyFile))
    throw new Error(`push.webpush.keyFile: file ${keyFile} does not exist`);
  if (!keyFile && !existsSync(file)) {
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    const { privateKey } = generateKeyPairSync("ec", { namedCurve: "prime256v1" });
    const jwk = privateKey.export({ format: "jwk" });
    const content: VapidFile = { publicKey: rawPoint(jwk.x, jwk.y), privateKey: String(jwk.d) };
    // "wx": never overwrite a key another process (a second node on the same folder) has just
    // written; that one is read instead.
    try {
      writeFileSync(file, `${JSON.stringify(content, null, 2)}\n`, { mode: 0o600, flag: "wx" });
      created = true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    }
  }
  return { ...parseVapidFile(readFileSync(file, "utf8"), file), file, created };
}

function parseVapidFile(text: string, file: string): Pick<VapidKeys, "privateKey" | "publicKey"> {
  let parsed: Partial<VapidFile>;
  try {
    parsed = JSON.parse(text) as Partial<VapidFile>;
  } catch (err) {
    throw new Error(`${file}: not JSON (${err instanceof Error ? err.message : String(err)})`);
  }
  const pub = typeof parsed.publicKey === "string" ? Buffer.from(parsed.publicKey, "base64url") : undefined;
  const d = typeof parsed.privateKey === "string" ? Buffer.from(parsed.privateKey, "base64url") : undefined;
  if (pub?.length !== 65 || pub[0] !== 0x04 || !d || d.length !== 32)
    throw new Error(
      `${file}: expected {"publicKey": 65-byte uncompressed P-256 point, "privateKey": 32-byte scalar}, base64url`,
    );
  // The public key is derived from d and compared: a file whose halves do not belong together
  // would make every push fail the push service's signature check.
  let derived: Buffer;
  try {
    const ecdh = createECDH("prime256v1");
    ecdh.setPrivateKey(d);
    derived = ecdh.getPublicKey();
  } catch (err) {
    throw new Error(`${file}: not a P-256 private key (${err instanceof Error ? err.message : String(err)})`);
  }
  if (!derived.equals(pub)) throw new Error(`${file}: publicKey is not the public key of privateKey`);
  const privateKey = createPrivateKey({
    format: "jwk",
    key: {
      kty: "EC",
      crv: "P-256",
      d: d.toString("base64url"),
      x: pub.subarray(1, 33).toString("base64url"),
      y: pub.subarray(33).toString("base64url"),
    },
  });
  const publicKey = pub.toString("base64url");
  return { privateKey, publicKey };
}

/** The uncompressed point 0x04 || x || y (SEC 1 §2.3.3) of a JWK's coordinates, base64url. */
function rawPoint(x: string | undefined, y: string | undefined): string {
  return Buffer.concat([
    Buffer.of(0x04),
    Buffer.from(String(x), "base64url"),
    Buffer.from(String(y), "base64url"),
  ]).toString("base64url");
}
