import tls from "node:tls";

/** The oldest TLS version a listener accepts (`tls.minVersion`). */
export type TlsMinVersion = "1.2" | "1.3";

/**
 * TLS 1.3 suites: all AEAD with forward secrecy by design. The CCM suites
 * (one of them with a truncated 8-byte tag) are left out, as they are by
 * every mainstream server.
 */
const TLS13_SUITES = ["TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256"];

/**
 * TLS 1.2 suites: ECDHE key exchange (forward secrecy) with an AEAD cipher
 * only, for ECDSA (the self-signed certificate) and RSA certificates. No CBC
 * (padding oracles, Lucky 13), no CCM8 (truncated tag), no static RSA or
 * finite-field DHE. This is Mozilla's "intermediate" profile minus DHE.
 */
const TLS12_SUITES = [
  "ECDHE-ECDSA-AES128-GCM-SHA256",
  "ECDHE-RSA-AES128-GCM-SHA256",
  "ECDHE-ECDSA-AES256-GCM-SHA384",
  "ECDHE-RSA-AES256-GCM-SHA384",
  "ECDHE-ECDSA-CHACHA20-POLY1305",
  "ECDHE-RSA-CHACHA20-POLY1305",
];

export interface ServerTlsSettings {
  key: string | Buffer;
  cert: string | Buffer;
  minVersion: TlsMinVersion;
}

/**
 * The one set of TLS options every TLS listener uses (the native port and
 * XMPP STARTTLS), so a listener cannot drift to the platform's defaults,
 * which still offer CBC and CCM8 suites under TLS 1.2.
 */
export function serverTlsOptions(s: ServerTlsSettings): tls.SecureContextOptions {
  return {
    key: s.key,
    cert: s.cert,
    minVersion: s.minVersion === "1.3" ? "TLSv1.3" : "TLSv1.2",
    // OpenSSL takes the TLS 1.3 suites (TLS_*) and the TLS 1.2 ones in one list.
    ciphers: [...TLS13_SUITES, ...TLS12_SUITES].join(":"),
    honorCipherOrder: true,
  };
}

/** A secure context with `serverTlsOptions`, for sockets wrapped by hand (STARTTLS). */
export function serverSecureContext(s: ServerTlsSettings): tls.SecureContext {
  return tls.createSecureContext(serverTlsOptions(s));
}
