import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { BenchOptions } from "../lib/args.js";
import type { RunContext } from "../lib/harness.js";
import { REPO_ROOT } from "../lib/paths.js";
import { fmt, type Row, type ScenarioReport } from "../lib/report.js";

/**
 * A parser that stays linear costs about 8x the time for 8x the input; a quadratic one 64x.
 * Anything under 16x passes, which leaves room for the noise of a shared machine.
 */
export const MARKDOWN_BARS = { growthFor8x: 16 };

const SMALL = 25_000;
const ROUNDS = 5;

type Parse = (src: string, mentions: { offset: number; length: number }[]) => unknown;
type Highlight = (code: string, lang: string) => unknown;

/**
 * The message parser (shared by the clients and the server's notification previews) and the web client's code highlighter on hostile texts (the markdown tests'
 * inputs) at two lengths, 8x apart: the slowest growth over the inputs, and the slowest input's
 * time at the larger length. The web sources are loaded as they are (tsx), outside bench's build.
 */
export async function markdownScenario(_opts: BenchOptions, ctx: RunContext): Promise<ScenarioReport> {
  const web = (rel: string) => import(pathToFileURL(join(REPO_ROOT, "packages/web", rel)).href);
  const { parseMessage } = (await import(
    pathToFileURL(join(REPO_ROOT, "packages/protocol/src/markdown.ts")).href
  )) as { parseMessage: Parse };
  const { highlight } = (await web("src/ui/highlight.ts")) as { highlight: Highlight };
  const inputs = (await web("test/helpers/hostile-text.ts")) as {
    hostileMarkdown: (n: number) => string[];
    hostileCode: (n: number) => string[];
  };
  const kinds = [
    { name: "markdown", make: inputs.hostileMarkdown, run: (s: string) => parseMessage(s, []) },
    { name: "highlight", make: inputs.hostileCode, run: (s: string) => highlight(s, "js") },
  ];
  const rows: Row[] = [];
  const data: Record<string, unknown> = {};
  for (const kind of kinds) {
    const small = kind.make(SMALL);
    const large = kind.make(SMALL * 8);
    let worstGrowth = 0;
    let worstMs = 0;
    for (let i = 0; i < small.length; i++) {
      const a = bestOf(() => kind.run(small[i] as string));
      const b = bestOf(() => kind.run(large[i] as string));
      const growth = b / Math.max(a, 0.05);
      worstGrowth = Math.max(worstGrowth, growth);
      worstMs = Math.max(worstMs, b);
      ctx.log(`${kind.name} input ${i}: ${a.toFixed(2)} ms -> ${b.toFixed(2)} ms (x${growth.toFixed(1)})`);
    }
    data[kind.name] = { worstGrowth, worstMs };
    rows.push(
      {
        metric: `${kind.name}: slowest growth, 8x the input`,
        value: `x${worstGrowth.toFixed(1)}`,
        bar: `< x${MARKDOWN_BARS.growthFor8x}`,
        pass: worstGrowth < MARKDOWN_BARS.growthFor8x,
      },
      { metric: `${kind.name}: slowest input of ${fmt.int(SMALL * 8)} characters`, value: fmt.ms(worstMs) },
    );
  }
  return { scenario: "markdown", rows, data };
}

/** The fastest of a few rounds: the least disturbed by whatever else the machine runs. */
function bestOf(f: () => unknown): number {
  let best = Number.POSITIVE_INFINITY;
  for (let r = 0; r < ROUNDS; r++) {
    const start = performance.now();
    f();
    best = Math.min(best, performance.now() - start);
  }
  return best;
}
