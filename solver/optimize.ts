/**
 * Lexicographic optimisation: one labelled step per criterion, each optimum pinned (required)
 * before the next, so later criteria only choose among sets that are optimal on earlier ones.
 */
import Logic from "logic-solver";
import type { CostFunction, Encoding } from "./encode.js";

/** How long one phase took. */
export interface PhaseTiming {
  readonly phase: string;
  readonly ms: number;
}

/** The optimum of each criterion and the final model. */
export interface Optimum {
  readonly model: Logic.Solution;
  readonly values: ReadonlyMap<CostFunction["criterion"], number>;
  readonly timings: readonly PhaseTiming[];
}

/** Minimises every cost function in order, starting from a model of the constraints. */
export function optimize(encoding: Encoding, start: Logic.Solution): Optimum {
  let model = start;
  const values = new Map<CostFunction["criterion"], number>();
  const timings: PhaseTiming[] = [];
  for (const cost of encoding.costs) {
    const t0 = performance.now();
    const result = minimize(encoding.solver, model, cost);
    values.set(cost.criterion, result.value + cost.constant);
    // Pinning compiled new formulas; a model found before that cannot evaluate them, so take a
    // fresh one (every model is optimal on the criteria pinned so far).
    model = encoding.solver.solve() ?? result.model;
    timings.push({ phase: `minimise ${cost.criterion}`, ms: performance.now() - t0 });
  }
  return { model, values, timings };
}

/**
 * Minimises one weighted sum and pins it. Zero is tried first without building an adder (most
 * criteria are 0 at the optimum); otherwise a binary search on `sum <= k`.
 */
function minimize(
  solver: Logic.Solver,
  model: Logic.Solution,
  cost: CostFunction,
): { model: Logic.Solution; value: number } {
  const { terms, weights } = cost;
  if (terms.length === 0) return { model, value: 0 };
  let best = model;
  let hi = model.getWeightedSum(terms, weights);
  if (hi === 0) {
    solver.forbid(terms);
    return { model, value: 0 };
  }
  const none = Logic.not(Logic.or(terms));
  const zero = solver.solveAssuming(none);
  if (zero) {
    solver.forbid(terms);
    return { model: zero, value: 0 };
  }
  const sum = Logic.weightedSum(terms, weights);
  let lo = 1;
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    const found = solver.solveAssuming(Logic.lessThanOrEqual(sum, Logic.constantBits(mid)));
    if (found) {
      best = found;
      hi = found.getWeightedSum(terms, weights);
    } else {
      lo = mid + 1;
    }
  }
  solver.require(Logic.lessThanOrEqual(sum, Logic.constantBits(hi)));
  return { model: best, value: hi };
}
