import { once } from "node:events";
import tls from "node:tls";
import {
  decodeEnvelope,
  type Envelope,
  type EnvelopeInit,
  encodeEnvelope,
  encodeFrame,
  FrameDecoder,
  type MessageInitShape,
  type RequestSchema,
  type Response,
} from "@starling/protocol";

type RequestBody = MessageInitShape<typeof RequestSchema>["body"];

/**
 * A bare TLS connection speaking raw frames, for tests that must send what
 * no well-behaved client would.
 */
export class RawClient {
  readonly received: Envelope[] = [];
  closed = false;
  private readonly decoder = new FrameDecoder(64 * 1024 * 1024);
  private waiters: (() => void)[] = [];

  private constructor(readonly socket: tls.TLSSocket) {
    socket.on("data", (chunk: Buffer) => {
      for (const f of this.decoder.push(chunk)) this.received.push(decodeEnvelope(f));
      this.wake();
    });
    socket.on("close", () => {
      this.closed = true;
      this.wake();
    });
    socket.on("error", () => {});
  }

  private nextId = 100;

  /** Sends a request and waits for its response. */
  async call(body: RequestBody): Promise<Response> {
    const id = this.nextId++;
    this.send({ kind: { case: "request", value: { id, body } } });
    await this.until((c) => c.response(id) !== undefined);
    return this.response(id) as Response;
  }

  static async connect(port: number): Promise<RawClient> {
    const socket = tls.connect({ host: "127.0.0.1", port, rejectUnauthorized: false });
    await once(socket, "secureConnect");
    return new RawClient(socket);
  }

  sendBytes(bytes: Uint8Array): void {
    this.socket.write(bytes);
  }

  send(env: EnvelopeInit): void {
    this.socket.write(encodeFrame(encodeEnvelope(env)));
  }

  hello(id: number, userId: string, password: string): void {
    this.send({
      kind: {
        case: "request",
        value: {
          id,
          body: {
            case: "hello",
            value: { minVersion: 1, maxVersion: 1, auth: { case: "password", value: { userId, password } } },
          },
        },
      },
    });
  }

  /** A SendMessage request with a text, without waiting for its answer. */
  sendText(id: number, toUserId: string, clientMsgId: string, text: string): void {
    this.send({
      kind: {
        case: "request",
        value: { id, body: { case: "send", value: { toUserId, clientMsgId, content: { text } } } },
      },
    });
  }

  /** Waits until `pred` holds for what was received (or the connection closed). */
  async until(pred: (c: RawClient) => boolean): Promise<void> {
    const deadline = Date.now() + 30_000;
    while (!pred(this)) {
      if (Date.now() > deadline) throw new Error("timed out waiting on the raw connection");
      if (this.closed) {
        if (pred(this)) return;
        throw new Error("connection closed before the condition held");
      }
      await new Promise<void>((r) => {
        this.waiters.push(r);
        setTimeout(r, 500).unref();
      });
    }
  }

  async closedByServer(): Promise<void> {
    while (!this.closed) await new Promise<void>((r) => this.waiters.push(r));
  }

  response(id: number) {
    for (const e of this.received)
      if (e.kind.case === "response" && e.kind.value.id === id) return e.kind.value;
    return undefined;
  }

  goodbye() {
    for (const e of this.received) {
      if (e.kind.case === "push" && e.kind.value.body.case === "goodbye") return e.kind.value.body.value;
    }
    return undefined;
  }

  close(): void {
    this.socket.destroy();
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }
}
