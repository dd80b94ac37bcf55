/**
 * The SAT engine against brute force: random small CNFs with random assumptions (answer, model,
 * core), the totalizer's counting, and core-guided minimisation's optimum and pinning.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type Lit, lit, SatSolver } from "../solver/sat/cdcl.js";
import { Circuit } from "../solver/sat/circuit.js";
import { minimise } from "../solver/sat/oll.js";
import { Totalizer } from "../solver/sat/totalizer.js";

const SEED = Number(process.env.FC_SEED ?? 20261125);
const runs = (n: number) => ({ seed: SEED, numRuns: Number(process.env.FC_RUNS ?? n) });

const VARS = 8;
const arbLit = fc.tuple(fc.nat(VARS - 1), fc.boolean()).map(([v, s]) => lit(v, s));
const arbCnf = fc.array(fc.array(arbLit, { minLength: 1, maxLength: 4 }), { maxLength: 40 });

function holds(assignment: number, l: Lit): boolean {
  const value = ((assignment >> (l >> 1)) & 1) === 1;
  return (l & 1) === 0 ? value : !value;
}

/** Every assignment of VARS variables satisfying the clauses and the units. */
function models(cnf: readonly (readonly Lit[])[], units: readonly Lit[] = []): number[] {
  const out: number[] = [];
  for (let a = 0; a < 1 << VARS; a++)
    if (cnf.every((c) => c.some((l) => holds(a, l))) && units.every((l) => holds(a, l)))
      out.push(a);
  return out;
}

function solverFor(cnf: readonly (readonly Lit[])[]): SatSolver {
  const sat = new SatSolver();
  for (let v = 0; v < VARS; v++) sat.newVar();
  for (const c of cnf) sat.addClause(c);
  return sat;
}

describe("SatSolver", () => {
  it("answers like brute force, with a model or a failed-assumption core", () => {
    fc.assert(
      fc.property(arbCnf, fc.array(arbLit, { maxLength: 5 }), (cnf, assumptions) => {
        const sat = solverFor(cnf);
        const answer = sat.solve(assumptions);
        const expected = models(cnf, assumptions).length > 0;
        expect(answer).toBe(expected ? "sat" : "unsat");
        if (answer === "sat") {
          for (const c of cnf) expect(c.some((l) => sat.value(l))).toBe(true);
          for (const a of assumptions) expect(sat.value(a)).toBe(true);
        } else {
          const core = sat.core;
          for (const a of core) expect(assumptions).toContain(a);
          expect(models(cnf, core)).toEqual([]);
        }
      }),
      runs(400),
    );
  });

  it("answers the same whatever room was reserved: before its variables, between or after its clauses", () => {
    fc.assert(
      fc.property(
        // Clauses of two or three literals: the binary ones wait in the pending implications.
        fc
          .array(fc.array(arbLit, { minLength: 2, maxLength: 3 }), { maxLength: 40 })
          .chain((cnf) => fc.tuple(fc.constant(cnf), fc.integer({ min: -1, max: cnf.length }))),
        fc.nat(5000),
        fc.nat(20000),
        fc.array(arbLit, { maxLength: 5 }),
        ([cnf, at], variables, clauses, assumptions) => {
          const sat = new SatSolver();
          // -1: before the first variable, as the encoder does; cnf.length: after the last clause.
          if (at === -1) sat.reserve(variables, clauses);
          for (let v = 0; v < VARS; v++) sat.newVar();
          cnf.forEach((c, i) => {
            if (i === at) sat.reserve(variables, clauses);
            sat.addClause(c);
          });
          if (at === cnf.length) sat.reserve(variables, clauses);
          const answer = sat.solve(assumptions);
          expect(answer).toBe(models(cnf, assumptions).length > 0 ? "sat" : "unsat");
          if (answer === "sat") for (const c of cnf) expect(c.some((l) => sat.value(l))).toBe(true);
        },
      ),
      runs(200),
    );
  });

  it("keeps every answer right with a decision order, across solve and solveCores calls", () => {
    // Groups as the encoder declares them: a presence, its choices, then literals decided after
    // (the optimiser's calls decide those in a second pass, a plain solve with their group).
    const arbGroups = fc.array(
      fc.record({
        present: fc.nat(VARS - 1),
        choices: fc.array(fc.nat(VARS - 1), { maxLength: 3 }),
        afterwards: fc.array(fc.nat(VARS - 1), { maxLength: 3 }),
      }),
      { maxLength: 4 },
    );
    const arbCall = fc.record({
      cores: fc.boolean(),
      assumptions: fc.array(arbLit, { maxLength: 6 }),
    });
    fc.assert(
      fc.property(
        arbCnf,
        arbGroups,
        fc.array(arbCall, { minLength: 1, maxLength: 4 }),
        (cnf, groups, calls) => {
          const sat = solverFor(cnf);
          for (const g of groups)
            sat.addDecisionGroup(
              lit(g.present, true),
              g.choices.map((v) => lit(v, true)),
              g.afterwards.map((v) => lit(v, true)),
            );
          for (const { cores, assumptions } of calls) {
            const answer = cores ? sat.solveCores(assumptions) : sat.solve(assumptions);
            const skipped = cores ? sat.skippedAssumptions : [];
            for (const a of skipped) expect(models(cnf, [a])).toEqual([]);
            const kept = assumptions.filter((a) => !skipped.includes(a));
            if (answer === "sat") {
              // A model assigns every variable and meets every clause and kept assumption.
              for (const c of cnf) expect(c.some((l) => sat.value(l))).toBe(true);
              for (const a of kept) expect(sat.value(a)).toBe(true);
            } else expect(models(cnf, kept)).toEqual([]);
          }
        },
      ),
      runs(300),
    );
  });

  it("finds disjoint cores in one pass (solveCores), or a model of the assumptions it kept", () => {
    fc.assert(
      fc.property(arbCnf, fc.array(arbLit, { maxLength: 8 }), (cnf, assumptions) => {
        const sat = solverFor(cnf);
        const answer = sat.solveCores(assumptions);
        const skipped = sat.skippedAssumptions;
        for (const a of skipped) expect(models(cnf, [a])).toEqual([]);
        if (answer === "sat") {
          for (const c of cnf) expect(c.some((l) => sat.value(l))).toBe(true);
          for (const a of assumptions) if (!skipped.includes(a)) expect(sat.value(a)).toBe(true);
        } else if (models(cnf).length > 0) {
          expect(sat.cores.length).toBeGreaterThan(0);
          const seen = new Set<Lit>();
          for (const core of sat.cores) {
            for (const a of core) {
              expect(assumptions).toContain(a);
              expect(seen.has(a)).toBe(false);
              seen.add(a);
            }
            expect(models(cnf, core)).toEqual([]);
          }
        }
      }),
      runs(400),
    );
  });

  it("stays correct across incremental calls and added clauses", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(arbCnf, fc.array(arbLit, { maxLength: 4 })), {
          minLength: 1,
          maxLength: 5,
        }),
        (steps) => {
          const sat = solverFor([]);
          const all: Lit[][] = [];
          for (const [cnf, assumptions] of steps) {
            for (const c of cnf) {
              sat.addClause(c);
              all.push(c);
            }
            const expected = models(all, assumptions).length > 0;
            expect(sat.solve(assumptions)).toBe(expected ? "sat" : "unsat");
          }
        },
      ),
      runs(200),
    );
  });

  it("stays correct once facts are fixed and the satisfied clauses dropped (simplification)", () => {
    // Each clause gets a padding variable: after its unit (more than the solver's threshold of
    // 1,000 fixed variables) the padding literal is false (the clause is as written) or true
    // (the clause is gone). The next calls run on the simplified clauses.
    const PAD = 1200;
    const arbPadded = fc.array(
      fc.tuple(fc.array(arbLit, { minLength: 1, maxLength: 3 }), fc.boolean()),
      {
        maxLength: 40,
      },
    );
    fc.assert(
      fc.property(
        arbPadded,
        arbPadded,
        fc.array(fc.array(arbLit, { maxLength: 4 }), { minLength: 1, maxLength: 4 }),
        (before, after, calls) => {
          const sat = solverFor([]);
          for (let v = 0; v < PAD; v++) sat.newVar();
          const pad = (i: number, dropped: boolean) => lit(VARS + (i % PAD), !dropped);
          const kept: Lit[][] = [];
          before.forEach(([c, dropped], i) => {
            sat.addClause([...c, pad(i, dropped)]);
            if (!dropped) kept.push(c);
          });
          // Before the units, every clause can be met by its own padding variable.
          const consistent = calls[0]!.every((a) => !calls[0]!.includes(a ^ 1));
          expect(sat.solve(calls[0])).toBe(consistent ? "sat" : "unsat");
          // Fix every padding variable false: a clause with a negative padding literal is dropped.
          for (let v = 0; v < PAD; v++) sat.addClause([lit(VARS + v, false)]);
          for (const [c] of after) {
            sat.addClause(c);
            kept.push(c);
          }
          for (const assumptions of calls) {
            const answer = sat.solve(assumptions);
            expect(answer).toBe(models(kept, assumptions).length > 0 ? "sat" : "unsat");
            if (answer === "sat")
              for (const c of kept) expect(c.some((l) => sat.value(l))).toBe(true);
            else expect(models(kept, sat.core)).toEqual([]);
          }
        },
      ),
      runs(150),
    );
  });

  it("probes literals (refutes) as a fresh solver would, whatever was probed or added before", () => {
    // A step probes a literal or adds a clause; a fresh solver per probe has no memory of earlier
    // probes, so it checks that skipping what a conflict-free probe implied loses nothing.
    const arbStep = fc.oneof(
      arbLit.map((l) => ({ probe: l })),
      fc.array(arbLit, { minLength: 1, maxLength: 3 }).map((c) => ({ clause: c })),
    );
    fc.assert(
      fc.property(arbCnf, fc.array(arbStep, { maxLength: 30 }), (cnf, steps) => {
        const sat = solverFor(cnf);
        const clauses: Lit[][] = cnf.map((c) => [...c]);
        for (const step of steps) {
          if ("clause" in step) {
            sat.addClause(step.clause);
            clauses.push([...step.clause]);
            continue;
          }
          const fresh = solverFor(clauses);
          const expected = fresh.refutes(step.probe);
          expect(sat.refutes(step.probe)).toBe(expected);
          if (expected) {
            expect(models(clauses, [step.probe])).toEqual([]);
            clauses.push([step.probe ^ 1]);
          }
        }
        expect(sat.solve()).toBe(models(clauses).length > 0 ? "sat" : "unsat");
      }),
      runs(300),
    );
  });

  it("probes again what an earlier probe implied once clauses are added", () => {
    const sat = new SatSolver();
    const [x, y, z] = [0, 1, 2].map((v) => lit(v));
    for (let v = 0; v < 3; v++) sat.newVar();
    sat.addClause([x! ^ 1, y!]);
    expect(sat.refutes(x!)).toBe(false); // y followed, without conflict
    expect(sat.refutes(y!)).toBe(false);
    sat.addClause([y! ^ 1, z!]);
    sat.addClause([y! ^ 1, z! ^ 1]);
    expect(sat.refutes(y!)).toBe(true);
    expect(sat.refutes(x!)).toBe(true);
  });

  it("watches hundreds of clauses added at once as it watches a few at a time", () => {
    // Over 256 long clauses reach the first solve together (the bulk path of `flushWatches`):
    // random 3-SAT on 60 variables, 5–6 clauses a variable, planted (only clauses a hidden
    // assignment satisfies, about 7 in 8: "sat") or not (mostly "unsat"), against the same
    // clauses given to a second solver 20 at a time, each batch followed by a solve (watched a
    // few at a time).
    const N = 60;
    const arbClause = fc
      .uniqueArray(fc.nat(N - 1), { minLength: 3, maxLength: 3 })
      .chain((vs) =>
        fc
          .array(fc.boolean(), { minLength: 3, maxLength: 3 })
          .map((signs) => vs.map((v, i) => lit(v, signs[i]!))),
      );
    const fresh = () => {
      const sat = new SatSolver();
      for (let v = 0; v < N; v++) sat.newVar();
      return sat;
    };
    fc.assert(
      fc.property(
        fc.array(arbClause, { minLength: 320, maxLength: 380 }),
        fc.array(fc.boolean(), { minLength: N, maxLength: N }),
        fc.boolean(),
        (raw, plant, planted) => {
          const cnf = planted
            ? raw.filter((c) => c.some((l) => plant[l >> 1] === ((l & 1) === 0)))
            : raw;
          const bulk = fresh();
          for (const c of cnf) bulk.addClause(c);
          const answer = bulk.solve();
          if (planted) expect(answer).toBe("sat");
          if (answer === "sat")
            for (const c of cnf) expect(c.some((l) => bulk.value(l))).toBe(true);
          const batched = fresh();
          for (let i = 0; i < cnf.length; i += 20) {
            for (const c of cnf.slice(i, i + 20)) batched.addClause(c);
            batched.solve();
          }
          expect(batched.solve()).toBe(answer);
        },
      ),
      runs(60),
    );
  });

  it("solves a pigeonhole instance that needs search (5 pigeons, 4 holes: unsat)", () => {
    const sat = new SatSolver();
    const p = (i: number, h: number) => lit(i * 4 + h);
    for (let i = 0; i < 20; i++) sat.newVar();
    for (let i = 0; i < 5; i++) sat.addClause([0, 1, 2, 3].map((h) => p(i, h)));
    for (let h = 0; h < 4; h++)
      for (let i = 0; i < 5; i++)
        for (let j = i + 1; j < 5; j++) sat.addClause([p(i, h) ^ 1, p(j, h) ^ 1]);
    expect(sat.solve()).toBe("unsat");
    expect(sat.core).toEqual([]);
  });

  it("gives up with unknown when the conflict budget runs out", () => {
    const sat = new SatSolver();
    const n = 8;
    const p = (i: number, h: number) => lit(i * (n - 1) + h);
    for (let i = 0; i < n * (n - 1); i++) sat.newVar();
    for (let i = 0; i < n; i++) sat.addClause([...Array(n - 1).keys()].map((h) => p(i, h)));
    for (let h = 0; h < n - 1; h++)
      for (let i = 0; i < n; i++)
        for (let j = i + 1; j < n; j++) sat.addClause([p(i, h) ^ 1, p(j, h) ^ 1]);
    expect(sat.solve([], 10)).toBe("unknown");
  });
});

describe("SatSolver with a decision scope", () => {
  // Package-shaped clauses: "p needs one of qs" ([¬p, q…]) and "p conflicts with q" ([¬p, ¬q]);
  // false is safe for every variable outside the dependency closure of the assumption.
  const arbPackages = fc.record({
    needs: fc.array(
      fc.tuple(fc.nat(VARS - 1), fc.array(fc.nat(VARS - 1), { minLength: 1, maxLength: 3 })),
      { maxLength: 12 },
    ),
    conflicts: fc.array(fc.tuple(fc.nat(VARS - 1), fc.nat(VARS - 1)), { maxLength: 6 }),
  });
  it("decides only the closure and answers like brute force", () => {
    fc.assert(
      fc.property(arbPackages, fc.nat(VARS - 1), ({ needs, conflicts }, root) => {
        const cnf = [
          ...needs.map(([p, qs]) => [lit(p, false), ...qs.map((q) => lit(q))]),
          ...conflicts.filter(([p, q]) => p !== q).map(([p, q]) => [lit(p, false), lit(q, false)]),
        ];
        const closure = [root];
        for (let i = 0; i < closure.length; i++)
          for (const [p, qs] of needs)
            if (p === closure[i]) for (const q of qs) if (!closure.includes(q)) closure.push(q);
        const sat = solverFor(cnf);
        const answer = sat.solve([lit(root)], Number.POSITIVE_INFINITY, false, closure);
        expect(answer).toBe(models(cnf, [lit(root)]).length > 0 ? "sat" : "unsat");
        if (answer !== "sat") return;
        const model = sat.model();
        for (let v = 0; v < VARS; v++)
          if (!closure.includes(v)) expect(model.value(lit(v))).toBe(false);
        for (const c of cnf) expect(c.some((l) => model.value(l))).toBe(true);
      }),
      runs(300),
    );
  });
});

describe("Totalizer", () => {
  it("forces atLeast(k) whenever k inputs hold, and allows it false below k", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 7 }), fc.nat(), (n, pattern) => {
        const c = new Circuit();
        const inputs = [...Array(n).keys()].map((i) => c.variable(`x${i}`));
        const t = new Totalizer(c, inputs);
        const count = inputs.filter((_, i) => (pattern >> i) & 1).length;
        const fixed = inputs.map((x, i) => ((pattern >> i) & 1 ? x : x ^ 1));
        for (let k = 1; k <= n; k++) {
          const out = t.atLeast(k);
          const forcedFalse = c.sat.solve([...fixed, out ^ 1]);
          expect(forcedFalse).toBe(count >= k ? "unsat" : "sat");
        }
      }),
      runs(200),
    );
  });
});

describe("minimise (OLL)", () => {
  it("finds the minimum weighted sum and pins it", () => {
    fc.assert(
      fc.property(
        arbCnf,
        fc.array(fc.tuple(arbLit, fc.integer({ min: 1, max: 5 })), { minLength: 1, maxLength: 8 }),
        fc.array(fc.tuple(arbLit, fc.integer({ min: 1, max: 3 })), { maxLength: 5 }),
        (cnf, first, second) => {
          const all = models(cnf);
          fc.pre(all.length > 0);
          const c = new Circuit();
          const vars = [...Array(VARS).keys()].map((i) => c.variable(`v${i}`));
          // Circuit variable 0 is the constant; shift the brute-force literals by one variable.
          const shift = (l: Lit) => vars[l >> 1]! + (l & 1);
          for (const cl of cnf) c.clause(cl.map(shift));
          const cost = (a: number, terms: readonly [Lit, number][]) =>
            terms.reduce((s, [l, w]) => s + (holds(a, l) ? w : 0), 0);
          const best1 = Math.min(...all.map((a) => cost(a, first)));
          const r1 = minimise(
            c,
            first.map(([l, weight]) => ({ lit: shift(l), weight })),
          );
          expect(r1.value).toBe(best1);
          // Pinned: the second criterion only chooses among the first's optima.
          const optimal = all.filter((a) => cost(a, first) === best1);
          const best2 = Math.min(...optimal.map((a) => cost(a, second)));
          const r2 = minimise(
            c,
            second.map(([l, weight]) => ({ lit: shift(l), weight })),
          );
          expect(r2.value).toBe(second.length === 0 ? 0 : best2);
        },
      ),
      runs(300),
    );
  });
});
