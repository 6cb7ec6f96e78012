import assert from "node:assert/strict";
import { test } from "node:test";
import { loadConfig } from "@starling/server";
import { serveBanner } from "../src/commands/serve-banner.js";

const ports = { tcpPort: 5202, httpPort: 8080, tlsFingerprint: "" };

test("the start-up banner lists the XMPP port and WebSocket when XMPP is on, and not when it is off", () => {
  const config = loadConfig({ env: {}, flags: { domain: "example.com" } });
  const on = serveBanner(config, { ...ports, xmppPort: 5222 });
  assert.match(on, /xmpp {13}\S+:5222 \(STARTTLS\), JIDs user@example\.com/);
  assert.match(on, /xmpp websocket {3}ws:\/\/\S+:8080\/xmpp/);
  const off = serveBanner(config, { ...ports, xmppPort: 0 });
  assert.doesNotMatch(off, /xmpp/);
  assert.match(off, /native protocol {2}tls:\/\/\S+:5202/);
});

test("the start-up banner lists the federation port when federation is on", () => {
  const config = loadConfig({ env: {}, flags: { domain: "example.com", "federation.enabled": true } });
  assert.match(
    serveBanner(config, { ...ports, xmppPort: 0, federationPort: 5269 }),
    /federation {7}\S+:5269 \(mutual TLS/,
  );
  assert.doesNotMatch(serveBanner(config, { ...ports, xmppPort: 0, federationPort: 0 }), /federation/);
});
