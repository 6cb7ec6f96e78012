/**
 * A one-line progress report for long commands (import, migrate, backup). It is drawn on stderr,
 * and only when stderr is a terminal: stdout stays the command's result, and scripts and logs
 * (where stderr is a pipe or a file) get nothing but that result and real errors.
 */
export interface Progress {
  /** Replaces the line's text; redraws at most every 100 ms unless `force`. */
  update(text: string, force?: boolean): void;
  /** Clears the line, so the result printed next starts on a clean line. */
  done(): void;
}

const QUIET: Progress = { update: () => {}, done: () => {} };

export function progress(label: string, stream: NodeJS.WriteStream = process.stderr): Progress {
  if (!stream.isTTY) return QUIET;
  let last = 0;
  let drawn = false;
  const draw = (text: string) => {
    const line = `${label}: ${text}`;
    const width = stream.columns > 1 ? stream.columns - 1 : 79;
    stream.write(`\r\x1b[2K${line.length > width ? line.slice(0, width) : line}`);
    drawn = true;
  };
  return {
    update(text, force = false) {
      const now = Date.now();
      if (!force && now - last < 100) return;
      last = now;
      draw(text);
    },
    done() {
      if (drawn) stream.write("\r\x1b[2K");
      drawn = false;
    },
  };
}
