import type net from "node:net";
import tls from "node:tls";

/**
 * Starts the server side of a TLS handshake on an accepted socket (at once
 * on the native port, after `<proceed/>` for XMPP STARTTLS). A peer that has
 * not finished the handshake within `timeoutMs` is cut off and `onTimeout`
 * is told, so a socket that never speaks TLS holds nothing for long.
 */
export function acceptTls(
  raw: net.Socket,
  context: tls.SecureContext,
  timeoutMs: number,
  onTimeout: () => void,
): tls.TLSSocket {
  const secure = new tls.TLSSocket(raw, { isServer: true, secureContext: context });
  const timer = setTimeout(() => {
    onTimeout();
    raw.destroy();
  }, timeoutMs);
  timer.unref();
  secure.once("secure", () => clearTimeout(timer));
  secure.once("close", () => clearTimeout(timer));
  raw.once("close", () => clearTimeout(timer));
  return secure;
}
