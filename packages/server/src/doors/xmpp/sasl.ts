import { createHmac, randomBytes } from "node:crypto";
import { StarlingError } from "@starling/protocol";
import type { Accounts } from "../../core/accounts/accounts.js";
import { SCRAM_ITERATIONS, type ScramMechanism } from "../../core/accounts/scram-keys.js";
import { type ScramKeys, ScramServerExchange, ScramSyntaxError } from "./sasl-scram.js";

/** What the server answers a SASL element with (RFC 6120 section 6.4). */
export type SaslStep =
  | { kind: "challenge"; data: string }
  | { kind: "success"; userId: string; data: string; tokenHash?: string }
  | { kind: "failure"; condition: string; reason: string };

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** RFC 6120 section 6.4.2: "=" is an empty response; anything else is base64. */
function decodeBase64(text: string): string | undefined {
  const t = text.trim();
  if (t === "=") return "";
  if (!BASE64.test(t)) return undefined;
  return Buffer.from(t, "base64").toString("utf8");
}

const fail = (condition: string, reason: string): SaslStep => ({ kind: "failure", condition, reason });

export interface SaslContext {
  accounts: Accounts;
  /** The domain the stream is for; user names without one are in it. */
  domain: string;
  ip: string;
  /** PLAIN is offered only over TLS (RFC 6120 section 13.9.4). */
  secure: boolean;
  /** Salts made up for unknown users derive from this, so they look the same on every attempt. */
  fakeSaltKey: Uint8Array;
}

/**
 * One SASL negotiation: SCRAM-SHA-256, SCRAM-SHA-1, and PLAIN over TLS. Every
 * wrong credential is the same `not-authorized`; failures count towards the
 * account's lockout like failed password logins.
 */
export class SaslNegotiator {
  private scram: ScramServerExchange | undefined;
  private scramUser: { userId: string; keys: ScramKeys } | undefined;
  private plainPending = false;

  constructor(private readonly ctx: SaslContext) {}

  mechanisms(): string[] {
    return this.ctx.secure ? ["SCRAM-SHA-256", "SCRAM-SHA-1", "PLAIN"] : ["SCRAM-SHA-256", "SCRAM-SHA-1"];
  }

  async auth(mechanism: string, initial: string): Promise<SaslStep> {
    this.scram = undefined;
    this.scramUser = undefined;
    this.plainPending = false;
    if (!this.mechanisms().includes(mechanism)) return fail("invalid-mechanism", "mechanism not offered");
    const data = initial.trim() === "" ? undefined : decodeBase64(initial);
    if (initial.trim() !== "" && data === undefined) return fail("incorrect-encoding", "bad base64");
    if (mechanism === "PLAIN") {
      this.plainPending = data === undefined;
      return data === undefined ? { kind: "challenge", data: "" } : this.plain(data);
    }
    this.scram = new ScramServerExchange(mechanism as ScramMechanism, randomBytes(18).toString("base64"));
    return data === undefined ? { kind: "challenge", data: "" } : this.scramFirst(data);
  }

  async response(text: string): Promise<SaslStep> {
    const data = decodeBase64(text);
    if (data === undefined) return fail("incorrect-encoding", "bad base64");
    if (this.plainPending) {
      this.plainPending = false;
      return this.plain(data);
    }
    if (!this.scram) return fail("malformed-request", "no exchange in progress");
    return this.scramUser ? this.scramFinal(data) : this.scramFirst(data);
  }

  private userIdOf(name: string): string | undefined {
    const at = name.indexOf("@");
    if (at < 0) return `${name}@${this.ctx.domain}`;
    return name.slice(at + 1).toLowerCase() === this.ctx.domain ? name : undefined;
  }

  /** RFC 4616: [authzid] NUL authcid NUL passwd, checked by the password login with its lockout. */
  private async plain(data: string): Promise<SaslStep> {
    const parts = data.split("\0");
    if (parts.length !== 3) return fail("not-authorized", "malformed PLAIN message");
    const [authzid, authcid, password] = parts as [string, string, string];
    const userId = this.userIdOf(authcid);
    if (!userId) return fail("not-authorized", "user of another domain");
    try {
      const auth = await this.ctx.accounts.login(userId, password, this.ctx.ip, {
        deviceId: "",
        platform: "xmpp",
      });
      if (authzid && authzid.toLowerCase() !== auth.user.id) {
        await this.ctx.accounts.logout(auth.tokenHash);
        return fail("invalid-authzid", "authorization identity differs");
      }
      return { kind: "success", userId: auth.user.id, data: "", tokenHash: auth.tokenHash };
    } catch (err) {
      return fail("not-authorized", err instanceof StarlingError ? err.codeName : "login failed");
    }
  }

  private async scramFirst(data: string): Promise<SaslStep> {
    const scram = this.scram as ScramServerExchange;
    let userId: string | undefined;
    try {
      const first = scram.readClientFirst(data);
      userId = this.userIdOf(first.username);
      if (!userId) return fail("not-authorized", "user of another domain");
      if (first.authzid && first.authzid.toLowerCase() !== userId.toLowerCase())
        return fail("invalid-authzid", "authorization identity differs");
      const found = await this.ctx.accounts.scramCredential(userId, scram.mechanism, this.ctx.ip);
      const keys = found.credential ?? this.madeUpKeys(found.userId);
      this.scramUser = { userId: found.userId, keys };
      return { kind: "challenge", data: scram.writeServerFirst(keys) };
    } catch (err) {
      if (err instanceof ScramSyntaxError) return fail("not-authorized", err.message);
      return fail("not-authorized", err instanceof StarlingError ? err.codeName : "login failed");
    }
  }

  private async scramFinal(data: string): Promise<SaslStep> {
    const scram = this.scram as ScramServerExchange;
    const { userId, keys } = this.scramUser as { userId: string; keys: ScramKeys };
    this.scram = undefined;
    this.scramUser = undefined;
    let serverFinal: string | undefined;
    try {
      serverFinal = scram.readClientFinal(data, keys);
    } catch (err) {
      if (!(err instanceof ScramSyntaxError)) throw err;
    }
    try {
      const user = await this.ctx.accounts.scramFinish(userId, this.ctx.ip, serverFinal !== undefined);
      return { kind: "success", userId: user.id, data: serverFinal as string };
    } catch (err) {
      return fail("not-authorized", err instanceof StarlingError ? err.codeName : "login failed");
    }
  }

  /** For users without keys: a salt that stays the same per user, and keys no proof matches. */
  private madeUpKeys(userId: string): ScramKeys {
    return {
      salt: createHmac("sha256", this.ctx.fakeSaltKey).update(userId).digest().subarray(0, 16),
      iterations: SCRAM_ITERATIONS,
      storedKey: randomBytes(32),
      serverKey: randomBytes(32),
    };
  }
}
