/**
 * For a state of a server that no event announces (a health flag, a
 * readiness answer, a count of sockets): probes it every `everyMs` until
 * `accept` holds, and fails after a generous limit naming what it waited for
 * and the last value seen. Never a fixed sleep in place of a condition.
 */
export async function poll<T>(
  probe: () => T | Promise<T>,
  accept: (value: T) => boolean,
  what: string,
  { limitMs = 30_000, everyMs = 50 }: { limitMs?: number; everyMs?: number } = {},
): Promise<T> {
  const deadline = Date.now() + limitMs;
  for (;;) {
    const value = await probe();
    if (accept(value)) return value;
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what} (last: ${JSON.stringify(value)})`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** `poll` for a condition. */
export async function waitUntil(pred: () => boolean, what: string, limitMs?: number): Promise<void> {
  await poll(pred, (ok) => ok, what, limitMs === undefined ? {} : { limitMs });
}
