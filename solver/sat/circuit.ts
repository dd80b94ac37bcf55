/**
 * Named variables and Boolean gates over a `SatSolver` (Tseitin's encoding, memoised), so the
 * encoder can say `and`, `or`, `implies` and name variables the way people read them
 * (`s6 2.13.1.0`, as in Meteor's constraint solver), while the solver sees plain clauses.
 *
 * Every gate is defined in both directions (its output is equivalent to the gate), so a gate's
 * literal can be used with either polarity and evaluated in any model.
 */
import { type Lit, lit, neg, SatSolver } from "./cdcl.js";

export type { Lit } from "./cdcl.js";

/** A SAT solver with named variables, constants and memoised gates. */
export class Circuit {
  /** The underlying solver (clauses, assumptions, cores). */
  readonly sat = new SatSolver();
  /** The constant true. */
  readonly TRUE: Lit;
  /** The constant false. */
  readonly FALSE: Lit;
  private readonly byName = new Map<string, Lit>();
  private readonly names: string[] = [];
  private readonly gates = new Map<string, Lit>();

  constructor() {
    this.TRUE = lit(this.sat.newVar());
    this.FALSE = neg(this.TRUE);
    this.names[this.TRUE >> 1] = "true";
    this.sat.addClause([this.TRUE]);
  }

  /** The variable called `name`, created on first use. */
  variable(name: string): Lit {
    const known = this.byName.get(name);
    if (known !== undefined) return known;
    const l = lit(this.sat.newVar());
    this.byName.set(name, l);
    this.names[l >> 1] = name;
    return l;
  }

  /** A fresh unnamed variable (its name says what made it, for debugging). */
  fresh(label: string): Lit {
    const l = lit(this.sat.newVar());
    this.names[l >> 1] = label;
    return l;
  }

  /** A literal in words: `s6 2.13.1.0`, `¬s6 +execline`. */
  nameOf(l: Lit): string {
    return `${l & 1 ? "¬" : ""}${this.names[l >> 1] ?? `#${l >> 1}`}`;
  }

  /** A literal equivalent to the conjunction. */
  and(...inputs: (Lit | readonly Lit[])[]): Lit {
    const lits = this.simplify(inputs.flat(), this.TRUE);
    if (lits === null) return this.FALSE;
    if (lits.length === 0) return this.TRUE;
    if (lits.length === 1) return lits[0]!;
    const key = lits.join(",");
    const known = this.gates.get(key);
    if (known !== undefined) return known;
    const out = this.fresh("and");
    for (const l of lits) this.sat.addClause([neg(out), l]);
    this.sat.addClause([out, ...lits.map(neg)]);
    this.gates.set(key, out);
    return out;
  }

  /** A literal equivalent to the disjunction. */
  or(...inputs: (Lit | readonly Lit[])[]): Lit {
    return neg(this.and(inputs.flat().map(neg)));
  }

  /** A literal equivalent to `a ⇒ b`. */
  implies(a: Lit, b: Lit): Lit {
    return this.or(neg(a), b);
  }

  /** Requires a clause: at least one of the literals holds (unless `guard` is false). */
  clause(lits: readonly Lit[], guard?: Lit): void {
    this.sat.addClause(guard === undefined ? lits : [neg(guard), ...lits]);
  }

  /** Requires at most one of the literals (unless `guard` is false). */
  atMostOne(lits: readonly Lit[], guard?: Lit): void {
    const xs = [...new Set(lits)].filter((l) => l !== this.FALSE);
    if (xs.length <= 6) {
      for (let i = 0; i < xs.length; i++)
        for (let j = i + 1; j < xs.length; j++) this.clause([neg(xs[i]!), neg(xs[j]!)], guard);
      return;
    }
    // Sequential counter (Sinz 2005): s_i means "one of the first i+1 is true"; linear size.
    let prev = xs[0]!;
    for (let i = 1; i < xs.length; i++) {
      const x = xs[i]!;
      this.clause([neg(prev), neg(x)], guard);
      if (i === xs.length - 1) break;
      const s = this.fresh("at-most-one");
      this.clause([neg(prev), s], guard);
      this.clause([neg(x), s], guard);
      prev = s;
    }
  }

  /** Drops constants and duplicates; null when the conjunction is false. */
  private simplify(lits: readonly Lit[], unit: Lit): Lit[] | null {
    const out = new Set<Lit>();
    for (const l of lits) {
      if (l === unit) continue;
      if (l === neg(unit) || out.has(neg(l))) return null;
      out.add(l);
    }
    return [...out].sort((a, b) => a - b);
  }
}
