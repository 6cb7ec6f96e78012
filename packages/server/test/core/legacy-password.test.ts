import assert from "node:assert/strict";
import { test } from "node:test";
import { isLegacyHash, legacyPasswordOf, verifyLegacyHash } from "../../src/core/accounts/legacy-password.js";

// md5hex(md5hex(md5hex("zhang-san-pw") + "qtalkSalt01")), computed outside this code base.
const CRY = "CRY:56d4c4d968ac4bb66ebee9f8ebd1c039";

test("a Startalk CRY: hash with its salt verifies its password and no other", () => {
  const hash = legacyPasswordOf(CRY, "qtalkSalt01");
  assert.ok(hash && isLegacyHash(hash));
  assert.equal(verifyLegacyHash(hash, "zhang-san-pw"), true);
  assert.equal(verifyLegacyHash(hash, "zhang-san-pw "), false);
  assert.equal(verifyLegacyHash(hash, ""), false);
  assert.equal(verifyLegacyHash(legacyPasswordOf(CRY, "otherSalt") as string, "zhang-san-pw"), false);
  assert.equal(
    verifyLegacyHash(
      legacyPasswordOf(`CRY:${CRY.slice(4).toUpperCase()}`, "qtalkSalt01") as string,
      "zhang-san-pw",
    ),
    true,
  );
});

test("what is not a CRY: hash with a salt is no legacy credential", () => {
  for (const [password, salt] of [
    [null, "s"],
    ["CRY:56d4c4d968ac4bb66ebee9f8ebd1c039", null],
    ["plain-text", "s"],
    ["CRY:not-hex", "s"],
    [CRY, "with$dollar"],
  ] as const)
    assert.equal(legacyPasswordOf(password, salt), undefined, `${password} / ${salt}`);
  assert.equal(isLegacyHash("$argon2id$v=19$m=19456,t=2,p=1$abc$def"), false);
  assert.equal(verifyLegacyHash("$argon2id$v=19$m=19456,t=2,p=1$abc$def", "x"), false);
});
