/**
 * Lexicographic optimisation: one labelled step per criterion, each optimum pinned before the
 * next, so later criteria only choose among sets that are optimal on earlier ones. Each step is a
 * core-guided minimisation (`sat/oll.ts`).
 */
import type { CostFunction, Encoding } from "./encode.js";
import type { Model } from "./sat/engine.js";
import { minimise } from "./sat/oll.js";

/** How long one phase took. */
export interface PhaseTiming {
  readonly phase: string;
  readonly ms: number;
}

/** The optimum of each criterion and the final model. */
export interface Optimum {
  readonly model: Model;
  readonly values: ReadonlyMap<CostFunction["criterion"], number>;
  readonly timings: readonly PhaseTiming[];
}

/**
 * Minimises every cost function in order; the constraints must be satisfiable. `ended` hears of
 * each step as it finishes.
 */
export function optimize(
  encoding: Encoding,
  start: Model,
  ended: (timing: PhaseTiming) => void = () => {},
): Optimum {
  let model = start;
  const values = new Map<CostFunction["criterion"], number>();
  const timings: PhaseTiming[] = [];
  for (const cost of encoding.costs) {
    const t0 = performance.now();
    const result = minimise(encoding.circuit, cost.terms, model);
    values.set(cost.criterion, result.value + cost.constant);
    model = result.model;
    const timing = { phase: `minimise ${cost.criterion}`, ms: performance.now() - t0 };
    timings.push(timing);
    ended(timing);
  }
  return { model, values, timings };
}
