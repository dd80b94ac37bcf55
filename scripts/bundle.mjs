/**
 * Bundles the `pthbs` command and the load cache's parse worker, as tsc emitted them, into one
 * file each in DIST/cli/ (main.js replaced in place, parse-worker.js beside it, where the bundled
 * load cache looks for it). Without it Node's ESM loader resolves, reads and compiles about 130
 * files at every start, a sizeable part of a warm `pthbs solve`; the library (DIST/index.js)
 * stays as tsc emitted it. Dependencies stay imports of node_modules.
 *
 *   node scripts/bundle.mjs [DIST]
 */
import { chmodSync } from "node:fs";
import { join } from "node:path";
import { build } from "esbuild";

const dist = process.argv[2] ?? "dist";
await build({
  entryPoints: {
    main: join(dist, "cli", "main.js"),
    "parse-worker": join(dist, "solver", "parse-worker.js"),
  },
  outdir: join(dist, "cli"),
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  packages: "external",
  sourcemap: true,
  allowOverwrite: true,
  logLevel: "warning",
});
chmodSync(join(dist, "cli", "main.js"), 0o755);
