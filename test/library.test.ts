/**
 * pthbs as an npm package: packed from this checkout, installed into a scratch TypeScript project,
 * typechecked with strict settings and run — the main export and pthbs/testing.
 *
 * The install does not ask npm to resolve anything: `npm install --offline` needs the registry's
 * metadata for every range (`commander@^14`) in npm's cache, which a fresh machine does not have,
 * and going online would make the test depend on the network and the registry's state today. So
 * the packed tarball is unpacked as npm would (`node_modules/pthbs`), and each dependency the
 * tarball's package.json declares is linked from this checkout's own node_modules, which `npm ci`
 * filled from the lockfile. What the test checks is still what a user gets: the files `npm pack`
 * ships, the `exports` map and its types, and the declared dependencies — a runtime import missing
 * from `dependencies` is not linked, so it fails here.
 */
import { spawnSync } from "node:child_process";
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = new URL("..", import.meta.url).pathname;
const TSC = join(ROOT, "node_modules", ".bin", "tsc");

function sh(cmd: string, args: readonly string[], cwd: string) {
  const r = spawnSync(cmd, args, { cwd, encoding: "utf8", timeout: 120_000 });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

const TSCONFIG = {
  compilerOptions: {
    target: "es2022",
    module: "nodenext",
    moduleResolution: "nodenext",
    strict: true,
    noUncheckedIndexedAccess: true,
    skipLibCheck: false,
    types: [],
    outDir: "out",
  },
};

/** Paths are written in, so that the project needs no Node types (`process`). */
const main = (constraints: string, recipes: string) => `import {
  loadUniverse,
  requestFromSpecs,
  type Solution,
  type SolveResult,
  SpecSyntaxError,
  solve,
} from "pthbs";
import { arbRequestFor, arbUniverseFiles, checkRequest, fc, loadGenerated } from "pthbs/testing";
import { RecipeSet } from "pthbs";

const universe = await loadUniverse(${JSON.stringify(constraints)});
const result: SolveResult = solve(universe, requestFromSpecs(["s6-rc +static_libc"]));
if (!result.satisfiable) throw new Error(result.explanation.text);
const solution: Solution = result.solution;
const names: string[] = solution.packages.map((p) => \`\${p.name}@\${p.version.text}\`);

let syntax = "";
try {
  requestFromSpecs(["s6-rc@@"]);
} catch (e) {
  if (e instanceof SpecSyntaxError) syntax = e.name;
}

const [files] = fc.sample(arbUniverseFiles({ maxPackages: 3 }), { seed: 1, numRuns: 1 });
const small = loadGenerated(files!);
const [request] = fc.sample(arbRequestFor(universe, { reuse: false }), { seed: 1, numRuns: 1 });
const check = checkRequest(universe, request!, new RecipeSet(${JSON.stringify(recipes)}));
console.log(JSON.stringify({ names, syntax, small: small.packages.size, violations: check.violations }));
`;

/** Strict typing reaches the user: a wrong use does not compile. */
const WRONG = `import { solve, requestFromSpecs, loadUniverse } from "pthbs";
const count: number = solve(await loadUniverse("constraints"), requestFromSpecs(["s6"]));
console.log(count);
`;

describe("pthbs from a scratch TypeScript project", () => {
  it("installs from the checkout, typechecks and runs solve and the testing kit", () => {
    const dir = mkdtempSync(join(tmpdir(), "pthbs-scratch-"));
    const pack = sh("npm", ["pack", "--silent", "--pack-destination", dir], ROOT);
    expect(pack.code, pack.out).toBe(0);
    const tarball = readdirSync(dir).find((f) => f.endsWith(".tgz"))!;
    const project = join(dir, "project");
    mkdirSync(project);
    writeFileSync(
      join(project, "package.json"),
      JSON.stringify({ name: "scratch", private: true, type: "module" }),
    );
    const installed = join(project, "node_modules", "pthbs");
    mkdirSync(installed, { recursive: true });
    const unpack = sh(
      "tar",
      ["-xzf", join(dir, tarball), "-C", installed, "--strip-components=1"],
      dir,
    );
    expect(unpack.code, unpack.out).toBe(0);
    const manifest = JSON.parse(readFileSync(join(installed, "package.json"), "utf8")) as {
      dependencies?: Record<string, string>;
    };
    for (const dep of Object.keys(manifest.dependencies ?? {})) {
      mkdirSync(join(project, "node_modules", dep, ".."), { recursive: true });
      symlinkSync(join(ROOT, "node_modules", dep), join(project, "node_modules", dep));
    }
    expect(readdirSync(installed)).not.toContain("node_modules");

    writeFileSync(
      join(project, "tsconfig.json"),
      JSON.stringify({ ...TSCONFIG, files: ["main.ts"] }),
    );
    writeFileSync(join(project, "main.ts"), main(join(ROOT, "constraints"), join(ROOT, "recipes")));
    const tsc = sh(TSC, ["-p", "."], project);
    expect(tsc.out).toBe("");
    expect(tsc.code).toBe(0);
    const ran = sh("node", ["out/main.js"], project);
    expect(ran.code, ran.out).toBe(0);
    const out = JSON.parse(ran.out);
    expect(out.names.some((n: string) => n.startsWith("s6-rc@"))).toBe(true);
    expect(out.syntax).toBe("SpecSyntaxError");
    expect(out.small).toBeGreaterThan(0);
    expect(out.violations).toEqual([]);

    writeFileSync(
      join(project, "tsconfig.wrong.json"),
      JSON.stringify({ ...TSCONFIG, files: ["wrong.ts"] }),
    );
    writeFileSync(join(project, "wrong.ts"), WRONG);
    const wrong = sh(TSC, ["-p", "tsconfig.wrong.json", "--noEmit"], project);
    expect(wrong.code).not.toBe(0);
    expect(wrong.out).toMatch(/TS2322/);
  }, 120_000);
});
