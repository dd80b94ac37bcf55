/**
 * The cross-check of the two SAT engines: the same request (or CUDF document) solved with our
 * CDCL and with MiniSat through logic-solver, each engine's every answer checked by the other
 * (`CheckedEngine`), and the outcomes compared: the same satisfiability, the same optimal cost
 * vector, valid sets, minimal explanations. Two independent implementations agreeing on all of
 * that is the evidence that the hand-written one is right.
 */
import type { Criterion } from "../cudf/criteria.js";
import type { CudfDocument } from "../cudf/document.js";
import { type CudfOutcome, solveCudf } from "../cudf/solve.js";
import type { Request } from "../solver/request.js";
import type { EngineChoice, EngineName } from "../solver/sat/engine.js";
import { createEngine } from "../solver/sat/engines.js";
import { type SolveResult, solve } from "../solver/solve.js";
import type { Universe } from "../solver/universe.js";
import { CheckedEngine } from "./checked-engine.js";
import { isMinimalExplanation, satisfiesEveryRule, type Violation } from "./invariants.js";

/** One side of a cross-check: the engine that solves, and the one that checks its answers. */
export interface CheckedSide {
  readonly engine: EngineChoice;
  readonly reference: EngineName;
}

/** Our CDCL checked by logic-solver, and logic-solver checked by our CDCL. */
export const BOTH_ENGINES: readonly [CheckedSide, CheckedSide] = [
  { engine: "cdcl", reference: "logic-solver" },
  { engine: "logic-solver", reference: "cdcl" },
];

/** Runs `f` with a factory of checked engines; its result and every problem they found. */
function checked<T>(side: CheckedSide, f: (engine: () => CheckedEngine) => T): Checked<T> {
  const engines: CheckedEngine[] = [];
  const factory = () => {
    const e = new CheckedEngine(createEngine(side.engine), side.reference);
    engines.push(e);
    return e;
  };
  try {
    const result = f(factory);
    return { result, problems: engines.flatMap((e) => e.problems) };
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    return { problems: [...engines.flatMap((x) => x.problems), `threw: ${message}`] };
  }
}

interface Checked<T> {
  readonly result?: T;
  readonly problems: readonly string[];
}

const engineViolations = (problems: readonly string[]): Violation[] =>
  problems.map((message) => ({ invariant: "engines-agree", message }));

/**
 * Solves `request` with both sides and returns what breaks: an answer an engine got wrong
 * (model, core), different satisfiability or optimal cost vectors, an invalid set, an explanation
 * that is not minimal.
 */
export function crossCheckRequest(
  universe: Universe,
  request: Request,
  sides: readonly [CheckedSide, CheckedSide] = BOTH_ENGINES,
): Violation[] {
  const runs = sides.map((side) => checked(side, (engine) => solve(universe, request, { engine })));
  const out = engineViolations(runs.flatMap((r) => r.problems));
  const [a, b] = runs as [Checked<SolveResult>, Checked<SolveResult>];
  if (!a.result || !b.result) return out;
  const [na, nb] = sides.map((s) => (typeof s.engine === "string" ? s.engine : "a test engine"));
  if (a.result.satisfiable !== b.result.satisfiable)
    return [
      ...out,
      ...engineViolations([
        `${na} says ${a.result.satisfiable ? "satisfiable" : "unsatisfiable"}, ${nb} says ${b.result.satisfiable ? "satisfiable" : "unsatisfiable"}`,
      ]),
    ];
  for (const r of [a.result, b.result]) {
    if (r.satisfiable) out.push(...satisfiesEveryRule(universe, request, r.solution));
    else out.push(...isMinimalExplanation(universe, request, r.explanation));
  }
  if (a.result.satisfiable && b.result.satisfiable) {
    const ca = costText(a.result.solution.cost);
    const cb = costText(b.result.solution.cost);
    if (ca !== cb) out.push(...engineViolations([`cost vectors differ: ${na} ${ca}, ${nb} ${cb}`]));
  }
  return out;
}

const costText = (cost: readonly { criterion: string; value: number }[]): string =>
  cost.map((c) => `${c.criterion} ${c.value}`).join(", ");

/**
 * Solves a CUDF document's request under `criteria` with both sides: the same answer (a
 * solution or none), the same value on every criterion, every engine answer checked.
 */
export function crossCheckCudf(
  doc: CudfDocument,
  criteria: readonly Criterion[],
  sides: readonly [CheckedSide, CheckedSide] = BOTH_ENGINES,
): Violation[] {
  const runs = sides.map((side) => checked(side, (engine) => solveCudf(doc, criteria, engine)));
  const out = engineViolations(runs.flatMap((r) => r.problems));
  const [a, b] = runs as [Checked<CudfOutcome>, Checked<CudfOutcome>];
  if (!a.result || !b.result) return out;
  const text = (o: CudfOutcome) =>
    o.ok ? o.values.map((v) => `${v.criterion} ${v.value}`).join(", ") : "no solution";
  if (text(a.result) !== text(b.result))
    out.push(...engineViolations([`outcomes differ: ${text(a.result)} / ${text(b.result)}`]));
  return out;
}
