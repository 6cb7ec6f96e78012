import type { RunningServer, StarlingConfig } from "@starling/server";

/** What `starling serve` prints once it listens: every way in, so a user knows where to point a client. */
export function serveBanner(
  config: StarlingConfig,
  server: Pick<RunningServer, "tcpPort" | "httpPort" | "xmppPort" | "tlsFingerprint" | "firstAdmin"> &
    Partial<Pick<RunningServer, "federationPort">>,
): string {
  const http = `${config.http.host}:${server.httpPort}`;
  const lines = [
    "",
    `Starling is running for domain ${config.domain}`,
    `  native protocol  ${config.tcp.tls ? "tls" : "tcp"}://${config.tcp.host}:${server.tcpPort}`,
    `  websocket        ws://${http}/ws`,
  ];
  // XMPP clients are given the domain and, where the domain does not resolve to this machine, the host and port.
  if (server.xmppPort) {
    lines.push(
      `  xmpp             ${config.tcp.host}:${server.xmppPort} (STARTTLS), JIDs user@${config.domain}`,
    );
    lines.push(`  xmpp websocket   ws://${http}/xmpp`);
  }
  // Peers pin this server's certificate: the fingerprint below is what their operator needs.
  if (server.federationPort)
    lines.push(
      `  federation       ${config.tcp.host}:${server.federationPort} (mutual TLS, docs/federation.md)`,
    );
  lines.push(`  health           http://${http}/healthz`);
  lines.push(`  readiness        http://${http}/readyz`);
  if (server.tlsFingerprint) lines.push(`  TLS fingerprint  ${server.tlsFingerprint}`);
  if (server.firstAdmin) {
    lines.push(
      "",
      "  First administrator created. This password is shown once; change it with `starling user passwd`.",
      `    user:     ${server.firstAdmin.id}`,
      `    password: ${server.firstAdmin.password}`,
    );
  }
  return `${lines.join("\n")}\n\n`;
}
