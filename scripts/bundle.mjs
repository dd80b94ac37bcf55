/**
 * Bundles the `pthbs` command and the load cache's parse worker, as tsc emitted them: DIST/cli/main.js
 * (replaced) and DIST/cli/chunks/ (the worker, and the code both load, on demand or not).
 * Without it Node's ESM loader resolves, reads and compiles about 130 files at every start, a
 * sizeable part of a warm `pthbs solve`; the library (DIST/index.js) stays as tsc emitted it.
 * Dependencies stay imports of node_modules, but commander. Built beside DIST/cli and then moved
 * in, so that a second run (main.js already bundled) bundles the same program again rather than
 * breaking it.
 *
 *   node scripts/bundle.mjs [DIST]
 */
import { chmodSync, readFileSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import { build } from "esbuild";

/**
 * Dependencies bundled in, as every command loads them: commander is a CommonJS module of seven
 * files, which Node's ES module loader resolves, reads and scans for exports at every start (about
 * 10 ms of a warm `pthbs solve`'s 180 ms start-up); smol-toml is nine small modules.
 */
const INSIDE = ["commander", "smol-toml"];
const { dependencies } = JSON.parse(readFileSync(new URL("../package.json", import.meta.url)));
const dist = process.argv[2] ?? "dist";
const cli = join(dist, "cli");
// At the same depth as DIST/cli: the source maps' relative paths stay right after the move.
const out = join(dist, ".bundle");
rmSync(out, { recursive: true, force: true });
await build({
  entryPoints: {
    main: join(cli, "main.js"),
    // Beside the chunk that holds the load cache, which starts it as ./parse-worker.js.
    "chunks/parse-worker": join(dist, "solver", "parse-worker.js"),
  },
  outdir: out,
  bundle: true,
  // Code behind a dynamic import (the testing kit, with fast-check; the cudf command) in chunks
  // of its own, loaded when used, as tsc's output does.
  splitting: true,
  chunkNames: "chunks/[name]-[hash]",
  platform: "node",
  format: "esm",
  target: "node20",
  // Dependencies stay imports of node_modules, but those every command loads (INSIDE).
  external: Object.keys(dependencies).filter((name) => !INSIDE.includes(name)),
  // What commander's `require` of Node's own modules needs in an ES module: a `var`, and no
  // import, so that bundling the output again (which adds it again) still makes valid modules.
  banner: {
    js: 'var require = (await import("node:module")).createRequire(import.meta.url);',
  },
  sourcemap: true,
  logLevel: "warning",
});
// The chunks' names carry their hash: an earlier build's would stay forever.
rmSync(join(cli, "chunks"), { recursive: true, force: true });
renameSync(join(out, "chunks"), join(cli, "chunks"));
for (const file of ["main.js", "main.js.map"]) renameSync(join(out, file), join(cli, file));
rmSync(out, { recursive: true, force: true });
chmodSync(join(cli, "main.js"), 0o755);
