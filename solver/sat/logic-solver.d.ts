/**
 * Types for the part of logic-solver (Meteor's MiniSat in emscripten, MIT, untyped) that the
 * `logic-solver` engine uses. Terms are variable names or numbers (negative: negated).
 */
declare module "logic-solver" {
  /** A variable name (`"-x"` is its negation) or a variable number (negative: negated). */
  export type Term = string | number;
  /** A formula built by `or`, `and`, `not`… */
  export interface Formula {
    readonly type?: string;
  }
  /** A model found by `solve`. */
  export interface Solution {
    /** The value of a term or formula in this model. */
    evaluate(formula: Term | Formula): boolean;
    /** The true variables' names, sorted (generated `$` variables left out). */
    getTrueVars(): string[];
  }
  /** An incremental solver over named variables, with MiniSat underneath. */
  export class Solver {
    /** The clauses handed (or to be handed) to MiniSat, in order. */
    readonly clauses: readonly unknown[];
    /** The number of a variable, created on first use unless `noCreate` (then 0). */
    getVarNum(name: string, noCreate?: boolean): number;
    /** The name of a variable number. */
    getVarName(num: number): string;
    /** Requires every formula or term to hold. */
    require(...formulas: (Term | Formula | readonly (Term | Formula)[])[]): void;
    /** Requires every formula or term to be false. */
    forbid(...formulas: (Term | Formula | readonly (Term | Formula)[])[]): void;
    /** A model of the required formulas, or null when none exists (then none ever will). */
    solve(): Solution | null;
    /** A model in which `formula` also holds, or null; nothing is added for later calls. */
    solveAssuming(formula: Term | Formula): Solution | null;
  }
  /** The disjunction of terms or formulas. */
  function or(...operands: (Term | Formula | readonly (Term | Formula)[])[]): Formula;
  /** Runs `f` without logic-solver's argument checks (much faster clause generation). */
  function disablingAssertions<T>(f: () => T): T;
  const Logic: {
    Solver: typeof Solver;
    or: typeof or;
    disablingAssertions: typeof disablingAssertions;
  };
  export default Logic;
}
