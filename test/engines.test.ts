/**
 * The two SAT engines against each other: our CDCL and MiniSat through logic-solver, on random
 * CNFs, random universes, the shipped constraints and small CUDF documents — the same answers,
 * models satisfying every clause, unsatisfiable cores. A negative control plants a bug in our
 * CDCL (a skipped watch) and requires the cross-check to catch it. Seeds are fixed for CI; set
 * FC_SEED / FC_RUNS to explore.
 */
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { EXIT } from "../cli/io.js";
import { report } from "../cli/program.js";
import { parseCudf } from "../cudf/document.js";
import { RecipeSet } from "../generator/recipes.js";
import { loadUniverse } from "../solver/load.js";
import { SatSolver } from "../solver/sat/cdcl.js";
import { ENGINE_NAMES, type Lit, lit } from "../solver/sat/engine.js";
import { createEngine } from "../solver/sat/engines.js";
import { SolverLimitError } from "../solver/sat/limit-error.js";
import { type CheckedSide, crossCheckCudf, crossCheckRequest } from "../testing/cross-check.js";
import { fuzz } from "../testing/fuzz.js";
import { arbProblem } from "../testing/universe.js";
import { arbCriteria, arbCudfDocument } from "./cudf-arbitrary.js";
import { pthbs } from "./helpers.js";

const seed = process.env.FC_SEED ? Number(process.env.FC_SEED) : 20261127;
const runs = (n: number) => ({
  seed,
  numRuns: process.env.FC_RUNS ? Number(process.env.FC_RUNS) : n,
});
const root = fileURLToPath(new URL("..", import.meta.url));

const VARS = 8;
const arbLit = fc.tuple(fc.nat(VARS - 1), fc.boolean()).map(([v, s]) => lit(v, s));
const arbCnf = fc.array(fc.array(arbLit, { minLength: 1, maxLength: 3 }), { maxLength: 30 });

/** Whether the clauses and units have a model (brute force over VARS variables). */
function satisfiable(cnf: readonly (readonly Lit[])[], units: readonly Lit[]): boolean {
  const holds = (a: number, l: Lit) => (((a >> (l >> 1)) & 1) === 1) === ((l & 1) === 0);
  for (let a = 0; a < 1 << VARS; a++)
    if (cnf.every((c) => c.some((l) => holds(a, l))) && units.every((l) => holds(a, l)))
      return true;
  return false;
}

describe("both engines behind SatEngine, on random CNFs", () => {
  it("answer alike, with models of every clause and unsatisfiable cores", () => {
    fc.assert(
      fc.property(arbCnf, fc.array(arbLit, { maxLength: 6 }), (cnf, assumptions) => {
        const expected = satisfiable(cnf, assumptions);
        for (const name of ENGINE_NAMES) {
          const sat = createEngine(name);
          for (let v = 0; v < VARS; v++) sat.newVar(`x${v}`);
          for (const c of cnf) sat.addClause(c);
          const answer = sat.solve(assumptions);
          expect(answer, name).toBe(expected ? "sat" : "unsat");
          if (answer === "sat") {
            for (const c of cnf) expect(c.some((l) => sat.value(l))).toBe(true);
            for (const a of assumptions) expect(sat.value(a)).toBe(true);
          } else expect(satisfiable(cnf, sat.core)).toBe(false);
        }
      }),
      runs(60),
    );
  });

  it("logic-solver's cores by deletion are disjoint and minimal", () => {
    fc.assert(
      fc.property(arbCnf, fc.array(arbLit, { maxLength: 8 }), (cnf, assumptions) => {
        fc.pre(satisfiable(cnf, []));
        const sat = createEngine("logic-solver");
        for (let v = 0; v < VARS; v++) sat.newVar();
        for (const c of cnf) sat.addClause(c);
        const answer = sat.solveCores(assumptions);
        expect(answer).toBe(satisfiable(cnf, assumptions) ? "sat" : "unsat");
        const seen = new Set<Lit>();
        for (const core of sat.cores) {
          expect(satisfiable(cnf, core)).toBe(false);
          for (const a of core) {
            expect(seen.has(a)).toBe(false);
            seen.add(a);
            expect(
              satisfiable(
                cnf,
                core.filter((b) => b !== a),
              ),
            ).toBe(true);
          }
        }
      }),
      runs(50),
    );
  });
});

describe("the cross-check (each engine's answers checked by the other)", () => {
  it("holds on random universes: same satisfiability and cost vectors, valid and minimal", () => {
    fc.assert(
      fc.property(arbProblem(), ({ universe, request }) => {
        expect(crossCheckRequest(universe, request)).toEqual([]);
      }),
      runs(30),
    );
  }, 60_000);

  it("holds on the shipped constraints (pthbs fuzz --engine both)", async () => {
    const universe = await loadUniverse(`${root}constraints`);
    const recipes = new RecipeSet(`${root}recipes`);
    const report = fuzz(universe, { recipes, seed, runs: 6, engine: "both" });
    expect(report.failure?.violations ?? []).toEqual([]);
  }, 60_000);

  it("holds on small CUDF documents", () => {
    fc.assert(
      fc.property(arbCudfDocument, arbCriteria, (text, criteria) => {
        expect(crossCheckCudf(parseCudf(text, "t.cudf"), criteria)).toEqual([]);
      }),
      runs(40),
    );
  });
});

/**
 * The negative control: our CDCL with a planted bug, a watch not moved when propagation moves it
 * (one in three), so some clauses stop being watched and models may break them. Test-only: the
 * product has no fault hook; this subclass replaces a private method of its own prototype.
 */
class SkippedWatch extends SatSolver {
  skips = 0;
}
// biome-ignore lint/complexity/useLiteralKeys: TypeScript reaches a private method by a string key only
const watch = SatSolver.prototype["watch"];
// biome-ignore lint/complexity/useLiteralKeys: the same private method, replaced in the subclass
SkippedWatch.prototype["watch"] = function (this: SkippedWatch, p: Lit, c: number, b: Lit) {
  if (++this.skips % 3 === 0) return;
  watch.call(this, p, c, b);
};

describe("the negative control", () => {
  it("a CDCL that skips watch updates fails the cross-check", () => {
    const faulty: readonly [CheckedSide, CheckedSide] = [
      { engine: () => new SkippedWatch(), reference: "logic-solver" },
      { engine: "logic-solver", reference: "cdcl" },
    ];
    const found = fc.check(
      fc.property(arbProblem(), ({ universe, request }) => {
        // Caught by the cross-check itself (a model, a core, a disagreement), not by the
        // engine's own assertion ("a watched clause is missing"), which reports as "threw".
        const violations = crossCheckRequest(universe, request, faulty);
        return violations.every((v) => v.message.startsWith("threw:"));
      }),
      { seed, numRuns: 30, endOnFailure: true },
    );
    expect(found.failed).toBe(true);
  }, 60_000);
});

describe("--engine on the command line", () => {
  it("solve -f environments/minimal.toml --json prints the same bytes with either engine", async () => {
    const args = ["-C", `${root}constraints`, "solve", "-f", `${root}environments/minimal.toml`];
    const cdcl = await pthbs(...args, "--engine", "cdcl", "--json");
    const minisat = await pthbs(...args, "--engine", "logic-solver", "--json");
    expect(cdcl.code).toBe(0);
    expect(minisat.code).toBe(0);
    expect(minisat.stdout).toBe(cdcl.stdout);
  });

  it("is documented with the exit status, and refuses an unknown engine", async () => {
    for (const command of ["solve", "why", "why-not", "generate", "check"]) {
      const help = await pthbs(command, "--help");
      expect(help.stdout, command).toMatch(/--engine <engine>/);
      expect(help.stdout, command).toMatch(/SolverLimitError/);
    }
    expect((await pthbs("fuzz", "--help")).stdout).toMatch(/--engine both/);
    expect((await pthbs("solve", "s6", "--engine", "minisat")).code).toBe(2);
  });

  it("turns SolverLimitError into exit 1 with the hint, also in --json", () => {
    let out = "";
    const io = {
      stdout: (t: string) => (out += t),
      stderr: (t: string) => (out += t),
      color: false,
    };
    const e = new SolverLimitError("logic-solver", "out of heap", "use --engine cdcl");
    expect(report(e, io, true)).toBe(EXIT.failure);
    expect(out).toMatch(/"type": "SolverLimitError"/);
    expect(out).toMatch(/use --engine cdcl/);
  });
});

describe("logic-solver's fixed heap", () => {
  it("becomes a SolverLimitError naming the engine and suggesting cdcl, printing nothing", () => {
    const sat = createEngine("logic-solver");
    for (let v = 0; v < 1000; v++) sat.newVar();
    const long = Array.from({ length: 1000 }, (_, k) => 2 * k);
    const log = console.log;
    const printed: unknown[] = [];
    console.log = (...args: unknown[]) => printed.push(args);
    let error: unknown;
    try {
      for (let i = 0; i < 20_000 && error === undefined; i++) {
        sat.addClause(long.map((l, k) => l ^ ((i >> (k % 12)) & 1)));
        if (i % 1000 === 999)
          try {
            sat.solve();
          } catch (e) {
            error = e;
          }
      }
    } finally {
      console.log = log;
    }
    expect(error).toBeInstanceOf(SolverLimitError);
    expect((error as SolverLimitError).engine).toBe("logic-solver");
    expect((error as SolverLimitError).message).toMatch(/64 MiB/);
    expect((error as SolverLimitError).hint).toMatch(/--engine cdcl/);
    expect(printed).toEqual([]);
    expect(() => sat.solve()).toThrow(SolverLimitError);
  }, 30_000);
});
