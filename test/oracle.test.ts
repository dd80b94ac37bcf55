/**
 * Tests of the brute-force oracle itself: hand-written universes whose answer is known by hand,
 * and properties tying `oracleSolve` to the independent `checkSet` / `computeCost` and to a plain
 * enumeration of every set over every package.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { loadConstraintTexts } from "../solver/load.js";
import { VersionRange } from "../solver/range.js";
import { COMMAND_LINE, type External, type Request, type ReuseChoice } from "../solver/request.js";
import type { CostEntry } from "../solver/solution.js";
import { type OptionValue, parseSpec } from "../solver/spec.js";
import type { Universe } from "../solver/universe.js";
import { Version } from "../solver/version.js";
import {
  builtConfigurations,
  checkSet,
  compareCost,
  computeCost,
  type OracleEntry,
  type OracleResult,
  type OracleRuleSet,
  type OracleSet,
  oracleReachable,
  oracleSolve,
  versionRank,
} from "../testing/oracle.js";
import { arbProblem, arbUniverseFiles, FAKE_SHA256 } from "../testing/universe.js";

// ---- helpers ----

/** Version tables; a trailing "!" marks a deprecated version. */
function V(...versions: string[]): string {
  return versions
    .map((v) => {
      const text = v.replace(/!$/, "");
      return `[versions."${text}"]\nsource = { url = "https://example.org/${text}.tar.gz", sha256 = "${FAKE_SHA256}" }${v.endsWith("!") ? "\ndeprecated = true" : ""}\n`;
    })
    .join("\n");
}

/** A universe from package bodies (everything after the `name` line); fails on load errors. */
function universe(bodies: Record<string, string>): Universe {
  const result = loadConstraintTexts(
    Object.entries(bodies).map(([name, body]) => ({
      path: `constraints/${name}.toml`,
      text: `name = "${name}"\n${body}\n`,
    })),
  );
  expect(result.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  return result.universe;
}

interface Extra {
  externals?: External[];
  providerPreferences?: Record<string, string[]>;
  versionPreferences?: Record<string, string>;
  reuse?: Record<string, ReuseChoice>;
}

function request(specs: string[], extra: Extra = {}): Request {
  return {
    items: specs.map((text) => ({ spec: parseSpec(text, "named"), text, location: COMMAND_LINE })),
    externals: extra.externals ?? [],
    providerPreferences: new Map(Object.entries(extra.providerPreferences ?? {})),
    versionPreferences: new Map(
      Object.entries(extra.versionPreferences ?? {}).map(([k, v]) => [k, VersionRange.parse(v)]),
    ),
    ...(extra.reuse && { reuse: new Map(Object.entries(extra.reuse)) }),
  };
}

function external(
  name: string,
  version: string,
  options: Record<string, OptionValue> = {},
  provides: string[] = [],
): External {
  return {
    name,
    version: Version.parse(version),
    prefix: "/usr",
    options: new Map(Object.entries(options)),
    provides,
    location: COMMAND_LINE,
  };
}

function lock(
  version: string,
  options: Record<string, OptionValue> = {},
  ext = false,
): ReuseChoice {
  return { version, options: new Map(Object.entries(options)), external: ext };
}

/** A set as sorted lines: `name@version +a ~b k=v` and ` (external)`. */
function show(set: OracleSet): string[] {
  return [...set]
    .map(([name, e]) => {
      const opts = [...e.options]
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([k, v]) => (typeof v === "boolean" ? `${v ? "+" : "~"}${k}` : `${k}=${v}`));
      return [`${name}@${e.version}`, ...opts].join(" ") + (e.external ? " (external)" : "");
    })
    .sort();
}

/** The criteria that are not zero. */
function nonZero(cost: readonly CostEntry[]): Record<string, number> {
  return Object.fromEntries(cost.filter((c) => c.value !== 0).map((c) => [c.criterion, c.value]));
}

function solve(u: Universe, r: Request, disabled?: OracleRuleSet) {
  const result = oracleSolve(u, r, disabled ? { disabled } : {});
  if (!result.satisfiable) throw new Error("expected a solution");
  expect(checkSet(u, r, result.set, disabled)).toEqual([]);
  expect(computeCost(u, r, result.set)).toEqual(result.cost);
  return { set: show(result.set), cost: nonZero(result.cost) };
}

function entry(
  version: string,
  options: Record<string, OptionValue> = {},
  ext = false,
): OracleEntry {
  return { version, options: new Map(Object.entries(options)), external: ext };
}

// ---- hand-written universes ----

describe("oracleSolve on known answers", () => {
  it("follows a chain of dependencies, newest versions first", () => {
    const u = universe({
      a: `${V("1.0")}\n[[depends]]\nspec = "b"`,
      b: `${V("1.0", "2.0!")}\n[[depends]]\nspec = "c@1"`,
      c: V("1.0", "1.5", "2.0"),
      unrelated: V("1.0"),
    });
    // b@2.0 is deprecated (non-root): b@1.0 has rank 1 instead; c@1.5 has rank 1.
    expect(solve(u, request(["a"]))).toEqual({
      set: ["a@1.0", "b@1.0", "c@1.5"],
      cost: { "version-age": 2, packages: 3 },
    });
    expect(oracleReachable(u, request(["a"]))).toEqual(["a", "b", "c"]);
    // Asking for b@2.0 makes it a root at a deprecated version.
    expect(solve(u, request(["a", "b@2.0"]))).toEqual({
      set: ["a@1.0", "b@2.0", "c@1.5"],
      cost: { "root-deprecated": 1, "version-age": 1, packages: 3 },
    });
  });

  it("finds a version conflict unsatisfiable, and satisfiable without one of its facts", () => {
    const u = universe({
      a: `${V("1.0")}\n[[depends]]\nspec = "c@1"`,
      b: `${V("1.0")}\n[[depends]]\nspec = "c@2:"`,
      c: V("1.0", "2.0"),
    });
    const r = request(["a", "b"]);
    expect(oracleSolve(u, r)).toEqual({ satisfiable: false });
    expect(solve(u, r, { depends: new Set(["a#0"]) }).set).toEqual(["a@1.0", "b@1.0", "c@2.0"]);
    expect(solve(u, r, { depends: new Set(["b#0"]) }).set).toEqual(["a@1.0", "b@1.0", "c@1.0"]);
    expect(solve(u, r, { requestItems: new Set([1]) }).set).toEqual(["a@1.0", "c@1.0"]);
    expect(oracleSolve(u, r, { disabled: { depends: new Set(["c#0"]) } }).satisfiable).toBe(false);
  });

  it("gives a conditional option a value only where its condition holds", () => {
    const u = universe({
      p: `[options]\nshared = { default = true, when = "@2.0:" }\n${V("1.0", "2.0")}`,
    });
    expect(solve(u, request(["p"]))).toEqual({ set: ["p@2.0 +shared"], cost: { packages: 1 } });
    expect(solve(u, request(["p@1.0"]))).toEqual({
      set: ["p@1.0"],
      cost: { "root-version-age": 1, packages: 1 },
    });
    expect(solve(u, request(["p ~shared"]))).toEqual({
      set: ["p@2.0 ~shared"],
      cost: { "root-non-default-options": 1, packages: 1 },
    });
    expect(oracleSolve(u, request(["p@1.0 +shared"])).satisfiable).toBe(false);
    // Without the option-existence rule, 1.0 may have the option.
    expect(
      solve(u, request(["p@1.0 +shared"]), { optionExistence: new Set(["p#shared"]) }).set,
    ).toEqual(["p@1.0 +shared"]);
    expect(
      builtConfigurations(u.packages.get("p")!).map((c) => [c.version.text, [...c.options]]),
    ).toEqual([
      ["2.0", [["shared", true]]],
      ["2.0", [["shared", false]]],
      ["1.0", []],
    ]);
  });

  it("evaluates an option's condition on another option", () => {
    const u = universe({
      p: `[options]\nssl = { values = ["none", "bearssl"], default = "none" }\nca = { default = false, when = "ssl=bearssl" }\n${V("1.0")}`,
    });
    expect(solve(u, request(["p"])).set).toEqual(["p@1.0 ssl=none"]);
    expect(solve(u, request(["p +ca"]))).toEqual({
      set: ["p@1.0 +ca ssl=bearssl"],
      cost: { "root-non-default-options": 2, packages: 1 },
    });
    expect(solve(u, request(["p ~ca"]))).toEqual({
      set: ["p@1.0 ~ca ssl=bearssl"],
      cost: { "root-non-default-options": 1, packages: 1 },
    });
    expect(oracleSolve(u, request(["p +ca ssl=none"])).satisfiable).toBe(false);
  });

  it("keeps only the consistent assignments of mutually conditional options", () => {
    const u = universe({
      p: `[options]\na = { default = true, when = "+b" }\nb = { default = true, when = "+a" }\n${V("1.0")}`,
    });
    expect(builtConfigurations(u.packages.get("p")!).map((c) => [...c.options])).toEqual([
      [
        ["a", true],
        ["b", true],
      ],
      [],
    ]);
    expect(solve(u, request(["p"])).set).toEqual(["p@1.0 +a +b"]);
    expect(oracleSolve(u, request(["p ~a"])).satisfiable).toBe(false);
  });

  it("chooses among the providers of a virtual by preference, after the more important criteria", () => {
    const u = universe({
      musl: `provides = ["libc"]\n${V("1.2")}`,
      glibc: `provides = ["libc"]\n${V("2.38")}`,
      old: `provides = ["libc"]\n${V("0.1!")}`,
      app: `${V("1.0")}\n[[depends]]\nspec = "libc"`,
    });
    const either = solve(u, request(["app"]));
    expect(either.cost).toEqual({ packages: 2 });
    expect(["glibc@2.38", "musl@1.2"]).toContain(either.set[1]);
    expect(
      solve(u, request(["app"], { providerPreferences: { libc: ["glibc", "musl"] } })),
    ).toEqual({
      set: ["app@1.0", "glibc@2.38"],
      cost: { packages: 2 },
    });
    expect(solve(u, request(["app"], { providerPreferences: { libc: ["musl"] } }))).toEqual({
      set: ["app@1.0", "musl@1.2"],
      cost: { packages: 2 },
    });
    // Preferring the deprecated one: "deprecated" comes before "provider-preference".
    const notOld = solve(u, request(["app"], { providerPreferences: { libc: ["old"] } }));
    expect(notOld.cost).toEqual({ "provider-preference": 1, packages: 2 });
    expect(["glibc@2.38", "musl@1.2"]).toContain(notOld.set[1]);
    // Asking for the virtual makes its provider a root.
    expect(solve(u, request(["libc", "old"]))).toEqual({
      set: ["old@0.1"],
      cost: { "root-deprecated": 1, packages: 1 },
    });
  });

  it("counts a provider preference for every present provider, roots of a requested virtual", () => {
    const u = universe({
      musl: `provides = ["libc"]\n${V("1.2")}`,
      glibc: `provides = ["libc"]\n${V("2.38", "2.37")}`,
    });
    const r = request(["libc", "musl", "glibc@2.37"], { providerPreferences: { libc: ["glibc"] } });
    expect(solve(u, r)).toEqual({
      set: ["glibc@2.37", "musl@1.2"],
      cost: { "root-version-age": 1, "provider-preference": 1, packages: 2 },
    });
  });

  it("provides a virtual conditionally", () => {
    const u = universe({
      busybox: `provides = [{ name = "sh", when = "+shell" }]\n[options]\nshell = { default = false }\n${V("1.36")}`,
    });
    expect(solve(u, request(["sh"]))).toEqual({
      set: ["busybox@1.36 +shell"],
      cost: { "root-non-default-options": 1, packages: 1 },
    });
  });

  it("prefers an external when it costs less, and ignores its own dependencies", () => {
    const u = universe({
      app: `${V("1.0")}\n[[depends]]\nspec = "zlib@1.2:"`,
      zlib: `${V("1.3")}\n[[depends]]\nspec = "pkgconf"`,
      pkgconf: V("2.0"),
    });
    expect(solve(u, request(["app"])).set).toEqual(["app@1.0", "pkgconf@2.0", "zlib@1.3"]);
    expect(solve(u, request(["app"], { externals: [external("zlib", "1.2.13")] }))).toEqual({
      set: ["app@1.0", "zlib@1.2.13 (external)"],
      cost: { packages: 2 },
    });
    // Out of the range: the external cannot be used.
    expect(solve(u, request(["app"], { externals: [external("zlib", "1.1")] })).set).toEqual([
      "app@1.0",
      "pkgconf@2.0",
      "zlib@1.3",
    ]);
  });

  it("breaks a tie on the whole vector by preferring fewer built packages", () => {
    const u = universe({ app: `${V("1.0")}\n[[depends]]\nspec = "zlib"`, zlib: V("1.3") });
    expect(solve(u, request(["app"], { externals: [external("zlib", "1.3")] }))).toEqual({
      set: ["app@1.0", "zlib@1.3 (external)"],
      cost: { packages: 2 },
    });
  });

  it("uses externals with no constraint file, their options and provides", () => {
    const u = universe({
      app: `${V("1.0")}\n[[depends]]\nspec = "sh"\n[[conflicts]]\nspec = "hostlib"`,
      dash: `provides = ["sh"]\n${V("0.5")}`,
      tool: `[options]\nfast = { default = false }\n${V("1.0")}`,
    });
    const host = external("hostsh", "5.2", {}, ["sh"]);
    // Same cost vector either way: the external wins the tie (fewer built packages).
    expect(solve(u, request(["app"], { externals: [host] })).set).toEqual([
      "app@1.0",
      "hostsh@5.2 (external)",
    ]);
    expect(
      solve(u, request(["app"], { externals: [host], providerPreferences: { sh: ["dash"] } })).set,
    ).toEqual(["app@1.0", "dash@0.5"]);
    // The external's version has no rank; being external it has no option cost either.
    expect(solve(u, request(["app", "hostsh"], { externals: [host] }))).toEqual({
      set: ["app@1.0", "hostsh@5.2 (external)"],
      cost: { packages: 2 },
    });
    expect(
      oracleSolve(u, request(["app", "hostlib"], { externals: [external("hostlib", "1")] }))
        .satisfiable,
    ).toBe(false);
    // An external is used only with the option values it declares.
    const fastTool = external("tool", "0.9", { fast: true });
    expect(solve(u, request(["tool +fast"], { externals: [fastTool] })).set).toEqual([
      "tool@0.9 +fast (external)",
    ]);
    expect(solve(u, request(["tool ~fast"], { externals: [fastTool] })).set).toEqual([
      "tool@1.0 ~fast",
    ]);
  });

  it("forbids a package's own configurations with a self-conflict", () => {
    const u = universe({
      p: `[options]\na = { default = false }\n${V("1.0", "2.0")}\n[[conflicts]]\nspec = "p@2.0"\nwhen = "+a"`,
      q: `[options]\na = { default = true }\n${V("1.0")}\n[[conflicts]]\nspec = "q +a"`,
      r: `provides = ["v"]\n${V("1.0")}\n[[conflicts]]\nspec = "v"`,
    });
    expect(solve(u, request(["p"])).set).toEqual(["p@2.0 ~a"]);
    expect(solve(u, request(["p +a"]))).toEqual({
      set: ["p@1.0 +a"],
      cost: { "root-version-age": 1, "root-non-default-options": 1, packages: 1 },
    });
    expect(oracleSolve(u, request(["p@2.0 +a"])).satisfiable).toBe(false);
    expect(solve(u, request(["p@2.0 +a"]), { conflicts: new Set(["p#0"]) }).set).toEqual([
      "p@2.0 +a",
    ]);
    expect(solve(u, request(["q"]))).toEqual({
      set: ["q@1.0 ~a"],
      cost: { "root-non-default-options": 1, packages: 1 },
    });
    expect(oracleSolve(u, request(["r"])).satisfiable).toBe(false);
    expect(oracleSolve(u, request(["v"])).satisfiable).toBe(false);
  });

  it("counts changes from a reused lockfile", () => {
    const u = universe({
      p: `[options]\nx = { default = false }\n${V("1.0", "2.0")}`,
      q: V("1.0"),
    });
    expect(solve(u, request(["p"], { reuse: { p: lock("1.0", { x: false }) } }))).toEqual({
      set: ["p@1.0 ~x"],
      cost: { "root-version-age": 1, packages: 1 },
    });
    expect(solve(u, request(["p"], { reuse: { p: lock("1.0", { x: true }) } }))).toEqual({
      set: ["p@1.0 +x"],
      cost: { "root-version-age": 1, "root-non-default-options": 1, packages: 1 },
    });
    // A version that no longer exists: one change whatever the choice.
    expect(solve(u, request(["p"], { reuse: { p: lock("0.5") } }))).toEqual({
      set: ["p@2.0 ~x"],
      cost: { changes: 1, packages: 1 },
    });
    expect(solve(u, request(["p@2.0"], { reuse: { p: lock("1.0", { x: false }) } })).cost).toEqual({
      changes: 1,
      packages: 1,
    });
    // A lockfile package nothing asks for: keeping it avoids a change (docs/solver.md, "changes").
    expect(solve(u, request(["p"], { reuse: { q: lock("1.0"), gone: lock("1.0") } }))).toEqual({
      set: ["p@2.0 ~x", "q@1.0"],
      cost: { changes: 1, packages: 2 },
    });
    // Externality is part of the choice.
    const ext = { externals: [external("p", "1.5")] };
    expect(solve(u, request(["p"], { ...ext, reuse: { p: lock("1.5", {}, true) } })).set).toEqual([
      "p@1.5 (external)",
    ]);
    expect(
      solve(u, request(["p"], { ...ext, reuse: { p: lock("2.0", { x: false }) } })).set,
    ).toEqual(["p@2.0 ~x"]);
  });

  it("ranks versions with a version preference", () => {
    const u = universe({
      p: V("1.0", "1.1", "2.0", "2.1"),
      q: `${V("1.0")}\n[[depends]]\nspec = "p"`,
    });
    const pkg = u.packages.get("p")!;
    const plain = request(["p"]);
    expect(["2.1", "2.0", "1.1", "1.0"].map((v) => versionRank(pkg, plain, v))).toEqual([
      0, 1, 2, 3,
    ]);
    const r = request(["p"], { versionPreferences: { p: "1" } });
    expect(["1.1", "1.0", "2.1", "2.0"].map((v) => versionRank(pkg, r, v))).toEqual([0, 1, 2, 3]);
    expect(solve(u, r)).toEqual({ set: ["p@1.1"], cost: { packages: 1 } });
    expect(solve(u, request(["p@2"], { versionPreferences: { p: "1" } }))).toEqual({
      set: ["p@2.1"],
      cost: { "root-version-age": 2, packages: 1 },
    });
    // Through a dependency: the non-root criterion.
    expect(solve(u, request(["q"], { versionPreferences: { p: ":1.0,2.0" } }))).toEqual({
      set: ["p@2.0", "q@1.0"],
      cost: { packages: 2 },
    });
    expect(
      nonZero(
        computeCost(
          u,
          request(["q"], { versionPreferences: { p: ":1.0,2.0" } }),
          new Map([
            ["q", entry("1.0")],
            ["p", entry("2.1")],
          ]),
        ),
      ),
    ).toEqual({ "version-age": 2, packages: 2 });
  });

  it("follows a dependency that depends on an option", () => {
    const u = universe({
      p: `[options]\nssl = { default = false }\n${V("1.0")}\n[[depends]]\nspec = "openssl@3:"\nwhen = "+ssl"`,
      openssl: V("1.1", "3.0"),
    });
    expect(solve(u, request(["p"]))).toEqual({ set: ["p@1.0 ~ssl"], cost: { packages: 1 } });
    expect(solve(u, request(["p +ssl"]))).toEqual({
      set: ["openssl@3.0", "p@1.0 +ssl"],
      cost: { "root-non-default-options": 1, packages: 2 },
    });
    expect(oracleSolve(u, request(["p +ssl", "openssl@1"])).satisfiable).toBe(false);
    // openssl@1.1 is still reachable: the dependency is not followed only when +ssl.
    expect(oracleReachable(u, request(["p"]))).toEqual(["p", "openssl"]);
  });
});

describe("checkSet and computeCost", () => {
  const u = universe({
    p: `[options]\nx = { default = false }\nk = { values = ["a", "b"], default = "a", when = "@2:" }\n${V("1.0", "2.0")}\n[[depends]]\nspec = "q@2 +y"\nwhen = "+x"\n[[conflicts]]\nspec = "r"`,
    q: `[options]\ny = { default = true }\n${V("1.0", "2.0!")}`,
    r: V("1.0"),
  });
  const r = request(["p@2"]);

  it("accepts a valid set and computes its cost", () => {
    const set: OracleSet = new Map([
      ["p", entry("2.0", { x: true, k: "b" })],
      ["q", entry("2.0", { y: true })],
    ]);
    expect(checkSet(u, r, set)).toEqual([]);
    expect(nonZero(computeCost(u, r, set))).toEqual({
      "root-non-default-options": 2,
      deprecated: 1,
      packages: 2,
    });
  });

  it("reports each broken rule", () => {
    const problems = (set: OracleSet) => checkSet(u, r, set);
    expect(problems(new Map())).toEqual(['request item #0 "p@2" is not met']);
    expect(problems(new Map([["p", entry("2.0", { x: false })]]))).toEqual([
      'p: option "k" exists here but has no value',
    ]);
    expect(problems(new Map([["p", entry("1.0", { x: false, k: "a" })]]))).toEqual([
      'p: option "k" has a value where its condition "@2:" does not hold',
      'request item #0 "p@2" is not met',
    ]);
    expect(problems(new Map([["p", entry("2.0", { x: true, k: "c" })]]))).toEqual([
      'p: "c" is not a value of option "k"',
      'p depends #0 "q@2 +y" is not met',
    ]);
    expect(
      problems(
        new Map([
          ["p", entry("2.0", { x: false, k: "a" })],
          ["r", entry("1.0")],
        ]),
      ),
    ).toEqual(['p conflicts #0 "r" is violated by r']);
    expect(problems(new Map([["p", entry("2.5", { x: false, k: "a" }, true)]]))).toEqual([
      "p: no external of the request has this version and these options",
    ]);
    expect(problems(new Map([["p", entry("2.5", { x: false, k: "a" })]]))).toEqual([
      "p: version 2.5 is not declared",
    ]);
    expect(checkSet(u, request(["zz"]), new Map([["zz", entry("1.0")]]))).toEqual([
      '"zz" is not a package',
      'request item #0 "zz" is not met',
    ]);
    // Disabled rules are not checked.
    expect(checkSet(u, r, new Map([["r", entry("1.0")]]), { requestItems: new Set([0]) })).toEqual(
      [],
    );
  });
});

// ---- properties ----

/** The sets over every package of the universe and every external (no search, no pruning). */
function bruteForce(u: Universe, r: Request): OracleResult {
  const names = [...new Set([...u.packages.keys(), ...r.externals.map((e) => e.name)])];
  const domains: (OracleEntry | undefined)[][] = names.map((name) => {
    const pkg = u.packages.get(name);
    const built = pkg
      ? builtConfigurations(pkg).map((c) => ({
          version: c.version.text,
          options: new Map(c.options),
          external: false,
        }))
      : [];
    const ext = r.externals
      .filter((e) => e.name === name)
      .map((e) => ({ version: e.version.text, options: new Map(e.options), external: true }));
    return [undefined, ...built, ...ext];
  });
  let best: { cost: CostEntry[]; set: OracleSet; built: number } | undefined;
  const walk = (i: number, set: OracleSet): void => {
    if (i === names.length) {
      if (checkSet(u, r, set).length > 0) return;
      const cost = computeCost(u, r, set);
      const built = [...set.values()].filter((e) => !e.external).length;
      const c = best === undefined ? -1 : compareCost(cost, best.cost) || built - best.built;
      if (c < 0) best = { cost, set: new Map(set), built };
      return;
    }
    for (const choice of domains[i]!) {
      if (choice) set.set(names[i]!, choice);
      walk(i + 1, set);
      set.delete(names[i]!);
    }
  };
  walk(0, new Map());
  return best ? { satisfiable: true, cost: best.cost, set: best.set } : { satisfiable: false };
}

function combinations(u: Universe, r: Request): number {
  let n = 1;
  for (const pkg of u.packages.values()) n *= builtConfigurations(pkg).length + 1;
  return n * 2 ** r.externals.length;
}

describe("properties", () => {
  it("every generated universe loads without errors", () => {
    fc.assert(
      fc.property(arbUniverseFiles(), (files) => {
        const errors = loadConstraintTexts(files).diagnostics.filter((d) => d.severity === "error");
        expect(errors).toEqual([]);
      }),
      { numRuns: 60 },
    );
  });

  it("every set the oracle returns is valid and has the cost it reports", () => {
    const dense = arbProblem({ minPackages: 5, minVersions: 3, minOptions: 1 });
    fc.assert(
      fc.property(fc.oneof(arbProblem(), dense), ({ universe: u, request: r }) => {
        const result = oracleSolve(u, r);
        if (!result.satisfiable) return;
        expect(checkSet(u, r, result.set)).toEqual([]);
        expect(computeCost(u, r, result.set)).toEqual(result.cost);
      }),
      { numRuns: 100 },
    );
  });

  it("agrees with a plain enumeration of every set over every package", () => {
    fc.assert(
      fc.property(
        arbProblem({ maxPackages: 4, maxVersions: 3 }).filter(
          ({ universe: u, request: r }) => combinations(u, r) <= 3000,
        ),
        ({ universe: u, request: r }) => {
          const expected = bruteForce(u, r);
          const actual = oracleSolve(u, r);
          expect(actual.satisfiable).toBe(expected.satisfiable);
          if (!actual.satisfiable || !expected.satisfiable) return;
          expect(actual.cost).toEqual(expected.cost);
          const built = (s: OracleSet) => [...s.values()].filter((e) => !e.external).length;
          expect(built(actual.set)).toBe(built(expected.set));
        },
      ),
      { numRuns: 100 },
    );
  });

  it("disabling rules only ever lowers the optimum", () => {
    fc.assert(
      fc.property(
        arbProblem().chain((p) => {
          const keys = (kind: "depends" | "conflicts") =>
            [...p.universe.packages.values()].flatMap((pkg) =>
              pkg[kind].map((_, i) => `${pkg.name}#${i}`),
            );
          const pickSome = <T>(list: T[]) => fc.subarray(list).map((xs) => new Set(xs));
          return fc.record({
            p: fc.constant(p),
            disabled: fc.record({
              requestItems: pickSome(p.request.items.map((_, i) => i)),
              depends: pickSome(keys("depends")),
              conflicts: pickSome(keys("conflicts")),
            }),
          });
        }),
        ({ p, disabled }) => {
          const strict = oracleSolve(p.universe, p.request);
          const relaxed = oracleSolve(p.universe, p.request, { disabled });
          if (strict.satisfiable) {
            expect(relaxed.satisfiable).toBe(true);
            if (relaxed.satisfiable)
              expect(compareCost(relaxed.cost, strict.cost)).toBeLessThanOrEqual(0);
          }
          if (relaxed.satisfiable)
            expect(checkSet(p.universe, p.request, relaxed.set, disabled)).toEqual([]);
          const everything = {
            requestItems: new Set(p.request.items.map((_, i) => i)),
            depends: new Set(
              [...p.universe.packages.values()].flatMap((pkg) =>
                pkg.depends.map((_, i) => `${pkg.name}#${i}`),
              ),
            ),
            conflicts: new Set(
              [...p.universe.packages.values()].flatMap((pkg) =>
                pkg.conflicts.map((_, i) => `${pkg.name}#${i}`),
              ),
            ),
          };
          expect(oracleSolve(p.universe, p.request, { disabled: everything }).satisfiable).toBe(
            true,
          );
        },
      ),
      { numRuns: 60 },
    );
  });
});
