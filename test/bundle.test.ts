/**
 * The built command (`scripts/bundle.mjs`): what a start loads. A warm `pthbs solve` is a few
 * hundred milliseconds, so a dependency loaded at every start for one command is a regression.
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { compiledForTests } from "./compiled.js";

const BUNDLE = fileURLToPath(new URL("../scripts/bundle.mjs", import.meta.url));

/** The modules a file imports statically (`import … from "x"`, `import "x"`). */
function staticImports(file: string): string[] {
  const text = readFileSync(file, "utf8");
  return [...text.matchAll(/^import\s+(?:[^"';]*?\s+from\s+)?"([^"]+)";?$/gm)].map((m) => m[1]!);
}

/** Every package a start of the bundle loads before any dynamic import runs. */
function loadedAtStart(entry: string): Set<string> {
  const packages = new Set<string>();
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const spec of staticImports(file)) {
      if (spec.startsWith(".")) visit(resolve(dirname(file), spec));
      else if (!spec.startsWith("node:")) packages.add(spec);
    }
  };
  visit(entry);
  return packages;
}

describe("the bundled command", () => {
  const dist = compiledForTests("bundle");

  it("loads no dependency at start but what every command needs", () => {
    const main = join(dist(), "cli", "main.js");
    // main.js itself loads the command line behind an import(): follow that chunk too.
    const program = readFileSync(main, "utf8").match(/import\("(\.\/chunks\/program-[^"]+)"\)/);
    expect(program, "main.js imports the command line on demand").not.toBeNull();
    const loaded = new Set([
      ...loadedAtStart(main),
      ...loadedAtStart(resolve(dirname(main), program![1]!)),
    ]);
    // What every command needs is in the bundle: not resolved from node_modules.
    for (const inside of ["commander", "smol-toml"]) expect(loaded).not.toContain(inside);
    for (const lazy of ["fast-check", "nunjucks", "logic-solver"])
      expect(loaded).not.toContain(lazy);
  });

  it("runs, and still runs after the bundling step is run again on its own output", () => {
    const version = () =>
      spawnSync(process.execPath, [join(dist(), "cli", "main.js"), "--version"], {
        encoding: "utf8",
      });
    expect(version().status, version().stderr).toBe(0);
    expect(version().stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
    const again = spawnSync(process.execPath, [BUNDLE, dist()], { encoding: "utf8" });
    expect(again.status, again.stderr).toBe(0);
    expect(version().stdout).toMatch(/^\d+\.\d+\.\d+/);
  });
});
