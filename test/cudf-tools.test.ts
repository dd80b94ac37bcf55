/**
 * pthbs's CUDF answers against Debian's tools: every solution validated by `cudf-check`
 * (cudf-tools), its criteria vector equal to aspcud's and to mccs's optimum, on the documents of
 * `test/fixtures/cudf` and on random small documents; installability equal to dose-distcheck's.
 * CI installs the tools (`.ci/run`); without them these tests fail and say what to install.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { checkCudf } from "../cudf/check.js";
import { type Criterion, parseCriteria, printCriterion } from "../cudf/criteria.js";
import { type CudfDocument, type CudfPackage, parseCudf } from "../cudf/document.js";
import { FAIL, writeSolution } from "../cudf/solution.js";
import { solveCudf } from "../cudf/solve.js";
import { arbCriteria, arbCudfDocument } from "./cudf-arbitrary.js";
import { criterionValue } from "./cudf-oracle.js";

const SEED = Number(process.env.FC_SEED ?? 20261125);
const FIXTURES = new URL("./fixtures/cudf/", import.meta.url);
const TOOLS = ["cudf-check", "aspcud", "mccs", "dose-distcheck"];
const dir = mkdtempSync(join(tmpdir(), "pthbs-cudf-"));

beforeAll(() => {
  const missing = TOOLS.filter((t) => spawnSync("sh", ["-c", `command -v ${t}`]).status !== 0);
  if (missing.length > 0)
    throw new Error(
      `missing ${missing.join(", ")}: apt-get install cudf-tools aspcud mccs dose-distcheck (see .ci/run)`,
    );
});

/** The packages a solution document installs, as packages of the problem; undefined for FAIL. */
function readSolution(doc: CudfDocument, text: string): CudfPackage[] | undefined {
  if (/^FAIL$/m.test(text)) return undefined;
  const solution = parseCudf(text, "solution");
  return solution.packages
    .filter((p) => p.installed)
    .map((s) => doc.packages.find((p) => p.name === s.name && p.version === s.version)!);
}

/** Whether cudf-check accepts `solution` for the problem in `problem`. */
function cudfCheck(problem: string, solution: string): boolean {
  const r = spawnSync("cudf-check", ["-cudf", problem, "-sol", solution], { encoding: "utf8" });
  return /is_solution: true/.test(r.stdout);
}

const vector = (doc: CudfDocument, set: readonly CudfPackage[], criteria: readonly Criterion[]) =>
  criteria.map((c) => criterionValue(doc, set, c));

/** mccs spells unsat_recommends as nunsat[recommends:,true] and wants a lex group. */
const mccsCriteria = (criteria: readonly Criterion[]) =>
  `-lex[${criteria
    .map((c) =>
      c.kind === "unsat_recommends" ? `${c.sign}nunsat[${c.property}:,true]` : printCriterion(c),
    )
    .join(",")}]`;

interface Answers {
  readonly ours?: CudfPackage[];
  readonly aspcud?: CudfPackage[];
  readonly mccs?: CudfPackage[];
  readonly mccsValid: boolean;
}

/** Solves `text` with pthbs, aspcud and mccs; checks ours with cudf-check. */
function answers(name: string, text: string, criteria: readonly Criterion[]): Answers {
  const doc = parseCudf(text, name);
  const problem = join(dir, `${name}.cudf`);
  writeFileSync(problem, text);
  const outcome = solveCudf(doc, criteria);
  const oursFile = join(dir, `${name}.pthbs`);
  writeFileSync(oursFile, outcome.ok ? writeSolution(outcome.universe, outcome.installed) : FAIL);
  if (outcome.ok) expect(cudfCheck(problem, oursFile), `cudf-check on ${name}`).toBe(true);
  const list = criteria.map(printCriterion).join(",");
  const aspcudFile = join(dir, `${name}.aspcud`);
  execFileSync("aspcud", [problem, aspcudFile, list || "none"]);
  const mccsFile = join(dir, `${name}.mccs`);
  spawnSync("mccs", ["-i", problem, "-o", mccsFile, mccsCriteria(criteria)]);
  const mccsText = readFileSync(mccsFile, "utf8");
  const ours = outcome.ok ? outcome.installed.map((id) => doc.packages[id]!) : undefined;
  const aspcud = readSolution(doc, readFileSync(aspcudFile, "utf8"));
  const mccs = readSolution(doc, mccsText);
  return {
    ...(ours && { ours }),
    ...(aspcud && { aspcud }),
    ...(mccs && { mccs }),
    mccsValid: mccs !== undefined && cudfCheck(problem, mccsFile),
  };
}

const CRITERIA = [
  "-removed,-new",
  "-removed,-changed",
  "-notuptodate,-unsat_recommends,-new",
  "-changed,+new",
  "trendy",
];

describe("CUDF answers against cudf-check, aspcud and mccs", () => {
  const fixtures = readdirSync(FIXTURES).filter((f) => f.endsWith(".cudf"));
  it.each(fixtures.flatMap((f) => CRITERIA.map((c) => [f, c] as const)))(
    "%s under %s: valid, and as good as aspcud and mccs",
    (file, criteriaText) => {
      const text = readFileSync(new URL(file, FIXTURES), "utf8");
      const doc = parseCudf(text, file);
      const criteria = parseCriteria(criteriaText);
      const a = answers(file.replace(/\.cudf$/, ""), text, criteria);
      expect(a.ours === undefined).toBe(a.aspcud === undefined);
      if (a.ours === undefined) return;
      const ours = vector(doc, a.ours, criteria);
      expect(ours, "aspcud's optimum").toEqual(vector(doc, a.aspcud!, criteria));
      // mccs 1.1 answers some keep/upgrade problems with an invalid (empty) set; compare only
      // its valid answers.
      if (a.mccsValid) expect(ours, "mccs's optimum").toEqual(vector(doc, a.mccs!, criteria));
    },
  );

  it("finds aspcud's optimum on random small documents", () => {
    let n = 0;
    fc.assert(
      fc.property(arbCudfDocument, arbCriteria, (text, criteria) => {
        const doc = parseCudf(text, "random");
        const a = answers(`random-${n++}`, text, criteria);
        expect(a.ours === undefined).toBe(a.aspcud === undefined);
        if (a.ours && a.aspcud)
          expect(vector(doc, a.ours, criteria)).toEqual(vector(doc, a.aspcud, criteria));
      }),
      { seed: SEED, numRuns: Number(process.env.FC_RUNS ?? 30) },
    );
  }, 120_000); // three solver processes per run, on a shared machine
});

describe("where pthbs and aspcud differ", () => {
  // apt-cudf writes every package as providing its own name at its version; aspcud 1.9.6 then
  // answers FAIL to any upgrade of it (so `apt-get dist-upgrade --solver aspcud` upgrades
  // nothing), while libcudf's checker accepts keeping the package. pthbs follows the checker.
  it("upgrades a package that provides its own name", () => {
    const text =
      "package: a\nversion: 1\nprovides: a = 1\ninstalled: true\n\n" +
      "package: a\nversion: 2\nprovides: a = 2\n\nrequest: r\nupgrade: a\n";
    const a = answers("self-provides", text, parseCriteria("-notuptodate"));
    expect(a.ours?.map((p) => `${p.name} ${p.version}`)).toEqual(["a 2"]);
    expect(a.aspcud).toBeUndefined();
  });
});

describe("CUDF installability against dose-distcheck", () => {
  it("reports the same broken packages", () => {
    const file = new URL("broken-universe.cudf", FIXTURES).pathname;
    const doc = parseCudf(readFileSync(file, "utf8"), file);
    const ours = checkCudf(doc).broken.map((b) => `${b.package} ${b.version}`);
    const dose = spawnSync("dose-distcheck", ["-f", "-e", `cudf://${file}`], { encoding: "utf8" });
    const theirs = [
      ...dose.stdout.matchAll(/^ -\n {2}package: (\S+)\n {2}version: (\d+)\n {2}status: broken/gm),
    ].map((m) => `${m[1]} ${m[2]}`);
    expect(ours.length).toBeGreaterThan(0);
    expect(ours.sort()).toEqual(theirs.sort());
  });
});
