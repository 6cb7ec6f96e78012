import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import { type ScramMechanism, scramHashName } from "../../core/accounts/scram-keys.js";

/** A SCRAM message that does not follow RFC 5802 section 7. */
export class ScramSyntaxError extends Error {}

export interface ClientFirst {
  /** The authentication identity, with =2C and =3D decoded. */
  username: string;
  /** The authorization identity, "" when none was given. */
  authzid: string;
}

/** The stored keys a proof is checked with (or made-up ones, for unknown users). */
export interface ScramKeys {
  salt: Uint8Array;
  iterations: number;
  storedKey: Uint8Array;
  serverKey: Uint8Array;
}

const PRINTABLE = /^[\x21-\x2b\x2d-\x7e]+$/;

/** RFC 5802 section 5.1: saslname, where "," and "=" are written =2C and =3D. */
function decodeSaslName(text: string): string {
  if (/=(?!2C|3D)/.test(text)) throw new ScramSyntaxError("bad escape in a name");
  return text.replace(/=2C/g, ",").replace(/=3D/g, "=");
}

/**
 * The server side of one SCRAM exchange (RFC 5802, RFC 7677), without
 * channel binding: client-first -> server-first -> client-final ->
 * server-final. The keys come from the caller, so this file knows nothing of
 * accounts or storage.
 */
export class ScramServerExchange {
  private clientFirstBare = "";
  private gs2Header = "";
  private serverFirst = "";
  private nonce = "";

  constructor(
    readonly mechanism: ScramMechanism,
    private readonly serverNonce: string,
  ) {}

  readClientFirst(message: string): ClientFirst {
    const m = /^([ny]|p=[^,]*),(a=[^,]*)?,(.*)$/s.exec(message);
    if (!m) throw new ScramSyntaxError("bad gs2 header");
    if ((m[1] as string).startsWith("p=")) throw new ScramSyntaxError("channel binding is not offered");
    this.gs2Header = `${m[1]},${m[2] ?? ""},`;
    this.clientFirstBare = m[3] as string;
    const parts = this.clientFirstBare.split(",");
    const user = parts[0] ?? "";
    const nonce = parts[1] ?? "";
    if (!user.startsWith("n=") || user.length < 3) throw new ScramSyntaxError("no user name");
    if (!nonce.startsWith("r=") || !PRINTABLE.test(nonce.slice(2))) throw new ScramSyntaxError("bad nonce");
    this.nonce = nonce.slice(2) + this.serverNonce;
    return { username: decodeSaslName(user.slice(2)), authzid: decodeSaslName(m[2]?.slice(2) ?? "") };
  }

  writeServerFirst(keys: Pick<ScramKeys, "salt" | "iterations">): string {
    this.serverFirst = `r=${this.nonce},s=${Buffer.from(keys.salt).toString("base64")},i=${keys.iterations}`;
    return this.serverFirst;
  }

  /**
   * Checks the client's proof: ClientKey = ClientProof XOR HMAC(StoredKey, AuthMessage) must hash
   * to StoredKey. Returns the server-final message when it does, undefined when it does not.
   */
  readClientFinal(message: string, keys: ScramKeys): string | undefined {
    const cut = message.lastIndexOf(",p=");
    if (cut < 0) throw new ScramSyntaxError("no proof");
    const withoutProof = message.slice(0, cut);
    const proof = Buffer.from(message.slice(cut + 3), "base64");
    const [binding, nonce] = withoutProof.split(",");
    if (binding !== `c=${Buffer.from(this.gs2Header).toString("base64")}`)
      throw new ScramSyntaxError("channel binding data differs from the gs2 header");
    if (nonce !== `r=${this.nonce}`) throw new ScramSyntaxError("nonce differs");
    const hash = scramHashName(this.mechanism);
    const authMessage = `${this.clientFirstBare},${this.serverFirst},${withoutProof}`;
    const signature = createHmac(hash, keys.storedKey).update(authMessage).digest();
    if (proof.length !== signature.length) return undefined;
    const clientKey = Buffer.alloc(signature.length);
    for (let i = 0; i < signature.length; i++) clientKey[i] = (proof[i] as number) ^ (signature[i] as number);
    const stored = createHash(hash).update(clientKey).digest();
    if (stored.length !== keys.storedKey.length || !timingSafeEqual(stored, keys.storedKey)) return undefined;
    return `v=${createHmac(hash, keys.serverKey).update(authMessage).digest("base64")}`;
  }
}
