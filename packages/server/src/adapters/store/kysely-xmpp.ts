import {
  SCRAM_MECHANISMS,
  type ScramCredential,
  type ScramMechanism,
} from "../../core/accounts/scram-keys.js";
import type { ScramReader, ScramWriter } from "../../core/kernel/ports.js";
import { KyselySearch } from "./kysely-search.js";

const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString("base64");
const fromB64 = (text: string) => new Uint8Array(Buffer.from(text, "base64"));

/** The XMPP gateway's tables: SCRAM keys of users' passwords. */
export class KyselyXmpp extends KyselySearch implements ScramReader, ScramWriter {
  async getScramCredential(userId: string, mechanism: ScramMechanism): Promise<ScramCredential | undefined> {
    const r = await this.db
      .selectFrom("scram_credentials")
      .selectAll()
      .where("user_id", "=", userId)
      .where("mechanism", "=", mechanism)
      .executeTakeFirst();
    if (!r || !(SCRAM_MECHANISMS as readonly string[]).includes(r.mechanism)) return undefined;
    return {
      userId: r.user_id,
      mechanism: r.mechanism as ScramMechanism,
      salt: fromB64(r.salt),
      iterations: Number(r.iterations),
      storedKey: fromB64(r.stored_key),
      serverKey: fromB64(r.server_key),
    };
  }

  async putScramCredentials(credentials: readonly ScramCredential[]): Promise<void> {
    for (const c of credentials) {
      const row = {
        salt: b64(c.salt),
        iterations: c.iterations,
        stored_key: b64(c.storedKey),
        server_key: b64(c.serverKey),
      };
      await this.db
        .insertInto("scram_credentials")
        .values({ user_id: c.userId, mechanism: c.mechanism, ...row })
        .onConflict((oc) => oc.columns(["user_id", "mechanism"]).doUpdateSet(row))
        .execute();
    }
  }
}
