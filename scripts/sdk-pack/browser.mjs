// Opens URL in Debian's chromium (playwright-core) and waits for the page's #result.
//   node browser.mjs URL
import { chromium } from "playwright-core";

const browser = await chromium.launch({
  executablePath: process.env.STARLING_CHROMIUM ?? "/usr/bin/chromium",
});
try {
  const page = await browser.newPage();
  page.on("console", (m) => console.error(`page: ${m.text()}`));
  await page.goto(process.argv[2]);
  await page.waitForFunction(() => document.getElementById("result")?.textContent !== "running", null, {
    timeout: 30_000,
  });
  const text = await page.textContent("#result");
  console.log(text);
  process.exitCode = text?.startsWith("sent ") ? 0 : 1;
} finally {
  await browser.close();
}
