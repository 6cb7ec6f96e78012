import { createDecipheriv, createHmac, type ECDH } from "node:crypto";

/**
 * A browser's side of Web Push message encryption: reads an aes128gcm body (RFC 8188 §2)
 * encrypted for a subscription (RFC 8291 §3.4). Written from the RFCs apart from the
 * server's encryption, with HKDF spelled out over HMAC (RFC 5869 §2), so a mistake in one
 * is caught by the other. Throws on anything a browser would drop.
 */
export function decryptWebPush(body: Buffer, ua: ECDH, authSecret: Buffer): Buffer {
  if (body.length < 21) throw new Error("body shorter than the aes128gcm header");
  const salt = body.subarray(0, 16);
  const rs = body.readUInt32BE(16);
  const idlen = body[20] ?? 0;
  // RFC 8188 §2: rs must leave room for the tag and a delimiter.
  if (rs < 18) throw new Error(`record size ${rs} is below 18`);
  // RFC 8291 §4: the keyid is the sender's public key, an uncompressed P-256 point.
  if (idlen !== 65) throw new Error(`keyid of ${idlen} bytes, not a 65-byte public key`);
  const asPublic = body.subarray(21, 21 + idlen);
  const records = body.subarray(21 + idlen);

  const uaPublic = ua.getPublicKey();
  const ecdhSecret = ua.computeSecret(asPublic);
  // RFC 8291 §3.3: PRK_key = HMAC(auth_secret, ecdh_secret); IKM = HMAC(PRK_key, key_info || 0x01).
  const prkKey = hmac(authSecret, ecdhSecret);
  const keyInfo = Buffer.concat([Buffer.from("WebPush: info"), Buffer.of(0), uaPublic, asPublic]);
  const ikm = hmac(prkKey, Buffer.concat([keyInfo, Buffer.of(1)]));
  // RFC 8188 §2.2-2.3: PRK = HMAC(salt, IKM); CEK and NONCE are the first 16 and 12 bytes of T(1).
  const prk = hmac(salt, ikm);
  const cek = hmac(
    prk,
    Buffer.concat([Buffer.from("Content-Encoding: aes128gcm"), Buffer.of(0, 1)]),
  ).subarray(0, 16);
  const nonceBase = hmac(
    prk,
    Buffer.concat([Buffer.from("Content-Encoding: nonce"), Buffer.of(0, 1)]),
  ).subarray(0, 12);

  const out: Buffer[] = [];
  const count = Math.ceil(records.length / rs);
  if (count === 0) throw new Error("no records");
  for (let seq = 0; seq < count; seq++) {
    const record = records.subarray(seq * rs, (seq + 1) * rs);
    if (record.length < 17) throw new Error(`record ${seq} is too short`);
    // RFC 8188 §2.3: the nonce is the base XORed with the record's sequence number (96-bit, big-endian).
    const nonce = Buffer.from(nonceBase);
    // (Fewer than 2^32 records: only the low 32 bits change.)
    nonce.writeUInt32BE((nonce.readUInt32BE(8) ^ seq) >>> 0, 8);
    const decipher = createDecipheriv("aes-128-gcm", cek, nonce);
    decipher.setAuthTag(record.subarray(record.length - 16));
    const plain = Buffer.concat([decipher.update(record.subarray(0, record.length - 16)), decipher.final()]);
    // RFC 8188 §2: data, then a delimiter (2 in the last record, 1 before), then zero padding.
    let end = plain.length - 1;
    while (end >= 0 && plain[end] === 0) end--;
    const last = seq === count - 1;
    if (end < 0 || plain[end] !== (last ? 2 : 1))
      throw new Error(`record ${seq}: padding delimiter ${plain[end]} where ${last ? 2 : 1} belongs`);
    out.push(plain.subarray(0, end));
  }
  return Buffer.concat(out);
}

function hmac(key: Buffer, data: Buffer): Buffer {
  return createHmac("sha256", key).update(data).digest();
}
