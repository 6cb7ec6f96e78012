import { deflateRawSync, inflateRawSync } from "node:zlib";
import {
  CloseCode,
  COMPRESSION_DEFLATE,
  COMPRESSION_THRESHOLD_BYTES,
  decodeEnvelope,
  type Envelope,
  ErrorCode,
  encodeEnvelope,
  type Hello,
  PROTOCOL_MAX_VERSION,
  PROTOCOL_MIN_VERSION,
  StarlingError,
} from "@starling/protocol";
import type { Authenticated } from "../../core/accounts/accounts.js";
import type { Core } from "../../core/core.js";
import { MAX_CLIENT_LENGTH, MAX_DEVICE_ID_LENGTH, MAX_PLATFORM_LENGTH } from "../../core/kernel/limits.js";
import type { Clock, Logger } from "../../core/kernel/ports.js";
import { TokenBucket } from "../../core/kernel/token-bucket.js";
import type { Connection } from "./connection.js";
import { encodeResponseEnvelope } from "./directory-codec.js";
import { type Caller, dispatch, type EncodedBody, type ResponseBody } from "./dispatch.js";
import type { GatewayConfig } from "./gateway-config.js";

/** Frames at least this large are compressed at the fastest DEFLATE level. */
const LARGE_FRAME_BYTES = 64 * 1024;

type State = "hello" | "authenticating" | "ready" | "closed";

export interface SessionHost {
  core: Core;
  clock: Clock;
  log: Logger;
  config: GatewayConfig;
  /** Called once the session is authenticated, to receive pushes. */
  register(session: Session): void;
  unregister(session: Session): void;
  newSessionId(): string;
}

const MAX_STRING_IN_LOG = 80;

/** When a client refused for having too many sessions should try again. */
const TOO_MANY_SESSIONS_RETRY_MS = 30_000;

/**
 * One client connection, whatever the transport: handshake, authentication,
 * request dispatch with limits, and pushes. Anything malformed ends this
 * connection only, with a code that tells the client why.
 */
export class Session {
  readonly id: string;
  userId = "";
  lastActivity: number;
  /** When the connection was handed over (after any TLS handshake): the login timeout runs from here. */
  readonly openedAt: number;
  private state: State = "hello";
  private compression = false;
  private token = "";
  private inFlight = 0;
  private readonly bucket: TokenBucket;
  private readonly caller: Caller;

  constructor(
    readonly conn: Connection,
    private readonly host: SessionHost,
  ) {
    this.id = host.newSessionId();
    this.lastActivity = host.clock.now();
    this.openedAt = this.lastActivity;
    this.bucket = new TokenBucket(host.config.requestsPerSecond, host.config.requestBurst, this.lastActivity);
    this.caller = {
      userId: "",
      sessionId: this.id,
      presenceTargets: new Set(),
      tokenHash: "",
      mustChangePassword: false,
      address: conn.remoteAddress,
    };
  }

  get isReady(): boolean {
    return this.state === "ready";
  }

  /** The hash of the login session's token this connection authenticated with ("" before). */
  get tokenHash(): string {
    return this.token;
  }

  get isClosed(): boolean {
    return this.state === "closed";
  }

  /** One envelope's bytes from the transport. */
  onFrame(bytes: Uint8Array): void {
    if (this.state === "closed") return;
    this.lastActivity = this.host.clock.now();
    let env: Envelope;
    try {
      env = decodeEnvelope(bytes);
      if (env.kind.case === "deflated") env = this.inflate(env.kind.value);
    } catch (err) {
      this.protocolError(err);
      return;
    }
    if (env.kind.case !== "request") {
      this.protocolError(new StarlingError(ErrorCode.UNKNOWN_TYPE, "clients send only requests"));
      return;
    }
    const req = env.kind.value;
    if (req.id === 0) {
      this.protocolError(new StarlingError(ErrorCode.BAD_REQUEST_ID, "request id must not be 0"));
      return;
    }
    const body = req.body;
    if (this.state === "hello") {
      if (body.case !== "hello") {
        this.fail(
          req.id,
          new StarlingError(ErrorCode.HELLO_REQUIRED, "the first request must be hello"),
          CloseCode.PROTOCOL_ERROR,
        );
        return;
      }
      this.state = "authenticating";
      void this.hello(req.id, body.value);
      return;
    }
    if (this.state === "authenticating") {
      this.fail(
        req.id,
        new StarlingError(ErrorCode.HELLO_REQUIRED, "wait for welcome before sending"),
        CloseCode.PROTOCOL_ERROR,
      );
      return;
    }
    if (body.case === "hello") {
      this.respondError(req.id, new StarlingError(ErrorCode.DUPLICATE_HELLO, "already authenticated"));
      return;
    }
    if (body.case === "ping") {
      this.respond(req.id, { case: "pong", value: { serverTime: BigInt(this.host.clock.now()) } });
      return;
    }
    if (!this.bucket.take(this.lastActivity)) {
      this.host.core.metrics.inc("starling_rate_limited_total", {
        door: this.conn.transport === "tcp" ? "native-tcp" : "native-ws",
      });
      this.respondError(
        req.id,
        new StarlingError(ErrorCode.RATE_LIMITED, "too many requests", {
          retryAfterMs: this.bucket.waitMs(),
        }),
      );
      return;
    }
    if (this.inFlight >= this.host.config.maxInFlight) {
      this.respondError(
        req.id,
        new StarlingError(ErrorCode.TOO_MANY_REQUESTS_IN_FLIGHT, "too many requests in flight", {
          retryAfterMs: 50,
        }),
      );
      return;
    }
    if (body.case === "logout") {
      void this.logout(req.id);
      return;
    }
    this.inFlight++;
    dispatch(this.host.core, this.caller, body).then(
      (res) => {
        this.inFlight--;
        this.respond(req.id, res);
      },
      (err) => {
        this.inFlight--;
        this.respondError(req.id, err);
      },
    );
  }

  /** Writes an already encoded envelope (a push shared by many sessions). */
  push(frame: Uint8Array): void {
    if (this.state !== "ready") return;
    this.write(frame);
  }

  close(code: CloseCode, reason: string): void {
    if (this.state === "closed") return;
    this.conn.close(code, reason);
    this.onClosed();
  }

  /** The transport reports the connection is gone. */
  onClosed(): void {
    if (this.state === "closed") return;
    const wasReady = this.state === "ready";
    this.state = "closed";
    if (wasReady) {
      this.host.unregister(this);
      this.host.core.presence.unsubscribe(this.userId, [...this.caller.presenceTargets]);
      this.host.core.presence.disconnected(this.userId);
    }
  }

  private async hello(id: number, hello: Hello): Promise<void> {
    const version = Math.min(hello.maxVersion, PROTOCOL_MAX_VERSION);
    if (
      hello.maxVersion < PROTOCOL_MIN_VERSION ||
      hello.minVersion > PROTOCOL_MAX_VERSION ||
      version < hello.minVersion
    ) {
      this.fail(
        id,
        new StarlingError(ErrorCode.UNSUPPORTED_VERSION, "no common protocol version", {
          details: { min: String(PROTOCOL_MIN_VERSION), max: String(PROTOCOL_MAX_VERSION) },
        }),
        CloseCode.UNSUPPORTED_VERSION,
      );
      return;
    }
    const client = hello.client;
    const device = {
      deviceId: (client?.deviceId ?? "").slice(0, MAX_DEVICE_ID_LENGTH),
      platform: (client?.platform ?? "").slice(0, MAX_PLATFORM_LENGTH),
      client: (client?.appVersion ?? "").slice(0, MAX_CLIENT_LENGTH),
    };
    let auth: Authenticated;
    try {
      if (hello.auth.case === "password") {
        auth = await this.host.core.accounts.login(
          hello.auth.value.userId,
          hello.auth.value.password,
          this.conn.remoteAddress,
          device,
        );
      } else if (hello.auth.case === "token") {
        auth = await this.host.core.accounts.resume(hello.auth.value);
      } else {
        throw new StarlingError(ErrorCode.UNAUTHENTICATED, "hello carries no credentials");
      }
    } catch (err) {
      const code = !(err instanceof StarlingError)
        ? CloseCode.INTERNAL_ERROR
        : err.code === ErrorCode.ACCOUNT_DISABLED || err.code === ErrorCode.DOMAIN_DISABLED
          ? CloseCode.ACCOUNT_DISABLED
          : err.code === ErrorCode.LOGIN_LOCKED
            ? CloseCode.RATE_LIMITED
            : CloseCode.AUTH_FAILED;
      this.host.log.info(
        {
          session: this.id,
          ip: this.conn.remoteAddress,
          err: err instanceof StarlingError ? err.codeName : String(err),
        },
        "login refused",
      );
      this.fail(id, err, code);
      return;
    }
    if (this.state !== "authenticating") return; // closed while we checked
    const door = this.conn.transport === "tcp" ? "native-tcp" : "native-ws";
    if (!this.host.core.connections.sessionAllowed(auth.user.id, this.conn.remoteAddress, door)) {
      // A password login made a login session this connection will never use.
      if (auth.token) this.host.core.accounts.logout(auth.tokenHash).catch(() => {});
      this.fail(
        id,
        new StarlingError(ErrorCode.TOO_MANY_SESSIONS, "too many sessions of this user are open", {
          retryAfterMs: TOO_MANY_SESSIONS_RETRY_MS,
        }),
        CloseCode.TOO_MANY_CONNECTIONS,
      );
      return;
    }
    this.conn.ticket.authenticated();
    this.userId = auth.user.id;
    this.caller.userId = auth.user.id;
    this.caller.tokenHash = auth.tokenHash;
    this.caller.mustChangePassword = auth.user.mustChangePassword;
    if (auth.scopes) this.caller.scopes = auth.scopes;
    this.token = auth.tokenHash;
    this.compression = hello.compression.includes(COMPRESSION_DEFLATE);
    this.state = "ready";
    this.host.register(this);
    this.host.core.presence.connected(this.userId);
    this.host.log.info(
      {
        session: this.id,
        user: this.userId,
        transport: this.conn.transport,
        platform: device.platform.slice(0, MAX_STRING_IN_LOG),
      },
      "session started",
    );
    this.respond(id, {
      case: "welcome",
      value: {
        version,
        userId: auth.user.id,
        sessionToken: auth.token ?? "",
        tokenExpiresAt: BigInt(auth.expiresAt),
        serverTime: BigInt(this.host.clock.now()),
        heartbeatIntervalMs: this.host.config.heartbeatIntervalMs,
        maxFrameBytes: this.host.config.maxFrameBytes,
        compression: this.compression ? COMPRESSION_DEFLATE : "",
        serverVersion: this.host.config.serverVersion,
        sessionId: this.id,
        mustChangePassword: auth.user.mustChangePassword,
        maxTextLength: this.host.core.limits.maxTextLength,
        editWindowMs: this.host.core.limits.editWindowMs,
        webpushPublicKey: this.host.core.webPushPublicKey ?? "",
        pushProviders: this.host.core.pushDevices.providerNames(),
      },
    });
  }

  private async logout(id: number): Promise<void> {
    try {
      await this.host.core.accounts.logout(this.token);
      this.respond(id, { case: "ok", value: {} });
      this.close(CloseCode.LOGGED_OUT, "logged out");
    } catch (err) {
      this.respondError(id, err);
    }
  }

  private inflate(bytes: Uint8Array): Envelope {
    if (!this.compression) {
      throw new StarlingError(ErrorCode.COMPRESSION_NOT_NEGOTIATED, "compression was not negotiated");
    }
    let inner: Buffer;
    try {
      inner = inflateRawSync(bytes, { maxOutputLength: this.host.config.maxFrameBytes });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ERR_BUFFER_TOO_LARGE") {
        throw new StarlingError(ErrorCode.FRAME_TOO_LARGE, "compressed frame inflates past the size limit");
      }
      throw new StarlingError(ErrorCode.BAD_FRAME, "compressed frame is corrupt");
    }
    const env = decodeEnvelope(inner);
    if (env.kind.case === "deflated") throw new StarlingError(ErrorCode.BAD_FRAME, "nested compression");
    return env;
  }

  private respond(id: number, body: ResponseBody | EncodedBody): void {
    if (this.state === "closed") return;
    if (body && "encoded" in body) {
      this.write(encodeResponseEnvelope(id, body.field, body.encoded));
      return;
    }
    this.write(encodeEnvelope({ kind: { case: "response", value: { id, body } } }));
  }

  private respondError(id: number, err: unknown): void {
    this.respond(id, { case: "error", value: this.toWireError(err) });
  }

  /** Answers with an error, then closes with `code`. */
  private fail(id: number, err: unknown, code: CloseCode): void {
    this.respondError(id, err);
    this.close(code, err instanceof StarlingError ? err.message : "error");
  }

  private protocolError(err: unknown): void {
    const e = err instanceof StarlingError ? err : new StarlingError(ErrorCode.BAD_FRAME, "malformed frame");
    this.host.log.warn(
      { session: this.id, ip: this.conn.remoteAddress, code: e.codeName },
      "protocol violation",
    );
    // There is no request id to answer: the close reason says what was wrong.
    this.close(CloseCode.PROTOCOL_ERROR, `${e.codeName}: ${e.message}`);
  }

  private toWireError(err: unknown) {
    if (err instanceof StarlingError) {
      return {
        code: err.code,
        message: err.message,
        retryable: err.retryable,
        retryAfterMs: err.retryAfterMs,
        details: err.details,
      };
    }
    this.host.log.error({ err, session: this.id }, "request failed");
    return {
      code: ErrorCode.INTERNAL,
      message: "internal error",
      retryable: true,
      retryAfterMs: 1000,
      details: {},
    };
  }

  private write(frame: Uint8Array): void {
    if (this.conn.bufferedBytes() > this.host.config.maxBufferedBytes) {
      this.host.log.warn({ session: this.id, user: this.userId }, "slow consumer disconnected");
      this.close(CloseCode.SLOW_CONSUMER, "too much unread output");
      return;
    }
    if (this.compression && frame.length >= COMPRESSION_THRESHOLD_BYTES) {
      // Large frames (directory pages, history) at the fastest level: the CPU is worth more than the last bytes.
      const level = frame.length >= LARGE_FRAME_BYTES ? 1 : 6;
      frame = encodeEnvelope({ kind: { case: "deflated", value: deflateRawSync(frame, { level }) } });
    }
    this.conn.send(frame);
  }
}
