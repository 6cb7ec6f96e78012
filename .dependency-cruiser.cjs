// The dependency rule (docs/ARCHITECTURE.md, "Layers and the dependency rule"), checked by
// `npm run deps:check` (scripts/check-deps.mjs). Every rule is an error; type-only imports count,
// since a type import is still a dependency on the code that declares it.
//
//   protocol <- core <- {doors, adapters} <- main
//
// Cycles the tree has today are listed in `knownCycles`: scripts/check-deps.mjs fails on a cycle
// not in the list and on an entry of the list that no longer occurs, so the list only shrinks.

const { builtinModules } = require("node:module");

const SERVER = "^packages/server/src";
const CORE = `${SERVER}/core/`;
const DOORS = `${SERVER}/doors/`;
const ADAPTERS = `${SERVER}/adapters/`;
const ROOT_FILES = `${SERVER}/(main|readiness|index)\\.ts$`;

/** Node modules that do I/O: the core declares ports for these instead. */
const IO_MODULES =
  "^(node:)?(fs|fs/promises|net|tls|http|https|http2|dgram|dns|child_process|cluster|worker_threads)$";

/** Every Node built-in, written with or without `node:` (dependency-cruiser reports them without it). */
const NODE_BUILTINS = `^(node:)?(${builtinModules.map((m) => m.replace(/^node:/, "")).join("|")})$`;

/** Packages that talk to a database, a network or a disk: only adapters and doors use them. */
const IO_PACKAGES =
  "(^|/)node_modules/(kysely|pg|pg-cursor|better-sqlite3|@nats-io/[^/]+|fastify|@fastify/[^/]+|ws|sharp|pino|selfsigned)/";

module.exports = {
  forbidden: [
    {
      name: "core-imports-only-core",
      comment:
        "core imports only core and @starling/protocol: never a door, an adapter or the composition root",
      severity: "error",
      from: { path: CORE },
      to: { path: [DOORS, ADAPTERS, ROOT_FILES] },
    },
    {
      name: "core-does-no-io",
      comment: "core declares ports for I/O (Store, Bus, BlobStore, UploadArea...) and never does it itself",
      severity: "error",
      from: { path: CORE },
      to: { dependencyTypes: ["core"], path: IO_MODULES },
    },
    {
      name: "core-uses-no-io-package",
      comment: "database, network and disk packages belong to adapters and doors",
      severity: "error",
      from: { path: CORE },
      to: { path: IO_PACKAGES },
    },
    {
      name: "module-store-port-is-its-own",
      comment:
        "a core module reads and writes through its own store port (core/<m>/store.ts), never another module's",
      severity: "error",
      from: { path: `${CORE}([^/]+)/` },
      to: { path: `${CORE}[^/]+/store\\.ts$`, pathNot: `${CORE}$1/store\\.ts$` },
    },
    {
      name: "doors-never-import-adapters",
      comment:
        "a door calls core module APIs; main hands it what it needs (listener helpers shared by doors live in doors/net)",
      severity: "error",
      from: { path: DOORS },
      to: { path: [ADAPTERS, ROOT_FILES] },
    },
    {
      name: "adapters-never-import-doors",
      comment: "an adapter implements a core port and knows nothing of the ways in",
      severity: "error",
      from: { path: ADAPTERS },
      to: { path: [DOORS, ROOT_FILES] },
    },
    {
      name: "adapters-stay-in-their-folder",
      comment:
        "adapters do not import each other across folders (store, cluster, blobs, media, platform, tls, config...)",
      severity: "error",
      from: { path: `${ADAPTERS}([^/]+)/` },
      to: { path: ADAPTERS, pathNot: `${ADAPTERS}$1/` },
    },
    {
      name: "sdk-browser-entry-has-no-node",
      comment:
        "@starling/sdk's browser entry (src/index.ts and all it imports) runs in browsers: no node: modules, no ws",
      severity: "error",
      from: { path: "^packages/sdk/src/index\\.ts$" },
      to: {
        reachable: true,
        path: [NODE_BUILTINS, "(^|/)node_modules/ws/"],
      },
    },
    {
      name: "protocol-stands-alone",
      comment: "@starling/protocol knows nothing of the server, the SDK, the CLI or the web client",
      severity: "error",
      from: { path: "^packages/protocol/" },
      to: { path: "^packages/(server|sdk|cli|web)/" },
    },
    {
      name: "no-cycles",
      comment: "a cycle couples its files into one; checked against knownCycles by scripts/check-deps.mjs",
      severity: "error",
      from: { path: "^packages/" },
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "(^|/)dist/" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.base.json" },
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      // starling-source: the workspace packages resolve to their sources, as in tsconfig.base.json.
      conditionNames: ["starling-source", "import", "require", "node", "default", "types"],
      extensions: [".ts", ".tsx", ".js", ".mjs", ".cjs", ".d.ts"],
      mainFields: ["module", "main", "types", "typings"],
    },
  },
};
