/**
 * The one interface between the encoders/optimiser and a SAT engine, so that the engine can be
 * swapped without anything above `solver/sat/` knowing which one runs: our CDCL (`cdcl.ts`, the
 * default) or MiniSat through logic-solver (`logic-solver-engine.ts`), which cross-checks it.
 *
 * Literals are integers: variable `v` (0-based) is `2v` positive and `2v + 1` negative, so
 * `l ^ 1` negates.
 */

/** A literal: `2 * variable` (positive) or `2 * variable + 1` (negative). */
export type Lit = number;

/** The literal of variable `v` with the given sign. */
export function lit(v: number, positive = true): Lit {
  return positive ? 2 * v : 2 * v + 1;
}

/** The negation of a literal. */
export function neg(l: Lit): Lit {
  return l ^ 1;
}

/** The engines pthbs ships, by the name `--engine` takes. */
export const ENGINE_NAMES = ["cdcl", "logic-solver"] as const;

/** One of `ENGINE_NAMES`. */
export type EngineName = (typeof ENGINE_NAMES)[number];

/** The answer of one `solve` call ("unknown": the conflict budget ran out). */
export type SatResult = "sat" | "unsat" | "unknown";

/** Counters, for benchmarks and `--timings` (an engine that cannot count something leaves 0). */
export interface SatStats {
  solves: number;
  conflicts: number;
  decisions: number;
  propagations: number;
  restarts: number;
  learnts: number;
  clauses: number;
  variables: number;
}

/** A new set of zeroed counters. */
export function emptyStats(): SatStats {
  return {
    solves: 0,
    conflicts: 0,
    decisions: 0,
    propagations: 0,
    restarts: 0,
    learnts: 0,
    clauses: 0,
    variables: 0,
  };
}

/** A satisfying assignment, one value per variable (1 true, -1 false). */
export class Model {
  constructor(private readonly values: Int8Array) {}
  /** Number of variables the model gives a value to (those that existed when it was found). */
  get variables(): number {
    return this.values.length;
  }
  /** Whether literal `l` is true in this model. */
  value(l: Lit): boolean {
    const v = this.values[l >> 1];
    // A variable made after the model was found has no value in it: a caller's mistake.
    if (v === undefined) throw new Error(`internal: variable ${l >> 1} is not in the model`);
    return (l & 1) === 0 ? v === 1 : v === -1;
  }
}

/**
 * An incremental SAT engine: add clauses, then solve under assumptions; after "sat" read the
 * model, after "unsat" a core. Methods marked "a hint" may be ignored by an engine that cannot
 * use them; the answers stay correct, only slower. Every answer is exact except "unknown".
 */
export interface SatEngine {
  /** Which engine this is (for error messages and reports). */
  readonly name: EngineName;
  /** Counters since creation. */
  readonly stats: Readonly<SatStats>;
  /** Number of variables. */
  readonly variables: number;
  /** A fresh variable's index; `name` says what it means (engines that name variables use it). */
  newVar(name?: string): number;
  /** Adds a clause: the first `size` literals of `lits` (copied). False once unsatisfiable. */
  addClause(lits: readonly Lit[], size?: number): boolean;
  /** `addClause([a, b])`, without an array where the engine can. */
  addBinary(a: Lit, b: Lit): boolean;
  /** Adds unit clauses, all at once. False when they contradict the clauses. */
  addUnits(units: readonly Lit[]): boolean;
  /**
   * Searches for a model of the clauses and the assumptions. With a conflict budget, may give up
   * with "unknown" after that many conflicts (an engine without budgets always answers).
   */
  solve(assumptions?: readonly Lit[], budget?: number): SatResult;
  /**
   * `solve`, deciding only the variables of `scope` where the engine can (the rest read false):
   * the caller guarantees false is safe outside it. A hint: an engine may decide every variable.
   */
  solveInScope(assumptions: readonly Lit[], scope: readonly number[]): SatResult;
  /**
   * After "unsat": assumptions that are unsatisfiable with the clauses (empty when the clauses
   * alone are). Small is better, minimal is not promised.
   */
  readonly core: readonly Lit[];
  /**
   * Like `solve`, but an "unsat" answer comes with disjoint cores (`cores`), each small, for
   * core-guided optimisation; assumptions the clauses alone refute may be dropped instead and
   * listed in `skippedAssumptions`.
   */
  solveCores(assumptions: readonly Lit[]): SatResult;
  /** The disjoint cores of the last `solveCores`. */
  readonly cores: readonly (readonly Lit[])[];
  /** The assumptions the last `solveCores` dropped because the clauses refute them. */
  readonly skippedAssumptions: readonly Lit[];
  /**
   * Whether the clauses are known to refute `l` cheaply (then `¬l` becomes a fact). False means
   * "not shown", not "consistent": an engine without a cheap test always says false.
   */
  refutes(l: Lit): boolean;
  /** The value of a literal in the last model (after "sat"). */
  value(l: Lit): boolean;
  /** A copy of the last model. */
  model(): Model;
  /** The preferred polarity of a variable's next decisions. A hint. */
  setPhase(l: Lit): void;
  /**
   * Room for about this many variables and clauses in all, before they are added. A hint, and
   * optional: an engine written outside pthbs need not have it.
   */
  reserve?(variables: number, clauses: number): void;
  /**
   * Whether the engine keeps the names `newVar` is given (logic-solver's are its variables'
   * names). Without it, `Circuit` passes none and builds a name only when one is read.
   */
  readonly namesVariables?: boolean;
  /**
   * The next group of the decision order (a package's presence, its choices most preferred
   * first, then literals to decide with their saved phase). A hint.
   */
  addDecisionGroup(present: Lit, choices: readonly Lit[], afterwards: readonly Lit[]): void;
}

/** An engine by name, or a function making one (tests and cross-checks wrap engines). */
export type EngineChoice = EngineName | (() => SatEngine);
