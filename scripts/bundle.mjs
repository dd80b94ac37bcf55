/**
 * Bundles the `pthbs` command and the load cache's parse worker, as tsc emitted them: DIST/cli/main.js
 * (replaced in place) and DIST/cli/chunks/ (the worker, and the code both load, on demand or not).
 * Without it Node's ESM loader resolves, reads and compiles about 130 files at every start, a
 * sizeable part of a warm `pthbs solve`; the library (DIST/index.js) stays as tsc emitted it.
 * Dependencies stay imports of node_modules.
 *
 *   node scripts/bundle.mjs [DIST]
 */
import { chmodSync, rmSync } from "node:fs";
import { join } from "node:path";
import { build } from "esbuild";

const dist = process.argv[2] ?? "dist";
// The chunks' names carry their hash: an earlier build's would stay forever.
rmSync(join(dist, "cli", "chunks"), { recursive: true, force: true });
await build({
  entryPoints: {
    main: join(dist, "cli", "main.js"),
    // Beside the chunk that holds the load cache, which starts it as ./parse-worker.js.
    "chunks/parse-worker": join(dist, "solver", "parse-worker.js"),
  },
  outdir: join(dist, "cli"),
  bundle: true,
  // Code behind a dynamic import (the testing kit, with fast-check; the cudf command) in chunks
  // of its own, loaded when used, as tsc's output does.
  splitting: true,
  chunkNames: "chunks/[name]-[hash]",
  platform: "node",
  format: "esm",
  target: "node20",
  packages: "external",
  sourcemap: true,
  allowOverwrite: true,
  logLevel: "warning",
});
chmodSync(join(dist, "cli", "main.js"), 0o755);
