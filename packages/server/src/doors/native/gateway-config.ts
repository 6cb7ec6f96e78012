/** Per-connection limits and timing of the gateway. */
export interface GatewayConfig {
  maxFrameBytes: number;
  heartbeatIntervalMs: number;
  /** A connection silent for this many heartbeat intervals is dropped. */
  heartbeatMisses: number;
  /** Time allowed from connect to a successful Hello. */
  helloTimeoutMs: number;
  requestsPerSecond: number;
  requestBurst: number;
  maxInFlight: number;
  /** A client that lets this much unsent output pile up is disconnected. */
  maxBufferedBytes: number;
  serverVersion: string;
}

export const DEFAULT_GATEWAY_CONFIG: GatewayConfig = {
  maxFrameBytes: 1024 * 1024,
  heartbeatIntervalMs: 25_000,
  heartbeatMisses: 3,
  helloTimeoutMs: 10_000,
  requestsPerSecond: 500,
  requestBurst: 1000,
  maxInFlight: 256,
  maxBufferedBytes: 16 * 1024 * 1024,
  serverVersion: "0.1.0",
};
