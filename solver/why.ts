/**
 * `why` and `why-not`: the reasons behind a solution.
 *
 * why NAME     every dependency path from a root to NAME in the solution;
 * why-not SPEC why no package of the solution matches SPEC: either no valid set can hold it
 *              (an explanation), or one can but costs more (the first criterion that prefers the
 *              current choice, with both cost vectors).
 */
import type { SourceLocation } from "../common/errors.js";
import type { Explanation } from "./explain.js";
import type { Request, RequestItem } from "./request.js";
import type { EngineChoice } from "./sat/engine.js";
import type { CostEntry, Criterion, Solution, SolvedPackage } from "./solution.js";
import { solve } from "./solve.js";
import { type Spec, satisfies } from "./spec.js";
import type { Universe } from "./universe.js";

/** One step of a dependency path: a package, and the entry that leads to the next step. */
export interface PathStep {
  readonly package: SolvedPackage;
  /** The `[[depends]]` entry of this package that the path follows (absent on the last step). */
  readonly via?: SourceLocation;
}

/** At most this many paths are listed; shortest first. */
export const MAX_PATHS = 50;

/** Every dependency path from a root of `solution` to package `name`, shortest first. */
export function dependencyPaths(solution: Solution, name: string): PathStep[][] {
  const byName = new Map(solution.packages.map((p) => [p.name, p]));
  const paths: PathStep[][] = [];
  const walk = (p: SolvedPackage, trail: PathStep[], seen: Set<string>) => {
    if (paths.length >= MAX_PATHS * 4) return;
    if (p.name === name) {
      paths.push([...trail, { package: p }]);
      return;
    }
    for (const d of p.depends) {
      const next = byName.get(d.name);
      if (!next || seen.has(next.name)) continue;
      seen.add(next.name);
      walk(next, [...trail, { package: p, via: d.location }], seen);
      seen.delete(next.name);
    }
  };
  for (const root of solution.packages.filter((p) => p.root)) walk(root, [], new Set([root.name]));
  const key = (path: PathStep[]) => path.map((s) => s.package.name).join(" ");
  return paths
    .sort((a, b) => a.length - b.length || (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0))
    .slice(0, MAX_PATHS);
}

/** The answer of why-not. */
export type WhyNot =
  | { readonly kind: "present"; readonly packages: readonly SolvedPackage[] }
  | { readonly kind: "impossible"; readonly explanation: Explanation }
  | {
      readonly kind: "costlier";
      /** The most important criterion on which the current solution is better. */
      readonly criterion: Criterion;
      readonly current: readonly CostEntry[];
      readonly alternative: readonly CostEntry[];
      readonly alternativeSolution: Solution;
    };

/**
 * Why no package of the optimal solution of `request` matches `spec`. `solution` is that optimal
 * solution; the hypothesis is added as a constraint that makes nothing a root. `engine` is the SAT
 * engine of the solve (default `cdcl`).
 */
export function whyNot(
  universe: Universe,
  request: Request,
  solution: Solution,
  spec: Spec,
  text: string,
  engine?: EngineChoice,
): WhyNot {
  const matching = solution.packages.filter(
    (p) =>
      p.provides.includes(spec.name!) ||
      satisfies({ name: p.name, version: p.version, options: p.options }, spec),
  );
  if (matching.length > 0) return { kind: "present", packages: matching };
  const hypothesis: RequestItem = {
    spec,
    text,
    location: { file: "why-not", line: 0, column: 0 },
    constraintOnly: true,
  };
  const result = solve(
    universe,
    { ...request, items: [...request.items, hypothesis] },
    engine === undefined ? {} : { engine },
  );
  if (!result.satisfiable) return { kind: "impossible", explanation: result.explanation };
  const alternative = result.solution.cost;
  const differing = alternative.find((c, i) => c.value !== solution.cost[i]!.value);
  return {
    kind: "costlier",
    criterion: differing?.criterion ?? "packages",
    current: solution.cost,
    alternative,
    alternativeSolution: result.solution,
  };
}
