import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { ErrorCode } from "@starling/protocol";
import type { TlsFiles } from "../../../src/adapters/tls/self-signed.js";
import { admin, pingsAt, refusedCount } from "../../helpers/federation-peers.js";
import { poll } from "../../helpers/poll.js";
import { certificateFor, RawFederationPeer } from "../../helpers/raw-federation.js";
import { startTestServer, type TestServer } from "../../helpers/test-server.js";
import { WarningLines } from "../../helpers/warning-lines.js";

/**
 * A server's federation listener against peers that misbehave, played by a hand-written client:
 * each is refused with its code and a log line, and nothing it sent is applied.
 */
// Refusals are counted every time (refusedCount); their log lines are held to one per reason per 10 s.
const text = (s: string) => new TextEncoder().encode(s);

describe("federation listener refuses bad peers", () => {
  let b: TestServer;
  let certA: TlsFiles;
  let certC: TlsFiles;
  let certS: TlsFiles;
  let rogue: TlsFiles;
  const log = new WarningLines();
  const MAX_FRAME = 4096;

  before(async () => {
    certA = await certificateFor("a.test");
    certC = await certificateFor("c.test");
    certS = await certificateFor("s.test");
    rogue = await certificateFor("a.test");
    b = await startTestServer(
      {
        domain: "b.test",
        "federation.enabled": true,
        "federation.maxFrameBytes": MAX_FRAME,
        "federation.backoffMaxMs": 1000,
        "federation.handshakeTimeoutMs": 2000,
      },
      log,
    );
    for (const [peer, cert] of [
      ["a.test", certA],
      ["c.test", certC],
      ["s.test", certS],
    ] as const) {
      // Nothing listens on port 1: b's own dialling fails quietly, which is beside the point here.
      const r = await admin(b, "POST", "/links", {
        peerDomain: peer,
        endpoint: "127.0.0.1:1",
        pin: cert.fingerprint,
      });
      assert.equal(r.status, 201, JSON.stringify(r.body));
    }
    assert.equal((await admin(b, "POST", "/links/s.test/suspend")).status, 200);
  });
  after(async () => {
    await b?.close();
  });

  const refusal = async (cert: TlsFiles | undefined, from: string, to = "b.test") => {
    const peer = await RawFederationPeer.connect(b.server.federationPort, cert);
    peer.hello(from, to);
    const close = await peer.closeReason();
    await peer.ended();
    return close;
  };

  test("a certificate other than the pinned one is refused", async () => {
    const close = await refusal(rogue, "a.test");
    assert.equal(close?.code, ErrorCode.FEDERATION_BAD_CERTIFICATE);
    assert.ok(log.has("federation refused: bad_certificate", { peer: "a.test" }));
    assert.equal(await refusedCount(b, "a.test", "bad_certificate"), 1);
  });

  test("no client certificate at all is refused", async () => {
    const close = await refusal(undefined, "a.test");
    assert.equal(close?.code, ErrorCode.FEDERATION_BAD_CERTIFICATE);
    assert.equal(await refusedCount(b, "a.test", "bad_certificate"), 2);
  });

  test("an unlinked domain is refused", async () => {
    const close = await refusal(certA, "x.test");
    assert.equal(close?.code, ErrorCode.FEDERATION_NOT_LINKED);
    // A name nobody linked labels no metric: it is only in the log line.
    assert.ok(log.has("federation refused: not_linked", { peer: "unknown", claimed: "x.test" }));
    assert.equal(await refusedCount(b, "unknown", "not_linked"), 1);
  });

  test("a suspended link is refused", async () => {
    const close = await refusal(certS, "s.test");
    assert.equal(close?.code, ErrorCode.FEDERATION_LINK_SUSPENDED);
    assert.ok(log.has("federation refused: suspended", { peer: "s.test" }));
  });

  test("a Hello naming another linked domain than the certificate's is refused", async () => {
    const close = await refusal(certA, "c.test");
    assert.equal(close?.code, ErrorCode.FEDERATION_BAD_CERTIFICATE);
    assert.equal(await refusedCount(b, "c.test", "bad_certificate"), 1);
  });

  test("a Hello addressed to another domain is refused", async () => {
    const close = await refusal(certA, "a.test", "z.test");
    assert.equal(close?.code, ErrorCode.FEDERATION_DOMAIN_MISMATCH);
    assert.ok(log.has("federation refused: domain_mismatch", { claimed: "a.test" }));
  });

  test("a Hello of another version is refused", async () => {
    const peer = await RawFederationPeer.connect(b.server.federationPort, certA);
    peer.send({
      kind: {
        case: "hello",
        value: { fromDomain: "a.test", toDomain: "b.test", appliedSeq: 0n, version: 2 },
      },
    });
    assert.equal((await peer.closeReason())?.code, ErrorCode.UNSUPPORTED_VERSION);
  });

  test("a connection that sends no Hello is closed after the handshake timeout", async () => {
    const peer = await RawFederationPeer.connect(b.server.federationPort, certA);
    assert.equal((await peer.closeReason())?.code, ErrorCode.HELLO_REQUIRED);
    await peer.ended();
    assert.ok(log.has("federation refused: handshake_timeout", { peer: "unknown" }));
  });

  test("a replayed seq is acknowledged and ignored, a gap and an oversized frame are refused", async () => {
    const peer = await RawFederationPeer.connect(b.server.federationPort, certA);
    peer.hello("a.test", "b.test");
    const hello = await peer.next();
    assert.equal(hello?.kind.case, "hello");
    assert.equal(hello?.kind.case === "hello" && hello.kind.value.fromDomain, "b.test");
    peer.frame(1, "ping", text("one"));
    let env = await peer.next();
    assert.equal(env?.kind.case === "ack" && env.kind.value.seq, 1n);
    peer.frame(1, "ping", text("replayed"));
    env = await peer.next();
    assert.equal(env?.kind.case === "ack" && env.kind.value.seq, 1n);
    peer.frame(3, "ping", text("gap"));
    const close = await peer.closeReason();
    assert.equal(close?.code, ErrorCode.FEDERATION_SEQ_GAP);
    assert.deepEqual(await pingsAt(b, "a.test"), ["one"]);

    const big = await RawFederationPeer.connect(b.server.federationPort, certA);
    big.hello("a.test", "b.test");
    assert.equal((await big.next())?.kind.case, "hello");
    big.frame(2, "ping", new Uint8Array(MAX_FRAME + 1));
    assert.equal((await big.closeReason())?.code, ErrorCode.FRAME_TOO_LARGE);

    const unknown = await RawFederationPeer.connect(b.server.federationPort, certA);
    unknown.hello("a.test", "b.test");
    assert.equal((await unknown.next())?.kind.case, "hello");
    unknown.frame(2, "no-such-kind", text("?"));
    assert.equal((await unknown.closeReason())?.code, ErrorCode.FEDERATION_UNKNOWN_KIND);

    assert.deepEqual(await pingsAt(b, "a.test"), ["one"]);
    const links = await admin(b, "GET", "/links");
    const a = (links.body.links as { peerDomain: string; appliedSeq: number }[]).find(
      (l) => l.peerDomain === "a.test",
    );
    assert.equal(a?.appliedSeq, 1);
    await poll(
      () =>
        ["seq_gap", "too_large", "unknown_kind"].filter((r) =>
          log.has(`federation refused: ${r}`, { peer: "a.test" }),
        ),
      (seen) => seen.length === 3,
      "a log line for each refused frame",
    );
  });
});
