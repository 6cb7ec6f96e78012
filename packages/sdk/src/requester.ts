import { ConnectionClosedError, RequestTimeoutError } from "./client-errors.js";
import type { Connection, RequestBody, ResponseBody } from "./connection.js";
import type { Gate } from "./gate.js";
import type { Timers } from "./timers.js";

/**
 * What to do with a request whose connection dropped before its answer:
 * - "idempotent": send it again on the next connection (reads, mark read...);
 * - "once": fail with a retryable ConnectionClosedError, because doing it
 *   twice would be visible (creating a group, recalling...);
 * - "droppable": forget it (typing); also skipped while offline.
 */
/** The value of the response body of kind K. */
export type ResultOf<K extends ResponseBody["case"]> =
  Extract<ResponseBody, { case: K }> extends { value: infer V } ? V : never;

export type RetryPolicy = "idempotent" | "once" | "droppable";

/** The app's requests: wait for a connection, retry per policy, bounded by timeoutMs overall. */
export class Requester {
  private readonly gate: Gate<Connection>;
  private readonly timers: Timers;
  private readonly timeoutMs: number;

  constructor(gate: Gate<Connection>, timers: Timers, timeoutMs: number) {
    this.gate = gate;
    this.timers = timers;
    this.timeoutMs = timeoutMs;
  }

  async call(body: RequestBody, policy: RetryPolicy): Promise<ResponseBody | undefined> {
    const deadline = this.timers.now() + this.timeoutMs;
    for (;;) {
      if (policy === "droppable" && this.gate.current === null) return undefined;
      const conn = await this.gate.wait(deadline - this.timers.now());
      const left = deadline - this.timers.now();
      if (left <= 0) throw new RequestTimeoutError(this.timeoutMs);
      try {
        return await conn.request(body, left);
      } catch (err) {
        if (!(err instanceof ConnectionClosedError) || err.fatal || policy === "once") throw err;
        if (policy === "droppable") return undefined;
      }
    }
  }

  /** Like call(), for requests whose answer must be of one kind. */
  async expect<K extends ResponseBody["case"]>(
    body: RequestBody,
    policy: RetryPolicy,
    kind: K,
  ): Promise<ResultOf<K>> {
    const res = await this.call(body, policy);
    if (res === undefined || res.case !== kind) {
      throw new Error(`expected ${kind} in answer to ${body.case}, got ${res?.case}`);
    }
    return (res as { value: unknown }).value as ResultOf<K>;
  }
}
