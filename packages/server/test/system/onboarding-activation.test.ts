import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { ErrorCode } from "@starling/protocol";
import {
  CertificatePinError,
  createNodeClient,
  formatInviteLink,
  fromOnboarding,
  InviteLinkError,
  parseInviteLink,
} from "@starling/sdk/node";
import { adminKey } from "../../src/index.js";
import { apiRequest, startTestServer, type TestServer } from "../helpers/test-server.js";

const NEW_PASSWORD = "chosen-by-me-1";
const OTHER_HASH = "ab".repeat(32);

describe("onboarding from an invite link: pinning and activation", () => {
  let ts: TestServer;
  let documentUrl: string;
  let sha256: string;
  let n = 0;

  /** A user who must choose a password, and an invite link with their activation code. */
  const invite = async (): Promise<{ userId: string; link: string }> => {
    const userId = `hire${++n}@${ts.domain}`;
    await ts.server.core.accounts.createUser({
      id: userId,
      password: "temporary-1",
      mustChangePassword: true,
    });
    const r = await fetch(`http://127.0.0.1:${ts.server.httpPort}/api/v1/admin/users/${userId}/activation`, {
      method: "POST",
      headers: { authorization: `Bearer ${adminKey(ts.dataDir)}` },
    });
    assert.equal(r.status, 201);
    const { code } = (await r.json()) as { code: string };
    return { userId, link: formatInviteLink({ documentUrl, sha256, userId, code }) };
  };

  before(async () => {
    ts = await startTestServer();
    documentUrl = `http://127.0.0.1:${ts.server.httpPort}/.well-known/starling?domain=${ts.domain}`;
    const doc = (await (await fetch(documentUrl)).json()) as { tls: { fingerprintSha256: string } };
    sha256 = doc.tls.fingerprintSha256.replace(/:/g, "").toLowerCase();
    await ts.addUser("alice");
  });
  after(() => ts.close());

  test("fromOnboarding checks the link's hash, activate gives a session, the pinned TLS link works", async () => {
    const { userId, link } = await invite();
    const onboarding = await fromOnboarding(link);
    assert.equal(onboarding.link.userId, userId);
    assert.equal(onboarding.document.domain, ts.domain);
    assert.deepEqual(onboarding.options.tls, { pinSha256: sha256 });
    const session = await onboarding.activate({ password: NEW_PASSWORD });
    assert.equal(session.userId, userId);
    // Over the native TLS endpoint, whose self-signed certificate only the pin vouches for.
    const client = createNodeClient({
      endpoints: [onboarding.document.endpoints.native],
      tls: onboarding.options.tls ?? {},
      auth: { token: session.token },
      reconnect: false,
    });
    try {
      const welcome = await client.connect();
      assert.equal(welcome.userId, userId);
      assert.equal(welcome.mustChangePassword, false);
      const ack = await client.send({ to: "alice", text: "hello from my first day" });
      assert.ok(ack.seq > 0n);
    } finally {
      await client.close();
    }
    // The code worked once.
    await assert.rejects(
      onboarding.activate({ password: "another-password-2" }),
      (e: { code?: number }) => e.code === ErrorCode.ACTIVATION_CODE_USED,
    );
  });

  test("a tampered hash in the link is refused before anything is sent", async () => {
    const { link } = await invite();
    const tampered = link.replace(sha256, OTHER_HASH);
    await assert.rejects(fromOnboarding(tampered), (e: Error) => {
      assert.ok(e instanceof InviteLinkError);
      assert.match(e.message, /not the one the invite names/);
      return true;
    });
    const bare = formatInviteLink({ ...parseInviteLink(link), sha256: "" });
    await assert.rejects(fromOnboarding(bare), /carries no certificate hash/);
  });

  test("a transport pinned to another certificate refuses the server", async () => {
    const client = createNodeClient({
      endpoints: [ts.tlsUrl],
      tls: { pinSha256: OTHER_HASH },
      auth: { userId: "alice", password: "pw-alice-secret" },
      reconnect: false,
    });
    await assert.rejects(client.connect(), (e: Error) => {
      assert.ok(e instanceof CertificatePinError, String(e));
      assert.match(e.message, /is not the pinned one/);
      return true;
    });
    await client.close();
  });

  test("wrong, reused and locked out: the HTTP answers", async () => {
    const { userId, link } = await invite();
    const { code } = parseInviteLink(link);
    const activate = (body: Record<string, unknown>) => apiRequest(ts, "POST", "/activate", "", body);
    const wrong = await activate({ userId, code: "0000-0000-0000", password: NEW_PASSWORD });
    assert.equal(wrong.status, 400);
    assert.equal(wrong.body.code, "ACTIVATION_CODE_INVALID");
    const weak = await activate({ userId, code, password: "short" });
    assert.equal(weak.status, 400);
    assert.equal(weak.body.code, "INVALID_ARGUMENT");
    const ok = await activate({ userId, code, password: NEW_PASSWORD });
    assert.equal(ok.status, 200);
    assert.equal(typeof ok.body.token, "string");
    const again = await activate({ userId, code, password: NEW_PASSWORD });
    assert.equal(again.status, 409);
    assert.equal(again.body.code, "ACTIVATION_CODE_USED");

    // Guessing: after the login limit of wrong codes, even the right one waits.
    const target = await invite();
    const right = parseInviteLink(target.link).code;
    let last = { status: 0, body: {} as Record<string, unknown> };
    for (let i = 0; i < 6; i++)
      last = await activate({ userId: target.userId, code: "0000-0000-0000", password: NEW_PASSWORD });
    assert.equal(last.status, 429);
    assert.equal(last.body.code, "LOGIN_LOCKED");
    const locked = await activate({ userId: target.userId, code: right, password: NEW_PASSWORD });
    assert.equal(locked.status, 429);
  });

  test("a browser opening the link is sent to the web client, fragment and all", async () => {
    const r = await fetch(documentUrl, { headers: { accept: "text/html,*/*" }, redirect: "manual" });
    assert.equal(r.status, 302);
    assert.equal(r.headers.get("location"), `/?domain=${ts.domain}`);
    const app = await fetch(documentUrl, { headers: { accept: "application/json" } });
    assert.equal(app.status, 200);
  });
});
