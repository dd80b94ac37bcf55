/**
 * A `SatEngine` that checks every answer of the engine it wraps against another, independent
 * engine: it records each clause, and after each call requires that a model satisfies every
 * clause and the assumptions, that a core holds only assumptions and is unsatisfiable (asked of
 * the reference engine), and that a refuted literal is refuted. A hand-written SAT solver is the
 * riskiest code of pthbs; this is how its answers are checked, call by call.
 */
import type {
  EngineName,
  Lit,
  Model,
  SatEngine,
  SatResult,
  SatStats,
} from "../solver/sat/engine.js";
import { createEngine } from "../solver/sat/engines.js";

/** How many of its answers an engine checks against the reference, at most (they cost a call). */
export const REFERENCE_CHECKS = 40;

/** An engine whose answers are checked as they come (see the file's comment). */
export class CheckedEngine implements SatEngine {
  /** What was found wrong, in words; empty while every answer checked out. */
  readonly problems: string[] = [];
  private readonly clauses: Lit[][] = [];
  private reference: SatEngine | undefined;
  /** How many clauses and variables the reference has been given. */
  private synced = 0;
  private checks = 0;

  constructor(
    /** The engine under check. */
    readonly inner: SatEngine,
    /** The engine asked whether cores are unsatisfiable. */
    private readonly referenceName: EngineName,
  ) {}

  /** The inner engine's name. */
  get name(): EngineName {
    return this.inner.name;
  }
  /** The inner engine's counters. */
  get stats(): Readonly<SatStats> {
    return this.inner.stats;
  }
  /** Number of variables. */
  get variables(): number {
    return this.inner.variables;
  }
  /** Whether the inner engine keeps variables' names (logic-solver's do). */
  get namesVariables(): boolean {
    return this.inner.namesVariables === true;
  }
  /** A fresh variable of the inner engine. */
  newVar(name?: string): number {
    return this.inner.newVar(name);
  }
  /** Records the clause and passes it on. */
  addClause(lits: readonly Lit[], size = lits.length): boolean {
    this.clauses.push(lits.slice(0, size));
    return this.inner.addClause(lits, size);
  }
  /** Records the clause and passes it on. */
  addBinary(a: Lit, b: Lit): boolean {
    this.clauses.push([a, b]);
    return this.inner.addBinary(a, b);
  }
  /** Records the units and passes them on. */
  addUnits(units: readonly Lit[]): boolean {
    for (const u of units) this.clauses.push([u]);
    return this.inner.addUnits(units);
  }
  /** Solves, then checks the model or the core. */
  solve(assumptions: readonly Lit[] = [], budget?: number): SatResult {
    const answer = this.inner.solve(assumptions, budget);
    this.checkAnswer("solve", answer, assumptions, [], [this.inner.core]);
    return answer;
  }
  /** Solves in scope, then checks the model (which must satisfy every clause) or the core. */
  solveInScope(assumptions: readonly Lit[], scope: readonly number[]): SatResult {
    const answer = this.inner.solveInScope(assumptions, scope);
    this.checkAnswer("solveInScope", answer, assumptions, [], [this.inner.core]);
    return answer;
  }
  /** The inner engine's core. */
  get core(): readonly Lit[] {
    return this.inner.core;
  }
  /** Solves for cores, then checks the model, each core, and each skipped assumption. */
  solveCores(assumptions: readonly Lit[]): SatResult {
    const answer = this.inner.solveCores(assumptions);
    const skipped = this.inner.skippedAssumptions;
    this.checkAnswer("solveCores", answer, assumptions, skipped, this.inner.cores);
    for (const a of skipped) this.checkUnsat("a skipped assumption", [a]);
    return answer;
  }
  /** The inner engine's cores. */
  get cores(): readonly (readonly Lit[])[] {
    return this.inner.cores;
  }
  /** The inner engine's skipped assumptions. */
  get skippedAssumptions(): readonly Lit[] {
    return this.inner.skippedAssumptions;
  }
  /** Asks the inner engine; a refutation is checked. */
  refutes(l: Lit): boolean {
    const refuted = this.inner.refutes(l);
    if (refuted) this.checkUnsat("a refuted literal", [l]);
    return refuted;
  }
  /** The inner engine's value. */
  value(l: Lit): boolean {
    return this.inner.value(l);
  }
  /** The inner engine's model. */
  model(): Model {
    return this.inner.model();
  }
  /** Passed on. */
  setPhase(l: Lit): void {
    this.inner.setPhase(l);
  }

  /** Passed on. */
  reserve(variables: number, clauses: number): void {
    this.inner.reserve?.(variables, clauses);
  }
  /** Passed on. */
  addDecisionGroup(present: Lit, choices: readonly Lit[], afterwards: readonly Lit[]): void {
    this.inner.addDecisionGroup(present, choices, afterwards);
  }

  private checkAnswer(
    call: string,
    answer: SatResult,
    assumptions: readonly Lit[],
    skipped: readonly Lit[],
    cores: readonly (readonly Lit[])[],
  ): void {
    if (answer === "sat") {
      const model = this.inner.model();
      const broken = this.clauses.find((c) => !c.some((l) => model.value(l)));
      if (broken)
        this.problems.push(
          `${this.name} ${call}: the model breaks the clause [${broken.join(" ")}] (of ${this.clauses.length})`,
        );
      const unmet = assumptions.find((a) => !skipped.includes(a) && !model.value(a));
      if (unmet !== undefined)
        this.problems.push(`${this.name} ${call}: the model breaks the assumption ${unmet}`);
    } else if (answer === "unsat") {
      const allowed = new Set(assumptions);
      for (const core of cores) {
        if (!core.every((a) => allowed.has(a)))
          this.problems.push(`${this.name} ${call}: a core holds a literal it was not given`);
        this.checkUnsat(`a core of ${call}`, core);
      }
    }
  }

  /** Asks the reference (given every clause so far) whether `lits` are unsatisfiable. */
  private checkUnsat(what: string, lits: readonly Lit[]): void {
    if (this.checks >= REFERENCE_CHECKS) return;
    this.checks++;
    this.reference ??= createEngine(this.referenceName);
    const reference = this.reference;
    while (reference.variables < this.inner.variables) reference.newVar();
    for (; this.synced < this.clauses.length; this.synced++)
      reference.addClause(this.clauses[this.synced]!);
    if (reference.solve(lits) !== "unsat")
      this.problems.push(
        `${this.name}: ${what} [${lits.join(" ")}] is satisfiable (${this.referenceName} found a model)`,
      );
  }
}
