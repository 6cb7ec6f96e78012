import { createHash, createHmac, randomBytes, timingSafeEqual } from "node:crypto";

/**
 * Server Dialback keys (XEP-0220 section 2.1, generated as XEP-0185 section 3 recommends):
 * HMAC-SHA256 over "Receiving Originating StreamID", keyed with the SHA-256 of a secret
 * that lives only in this process. The key proves nothing to anyone but this process, so
 * a receiving server that asks us back (db:verify) learns whether we issued it for that stream.
 */
export class DialbackKeys {
  private readonly secret: string;

  constructor(secret: Buffer = randomBytes(32)) {
    this.secret = createHash("sha256").update(secret).digest("hex");
  }

  key(receiving: string, originating: string, streamId: string): string {
    return createHmac("sha256", this.secret).update(`${receiving} ${originating} ${streamId}`).digest("hex");
  }

  /** Whether `key` is the one this process issued for that stream. */
  verify(receiving: string, originating: string, streamId: string, key: string): boolean {
    const want = Buffer.from(this.key(receiving, originating, streamId));
    const got = Buffer.from(key);
    return got.length === want.length && timingSafeEqual(got, want);
  }
}
