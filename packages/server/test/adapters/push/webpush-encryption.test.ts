// Web Push message encryption against the worked example of RFC 8291 Appendix A: the
// server's encryption must produce the spec's bytes, and the push service emulator's
// (separately written) decryption must read them, so neither can be wrong in the same way.
import assert from "node:assert/strict";
import { createECDH } from "node:crypto";
import { test } from "node:test";
import { encryptWebPush } from "../../../src/adapters/push/webpush-encryption.js";
import { decryptWebPush } from "../../helpers/push-emulators/webpush-decrypt.js";

const b = (s: string) => Buffer.from(s, "base64url");
const rfc8291 = {
  plaintext: "When I grow up, I want to be a watermelon",
  asPrivate: b("yfWPiYE-n46HLnH0KqZOF1fJJU3MYrct3AELtAQ-oRw"),
  asPublic: "BP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A8",
  uaPrivate: b("q1dXpw3UpT5VOmu_cf_v6ih07Aems3njxI-JWgLcM94"),
  uaPublic: b("BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4"),
  authSecret: b("BTBZMqHH6r4Tts7J_aSIgg"),
  salt: b("DGv6ra1nlYgDCS1FRnbzlw"),
  body: "DGv6ra1nlYgDCS1FRnbzlwAAEABBBP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A_yl95bQpu6cVPTpK4Mqgkf1CXztLVBSt2Ks3oZwbuwXPXLWyouBWLVWGNWQexSgSxsj_Qulcy4a-fN",
};

function ua() {
  const e = createECDH("prime256v1");
  e.setPrivateKey(rfc8291.uaPrivate);
  return e;
}

test("the push service emulator decrypts the RFC 8291 Appendix A message", () => {
  const plain = decryptWebPush(b(rfc8291.body), ua(), rfc8291.authSecret);
  assert.equal(plain.toString("utf8"), rfc8291.plaintext);
});

test("the server's encryption reproduces the RFC 8291 Appendix A message byte for byte", () => {
  const sender = createECDH("prime256v1");
  sender.setPrivateKey(rfc8291.asPrivate);
  assert.equal(sender.getPublicKey().toString("base64url"), rfc8291.asPublic);
  const body = encryptWebPush(Buffer.from(rfc8291.plaintext), rfc8291.uaPublic, rfc8291.authSecret, {
    salt: rfc8291.salt,
    sender,
  });
  assert.equal(body.toString("base64url"), rfc8291.body);
});

test("every message has a fresh salt and key, and only the subscription's keys open it", () => {
  const plaintext = Buffer.from("你好, 刘德华");
  const a = encryptWebPush(plaintext, rfc8291.uaPublic, rfc8291.authSecret);
  const c = encryptWebPush(plaintext, rfc8291.uaPublic, rfc8291.authSecret);
  assert.notDeepEqual(a.subarray(0, 16), c.subarray(0, 16), "salt");
  assert.notDeepEqual(a.subarray(21, 86), c.subarray(21, 86), "sender key");
  assert.deepEqual(decryptWebPush(a, ua(), rfc8291.authSecret), plaintext);
  assert.throws(() => decryptWebPush(a, ua(), Buffer.alloc(16)));
  const tampered = Buffer.from(a);
  tampered[tampered.length - 20] = (tampered[tampered.length - 20] ?? 0) ^ 1;
  assert.throws(() => decryptWebPush(tampered, ua(), rfc8291.authSecret));
});

test("a plaintext longer than one 4096-byte record allows is refused", () => {
  assert.throws(() => encryptWebPush(Buffer.alloc(3994), rfc8291.uaPublic, rfc8291.authSecret), RangeError);
  assert.ok(encryptWebPush(Buffer.alloc(3993), rfc8291.uaPublic, rfc8291.authSecret).length <= 4096);
});
