/**
 * The solver against the brute-force oracle (testing/oracle.ts, written from docs/solver.md alone),
 * on random small universes: soundness, completeness, optimality, determinism, explanation
 * minimality, and check. Seeds are fixed for CI; set FC_SEED / FC_RUNS to explore.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checkUniverse } from "../solver/check.js";
import { encode } from "../solver/encode.js";
import { loadConstraintTexts } from "../solver/load.js";
import { requestFromSpecs } from "../solver/request.js";
import { solutionJson } from "../solver/solution.js";
import { solve } from "../solver/solve.js";
import { satisfies } from "../solver/spec.js";
import { citedFacts, isMinimalExplanation, solutionSet } from "../testing/invariants.js";
import { checkSet, computeCost, type OracleRuleSet, oracleSolve } from "../testing/oracle.js";
import { arbProblem } from "../testing/universe.js";

const seed = process.env.FC_SEED ? Number(process.env.FC_SEED) : 20261125;
const runs = (n: number) => ({
  seed,
  numRuns: process.env.FC_RUNS ? Number(process.env.FC_RUNS) : n,
  // Shrinking a chained universe + request can take long; stop and report what was found.
  interruptAfterTimeLimit: 60_000,
  markInterruptAsFailure: true,
});

// Each property runs many solver and oracle calls: give them time (the limit is per property).
const TIMEOUT = 120_000;

describe("solver = brute-force oracle on random universes", () => {
  it(
    "is sound, complete and optimal",
    () => {
      fc.assert(
        fc.property(arbProblem(), ({ universe, request }) => {
          const mine = solve(universe, request);
          const oracle = oracleSolve(universe, request);
          expect(mine.satisfiable).toBe(oracle.satisfiable);
          if (mine.satisfiable && oracle.satisfiable) {
            const set = solutionSet(mine.solution);
            expect(checkSet(universe, request, set)).toEqual([]);
            expect(computeCost(universe, request, set)).toEqual(mine.solution.cost);
            expect(mine.solution.cost).toEqual(oracle.cost);
            // The documented tie-break: as few built packages as any optimal set.
            const built = (xs: readonly { external: boolean }[]) => xs.filter((x) => !x.external);
            expect(built([...set.values()]).length).toBe(built([...oracle.set.values()]).length);
          }
        }),
        runs(120),
      );
    },
    TIMEOUT,
  );

  it(
    "gives byte-identical output whatever the order of the constraint files",
    () => {
      fc.assert(
        fc.property(
          arbProblem().chain((p) =>
            fc
              .shuffledSubarray(p.files, { minLength: p.files.length })
              .map((shuffled) => ({ ...p, shuffled })),
          ),
          ({ universe, request, shuffled }) => {
            const again = loadConstraintTexts(shuffled).universe;
            const a = solve(universe, request);
            const b = solve(again, request);
            const show = (r: typeof a) =>
              JSON.stringify(r.satisfiable ? solutionJson(r.solution) : r.explanation);
            expect(show(b)).toBe(show(a));
          },
        ),
        runs(40),
      );
    },
    TIMEOUT,
  );

  it(
    "explains every unsatisfiable request with a minimal set of facts",
    () => {
      let explained = 0;
      fc.assert(
        fc.property(arbProblem(), ({ universe, request }) => {
          const r = solve(universe, request);
          if (r.satisfiable) return;
          explained++;
          const facts = r.explanation.facts;
          expect(facts.some((f) => f.kind === "request")).toBe(true);
          expect(r.explanation.text).toContain("error: no package set satisfies the request");
          // The kit's invariant: the cited facts admit no set, and each is needed.
          expect(isMinimalExplanation(universe, request, r.explanation)).toEqual([]);
          // The cited facts among the encoding's facts (by kind and location).
          const encoding = encode(universe, request, { selectors: true });
          const core = citedFacts(encoding, r.explanation);
          // Independently: the oracle, with every rule outside the explanation switched off, finds no set.
          const disabled: {
            requestItems: Set<number>;
            depends: Set<string>;
            conflicts: Set<string>;
            optionExistence: Set<string>;
          } = {
            requestItems: new Set(),
            depends: new Set(),
            conflicts: new Set(),
            optionExistence: new Set(),
          };
          for (const f of encoding.facts) {
            if (core.includes(f)) continue;
            const k = f.fact;
            if (k.kind === "request") disabled.requestItems.add(k.index);
            else if (k.kind === "depends") disabled.depends.add(`${k.package}#${k.index}`);
            else if (k.kind === "conflicts") disabled.conflicts.add(`${k.package}#${k.index}`);
            else if (k.kind === "option-exists")
              disabled.optionExistence.add(`${k.package}#${k.option}`);
          }
          expect(
            oracleSolve(universe, request, { disabled: disabled as OracleRuleSet }).satisfiable,
          ).toBe(false);
          // Each suggestion, in place of the request items of the explanation, is satisfiable... or at
          // least names a package of the request.
          for (const s of r.explanation.suggestions) expect(s.length).toBeGreaterThan(0);
        }),
        runs(150),
      );
      expect(explained).toBeGreaterThan(5);
    },
    TIMEOUT,
  );

  it(
    "check agrees with the oracle on every version",
    () => {
      fc.assert(
        fc.property(arbProblem({}), ({ universe }) => {
          const report = checkUniverse(universe);
          const broken = new Set(report.broken.map((b) => `${b.package}@${b.version}`));
          for (const pkg of universe.packages.values()) {
            for (const v of pkg.versions) {
              const possible = oracleSolve(
                universe,
                requestFromSpecs([`${pkg.name}@=${v.version.text}`]),
              ).satisfiable;
              expect(broken.has(`${pkg.name}@${v.version.text}`)).toBe(!possible);
            }
          }
        }),
        runs(25),
      );
    },
    TIMEOUT,
  );

  it(
    "lists as dependencies exactly what each active depends entry names, providers for a virtual",
    () => {
      fc.assert(
        fc.property(arbProblem(), ({ universe, request }) => {
          const r = solve(universe, request);
          if (!r.satisfiable) return;
          const chosen = new Map(r.solution.packages.map((p) => [p.name, p]));
          for (const p of r.solution.packages) {
            if (p.external) {
              expect(p.depends).toEqual([]);
              continue;
            }
            const config = { name: p.name, version: p.version, options: p.options };
            const expected = new Set<string>();
            for (const d of universe.packages.get(p.name)!.depends) {
              if (d.when && !satisfies(config, d.when)) continue;
              const target = d.spec.name!;
              if (chosen.has(target)) expected.add(target);
              else
                for (const q of r.solution.packages)
                  if (q.provides.includes(target)) expected.add(q.name);
            }
            expect(p.depends.map((d) => d.name)).toEqual([...expected].sort());
          }
        }),
        runs(120),
      );
    },
    TIMEOUT,
  );
});
