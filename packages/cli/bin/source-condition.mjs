// Module resolution hook for running a checkout's sources: the workspace packages resolve through
// their "starling-source" export condition to src/ instead of the compiled dist/, as
// tsconfig.base.json (customConditions), scripts/run-tests.mjs and the web build also ask for.
export async function resolve(specifier, context, nextResolve) {
  if (context.conditions.includes("starling-source")) return nextResolve(specifier, context);
  return nextResolve(specifier, { ...context, conditions: [...context.conditions, "starling-source"] });
}
