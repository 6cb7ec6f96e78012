import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { after, before, describe, test } from "node:test";
import { startTestServer, type TestServer } from "../../helpers/test-server.js";

interface Handshake {
  /** The suite agreed, or "(NONE)" when the handshake failed. */
  cipher: string;
  protocol: string;
}

/**
 * One handshake by `openssl s_client` with the given options; it reads its
 * stdin to the end (empty) and exits. Bounded by a generous kill timer only
 * so a hung handshake fails the test instead of hanging it.
 */
function sClient(args: string[]): Promise<Handshake> {
  return new Promise((resolve, reject) => {
    const p = spawn("openssl", ["s_client", ...args], { stdio: ["pipe", "pipe", "pipe"] });
    let out = "";
    p.stdout.on("data", (d: Buffer) => {
      out += d.toString();
    });
    p.stderr.on("data", (d: Buffer) => {
      out += d.toString();
    });
    const kill = setTimeout(() => p.kill("SIGKILL"), 30_000);
    p.on("error", reject);
    p.on("close", () => {
      clearTimeout(kill);
      const m = /New, (\S+), Cipher is (\S+)/.exec(out);
      if (!m) reject(new Error(`no handshake summary from openssl: ${out.slice(-500)}`));
      else resolve({ protocol: m[1] as string, cipher: m[2] as string });
    });
    p.stdin.end();
  });
}

/** The two TLS doors: the native port, and XMPP after STARTTLS. */
function doors(ts: TestServer): [string, string[]][] {
  return [
    ["native", ["-connect", `127.0.0.1:${ts.server.tcpPort}`]],
    ["xmpp", ["-connect", `127.0.0.1:${ts.server.xmppPort}`, "-starttls", "xmpp", "-xmpphost", ts.domain]],
  ];
}

describe("TLS suites on every TLS listener", () => {
  let ts: TestServer;
  before(async () => {
    ts = await startTestServer();
  });
  after(() => ts.close());

  test("TLS 1.2 refuses CBC and CCM8 suites and agrees on AES-GCM and ChaCha20-Poly1305", async () => {
    for (const [door, connect] of doors(ts)) {
      for (const refused of [
        "ECDHE-ECDSA-AES128-SHA",
        "ECDHE-ECDSA-AES256-SHA384",
        "ECDHE-ECDSA-AES128-CCM8",
      ]) {
        const h = await sClient([...connect, "-tls1_2", "-cipher", refused]);
        assert.equal(h.cipher, "(NONE)", `${door} accepted ${refused}`);
      }
      for (const accepted of ["ECDHE-ECDSA-AES128-GCM-SHA256", "ECDHE-ECDSA-CHACHA20-POLY1305"]) {
        const h = await sClient([...connect, "-tls1_2", "-cipher", accepted]);
        assert.equal(h.cipher, accepted, `${door} refused ${accepted}`);
      }
    }
  });

  test("TLS 1.3 offers no CCM suite", async () => {
    for (const [door, connect] of doors(ts)) {
      const ccm = await sClient([
        ...connect,
        "-tls1_3",
        "-ciphersuites",
        "TLS_AES_128_CCM_8_SHA256:TLS_AES_128_CCM_SHA256",
      ]);
      assert.equal(ccm.cipher, "(NONE)", `${door} accepted a CCM suite`);
      const gcm = await sClient([...connect, "-tls1_3", "-ciphersuites", "TLS_AES_128_GCM_SHA256"]);
      assert.equal(gcm.cipher, "TLS_AES_128_GCM_SHA256", door);
    }
  });
});

describe("tls.minVersion 1.3", () => {
  let ts: TestServer;
  before(async () => {
    ts = await startTestServer({ "tls.minVersion": "1.3" });
  });
  after(() => ts.close());

  test("TLS 1.2 is refused and TLS 1.3 accepted on both doors", async () => {
    for (const [door, connect] of doors(ts)) {
      const old = await sClient([...connect, "-tls1_2"]);
      assert.equal(old.cipher, "(NONE)", `${door} accepted TLS 1.2`);
      const now = await sClient([...connect, "-tls1_3"]);
      assert.equal(now.protocol, "TLSv1.3", door);
    }
  });
});
