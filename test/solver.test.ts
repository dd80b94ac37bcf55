import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { checkUniverse } from "../solver/check.js";
import { encode, factId } from "../solver/encode.js";
import { parseEnvironmentFile } from "../solver/environment-file.js";
import { RequestError } from "../solver/errors.js";
import { Checker, explain } from "../solver/explain.js";
import { loadConstraintTexts, loadUniverse, readConstraintDir } from "../solver/load.js";
import { type Request, requestFromSpecs } from "../solver/request.js";
import { parseReuse } from "../solver/reuse.js";
import { solutionJson } from "../solver/solution.js";
import { solve } from "../solver/solve.js";
import { parseSpec } from "../solver/spec.js";
import type { Universe } from "../solver/universe.js";
import { dependencyPaths, whyNot } from "../solver/why.js";

const CONSTRAINTS = new URL("../constraints", import.meta.url).pathname;
let universe: Universe;
beforeAll(async () => {
  universe = await loadUniverse(CONSTRAINTS);
});

function solved(specs: string[] | Request) {
  const r = solve(universe, Array.isArray(specs) ? requestFromSpecs(specs) : specs);
  if (!r.satisfiable) throw new Error(r.explanation.text);
  return r.solution;
}
const versionOf = (s: ReturnType<typeof solved>, name: string) =>
  s.packages.find((p) => p.name === name)?.version.text;
const major = (v: string | undefined) => v?.split(".").slice(0, 2).join(".");

describe("solve on the shipped constraints", () => {
  it("breaks a tie on the cost vector by building less: a host external over a built provider", () => {
    // gcc (external) and musl-cross-make (built) both provide cc and libc at equal cost.
    const request = parseEnvironmentFile(
      'specs = ["skalibs"]\n[externals.gcc]\nversion = "12.2"\nprefix = "/usr"\nprovides = ["cc", "libc"]\n',
      "host.toml",
    );
    const s = solved(request);
    expect(s.packages.map((p) => p.name)).toEqual(["gcc", "gnu-make", "skalibs"]);
    expect(s.packages.find((p) => p.name === "gcc")!.external).toBeDefined();
  });

  it("chooses a consistent, newest skarnet release batch", () => {
    const s = solved(["s6-rc", "execline"]);
    expect(s.roots).toEqual(["execline", "s6-rc"]);
    expect(versionOf(s, "s6-rc")).toBe(universe.packages.get("s6-rc")!.versions[0]!.version.text);
    // every library is from the batch the newest s6-rc needs
    expect(major(versionOf(s, "skalibs"))).toBe("2.15");
    expect(s.cost.find((c) => c.criterion === "root-version-age")!.value).toBe(0);
    for (const p of s.packages)
      for (const d of p.depends) expect(s.packages.some((q) => q.name === d.name)).toBe(true);
  });

  it("asking for an old execline pulls the matching older skalibs", () => {
    const s = solved(["execline@2.9.3.0"]);
    expect(versionOf(s, "execline")).toBe("2.9.3.0");
    expect(major(versionOf(s, "skalibs"))).toBe("2.13");
    expect(versionOf(s, "skalibs")).toBe("2.13.1.1"); // the newest 2.13 that is declared
  });

  it("an old s6-rc pulls a whole older batch", () => {
    const s = solved(["s6-rc@0.5.4.3"]);
    expect(major(versionOf(s, "s6"))).toBe("2.13");
    expect(major(versionOf(s, "skalibs"))).toBe("2.14");
  });

  it("honours options in the request and conditional dependencies", () => {
    const s = solved(["s6 ~execline"]);
    expect(s.packages.find((p) => p.name === "s6")!.options.get("execline")).toBe(false);
    expect(s.packages.some((p) => p.name === "execline")).toBe(false);
    const t = solved(["s6 +execline"]);
    expect(t.packages.some((p) => p.name === "execline")).toBe(true);
    expect(t.cost.find((c) => c.criterion === "root-non-default-options")!.value).toBe(0);
  });

  it("counts non-default options of roots", () => {
    const s = solved(["busybox +static"]);
    expect(s.cost.find((c) => c.criterion === "root-non-default-options")!.value).toBe(1);
  });

  it("solves the seed's environment, using the host's make as an external", () => {
    const text = readFileSync(new URL("../environments/minimal.toml", import.meta.url), "utf8");
    const s = solved(parseEnvironmentFile(text, "environments/minimal.toml"));
    const make = s.packages.find((p) => p.name === "gnu-make")!;
    expect(make.external).toEqual({ prefix: "/usr" });
    expect(make.version.text).toBe("4.3");
    for (const name of ["s6-linux-init", "s6-rc", "mdevd", "busybox", "execline"])
      expect(s.roots).toContain(name);
    expect(s.packages.find((p) => p.name === "busybox")!.options.get("static")).toBe(true);
  });

  it("gives byte-identical output whatever the order of the constraint files", async () => {
    const files = await readConstraintDir(CONSTRAINTS);
    const a = loadConstraintTexts(files).universe;
    const b = loadConstraintTexts([...files].reverse()).universe;
    const request = requestFromSpecs(["s6-networking", "mdevd", "busybox"]);
    const ra = solve(a, request);
    const rb = solve(b, request);
    expect(ra.satisfiable && rb.satisfiable).toBe(true);
    if (ra.satisfiable && rb.satisfiable)
      expect(JSON.stringify(solutionJson(ra.solution))).toBe(
        JSON.stringify(solutionJson(rb.solution)),
      );
  });

  it("with --reuse, keeps what a previous solution chose", () => {
    const old = solved(["s6-rc@0.5.4.3"]);
    const reuse = parseReuse(JSON.stringify(solutionJson(old)), "old.json", universe);
    const s = solved({ ...requestFromSpecs(["s6-rc", "s6-dns"]), reuse });
    expect(versionOf(s, "s6-rc")).toBe("0.5.4.3");
    expect(versionOf(s, "skalibs")).toBe(versionOf(old, "skalibs"));
    expect(s.cost[0]).toEqual({ criterion: "changes", value: 0 });
  });

  it("refuses a lockfile made from another universe", () => {
    const problem = (json: unknown) => {
      try {
        parseReuse(JSON.stringify(json), "x.json", universe);
      } catch (e) {
        const d = (e as RequestError).diagnostics[0]!;
        return `${d.file}: ${d.message} (${d.hint})`;
      }
      return "accepted";
    };
    expect(problem({ packages: { nothere: { version: "1.0" } } })).toMatch(
      /^x\.json: .*"nothere".*another constraints directory/,
    );
    expect(problem({ packages: { s6: { version: "9.9" } } })).toMatch(
      /s6 9\.9, which .*s6\.toml does not declare/,
    );
    expect(problem({ packages: { s6: { version: "2.13.1.0", options: { nope: true } } } })).toMatch(
      /option nope of s6/,
    );
    expect(() => parseReuse("{", "x.json", universe)).toThrow(RequestError);
    expect(() =>
      parseReuse(JSON.stringify({ lockfileVersion: 7, packages: {} }), "x.json", universe),
    ).toThrow(/version 7/);
  });

  it("reports unknown names, options and values in the request as input errors", () => {
    expect(() => solve(universe, requestFromSpecs(["s6-rcc"]))).toThrow(
      /no package or virtual named "s6-rcc"/,
    );
    expect(() => solve(universe, requestFromSpecs(["s6 +sttic"]))).toThrow(/has no option "sttic"/);
    expect(() => solve(universe, requestFromSpecs(["libc@1.2"]))).toThrow(/virtual/);
    try {
      solve(universe, requestFromSpecs(["s6-rcc"]));
    } catch (e) {
      expect((e as RequestError).diagnostics[0]!.hint).toContain('"s6-rc"');
    }
  });
});

describe("explanations on the shipped constraints", () => {
  it("explains an impossible mix, citing the right lines, minimally", () => {
    const request = requestFromSpecs(["s6-rc@0.5.5.0", "skalibs@2.13"]);
    const r = solve(universe, request);
    expect(r.satisfiable).toBe(false);
    if (r.satisfiable) return;
    const e = r.explanation;
    expect(e.text).toMatch(/^error: no package set satisfies the request/);
    expect(e.text).toContain("you asked for s6-rc@0.5.5.0 and skalibs@2.13");
    const s6rc = readFileSync(`${CONSTRAINTS}/s6-rc.toml`, "utf8").split("\n");
    const dep = e.facts.find((f) => f.kind === "depends")!;
    expect(dep.file).toBe(`${CONSTRAINTS}/s6-rc.toml`);
    expect(s6rc[dep.line - 1]).toMatch(/spec = "skalibs@2\.14\.3\.0:2\.14"/);
    expect(e.text).toMatch(/so s6-rc@0\.5\.5\.0 cannot be used with skalibs@2\.13\./);
    expect(e.suggestions.length).toBe(2);
    for (const s of e.suggestions) {
      const other = s.startsWith("s6-rc") ? "skalibs@2.13" : "s6-rc@0.5.5.0";
      expect(solve(universe, requestFromSpecs([s, other])).satisfiable).toBe(true);
    }
  });

  it("lists facts that are jointly unsatisfiable, each one needed", () => {
    for (const specs of [
      ["s6-rc@0.5.5.0", "skalibs@2.13"],
      ["s6-networking@=2.5.1.1"],
      ["execline@2.9.3.0 +pkgconfig"],
      ["skalibs@3"],
      ["s6@2.11 +execline", "execline@2.9.9"],
    ]) {
      const request = requestFromSpecs(specs);
      const encoding = encode(universe, request, { selectors: true });
      const checker = new Checker(encoding);
      const e = explain(universe, request);
      const core = encoding.facts.filter((f) => e.facts.some((g) => g.id === factId(f.fact)));
      expect(core.length).toBe(e.facts.length);
      expect(checker.unsat(core)).toBe(true);
      for (const f of core) expect(checker.unsat(core.filter((g) => g !== f))).toBe(false);
    }
  });

  it("explains and suggests the same from solve (which reuses its encoding) as explain alone", () => {
    for (const specs of [
      ["s6-rc@0.5.5.0", "skalibs@2.13"],
      ["s6-networking@=2.5.1.1"],
      ["execline@2.9.3.0 +pkgconfig"],
      ["s6@2.11 +execline", "execline@2.9.9"],
    ]) {
      const request = requestFromSpecs(specs);
      const r = solve(universe, request);
      expect(r.satisfiable).toBe(false);
      if (!r.satisfiable) {
        expect(r.explanation).toEqual(explain(universe, request));
        expect(r.explanation.suggestions.length).toBeGreaterThan(0);
      }
    }
  });

  it("explains an option that does not exist for the requested version", () => {
    const r = solve(universe, requestFromSpecs(["execline@2.9.3.0 +pkgconfig"]));
    expect(r.satisfiable).toBe(false);
    if (!r.satisfiable) {
      expect(r.explanation.facts.map((f) => f.kind).sort()).toEqual([
        "one-configuration",
        "option-exists",
        "request",
      ]);
      expect(r.explanation.text).toMatch(
        /option pkgconfig of execline exists only for execline@2\.9\.7\.0:/,
      );
    }
  });

  it("says when no declared version is in a requested range", () => {
    const r = solve(universe, requestFromSpecs(["skalibs@3"]));
    expect(!r.satisfiable && r.explanation.text).toMatch(/no version of skalibs is in @3/);
  });
});

describe("why, why-not and check", () => {
  it("why lists the dependency paths from the roots", () => {
    const s = solved(["s6-rc"]);
    const paths = dependencyPaths(s, "skalibs");
    expect(paths.length).toBeGreaterThan(1);
    expect(paths[0]!.map((p) => p.package.name)).toEqual(["s6-rc", "skalibs"]);
    for (const path of paths) {
      expect(path[0]!.package.root).toBe(true);
      expect(path.at(-1)!.package.name).toBe("skalibs");
      for (const step of path.slice(0, -1))
        expect(step.via!.file).toContain(`${step.package.name}.toml`);
    }
  });

  it("why-not says which criterion prefers the current choice", () => {
    const request = requestFromSpecs(["execline"]);
    const s = solved(["execline"]);
    const answer = whyNot(universe, request, s, parseSpec("skalibs@2.14", "named"), "skalibs@2.14");
    expect(answer.kind).toBe("costlier");
    if (answer.kind === "costlier") {
      expect(answer.criterion).toBe("root-version-age");
      expect(
        answer.alternativeSolution.packages.find((p) => p.name === "skalibs")!.version.text,
      ).toMatch(/^2\.14\./);
    }
  });

  it("why-not explains an impossible hypothesis, and recognises what is already there", () => {
    const request = requestFromSpecs(["s6-rc@0.5.5.0"]);
    const s = solved(request);
    const impossible = whyNot(
      universe,
      request,
      s,
      parseSpec("skalibs@2.13", "named"),
      "skalibs@2.13",
    );
    expect(impossible.kind).toBe("impossible");
    if (impossible.kind === "impossible")
      expect(impossible.explanation.text).toContain("suppose the set held skalibs@2.13");
    expect(whyNot(universe, request, s, parseSpec("s6", "named"), "s6").kind).toBe("present");
    expect(whyNot(universe, request, s, parseSpec("cc", "named"), "cc").kind).toBe("present");
  });

  it("check finds the one broken version of the shipped set and explains it", () => {
    const report = checkUniverse(universe);
    const declared = [...universe.packages.values()].reduce((n, p) => n + p.versions.length, 0);
    expect(report.total).toBe(declared);
    expect(report.broken.map((b) => `${b.package}@${b.version}`)).toEqual([
      "s6-networking@2.5.1.1",
    ]);
    expect(report.installable).toBe(declared - 1);
    expect(report.broken[0]!.explanation.text).toMatch(
      /s6-networking@\S*2\.5\.1\.1\S* needs s6@2\.12\.0\.0:2\.12/,
    );
  });
});
