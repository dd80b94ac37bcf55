/**
 * The `logic-solver` engine: MiniSat (compiled by emscripten, through Meteor's logic-solver)
 * behind `SatEngine`. It is independent of our CDCL (`cdcl.ts`) — another author, another
 * language, another search — which is what makes it the cross-check of ours, and the engine the
 * project's brief asked for. It does what logic-solver can; what it cannot is emulated:
 *
 * - **Variable names.** Each variable is created under the name the encoder gave it
 *   (`s6 2.13.1.0`, `s6 +execline`, as in Meteor's constraint solver); a name already taken
 *   (the circuit's auxiliary `and`, `count≥2`…) gets ` #index` appended.
 * - **Several assumptions.** logic-solver's `solveAssuming` takes one formula, and MiniSat
 *   underneath gets one assumption literal. Several are conjoined through a fresh selector `s`:
 *   clauses `¬s ∨ aᵢ`, then `solveAssuming(s)`, then `s` is forbidden for good, which satisfies
 *   those clauses (MiniSat drops them at its next simplification). Cost: one variable and one
 *   binary clause per assumption per call, in the 64 MiB heap until dropped.
 * - **Cores.** logic-solver reports no failed assumptions. After "unsat", `core` is every
 *   assumption (unsatisfiable, not small: the explainer minimises it anyway). `solveCores`, for
 *   the optimiser, which needs small cores, minimises each by deletion (QuickXplain over the
 *   assumptions: O(k·log(n/k)) more calls for a core of k among n; the assumptions the last
 *   model broke are tried first, one call) and removes it to look for the next, disjoint one.
 * - **No conflict budget** (every answer is exact), **no cheap refutation test** (`refutes`
 *   says false: the optimiser then finds one-literal cores by search), no decision order, no
 *   phases and no scope (hints, ignored: MiniSat's own heuristics decide).
 *
 * MiniSat's heap is fixed at 64 MiB. When it is exhausted emscripten aborts ("Cannot enlarge
 * memory arrays"), printing through `console.log` and throwing a string; every call into MiniSat
 * is guarded so that this becomes a `SolverLimitError` naming the engine (and the engine is dead
 * from then on), with the printing swallowed.
 */
import { createRequire } from "node:module";
import type LogicSolver from "logic-solver";
import type { Solution, Solver, Term } from "logic-solver";
import { quickXplain } from "../quickxplain.js";
import {
  emptyStats,
  type Lit,
  Model,
  type SatEngine,
  type SatResult,
  type SatStats,
} from "./engine.js";
import { SolverLimitError } from "./limit-error.js";

/**
 * logic-solver, loaded on first use: compiling its asm.js MiniSat takes a quarter of a second,
 * which every `pthbs` command would pay at start-up for an engine it rarely runs.
 */
const loadLogicSolver = (): typeof LogicSolver =>
  createRequire(import.meta.url)("logic-solver") as typeof LogicSolver;

/** MiniSat through logic-solver, behind the engine interface (see the file's comment). */
export class LogicSolverEngine implements SatEngine {
  /** This engine's name for `--engine`. */
  readonly name = "logic-solver";
  /** Its variables are created under the encoder's names (see the file's comment). */
  readonly namesVariables = true;
  /** Counters: solves (every MiniSat call), clauses and variables; MiniSat's own are not exposed. */
  readonly stats: SatStats = emptyStats();
  private readonly solver: Solver;
  /** logic-solver's variable number for each of our variables. */
  private numbers = new Int32Array(1024);
  private nVars = 0;
  private selectors = 0;
  private lastModel = new Int8Array(0);
  private lastCore: Lit[] = [];
  private lastCores: Lit[][] = [];
  /** Whether the clauses alone are known to be unsatisfiable. */
  private inconsistent = false;
  /** Set once MiniSat aborted: every later call fails the same way. */
  private dead: SolverLimitError | undefined;

  private readonly Logic = loadLogicSolver();

  constructor() {
    this.solver = this.guard(() => new this.Logic.Solver());
  }

  /** Number of variables. */
  get variables(): number {
    return this.nVars;
  }

  /** A fresh variable, created in logic-solver under `name` (made unique; see the file's comment). */
  newVar(name = "v"): number {
    const v = this.nVars++;
    if (v >= this.numbers.length) {
      const next = new Int32Array(2 * this.numbers.length);
      next.set(this.numbers);
      this.numbers = next;
    }
    // `$…` names are logic-solver's own and a leading `-` would read as a negation.
    const base = /^[$-]/.test(name) ? `v${name}` : name;
    const unique = this.solver.getVarNum(base, true) === 0 ? base : `${base} #${v}`;
    this.numbers[v] = this.solver.getVarNum(unique);
    this.stats.variables = this.nVars;
    return v;
  }

  /** Adds a clause (handed to MiniSat at the next solve). Always true: MiniSat is asked later. */
  addClause(lits: readonly Lit[], size = lits.length): boolean {
    this.stats.clauses++;
    if (size === 0) {
      this.inconsistent = true;
      return false;
    }
    const terms: Term[] = new Array(size);
    for (let i = 0; i < size; i++) terms[i] = this.term(lits[i]!);
    this.Logic.disablingAssertions(() =>
      this.solver.require(size === 1 ? terms[0]! : this.Logic.or(terms)),
    );
    return !this.inconsistent;
  }

  /** `addClause([a, b])`. */
  addBinary(a: Lit, b: Lit): boolean {
    return this.addClause([a, b]);
  }

  /** Adds unit clauses. */
  addUnits(units: readonly Lit[]): boolean {
    for (let i = 0; i < units.length; i++) this.addClause([units[i]!]);
    return !this.inconsistent;
  }

  /** Solves under the assumptions (one selector for several); the budget is not supported. */
  solve(assumptions: readonly Lit[] = [], _budget?: number): SatResult {
    this.lastCore = [];
    if (this.inconsistent) return "unsat";
    let solution: Solution | null;
    if (assumptions.length === 0) {
      solution = this.call(() => this.solver.solve());
      if (solution === null) this.inconsistent = true;
    } else if (assumptions.length === 1) {
      solution = this.call(() => this.solver.solveAssuming(this.term(assumptions[0]!)));
    } else {
      // `newVar` first: it may replace `numbers`.
      const selector = this.newVar(`assume ${++this.selectors}`);
      const s = this.numbers[selector]!;
      this.Logic.disablingAssertions(() => {
        for (let i = 0; i < assumptions.length; i++)
          this.solver.require(this.Logic.or(-s, this.term(assumptions[i]!)));
      });
      solution = this.call(() => this.solver.solveAssuming(s));
      this.Logic.disablingAssertions(() => this.solver.forbid(s));
    }
    if (solution === null) {
      this.lastCore = [...assumptions];
      return "unsat";
    }
    this.readModel(solution);
    return "sat";
  }

  /** `solve`: MiniSat decides every variable (a full model is a valid witness too). */
  solveInScope(assumptions: readonly Lit[], _scope: readonly number[]): SatResult {
    return this.solve(assumptions);
  }

  /** After "unsat": every assumption of the call (logic-solver reports no failed ones). */
  get core(): readonly Lit[] {
    return this.lastCore;
  }

  /**
   * Disjoint cores, each minimised by deletion, until the assumptions left are satisfiable (see
   * the file's comment). "unsat" with no core when the clauses alone are unsatisfiable.
   */
  solveCores(assumptions: readonly Lit[]): SatResult {
    this.lastCores = [];
    const previous = this.lastModel;
    let remaining = [...assumptions];
    for (;;) {
      if (this.solve(remaining) === "sat") break;
      if (remaining.length === 0) return "unsat";
      const core = this.minimalCore(remaining, previous);
      if (core.length === 0) return "unsat";
      this.lastCores.push(core);
      const inCore = new Set(core);
      remaining = remaining.filter((a) => !inCore.has(a));
    }
    return this.lastCores.length > 0 ? "unsat" : "sat";
  }

  /** The cores of the last `solveCores`. */
  get cores(): readonly (readonly Lit[])[] {
    return this.lastCores;
  }

  /** None: this engine does not drop assumptions. */
  get skippedAssumptions(): readonly Lit[] {
    return [];
  }

  /** Always false: logic-solver has no propagation-only test. */
  refutes(_l: Lit): boolean {
    return false;
  }

  /** The value of a literal in the last model. */
  value(l: Lit): boolean {
    const v = this.lastModel[l >> 1]!;
    return (l & 1) === 0 ? v === 1 : v === -1;
  }

  /** A copy of the last model. */
  model(): Model {
    return new Model(this.lastModel.slice());
  }

  /** A hint logic-solver cannot take. */
  setPhase(_l: Lit): void {}

  /** A hint MiniSat cannot take (its heap is fixed). */
  reserve(_variables: number, _clauses: number): void {}

  /** A hint logic-solver cannot take. */
  addDecisionGroup(_present: Lit, _choices: readonly Lit[], _afterwards: readonly Lit[]): void {}

  /** logic-solver's numeric term for a literal. */
  private term(l: Lit): number {
    const n = this.numbers[l >> 1]!;
    return (l & 1) === 0 ? n : -n;
  }

  /** The model of our variables, read from logic-solver's solution. */
  private readModel(solution: Solution): void {
    const values = new Int8Array(this.nVars);
    this.Logic.disablingAssertions(() => {
      for (let v = 0; v < this.nVars; v++) values[v] = solution.evaluate(this.numbers[v]!) ? 1 : -1;
    });
    this.lastModel = values;
  }

  /**
   * A minimal unsatisfiable subset of `assumptions` (which are unsatisfiable together), by
   * deletion: those `previous` breaks first when they suffice, then QuickXplain.
   */
  private minimalCore(assumptions: readonly Lit[], previous: Int8Array): Lit[] {
    const unsat = (subset: readonly Lit[]) => this.solve(subset) === "unsat";
    const broken = assumptions.filter((a) => {
      const v = previous[a >> 1];
      return v !== undefined && v === ((a & 1) === 0 ? -1 : 1);
    });
    if (unsat([])) return [];
    const candidates =
      broken.length > 0 && broken.length < assumptions.length && unsat(broken)
        ? broken
        : assumptions;
    return quickXplain(unsat, [], false, candidates);
  }

  /** One call into MiniSat, counted and guarded. */
  private call<T>(f: () => T): T {
    this.stats.solves++;
    return this.guard(() => this.Logic.disablingAssertions(f));
  }

  /**
   * Runs `f`, turning emscripten's abort (heap exhausted) into a `SolverLimitError` and
   * swallowing what emscripten prints through `console.log` meanwhile.
   */
  private guard<T>(f: () => T): T {
    if (this.dead) throw this.dead;
    const log = console.log;
    const printed: string[] = [];
    console.log = (...args: unknown[]) => {
      printed.push(args.map(String).join(" "));
    };
    try {
      return f();
    } catch (e) {
      const text = e instanceof Error ? e.message : String(e);
      if (!/abort|Cannot enlarge memory/.test(`${text}\n${printed.join("\n")}`)) throw e;
      this.dead = new SolverLimitError(
        this.name,
        `the logic-solver engine (MiniSat in a fixed 64 MiB heap) ran out of memory on this problem (${this.nVars} variables, ${this.stats.clauses} clauses): "Cannot enlarge memory arrays"`,
        "use --engine cdcl (the default), which has no fixed heap",
      );
      throw this.dead;
    } finally {
      console.log = log;
      for (const line of printed) if (!line.startsWith("MINISAT-")) log(line); // not emscripten's: pass it on
    }
  }
}
