/**
 * Installability of every package of a CUDF universe, like dose-distcheck: a package is broken
 * when no consistent set (dependencies met, no conflicts) contains it; the request, the current
 * installation and `keep` play no part.
 *
 * One encoding of the whole universe answers every question. Most packages are installable, and
 * proving it one solver call each would cost tens of thousands of calls; instead each model is a
 * witness for every package it holds. The solver is steered (phase true) towards the packages not
 * yet witnessed, so the first model holds most of the distribution, and later calls, each
 * assuming one unwitnessed package, pick up the rest. Only broken packages pay for an
 * explanation (on their own reachable set).
 */
import type { EngineChoice } from "../solver/sat/engine.js";
import type { CudfDocument } from "./document.js";
import { encodeCudf } from "./encode.js";
import { type CudfExplanation, explainCudf } from "./explain.js";
import { CudfUniverse } from "./universe.js";

/** One package that no consistent set can contain. */
export interface BrokenPackage {
  readonly package: string;
  readonly version: number;
  readonly explanation: CudfExplanation;
}

/** The installability of every package of the universe. */
export interface CudfCheckReport {
  readonly total: number;
  readonly installable: number;
  readonly broken: readonly BrokenPackage[];
  /** Solver calls made (one per witness model or refutation), for benchmarks. */
  readonly solves: number;
}

/**
 * Checks every package; `explain: false` skips the explanations (for timing the check alone).
 * `engine` is the SAT engine (default `cdcl`; logic-solver ignores the steering, so it needs
 * more calls).
 */
export function checkCudf(
  doc: CudfDocument,
  explain = true,
  engine?: EngineChoice,
): CudfCheckReport {
  const universe = new CudfUniverse(doc);
  const encoding = encodeCudf(universe, {
    noRequest: true,
    everything: true,
    ...(engine !== undefined && { engine }),
  });
  const sat = encoding.circuit.sat;
  const witnessed = new Uint8Array(universe.size);
  const brokenIds: number[] = [];
  let solves = 0;
  /** Marks the packages of the last model as installable; how many were new. */
  const harvest = (): number => {
    const model = sat.model();
    let found = 0;
    for (let id = 0; id < universe.size; id++)
      if (!witnessed[id] && model.value(encoding.variable(id))) {
        witnessed[id] = 1;
        found++;
      }
    return found;
  };
  const steer = () => {
    for (let id = 0; id < universe.size; id++)
      sat.setPhase(witnessed[id] ? encoding.variable(id) ^ 1 : encoding.variable(id));
  };
  // Models steered to the unwitnessed packages, while they find new ones: the first holds most
  // of a distribution, the next ones the alternatives it had to leave out.
  for (let found = true; found; ) {
    steer();
    solves++;
    if (sat.solve() !== "sat") break;
    found = harvest() > 0;
  }
  for (let id = 0; id < universe.size; id++) {
    if (witnessed[id]) continue;
    const v = encoding.variable(id);
    if (sat.refutes(v)) {
      brokenIds.push(id);
      continue;
    }
    // Only the package's dependency closure needs deciding (everything else can stay out),
    // nearest first, each towards "installed": a package decided out would push its dependants
    // out too, across the whole distribution.
    const scope = universe.closure([id]).map((q) => encoding.variable(q) >> 1);
    for (const x of scope) sat.setPhase(2 * x);
    solves++;
    if (sat.solveInScope([v], scope) === "sat") harvest();
    else brokenIds.push(id);
  }
  const broken = brokenIds.map((id) => {
    const p = universe.get(id);
    return {
      package: p.name,
      version: p.version,
      explanation: explain
        ? explainCudf(universe, id, engine)
        : { text: `${universe.label(id)} cannot be installed`, facts: [] },
    };
  });
  return { total: universe.size, installable: universe.size - broken.length, broken, solves };
}
