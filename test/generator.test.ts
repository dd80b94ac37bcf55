/**
 * The generator on the shipped constraints and environment: scripts and lockfile for the seed's
 * system, determinism, what an option change moves, the lockfile's round trip and its refusals.
 */
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { GeneratorError } from "../generator/errors.js";
import { type Generation, generate, regenerate } from "../generator/generate.js";
import { parseScriptHeader } from "../generator/header.js";
import type { LockedPackage } from "../generator/lockfile.js";
import {
  formatLockfile,
  JsonSyntaxError,
  jsonPositions,
  parseLockfile,
} from "../generator/lockfile-json.js";
import { dependencyOrder } from "../generator/order.js";
import { RecipeSet } from "../generator/recipes.js";
import { renderScripts } from "../generator/script.js";
import { DEFAULT_STORE, parseStoreId, storeId } from "../generator/store.js";
import { parseEnvironmentFile } from "../solver/environment-file.js";
import { RequestError } from "../solver/errors.js";
import { loadUniverse } from "../solver/load.js";
import type { Request } from "../solver/request.js";
import { parseReuse } from "../solver/reuse.js";
import { solve } from "../solver/solve.js";
import { parseSpec } from "../solver/spec.js";
import type { Universe } from "../solver/universe.js";
import { syntaxErrors } from "../testing/sh.js";
import { runs } from "./arbitraries-hostile.js";

const CONSTRAINTS = new URL("../constraints", import.meta.url).pathname;
const RECIPES = new URL("../recipes", import.meta.url).pathname;
const MINIMAL = new URL("../environments/minimal.toml", import.meta.url).pathname;

let universe: Universe;
let minimal: Request;
const recipes = new RecipeSet(RECIPES);
beforeAll(async () => {
  universe = await loadUniverse(CONSTRAINTS);
  minimal = parseEnvironmentFile(readFileSync(MINIMAL, "utf8"), "environments/minimal.toml");
});

function generated(request: Request, store = DEFAULT_STORE): Generation {
  const result = solve(universe, request);
  if (!result.satisfiable) throw new Error(result.explanation.text);
  return generate(universe, result.solution, request, store, recipes);
}

const withSpecs = (request: Request, ...specs: string[]): Request => ({
  ...request,
  items: [
    ...request.items,
    ...specs.map((text) => ({
      spec: parseSpec(text, "named"),
      text,
      location: { file: "command line", line: 0, column: 0 },
    })),
  ],
});

const ids = (g: Generation) => new Map(g.scripts.map((s) => [s.name, s.id]));

/** Every package that depends on `name`, directly or not. */
function dependents(packages: readonly LockedPackage[], name: string): Set<string> {
  const above = new Set<string>();
  let grew = true;
  while (grew) {
    grew = false;
    for (const p of packages)
      if (!above.has(p.name) && p.depends.some((d) => d.name === name || above.has(d.name))) {
        above.add(p.name);
        grew = true;
      }
  }
  return above;
}

describe("generate on environments/minimal.toml", () => {
  it("writes one script per package to build, none for the external, in dependency order", () => {
    const g = generated(minimal);
    const built = g.lockfile.packages.filter((p) => !p.external).map((p) => p.name);
    expect(g.scripts.map((s) => s.name).sort()).toEqual(built.sort());
    expect(g.scripts.map((s) => s.name)).not.toContain("gnu-make");
    expect(g.lockfile.packages.find((p) => p.name === "gnu-make")!.external).toEqual({
      prefix: "/usr",
    });
    const seen = new Set<string>();
    for (const s of g.scripts) {
      expect(s.id).toBe(storeId(s.name, s.text));
      expect(s.path).toBe(`${DEFAULT_STORE}/${s.id}`);
      const header = parseScriptHeader(s.text);
      for (const d of header.depends) {
        if (d.external) expect(d.path).toBe("/usr");
        else {
          expect(seen.has(d.name), `${d.name} before ${s.name}`).toBe(true);
          expect(d.path).toBe(`${DEFAULT_STORE}/${ids(g).get(d.name)}`);
        }
      }
      seen.add(s.name);
    }
    expect(syntaxErrors(g.scripts.map((s) => ({ name: s.name, text: s.text })))).toEqual([]);
  });

  it("is deterministic: the same request gives byte-identical scripts and lockfile", () => {
    const a = generated(minimal);
    const b = generated(minimal);
    expect(b.scripts.map((s) => s.text)).toEqual(a.scripts.map((s) => s.text));
    expect(formatLockfile(b.lockfile)).toBe(formatLockfile(a.lockfile));
  });

  it("changing one option of skalibs changes the ids of skalibs and everything above it, and nothing else", () => {
    const before = generated(minimal);
    const after = generated(withSpecs(minimal, "skalibs +tai_clock"));
    const expected = new Set(["skalibs", ...dependents(before.lockfile.packages, "skalibs")]);
    const changed = new Set(
      [...ids(before)].filter(([name, id]) => ids(after).get(name) !== id).map(([name]) => name),
    );
    expect([...changed].sort()).toEqual([...expected].sort());
    expect(changed.size).toBeGreaterThan(5);
    expect(changed.has("busybox")).toBe(false);
    expect(changed.has("musl-cross-make")).toBe(false);
  });

  it("a different store root changes every script that names a built dependency, and only those", () => {
    const a = generated(minimal);
    const b = generated(minimal, "/srv/pthbs");
    for (const s of a.scripts) {
      const hasBuiltDep = parseScriptHeader(s.text).depends.some((d) => !d.external);
      expect(ids(b).get(s.name) !== s.id, s.name).toBe(hasBuiltDep);
    }
  });
});

describe("externals", () => {
  it("may name a package without a constraint file: dependents use its prefix as their toolchain", () => {
    const request = parseEnvironmentFile(
      'specs = ["skalibs"]\n[externals.gcc]\nversion = "12.2"\nprefix = "/usr"\nprovides = ["cc", "libc"]\n',
      "host.toml",
    );
    const g = generated(request);
    expect(g.scripts.map((s) => s.name)).toEqual(["gnu-make", "skalibs"]);
    const text = g.scripts[1]!.text;
    expect(text).toContain("#@pthbs depends gcc build,link /usr for cc,libc external 12.2\n");
    expect(text).toContain("\ngcc=/usr\n");
    expect(text).toContain('\nCC="$gcc"/bin/cc\n');
    const again = regenerate(parseLockfile(formatLockfile(g.lockfile), "l.json"), recipes);
    expect(again.scripts.map((s) => s.id)).toEqual(g.scripts.map((s) => s.id));
  });
});

describe("lockfile", () => {
  it("round-trips, regenerates the same scripts, and stays readable by solve --reuse", () => {
    const g = generated(minimal);
    const text = formatLockfile(g.lockfile);
    const parsed = parseLockfile(text, "pthbs.lock.json");
    expect(parsed.lockfile).toEqual(g.lockfile);
    const again = regenerate(parsed, recipes);
    expect(again.scripts.map((s) => s.text)).toEqual(g.scripts.map((s) => s.text));
    expect(formatLockfile(again.lockfile)).toBe(text);
    const reuse = parseReuse(text, "pthbs.lock.json", universe);
    expect(reuse.get("skalibs")?.version).toBe(
      g.lockfile.packages.find((p) => p.name === "skalibs")!.version,
    );
    expect(reuse.get("gnu-make")?.external).toBe(true);
    const reused = solve(universe, { ...minimal, reuse });
    expect(
      reused.satisfiable && reused.solution.cost.find((c) => c.criterion === "changes")!.value,
    ).toBe(0);
  });

  /** The diagnostics parsing or regenerating an edited lockfile gives. */
  function refusal(edit: (text: string) => string): RequestError {
    const text = edit(formatLockfile(generated(minimal).lockfile));
    try {
      regenerate(parseLockfile(text, "pthbs.lock.json"), recipes);
    } catch (e) {
      if (e instanceof RequestError) return e;
      throw e;
    }
    throw new Error("expected the lockfile to be refused");
  }

  const lineOf = (text: string, needle: string) =>
    text.split("\n").findIndex((l) => l.includes(needle)) + 1;

  it("refuses an unknown format version", () => {
    const e = refusal((t) => t.replace('"lockfileVersion": 1', '"lockfileVersion": 2'));
    expect(e.diagnostics[0]!.message).toMatch(
      /lockfile format version 2 is not supported \(this pthbs reads version 1\)/,
    );
    expect(e.diagnostics[0]!.line).toBe(2);
    expect(refusal((t) => t.replace('"lockfileVersion": 1,', "")).message).toMatch(
      /not a pthbs lockfile/,
    );
  });

  it("refuses an id that does not match the regenerated script, naming only the package edited", () => {
    const text = formatLockfile(generated(minimal).lockfile);
    const skalibsId = /"id": "(skalibs\.[0-9a-f]{64})"/.exec(text)![1]!;
    const forged = `skalibs.${"f".repeat(64)}`;
    const e = refusal((t) => t.replace(skalibsId, forged));
    expect(e.diagnostics).toHaveLength(1);
    expect(e.diagnostics[0]!.message).toMatch(
      /skalibs: the lockfile says skalibs\.f+, but its script renders as skalibs\.[0-9a-f]{64}/,
    );
    expect(e.diagnostics[0]!.line).toBe(lineOf(text, skalibsId));
    expect(e.diagnostics[0]!.hint).toMatch(/edited by hand, or recipes\/skarnet\.sh\.njk changed/);
  });

  it("refuses a version edited by hand: the package's id no longer matches", () => {
    const e = refusal((t) => t.replace(/("skalibs": \{\n\s*"version": )"[^"]*"/, '$1"2.14.3.0"'));
    expect(e.diagnostics.map((d) => d.message)).toEqual([
      expect.stringMatching(/^skalibs: the lockfile says/),
    ]);
  });

  it("refuses a dependency that is not among the packages", () => {
    const e = refusal((t) => {
      const doc = JSON.parse(t) as { packages: Record<string, unknown> };
      delete doc.packages["linux-headers"];
      return JSON.stringify(doc, null, 2);
    });
    expect(e.diagnostics.map((d) => d.message)).toContain(
      "busybox depends on linux-headers, which is not among the packages",
    );
  });

  it("refuses malformed JSON, wrong types and unknown keys at their line", () => {
    const broken = refusal((t) => t.replace('"roots": [', '"roots": [,'));
    expect(broken.diagnostics[0]!.message).toMatch(/^not JSON/);
    expect(broken.diagnostics[0]!.line).toBeGreaterThan(1);
    const typed = refusal((t) => t.replace(/"static": true/, '"static": 1'));
    expect(typed.diagnostics[0]!.message).toMatch(
      /packages\.busybox\.options\.static must be true, false or a string/,
    );
    const unknown = refusal((t) => t.replace('"roots": [', '"rootz": [], "roots": ['));
    expect(unknown.diagnostics[0]!.message).toMatch(/unknown key "rootz"/);
  });

  it("refuses a hash that is not a hash, at the package's line", () => {
    const text = formatLockfile(generated(minimal).lockfile);
    const sha = /"sha256": "([0-9a-f]{64})"/.exec(text)![1]!;
    const e = refusal((t) => t.replace(sha, "$(pwn)"));
    expect(e.diagnostics[0]!.message).toMatch(/"\$\(pwn\)" is not a sha256/);
  });
});

describe("JSON positions", () => {
  it("accept exactly what JSON.parse accepts, and locate every value (property)", () => {
    fc.assert(
      fc.property(
        fc.jsonValue(),
        fc.nat(),
        fc.constantFrom("", "x", ",", "}", "]", '"', ":", " "),
        (v, at, junk) => {
          const text = JSON.stringify(v, null, 2) ?? "null";
          const positions = jsonPositions(text);
          expect(positions.get("[]")).toEqual({ line: 1, column: 1 });
          const broken =
            text.slice(0, at % (text.length + 1)) + junk + text.slice(at % (text.length + 1));
          let valid = true;
          try {
            JSON.parse(broken);
          } catch {
            valid = false;
          }
          if (valid) expect(() => jsonPositions(broken)).not.toThrow();
          else expect(() => jsonPositions(broken)).toThrow(JsonSyntaxError);
        },
      ),
      runs(300),
    );
  });
});

describe("dependency order", () => {
  const node = (name: string, ...deps: string[]) => ({
    name,
    depends: deps.map((d) => ({ name: d })),
  });

  it("puts dependencies first, ties by name", () => {
    expect(dependencyOrder([node("c", "a"), node("b"), node("a")]).map((n) => n.name)).toEqual([
      "a",
      "b",
      "c",
    ]);
  });

  it("refuses a cycle, naming it", () => {
    expect(() => dependencyOrder([node("a", "b"), node("b", "c"), node("c", "b")])).toThrow(
      /dependency cycle: b → c → b/,
    );
    expect(() => dependencyOrder([node("a", "zz")])).toThrow(GeneratorError);
  });
});

describe("refusals before rendering", () => {
  const g = () => generated(minimal);

  it("refuses a store root or an external prefix that is not a plain path", () => {
    for (const store of ["relative/store", "/opt/my store", "/opt/$(pwn)", "/opt/../etc"])
      expect(() => renderScripts(g().lockfile.packages, store, recipes), store).toThrow(
        /not a plain absolute path/,
      );
    const packages = g().lockfile.packages.map((p) =>
      p.external ? { ...p, external: { prefix: "/usr;pwn" } } : p,
    );
    expect(() => renderScripts(packages, DEFAULT_STORE, recipes)).toThrow(
      /external prefix "\/usr;pwn"/,
    );
  });

  it("refuses two dependencies that would share a shell variable", () => {
    const packages = g().lockfile.packages;
    const cross = packages.find((p) => p.name === "musl-cross-make")!;
    const twin: LockedPackage = { ...cross, name: "musl_cross_make" };
    const s6 = packages.find((p) => p.name === "s6")!;
    const clash: LockedPackage = {
      ...s6,
      depends: [...s6.depends, { name: "musl_cross_make", types: ["build"], virtuals: [] }],
    };
    expect(() =>
      renderScripts(
        [...packages.filter((p) => p.name !== "s6"), twin, clash],
        DEFAULT_STORE,
        recipes,
      ),
    ).toThrow(
      /s6 depends on musl-cross-make and musl_cross_make, which would both be \$musl_cross_make/,
    );
  });

  it("store ids carry the package name", () => {
    expect(parseStoreId(`s6-rc.${"a".repeat(64)}`)).toEqual({
      name: "s6-rc",
      hash: "a".repeat(64),
    });
    expect(parseStoreId("s6-rc.abc")).toBeUndefined();
  });
});
