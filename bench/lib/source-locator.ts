import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/**
 * tsx hands V8 whitespace-minified code, so profile frames of the project's
 * .ts files all say line 1. This finds the line where a function of that
 * name is defined in the original source, so reports can cite file:line.
 * It is a text search: for a name defined twice in one file the first wins.
 */
export class SourceLocator {
  private readonly files = new Map<string, string[] | undefined>();

  /** The 1-based line defining `name` in the file at `url`, or undefined. */
  line(url: string, name: string): number | undefined {
    if (!url.startsWith("file://") || !url.endsWith(".ts") || !/^[\w$]+$/.test(name)) return undefined;
    const lines = this.read(url);
    if (!lines) return undefined;
    const def = new RegExp(
      `^\\s*(?:export\\s+)?(?:default\\s+)?(?:(?:public|private|protected|static|readonly|override|async|get|set)\\s+)*` +
        `(?:function\\*?\\s+)?${name}\\s*(?:<[^>]*>)?\\(`,
    );
    const arrow = new RegExp(`^\\s*(?:export\\s+)?(?:const|let)\\s+${name}\\s*(?::[^=]+)?=`);
    // A definition's line ends by opening its body (or its parameter list when that wraps).
    let fallback: number | undefined;
    for (let i = 0; i < lines.length; i++) {
      const text = lines[i] as string;
      if (arrow.test(text)) return i + 1;
      if (!def.test(text)) continue;
      if (/[{(,]\s*$/.test(text)) return i + 1;
      fallback ??= i + 1;
    }
    return fallback;
  }

  private read(url: string): string[] | undefined {
    if (!this.files.has(url)) {
      const path = fileURLToPath(url);
      this.files.set(url, existsSync(path) ? readFileSync(path, "utf8").split("\n") : undefined);
    }
    return this.files.get(url);
  }
}
