#!/usr/bin/env node
// Runs the compiled JavaScript in ../dist (`npm run build`), so an installed starling needs
// neither tsx nor TypeScript. It runs the TypeScript sources through tsx instead when there is no
// build, or when the process asks for the sources: started under tsx, or with the
// "starling-source" export condition (`npm start`, the tests), so a checkout runs what it holds.
import { existsSync } from "node:fs";

const compiled = new URL("../dist/bin.js", import.meta.url);
const flags = [...process.execArgv, process.env.NODE_OPTIONS ?? ""];
const underTsx = flags.some((a) => /\btsx\b/.test(a));
const askedForSources = underTsx || flags.some((a) => a.includes("starling-source"));

if (existsSync(compiled) && !askedForSources) {
  await import(compiled.href);
} else {
  // First, before the TypeScript loader is even loaded: a stop signal from now on
  // reaches the command instead of killing the process.
  const { StopSignals } = await import("../src/stop-signals.mjs");
  const signals = new StopSignals();
  const { register } = await import("node:module");
  // The workspace packages resolve to their sources, as under tsconfig.base.json's customConditions.
  register("./source-condition.mjs", import.meta.url);
  if (!underTsx) {
    try {
      (await import("tsx/esm/api")).register();
    } catch {
      process.stderr.write(
        existsSync(compiled)
          ? "starling: the sources were asked for (starling-source), but tsx is not installed\n"
          : "starling: no compiled build (packages/cli/dist) and no tsx to run the sources: " +
              "run `npm run build` in an installation with the development dependencies\n",
      );
      process.exit(1);
    }
  }
  const { run } = await import("../src/run.ts");
  run(signals);
}
