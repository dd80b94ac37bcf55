/** Types for logic-solver 2 (MiniSat compiled to JavaScript), as far as pthbs uses it. */
declare module "logic-solver" {
  namespace Logic {
    /** A variable name; a leading "-" negates it. */
    type Term = string;
    interface Formula {
      readonly type: string;
    }
    type Operand = Term | Formula | readonly Operand[];
    interface Bits {
      readonly bits: readonly (Term | Formula)[];
    }
    class Solver {
      require(...args: Operand[]): void;
      forbid(...args: Operand[]): void;
      solve(): Solution | null;
      solveAssuming(assumption: Term | Formula): Solution | null;
      minimizeWeightedSum(
        solution: Solution,
        formulas: readonly (Term | Formula)[],
        weights: readonly number[] | number,
      ): Solution;
      getVarNum(name: string, noCreate?: boolean): number;
    }
    interface Solution {
      getMap(): Record<string, boolean>;
      getTrueVars(): string[];
      evaluate(expression: Term | Formula): boolean;
      getWeightedSum(
        formulas: readonly (Term | Formula)[],
        weights: readonly number[] | number,
      ): number;
      ignoreUnknownVariables(): void;
      getFormula(): Formula;
    }
    const TRUE: Term;
    const FALSE: Term;
    function not(operand: Term | Formula): Term | Formula;
    function or(...operands: Operand[]): Term | Formula;
    function and(...operands: Operand[]): Term | Formula;
    function implies(a: Term | Formula, b: Term | Formula): Term | Formula;
    function equiv(a: Term | Formula, b: Term | Formula): Term | Formula;
    function exactlyOne(...operands: Operand[]): Term | Formula;
    function atMostOne(...operands: Operand[]): Term | Formula;
    function weightedSum(
      formulas: readonly (Term | Formula)[],
      weights: readonly number[] | number,
    ): Bits;
    function constantBits(n: number): Bits;
    function lessThanOrEqual(a: Bits, b: Bits): Formula;
    function disablingAssertions<T>(f: () => T): T;
  }
  export = Logic;
}
