import { buildProgram } from "./program.js";

const program = buildProgram();
program.parseAsync(process.argv).catch((err: unknown) => {
  process.stderr.write(`starling: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
