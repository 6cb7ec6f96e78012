// Plain JavaScript so that the shipped entry (bin/starling.mjs) can install it before the
// TypeScript loader starts, which takes most of a second.

/** The signals that ask a process to stop. */
const STOP_SIGNALS = ["SIGINT", "SIGTERM"];

/**
 * Catches SIGINT and SIGTERM from the first line the program runs, before
 * the server's modules are even loaded. Without a listener, Node's default
 * for these signals ends the process at once, so one that arrived while the
 * program was loading, or in the moment between `server.json` being written
 * and the shutdown handler being installed, killed the server outright and
 * left a stale runtime file behind. A signal that comes before a command
 * has claimed them is kept for it.
 */
export class StopSignals {
  #received;
  #handler;
  #listener = (signal) => {
    if (this.#handler) this.#handler(signal);
    else this.#received ??= signal;
  };

  constructor() {
    for (const s of STOP_SIGNALS) process.on(s, this.#listener);
  }

  /** For a command that shuts down by itself: it gets every stop signal, including one already received. */
  claim(handler) {
    this.#handler = handler;
    const early = this.#received;
    this.#received = undefined;
    if (early) handler(early);
  }

  /**
   * For every other command: the signals do what they do by default again,
   * and one that arrived while the program was loading ends it now.
   */
  release() {
    for (const s of STOP_SIGNALS) process.off(s, this.#listener);
    if (this.#received) process.kill(process.pid, this.#received);
  }
}
