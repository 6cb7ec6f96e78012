/** A terminal to ask on: a readable that can turn off echo, and where the questions go. */
export interface SecretTerminal {
  input: NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?: (raw: boolean) => unknown };
  output: NodeJS.WritableStream;
}

/** Whether `t` is a terminal a secret can be typed on without it showing. */
export function canAskSecret(t: SecretTerminal): boolean {
  return t.input.isTTY === true && typeof t.input.setRawMode === "function";
}

/**
 * Asks each question in turn on a terminal without echoing the answers:
 * Enter ends one, Backspace takes back a character, Ctrl-C or Ctrl-D gives
 * up (rejects). What is typed ahead goes to the next question.
 */
export function askSecrets(questions: string[], t: SecretTerminal): Promise<string[]> {
  const { input, output } = t;
  const answers: string[] = [];
  let typed = "";
  input.setRawMode?.(true);
  input.resume();
  output.write(questions[0] ?? "");
  return new Promise((resolve, reject) => {
    const finish = (err?: Error) => {
      input.removeListener("data", onData);
      input.setRawMode?.(false);
      input.pause();
      if (err) {
        output.write("\n");
        reject(err);
      } else resolve(answers);
    };
    const onData = (chunk: Buffer | string) => {
      for (const ch of String(chunk)) {
        if (ch === "\r" || ch === "\n") {
          answers.push(typed);
          typed = "";
          output.write("\n");
          if (answers.length === questions.length) return finish();
          output.write(questions[answers.length] as string);
        } else if (ch === "\u0003" || ch === "\u0004") return finish(new Error("cancelled"));
        else if (ch === "\u007f" || ch === "\b") typed = Array.from(typed).slice(0, -1).join("");
        else if (ch >= " ") typed += ch;
      }
    };
    input.on("data", onData);
  });
}
