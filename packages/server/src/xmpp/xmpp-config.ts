/** Per-connection limits and timings of the XMPP gateway. */
export interface XmppConfig {
  /** Top-level elements per second one connection may send (sustained). */
  stanzasPerSecond: number;
  stanzaBurst: number;
  /** A connection that lets this much unsent output pile up is closed. */
  maxBufferedBytes: number;
  /** From connecting to a bound resource. */
  loginTimeoutMs: number;
}

export const DEFAULT_XMPP_CONFIG: XmppConfig = {
  stanzasPerSecond: 500,
  stanzaBurst: 1000,
  maxBufferedBytes: 16 * 1024 * 1024,
  loginTimeoutMs: 30_000,
};
