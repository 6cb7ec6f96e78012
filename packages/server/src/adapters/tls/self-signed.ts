import { X509Certificate } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export interface TlsFiles {
  key: string;
  cert: string;
  /** SHA-256 fingerprint of the certificate, colon-separated hex, for pinning. */
  fingerprint: string;
  created: boolean;
}

/** Loads the configured key pair, or makes a self-signed one in `dir` on first start. */
export async function ensureTls(
  dir: string,
  certPath: string,
  keyPath: string,
  hostname: string,
): Promise<TlsFiles> {
  let created = false;
  if (!certPath) {
    certPath = join(dir, "cert.pem");
    keyPath = join(dir, "key.pem");
    if (!existsSync(certPath) || !existsSync(keyPath)) {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      // Loaded only to make a certificate, which most starts do not.
      const { generate } = await import("selfsigned");
      const pems = await generate([{ name: "commonName", value: hostname }], {
        keyType: "ec",
        curve: "P-256",
        algorithm: "sha256",
        notAfterDate: new Date(Date.now() + 825 * 24 * 3600 * 1000),
        extensions: [
          { name: "basicConstraints", cA: false },
          {
            name: "subjectAltName",
            altNames: [
              { type: 2, value: hostname },
              { type: 2, value: "localhost" },
              { type: 7, ip: "127.0.0.1" },
              { type: 7, ip: "::1" },
            ],
          },
        ],
      });
      writeFileSync(keyPath, pems.private, { mode: 0o600 });
      writeFileSync(certPath, pems.cert, { mode: 0o644 });
      created = true;
    }
  }
  const cert = readFileSync(certPath, "utf8");
  const key = readFileSync(keyPath, "utf8");
  const fingerprint = new X509Certificate(cert).fingerprint256;
  return { key, cert, fingerprint, created };
}
