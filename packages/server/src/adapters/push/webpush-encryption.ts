import { createCipheriv, createECDH, type ECDH, hkdfSync, randomBytes } from "node:crypto";

/**
 * Message encryption for Web Push (RFC 8291) with the aes128gcm content coding (RFC 8188):
 * only the browser holding the subscription's private key can read a push, not the push
 * service that carries it.
 */

/** RFC 8188 §2: the record size this server writes; one record carries the whole message. */
const RECORD_SIZE = 4096;
/** RFC 8188 §2.1: salt(16) | rs(4) | idlen(1) | keyid, the keyid being the sender's 65-byte public key (RFC 8291 §4). */
const HEADER_BYTES = 16 + 4 + 1 + 65;
/** The AES-GCM authentication tag. */
const TAG_BYTES = 16;
/**
 * RFC 8291 §4: push services must accept 4096-byte bodies, which leaves 3993 bytes of
 * plaintext after the header, the tag and the padding delimiter; larger ones may be refused.
 */
export const MAX_WEBPUSH_PLAINTEXT = RECORD_SIZE - HEADER_BYTES - TAG_BYTES - 1;

/** Fixed inputs instead of fresh random ones, only to reproduce the RFC's example. */
export interface FixedEncryptionInputs {
  salt: Buffer;
  /** The application server's ephemeral key pair. */
  sender: ECDH;
}

/**
 * The request body for `plaintext` to the user agent with public key `uaPublic` (65-byte
 * uncompressed P-256 point, the subscription's p256dh) and `authSecret` (16 bytes).
 * Throws when uaPublic is not a point on the curve or the plaintext is too long.
 */
export function encryptWebPush(
  plaintext: Uint8Array,
  uaPublic: Buffer,
  authSecret: Buffer,
  fixed?: FixedEncryptionInputs,
): Buffer {
  if (plaintext.length > MAX_WEBPUSH_PLAINTEXT)
    throw new RangeError(`plaintext of ${plaintext.length} bytes exceeds ${MAX_WEBPUSH_PLAINTEXT}`);
  // RFC 8291 §3.1: a new key pair for every message.
  const sender = fixed?.sender ?? createECDH("prime256v1");
  if (!fixed) sender.generateKeys();
  const asPublic = sender.getPublicKey();
  const ecdhSecret = sender.computeSecret(uaPublic);
  // RFC 8291 §3.3-3.4: IKM = HKDF(salt = auth_secret, ikm = ecdh_secret,
  // info = "WebPush: info" || 0x00 || ua_public || as_public, 32).
  const keyInfo = Buffer.concat([Buffer.from("WebPush: info\0", "latin1"), uaPublic, asPublic]);
  const ikm = Buffer.from(hkdfSync("sha256", ecdhSecret, authSecret, keyInfo, 32));
  // RFC 8188 §2.2-2.3: the content-encryption key and the nonce, from a fresh salt.
  const salt = fixed?.salt ?? randomBytes(16);
  const cek = Buffer.from(
    hkdfSync("sha256", ikm, salt, Buffer.from("Content-Encoding: aes128gcm\0", "latin1"), 16),
  );
  const nonce = Buffer.from(
    hkdfSync("sha256", ikm, salt, Buffer.from("Content-Encoding: nonce\0", "latin1"), 12),
  );
  // RFC 8188 §2: the last (here the only) record ends with the delimiter 0x02 and no padding;
  // its sequence number is 0, so the nonce is used as derived.
  const cipher = createCipheriv("aes-128-gcm", cek, nonce);
  const sealed = Buffer.concat([cipher.update(plaintext), cipher.update(Buffer.of(0x02)), cipher.final()]);
  const header = Buffer.alloc(HEADER_BYTES - 65);
  salt.copy(header, 0);
  header.writeUInt32BE(RECORD_SIZE, 16);
  header.writeUInt8(asPublic.length, 20);
  return Buffer.concat([header, asPublic, sealed, cipher.getAuthTag()]);
}
