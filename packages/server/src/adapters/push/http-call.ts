import type { PushOutcome } from "../../core/push/provider.js";

/** What a provider's HTTP API answered. */
export interface HttpAnswer {
  status: number;
  headers: Headers;
  text: string;
  /** The body parsed as JSON, when it is JSON. */
  json: unknown;
}

export interface HttpCall {
  method?: "POST" | "GET" | "DELETE";
  headers?: Record<string, string>;
  /** A string or bytes are sent as they are; an object as JSON; URLSearchParams as a form. */
  body?: string | Uint8Array | object | URLSearchParams;
  timeoutMs: number;
}

/**
 * One request to a provider's HTTP/1.1 API, with a deadline. A network failure or a timeout
 * is an exception; every answer, whatever its status, is returned.
 */
export async function httpCall(url: string, call: HttpCall): Promise<HttpAnswer> {
  const headers: Record<string, string> = { ...call.headers };
  let body: string | Uint8Array<ArrayBuffer> | URLSearchParams | undefined;
  if (call.body instanceof URLSearchParams || typeof call.body === "string") body = call.body;
  // fetch is typed for bytes over an ArrayBuffer, not a SharedArrayBuffer: a copy.
  else if (call.body instanceof Uint8Array) body = new Uint8Array(call.body);
  else if (call.body !== undefined) {
    body = JSON.stringify(call.body);
    headers["content-type"] ??= "application/json; charset=utf-8";
  }
  const res = await fetch(url, {
    method: call.method ?? "POST",
    headers,
    body,
    signal: AbortSignal.timeout(call.timeoutMs),
  });
  const text = await res.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

/** Retry-After (RFC 9110 §10.2.3) as milliseconds: seconds or an HTTP date; undefined when absent. */
export function retryAfterMs(headers: Headers, now: number = Date.now()): number | undefined {
  const v = headers.get("retry-after");
  if (!v) return undefined;
  if (/^\d+$/.test(v.trim())) return Number(v.trim()) * 1000;
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/**
 * The outcome HTTP status codes mean for every provider alike: 429 rate limited, 5xx and 408
 * retryable, 401/403 rejected (credentials). Other statuses are the adapter's to read (each
 * provider says "dead token" its own way); undefined here.
 */
export function outcomeOfStatus(answer: HttpAnswer, detail?: string): PushOutcome | undefined {
  const d = detail ?? `HTTP ${answer.status}`;
  if (answer.status === 429) {
    const after = retryAfterMs(answer.headers);
    return {
      ok: false,
      reason: "rate_limited",
      ...(after !== undefined ? { retryAfterMs: after } : {}),
      detail: d,
    };
  }
  if (answer.status === 408 || answer.status >= 500) {
    const after = retryAfterMs(answer.headers);
    return {
      ok: false,
      reason: "retryable",
      ...(after !== undefined ? { retryAfterMs: after } : {}),
      detail: d,
    };
  }
  if (answer.status === 401 || answer.status === 403) return { ok: false, reason: "rejected", detail: d };
  return undefined;
}

/** A failure to reach the provider at all (refused, reset, timed out): try again later. */
export function unreachable(err: unknown): PushOutcome {
  const detail = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  return { ok: false, reason: "retryable", detail };
}
