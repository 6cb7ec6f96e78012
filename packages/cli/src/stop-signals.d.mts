export type StopSignal = "SIGINT" | "SIGTERM";

/** SIGINT and SIGTERM, caught from the first line the program runs (see stop-signals.mjs). */
export declare class StopSignals {
  constructor();
  /** For a command that shuts down by itself: it gets every stop signal, including one already received. */
  claim(handler: (signal: StopSignal) => void): void;
  /** For every other command: the signals do what they do by default again. */
  release(): void;
}
