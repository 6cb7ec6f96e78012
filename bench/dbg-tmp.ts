import { parseBenchArgs } from "./lib/args.js";
import { ChildRegistry } from "./lib/children.js";
import { clusterScenario } from "./scenarios/cluster.js";

const log = (m: string) => console.log(m);
const ctx = { log, children: new ChildRegistry() };
const opts = parseBenchArgs(["--pairs", "5", "--duration", "2", "--warmup", "1"]) as never;
const r = await clusterScenario(opts, ctx);
console.log(JSON.stringify(r.data));
