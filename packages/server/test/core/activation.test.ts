import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { ErrorCode } from "@starling/protocol";
import type { KyselyStore } from "../../src/adapters/store/kysely-store.js";
import { normaliseCode } from "../../src/core/accounts/activation.js";
import type { Core } from "../../src/core/core.js";
import { DEFAULT_LIMITS } from "../../src/core/kernel/limits.js";
import { coreOn, freshStore, postgresUnavailable, type StoreUnderTest } from "../helpers/stores.js";

const code = (c: number) => (e: { code?: number }) => e.code === c;
const device = { deviceId: "d1", platform: "test" };
const NEW_PASSWORD = "my-own-new-password";

for (const name of ["sqlite", "postgres"] as const) {
  describe(`activation codes (${name})`, async () => {
    const skip = name === "postgres" ? await postgresUnavailable() : undefined;
    let sut: StoreUnderTest;
    let store: KyselyStore;
    let core: Core;
    const clock = {
      t: 1_000_000,
      now() {
        return this.t;
      },
    };
    let n = 0;
    /** A user created by an administrator with a temporary password, as `starling user add --temporary` does. */
    const invited = async () => {
      const id = `new${++n}@example.com`;
      await core.accounts.createUser({ id, password: "temporary-pass", mustChangePassword: true });
      return id;
    };

    before(async () => {
      if (skip) return;
      sut = await freshStore(name);
      store = await sut.open();
      core = coreOn(store, "example.com", undefined, clock);
      await core.accounts.ensureDomain("example.com");
    });
    after(async () => {
      if (skip) return;
      await store.close();
      await sut.drop();
    });

    test("a code sets the password once and opens a session", { skip }, async () => {
      const id = await invited();
      const issued = await core.activation.issue(id, "admin");
      assert.match(issued.code, /^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/);
      assert.equal(issued.expiresAt, clock.t + DEFAULT_LIMITS.activationTtlMs);
      // Typed in lower case without the dashes, as people do.
      const typed = issued.code.replace(/-/g, "").toLowerCase();
      const a = await core.activation.activate(id, typed, NEW_PASSWORD, "10.0.0.1", device);
      assert.equal(a.user.id, id);
      assert.equal(a.user.mustChangePassword, false);
      assert.ok(a.token);
      assert.equal((await core.accounts.resume(a.token)).user.id, id);
      // The new password works, the temporary one no longer does.
      await core.accounts.login(id, NEW_PASSWORD, "10.0.0.1", device);
      await assert.rejects(
        core.accounts.login(id, "temporary-pass", "10.0.0.1", device),
        code(ErrorCode.BAD_CREDENTIALS),
      );
      await assert.rejects(
        core.activation.activate(id, issued.code, "another-password", "10.0.0.1", device),
        code(ErrorCode.ACTIVATION_CODE_USED),
      );
    });

    test("a wrong code, an unknown user and a replaced code are refused alike", { skip }, async () => {
      const id = await invited();
      const first = await core.activation.issue(id, "admin");
      await assert.rejects(
        core.activation.activate(id, "0000-0000-0000", NEW_PASSWORD, "10.0.0.2", device),
        code(ErrorCode.ACTIVATION_CODE_INVALID),
      );
      await assert.rejects(
        core.activation.activate("nobody@example.com", first.code, NEW_PASSWORD, "10.0.0.2", device),
        code(ErrorCode.ACTIVATION_CODE_INVALID),
      );
      const second = await core.activation.issue(id, "admin");
      await assert.rejects(
        core.activation.activate(id, first.code, NEW_PASSWORD, "10.0.0.2", device),
        code(ErrorCode.ACTIVATION_CODE_INVALID),
      );
      await core.activation.activate(id, second.code, NEW_PASSWORD, "10.0.0.2", device);
    });

    test("a code past its lifetime is refused, and the password rules apply", { skip }, async () => {
      const id = await invited();
      const issued = await core.activation.issue(id, "admin");
      await assert.rejects(
        core.activation.activate(id, issued.code, "short", "10.0.0.3", device),
        code(ErrorCode.INVALID_ARGUMENT),
      );
      clock.t += DEFAULT_LIMITS.activationTtlMs;
      await assert.rejects(
        core.activation.activate(id, issued.code, NEW_PASSWORD, "10.0.0.3", device),
        code(ErrorCode.ACTIVATION_CODE_EXPIRED),
      );
    });

    test("only accounts still to choose their password get a code", { skip }, async () => {
      await core.accounts.createUser({ id: "settled@example.com", password: "settled-password" });
      await assert.rejects(core.activation.issue("settled@example.com", "admin"), code(ErrorCode.CONFLICT));
      await assert.rejects(core.activation.issue("ghost@example.com", "admin"), code(ErrorCode.NOT_FOUND));
    });

    test("wrong codes lock the account for that address like failed logins", { skip }, async () => {
      const id = await invited();
      const issued = await core.activation.issue(id, "admin");
      for (let i = 0; i < DEFAULT_LIMITS.login.maxFailuresPerAccountAddress; i++)
        await assert.rejects(
          core.activation.activate(id, "0000-0000-0000", NEW_PASSWORD, "10.0.0.4", device),
          code(ErrorCode.ACTIVATION_CODE_INVALID),
        );
      // Even the right code waits out the lock from there; elsewhere it works.
      await assert.rejects(
        core.activation.activate(id, issued.code, NEW_PASSWORD, "10.0.0.4", device),
        code(ErrorCode.LOGIN_LOCKED),
      );
      await core.activation.activate(id, issued.code, NEW_PASSWORD, "10.0.0.5", device);
    });
  });
}

test("typed codes are read the way Crockford's base32 reads them", () => {
  assert.equal(normaliseCode("abcd-efgh ijkm"), "ABCDEFGH1JKM");
  assert.equal(normaliseCode("O0Il"), "0011");
});
