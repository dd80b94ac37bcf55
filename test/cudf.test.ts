/**
 * CUDF: the reader (every construct, malformed documents rejected with their line), criteria
 * strings, and the solver and installability check against a brute-force oracle on random small
 * universes.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { runCudf } from "../cli/cudf.js";
import { EXIT, type Io } from "../cli/io.js";
import { checkCudf } from "../cudf/check.js";
import { parseCriteria } from "../cudf/criteria.js";
import { parseCudf } from "../cudf/document.js";
import { CudfSyntaxError } from "../cudf/errors.js";
import { score } from "../cudf/score.js";
import { solveCudf } from "../cudf/solve.js";
import { CudfUniverse } from "../cudf/universe.js";
import { arbCriteria, arbCudfDocument } from "./cudf-arbitrary.js";
import { consistent, criterionValue, isSolution, optimum, subsets } from "./cudf-oracle.js";
import { pthbs } from "./helpers.js";

const SEED = Number(process.env.FC_SEED ?? 20261125);
const runs = (n: number) => ({ seed: SEED, numRuns: Number(process.env.FC_RUNS ?? n) });

const EVERY_CONSTRUCT = `# a comment
preamble: 
property: recommends: vpkgformula = [true!], suite: enum[stable,testing] = [stable],
 size: nat = [0], origin: string
univ-checksum: 8c6d8b4d0cf7027cd523ad095d6408b4901ac31c

package: a
version: 1
depends: b | c >= 2, d != 3
conflicts: a, e < 2
provides: v = 4, w
recommends: d
installed: true
keep: feature
origin: x

package: b
version: 3
was-installed: true
suite: testing
size: 12
origin: long
 continued

request: test 1
install: a, c
remove: e > 1
upgrade: d
`;

function syntaxError(text: string): CudfSyntaxError {
  try {
    parseCudf(text, "t.cudf");
  } catch (e) {
    if (e instanceof CudfSyntaxError) return e;
    throw e;
  }
  throw new Error("expected a CudfSyntaxError");
}

describe("CUDF reader", () => {
  it("reads every construct", () => {
    const doc = parseCudf(EVERY_CONSTRUCT, "t.cudf");
    expect([...doc.properties.keys()]).toEqual(["recommends", "suite", "size", "origin"]);
    const [a, b] = doc.packages;
    expect(a!.depends).toEqual([
      [{ name: "b" }, { name: "c", op: ">=", version: 2 }],
      [{ name: "d", op: "!=", version: 3 }],
    ]);
    expect(a!.conflicts).toEqual([{ name: "a" }, { name: "e", op: "<", version: 2 }]);
    expect(a!.provides).toEqual([{ name: "v", op: "=", version: 4 }, { name: "w" }]);
    expect([a!.installed, a!.keep, a!.line]).toEqual([true, "feature", 7]);
    expect(doc.property(a!, "recommends")).toEqual([[{ name: "d" }]]);
    expect(doc.property(a!, "suite")).toBe("stable");
    expect(doc.property(b!, "suite")).toBe("testing");
    expect(doc.property(b!, "size")).toBe(12);
    expect(doc.property(b!, "origin")).toBe("long continued");
    expect([b!.wasInstalled, b!.installed, b!.keep, b!.depends]).toEqual([true, false, "none", []]);
    expect(doc.line(a!, "conflicts")).toBe(10);
    expect(doc.request.install.map((v) => v.name)).toEqual(["a", "c"]);
    expect(doc.request.remove).toEqual([{ name: "e", op: ">", version: 1 }]);
    expect(doc.request.upgrade).toEqual([{ name: "d" }]);
    expect(doc.request.lines.get("upgrade")).toBe(28);
  });

  it("reads true! and false! formulas", () => {
    const doc = parseCudf(
      "package: a\nversion: 1\ndepends: true!\n\npackage: b\nversion: 1\ndepends: false!\n",
      "t",
    );
    expect(doc.packages.map((p) => p.depends)).toEqual([[], [[]]]);
  });

  it.each([
    ["package: a\nversion: 0\n", 2, /positive/],
    ["package: a\nversion: x\n", 2, /integer/],
    ["package: a\n", 1, /no version/],
    ["package: a\nversion: 1\ndepends: b >> 2\n", 3, /expected a version/],
    ["package: a\nversion: 1\ndepends: b >= \n", 3, /version/],
    ["package: a\nversion: 1\nprovides: v >= 2\n", 3, /feature takes only/],
    ["package: a\nversion: 1\ninstalled: yes\n", 3, /true or false/],
    ["package: a\nversion: 1\nkeep: all\n", 3, /keep/],
    ["package: a\nversion: 1\nfoo: 1\n", 3, /not declared/],
    ["package: a b\nversion: 1\n", 1, /not allowed/],
    ["package: a\nversion: 1\n\npackage: a\nversion: 1\n", 4, /twice/],
    ["package: a\nversion: 1\nversion: 2\n", 3, /twice/],
    ["\n\nfoo: a\n", 3, /must start/],
    ["package: a\nversion: 1\nthis is not a property\n", 3, /key: value/],
    [" continued\n", 1, /continuation/],
    ["preamble: \nproperty: n: posint = [0]\n", 2, /positive/],
    ["preamble: \nproperty: n: colour\n", 2, /unknown property type/],
    ["preamble: \nproperty: n: string\n\npackage: a\nversion: 1\n", 4, /required/],
    ["request: r\n\npackage: a\nversion: 1\n", 3, /follow the request/],
  ])("rejects %j at line %i", (text, line, reason) => {
    const e = syntaxError(text);
    expect(e.line).toBe(line);
    expect(e.file).toBe("t.cudf");
    expect(e.message).toMatch(reason);
    expect(e.message).toContain(`t.cudf:${line}:`);
  });
});

describe("CUDF reader: the fast pass and the general reader agree", () => {
  /** What solving reads of each package, and the lines of its properties. */
  const summary = (text: string) => {
    const doc = parseCudf(text, "t.cudf");
    return doc.packages.map((p) => ({
      name: p.name,
      version: p.version,
      installed: p.installed,
      wasInstalled: p.wasInstalled,
      keep: p.keep,
      depends: p.depends,
      conflicts: p.conflicts,
      provides: p.provides,
      dependsLine: doc.line(p, "depends") - p.line,
    }));
  };

  it("reads a stanza the same when a comment or CRLF sends it to the general reader", () => {
    fc.assert(
      fc.property(arbCudfDocument, (text) => {
        const plain = summary(text);
        // A comment after each `package:` line: every package stanza is read by the general reader.
        const commented = text.replace(/^(package: .*)$/gm, "$1\n# a comment");
        expect(summary(commented).map((p) => ({ ...p, dependsLine: 0 }))).toEqual(
          plain.map((p) => ({ ...p, dependsLine: 0 })),
        );
        expect(summary(text.replace(/\n/g, "\r\n"))).toEqual(plain);
        // Blanks (and a CR) at the ends of lines are no part of the values.
        expect(summary(text.replace(/\n/g, " \t\r\n"))).toEqual(plain);
      }),
      runs(200),
    );
    // Four readings of 200 documents: slower than the default 5 s on a busy machine.
  }, 30_000);

  it("reads continued values, declared extra properties and every keep", () => {
    const doc = parseCudf(
      "preamble: \nproperty: recommends: vpkgformula = [true!], note: string\n\n" +
        "package: a\nversion: 2\ndepends: b,\n c | d >= 3\nnote: x\nrecommends: e\nkeep: package\ninstalled: true\n\n" +
        "package: b\nversion: 1\nprovides: d = 3, f\nnote: y\nkeep: version\n\n" +
        "package: c\nversion: 1\nnote: z\nkeep: feature\n",
      "t.cudf",
    );
    const [a, b, c] = doc.packages;
    expect(a!.depends).toEqual([
      [{ name: "b" }],
      [{ name: "c" }, { name: "d", op: ">=", version: 3 }],
    ]);
    expect([a!.keep, b!.keep, c!.keep]).toEqual(["package", "version", "feature"]);
    expect(doc.property(a!, "recommends")).toEqual([[{ name: "e" }]]);
    expect(doc.property(b!, "note")).toBe("y");
    expect(b!.provides).toEqual([{ name: "d", op: "=", version: 3 }, { name: "f" }]);
    expect(doc.line(b!, "provides")).toBe(15);
  });
});

describe("CUDF reader: tables past their first size", () => {
  it("reads 70,000 packages and 140,000 features (every table grows)", () => {
    const n = 70_000;
    const stanzas: string[] = [];
    for (let i = 0; i < n; i++)
      stanzas.push(
        `package: p${i}\nversion: ${1 + (i % 3)}\nconflicts: p${i}\nprovides: q${i % 1000} = 1, r${i}\n`,
      );
    const doc = parseCudf(`${stanzas.join("\n")}\nrequest: r\ninstall: r${n - 1}\n`, "t.cudf");
    expect(doc.size).toBe(n);
    const u = new CudfUniverse(doc);
    const last = doc.packages[n - 1]!;
    expect([last.name, last.version, last.provides]).toEqual([
      `p${n - 1}`,
      1 + ((n - 1) % 3),
      [{ name: `q${(n - 1) % 1000}`, op: "=", version: 1 }, { name: `r${n - 1}` }],
    ]);
    expect(u.satisfying({ name: `r${n - 1}` })).toEqual([n - 1]);
    expect(u.satisfying({ name: "q999", op: "=", version: 1 }).length).toBe(n / 1000);
    expect(u.versions(`p${n - 2}`)).toEqual([n - 2]);
  });
});

describe("criteria", () => {
  it("reads aspcud's and mccs's forms alike", () => {
    const expected = parseCriteria("-removed,-changed");
    expect(expected).toEqual([
      { sign: "-", kind: "removed" },
      { sign: "-", kind: "changed" },
    ]);
    for (const text of [
      "paranoid",
      "-lex[-removed,-changed]",
      "-lexagregate[-removed,-changed]",
      "-lexicographic[-lexagregate[-removed],-changed]",
      "-count(removed),-count(changed)",
    ])
      expect(parseCriteria(text)).toEqual(expected);
    expect(parseCriteria("-lex[-removed,-notuptodate,-nunsat[recommends:,true],+new]")).toEqual(
      parseCriteria("-removed,-notuptodate,-unsat_recommends,+new"),
    );
    expect(parseCriteria("trendy")).toEqual(
      parseCriteria("-removed,-notuptodate,-unsat_recommends,-new"),
    );
  });

  it.each([
    "removed",
    "-removed[10]",
    "-agregate[-removed,-new]",
    "-foo",
    "-nunsat[recommends:,false]",
  ])("rejects %j", (text) => {
    expect(() => parseCriteria(text)).toThrow(CudfSyntaxError);
  });
});

describe("CUDF solving against a brute-force oracle", () => {
  it("finds a solution exactly when one exists, valid and lexicographically optimal", () => {
    fc.assert(
      fc.property(arbCudfDocument, arbCriteria, (text, criteria) => {
        const doc = parseCudf(text, "random.cudf");
        const best = optimum(doc, criteria);
        const outcome = solveCudf(doc, criteria);
        expect(outcome.ok).toBe(best !== undefined);
        if (!outcome.ok) return;
        const set = outcome.installed.map((id) => doc.packages[id]!);
        expect(isSolution(doc, set)).toBe(true);
        const vector = criteria.map((c) => (c.sign === "-" ? 1 : -1) * criterionValue(doc, set, c));
        expect(vector).toEqual(best);
        expect(outcome.values.map((v) => v.value)).toEqual(vector.map(Math.abs));
        expect(score(doc, outcome.installed, criteria)).toEqual(vector.map(Math.abs));
      }),
      runs(300),
    );
  });

  it("explains a request without solution by rules cited at their lines", () => {
    fc.assert(
      fc.property(arbCudfDocument, (text) => {
        const doc = parseCudf(text, "random.cudf");
        const outcome = solveCudf(doc, []);
        fc.pre(!outcome.ok);
        if (outcome.ok) return;
        const lines = text.split("\n");
        expect(outcome.explanation.facts.length).toBeGreaterThan(0);
        for (const f of outcome.explanation.facts) {
          const key = f.kind === "keep" ? "keep" : f.kind;
          expect(lines[f.line - 1]).toMatch(new RegExp(`^${key}: `));
        }
      }),
      runs(200),
    );
  });
});

describe("CUDF explanations", () => {
  it("name the providers of a conflicting feature, the ones involved first", () => {
    const doc = parseCudf(
      [
        "package: ssmtp\nversion: 1\nprovides: mta\nconflicts: mta",
        "package: postfix\nversion: 1\nprovides: mta\nconflicts: mta",
        "package: exim\nversion: 1\nprovides: mta\nconflicts: mta",
        "request: both\ninstall: postfix, exim\n",
      ].join("\n\n"),
      "mta.cudf",
    );
    const outcome = solveCudf(doc, []);
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.explanation.facts.map((f) => [f.kind, f.line])).toEqual([
      ["install", 17],
      ["install", 17],
      ["conflicts", 9],
    ]);
    expect(outcome.explanation.facts[2]!.text).toBe(
      "postfix 1 conflicts with mta (provided by exim 1, ssmtp 1)",
    );
  });
});

describe("CUDF installability against a brute-force oracle", () => {
  it("reports broken exactly the packages no consistent set holds", () => {
    fc.assert(
      fc.property(arbCudfDocument, (text) => {
        const doc = parseCudf(text, "random.cudf");
        const report = checkCudf(doc);
        const sets = [...subsets(doc.packages)].filter(consistent);
        const expected = doc.packages
          .filter((p) => !sets.some((s) => s.includes(p)))
          .map((p) => `${p.name} ${p.version}`);
        expect(report.broken.map((b) => `${b.package} ${b.version}`)).toEqual(expected);
        expect(report.total).toBe(doc.packages.length);
        for (const b of report.broken) {
          expect(b.explanation.text).toContain(`${b.package} ${b.version} cannot be installed`);
          expect(b.explanation.facts.length).toBeGreaterThan(0);
        }
      }),
      runs(200),
    );
  });
});

describe("pthbs cudf and check --cudf (command line)", () => {
  const fixture = (name: string) => new URL(`./fixtures/cudf/${name}`, import.meta.url).pathname;
  const out = join(mkdtempSync(join(tmpdir(), "pthbs-cudf-cli-")), "out.cudf");

  it("writes the solution as aspcud does, criteria given as aspcud takes them", async () => {
    const r = await pthbs("cudf", fixture("install-choices.cudf"), out, "-removed,-new", "--json");
    expect(r.code).toBe(EXIT.ok);
    const text = readFileSync(out, "utf8");
    expect(text).toMatch(/^package: mailer\nversion: 3\ninstalled: true\n\n/m);
    expect(text.endsWith("installed: true\n\n")).toBe(true);
    expect(JSON.parse(r.stdout)).toMatchObject({
      ok: true,
      criteria: [{ criterion: "-removed" }, { criterion: "-new" }],
    });
  });

  it("writes FAIL and explains on stderr, citing lines, when there is no solution", async () => {
    const r = await pthbs("cudf", fixture("unsatisfiable.cudf"), out);
    expect(r.code).toBe(EXIT.ok);
    expect(readFileSync(out, "utf8")).toBe("FAIL\n");
    expect(r.stderr).toMatch(/^error: no solution satisfies the request/);
    expect(r.stderr).toMatch(
      /toolkit 3 conflicts with legacy-render +\(.*unsatisfiable\.cudf:12\)/,
    );
  });

  it("rejects a malformed document with its line, and unknown criteria (exit 1)", async () => {
    const bad = join(tmpdir(), "pthbs-bad.cudf");
    writeFileSync(bad, "package: a\nversion: 1\ndepends: b >=\n");
    const r = await pthbs("cudf", bad, out, "-removed");
    expect(r.code).toBe(EXIT.failure);
    expect(r.stderr).toContain(`${bad}:3: depends:`);
    const c = await pthbs("cudf", fixture("unsatisfiable.cudf"), out, "-removed,-fresh");
    expect(c.code).toBe(EXIT.failure);
    expect(c.stderr).toMatch(/unknown criterion "-fresh"/);
  });

  it("answers the same through cli/main.ts's entry (runCudf), with or without commander", async () => {
    const viaRunCudf = async (...argv: string[]) => {
      let stdout = "";
      let stderr = "";
      const io: Io = { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), color: false };
      const code = await runCudf(argv, io);
      return { code, stdout, stderr, answer: code === EXIT.ok ? readFileSync(out, "utf8") : "" };
    };
    const viaProgram = async (...argv: string[]) => {
      const r = await pthbs(...argv);
      return { ...r, answer: r.code === EXIT.ok ? readFileSync(out, "utf8") : "" };
    };
    for (const argv of [
      ["cudf", fixture("install-choices.cudf"), out, "-removed,-new", "--json"],
      ["cudf", "--json", fixture("install-choices.cudf"), out],
      ["cudf", fixture("unsatisfiable.cudf"), out, "paranoid"],
      ["cudf", fixture("unsatisfiable.cudf"), out, "-removed,-fresh"],
      ["cudf", join(tmpdir(), "pthbs-no-such.cudf"), out],
      ["cudf", fixture("install-choices.cudf")],
      ["cudf", fixture("install-choices.cudf"), out, "-removed", "extra"],
    ])
      expect(await viaRunCudf(...argv)).toEqual(await viaProgram(...argv));
    expect((await viaRunCudf("cudf", "--help")).stdout).toContain("Usage: pthbs cudf");
  });

  it("check --cudf --json lists the broken packages with explanations (exit 1)", async () => {
    const r = await pthbs("check", "--cudf", fixture("broken-universe.cudf"), "--json");
    expect(r.code).toBe(EXIT.failure);
    const report = JSON.parse(r.stdout) as {
      total: number;
      installable: number;
      broken: { package: string; version: number; explanation: { text: string } }[];
    };
    expect([report.total, report.installable]).toEqual([9, 5]);
    expect(report.broken.map((b) => `${b.package} ${b.version}`)).toEqual([
      "needs-missing 1",
      "client 2",
      "chain 1",
      "self-defeating 1",
    ]);
    expect(report.broken[3]!.explanation.text).toMatch(/self-defeating 1 conflicts with helper/);
  });
});
