import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { ErrorCode } from "@starling/protocol";
import { generate } from "selfsigned";
import { admin } from "../../helpers/federation-peers.js";
import { certificateFor, RawFederationPeer } from "../../helpers/raw-federation.js";
import { startTestServer, type TestServer } from "../../helpers/test-server.js";

/**
 * A link trusting a CA instead of a pin: a certificate the CA issued for the peer's domain is
 * accepted; one the CA issued for another name, and a self-signed one, are refused.
 */
const names = (...dns: string[]) => ({
  name: "subjectAltName" as const,
  altNames: dns.map((value) => ({ type: 2 as const, value })),
});

describe("federation link trusting a CA", () => {
  let b: TestServer;
  const dir = mkdtempSync(join(tmpdir(), "starling-fed-ca-"));
  let issued: { key: string; cert: string };
  let otherName: { key: string; cert: string };

  before(async () => {
    const ca = await generate([{ name: "commonName", value: "Partners CA" }], {
      keyType: "ec",
      algorithm: "sha256",
      extensions: [
        { name: "basicConstraints", cA: true },
        { name: "keyUsage", keyCertSign: true, digitalSignature: true },
      ],
    });
    const leaf = async (dns: string) => {
      const p = await generate([{ name: "commonName", value: "a.test" }], {
        keyType: "ec",
        algorithm: "sha256",
        ca: { key: ca.private, cert: ca.cert },
        extensions: [{ name: "basicConstraints", cA: false }, names(dns)],
      });
      return { key: p.private, cert: p.cert };
    };
    issued = await leaf("a.test");
    // The CN says a.test too: only the subjectAltName counts.
    otherName = await leaf("other.test");
    writeFileSync(join(dir, "ca.pem"), ca.cert);
    b = await startTestServer({ domain: "b.test", "federation.enabled": true });
    const r = await admin(b, "POST", "/links", {
      peerDomain: "a.test",
      endpoint: "127.0.0.1:1",
      ca: join(dir, "ca.pem"),
    });
    assert.equal(r.status, 201, JSON.stringify(r.body));
  });
  after(async () => {
    await b?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const helloWith = async (cert: { key: string; cert: string }) => {
    const peer = await RawFederationPeer.connect(b.server.federationPort, {
      ...cert,
      fingerprint: "",
      created: false,
    });
    peer.hello("a.test", "b.test");
    const env = await peer.next();
    peer.end();
    return env;
  };

  test("a certificate the CA issued for the peer's domain is accepted", async () => {
    const env = await helloWith(issued);
    assert.equal(env?.kind.case, "hello");
  });

  test("a certificate the CA issued for another name is refused", async () => {
    const env = await helloWith(otherName);
    assert.equal(env?.kind.case === "close" && env.kind.value.code, ErrorCode.FEDERATION_BAD_CERTIFICATE);
  });

  test("a self-signed certificate for the domain is refused", async () => {
    const env = await helloWith(await certificateFor("a.test"));
    assert.equal(env?.kind.case === "close" && env.kind.value.code, ErrorCode.FEDERATION_BAD_CERTIFICATE);
  });
});
