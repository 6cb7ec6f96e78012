import { fileURLToPath } from "node:url";

/** The repository root: the server and the load generator are started from here. */
export const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** Results and CPU profiles (gitignored). */
export const OUT_DIR = fileURLToPath(new URL("../out/", import.meta.url));
