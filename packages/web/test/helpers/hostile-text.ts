/**
 * Message texts built to make a careless parser or highlighter go quadratic: unclosed markers,
 * long runs of one delimiter, nested openers. The markdown tests check that each is rendered
 * without loss; the `markdown` bench scenario measures how the cost grows with the length.
 */
export function hostileMarkdown(n: number): string[] {
  return [
    "*a ".repeat(n / 3),
    "_a ".repeat(n / 3),
    "**a ".repeat(n / 4),
    "~~a ".repeat(n / 4),
    "*".repeat(n),
    "`".repeat(n),
    Array.from({ length: Math.round(Math.sqrt(n) * 1.25) }, (_, k) => "`".repeat(k + 1)).join(" "),
    "**_~~`".repeat(n / 6),
    `${"*_".repeat(n / 4)}${"_*".repeat(n / 4)}`,
    "http://-".repeat(n / 8),
    "mailto:-".repeat(n / 8),
    `https://a.test/${")".repeat(n)}`,
    "> - 1. ```\n".repeat(n / 11),
    "- x\n".repeat(n / 4),
    `\`\`\`${" ".repeat(n)}x!`,
    "@".repeat(n),
  ];
}

/** Code for the highlighter: unclosed comments, strings and templates. */
export function hostileCode(n: number): string[] {
  return ["/*".repeat(n / 2), '"\\'.repeat(n / 2), "'".repeat(n), "`".repeat(n)];
}
