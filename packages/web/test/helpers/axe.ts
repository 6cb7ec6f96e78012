import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { Page } from "playwright-core";

/**
 * axe-core checks of whatever a browser test has on screen. The script comes
 * from node_modules (no network), the rules are WCAG 2.0/2.1 A and AA, and
 * only serious and critical findings fail: those are what keep a keyboard or
 * screen-reader user out, or make text unreadable.
 */

const AXE_SCRIPT = createRequire(import.meta.url).resolve("axe-core/axe.min.js");
let axeSource: string | undefined;
const TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];
const FAILING = new Set(["serious", "critical"]);

/** One finding, as the failure message lists it. */
export interface AxeFinding {
  id: string;
  impact: string;
  help: string;
  helpUrl: string;
  /** Each failing element's selector and what axe says about it (e.g. the contrast it measured). */
  targets: { target: string; summary: string }[];
}

/** Runs axe on `page` (or only under the `include` selector) and returns its serious/critical findings. */
export async function axeFindings(page: Page, opts: { include?: string } = {}): Promise<AxeFinding[]> {
  const loaded = await page.evaluate(() => typeof (window as { axe?: unknown }).axe === "object");
  // Evaluated through the devtools protocol rather than added as a <script>: the client's content
  // policy rightly refuses inline scripts, and the check must not need that policy loosened.
  if (!loaded) await page.evaluate((axeSource ??= readFileSync(AXE_SCRIPT, "utf8")));
  // Wait out CSS transitions and the next paint so colours are measured as the user sees them.
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  const raw = await page.evaluate(
    async ({ tags, include }) => {
      type Node = { target: unknown[]; failureSummary?: string };
      type Result = { id: string; impact?: string; help: string; helpUrl: string; nodes: Node[] };
      const axe = (
        window as unknown as { axe: { run(ctx: unknown, o: unknown): Promise<{ violations: Result[] }> } }
      ).axe;
      const r = await axe.run(include ? { include: [include] } : document, {
        runOnly: { type: "tag", values: tags },
        resultTypes: ["violations"],
      });
      return r.violations.map((v) => ({
        id: v.id,
        impact: v.impact ?? "",
        help: v.help,
        helpUrl: v.helpUrl,
        targets: v.nodes.map((n) => ({
          target: n.target.map(String).join(" > "),
          summary: (n.failureSummary ?? "")
            .replace(/^Fix (any|all) of the following:/, "")
            .replace(/\s+/g, " ")
            .trim(),
        })),
      }));
    },
    { tags: TAGS, include: opts.include },
  );
  return raw.filter((v) => FAILING.has(v.impact));
}

/**
 * Fails, listing every serious or critical axe violation with its elements and
 * help text, unless the page as it is now has none. `label` names the screen
 * in the failure (e.g. "chat list, phone, zh-CN"). Call it after the screen is
 * open and settled (wait for its content first).
 */
export async function expectAccessible(
  page: Page,
  label: string,
  opts: { include?: string } = {},
): Promise<void> {
  const found = await axeFindings(page, opts);
  if (found.length === 0) return;
  const lines = found.map(
    (v) =>
      `  [${v.impact}] ${v.id}: ${v.help} (${v.helpUrl})\n` +
      v.targets.map((t) => `    - ${t.target}: ${t.summary}`).join("\n"),
  );
  throw new Error(
    `${label}: ${found.length} serious/critical accessibility violation(s)\n${lines.join("\n")}`,
  );
}
