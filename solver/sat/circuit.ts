/**
 * Named variables and Boolean gates over a `SatEngine` (Tseitin's encoding, memoised), so the
 * encoder can say `and`, `or`, `implies` and name variables the way people read them
 * (`s6 2.13.1.0`, as in Meteor's constraint solver), while the solver sees plain clauses.
 *
 * Every gate is defined in both directions (its output is equivalent to the gate), so a gate's
 * literal can be used with either polarity and evaluated in any model.
 */
import { type Lit, lit, neg, type SatEngine } from "./engine.js";
import { createEngine } from "./engines.js";

export type { Lit } from "./engine.js";

/** A SAT engine with named variables, constants and memoised gates. */
export class Circuit {
  /** The constant true. */
  readonly TRUE: Lit;
  /** The constant false. */
  readonly FALSE: Lit;
  private readonly byName = new Map<string, Lit>();
  /**
   * Each variable's name in up to three parts, joined only when read (`nameOf`, `variable`): the
   * encoder names tens of thousands of variables once per process and reads a few, and building
   * each name as a string was a fifth of what encoding allocated. `heads[v]` is undefined for a
   * `fresh` variable, which is not found by name (its label is `tails[v]`).
   */
  private heads: (string | undefined)[] = [];
  private tails: (string | undefined)[] = [];
  /**
   * What stands between head and tail, as an index into `joinings` (0, a space, by default; 1,
   * nothing, for a joining past the 256 a byte can name, which then goes into the tail).
   */
  private joins = new Uint8Array(64);
  private readonly joinings: string[] = [" ", ""];
  /**
   * Variables below this one are in `byName` (when named): `variable` indexes the rest first.
   * The constant (called `true`) and any variable the engine had before it are not found by name.
   */
  private indexedBelow: number;
  /** AND gates by their sorted inputs. */
  private readonly gates = new GateTable();
  /** Two inputs, for `pair`'s lookups without an array each. */
  private readonly two: Lit[] = [0, 0];
  /** `gate`'s clause buffer. */
  private readonly long: Lit[] = [];

  /** @param sat the engine that gets the clauses (assumptions, cores); ours by default */
  constructor(readonly sat: SatEngine = createEngine("cdcl")) {
    this.TRUE = lit(this.sat.newVar("true"));
    this.FALSE = neg(this.TRUE);
    this.heads[this.TRUE >> 1] = "true";
    this.indexedBelow = (this.TRUE >> 1) + 1;
    this.sat.addClause([this.TRUE]);
  }

  /**
   * Room for about this many variables and clauses (`SatEngine.reserve`), and for their names:
   * arrays grown one element at a time were copied again and again.
   */
  reserve(variables: number, clauses: number): void {
    this.sat.reserve?.(variables, clauses);
    if (this.heads.length >= variables) return;
    const grow = (a: (string | undefined)[]) => {
      const b = new Array<string | undefined>(variables);
      for (let i = 0; i < a.length; i++) b[i] = a[i];
      return b;
    };
    this.heads = grow(this.heads);
    this.tails = grow(this.tails);
    this.growJoins(variables);
  }

  /** The variable called `name`, created on first use. */
  variable(name: string): Lit {
    const n = this.sat.variables;
    for (let v = this.indexedBelow; v < n; v++)
      if (this.heads[v] !== undefined) this.byName.set(this.nameOfVariable(v), lit(v));
    this.indexedBelow = n;
    const known = this.byName.get(name);
    if (known !== undefined) return known;
    const l = lit(this.sat.newVar(name));
    this.byName.set(name, l);
    this.heads[l >> 1] = name;
    this.indexedBelow = (l >> 1) + 1;
    return l;
  }

  /**
   * A new variable called `head`, or `head` `join` `tail` when a tail is given (`s6` `≤`
   * `2.12.0.0` reads `s6 ≤2.12.0.0`; `join` defaults to a space), which no variable has yet (the
   * caller knows it): like `variable`, without a lookup and without building the name.
   */
  named(head: string, tail?: string, join = " "): Lit {
    const v = this.sat.variables;
    const l = lit(
      this.sat.namesVariables ? this.sat.newVar(joinName(head, join, tail)) : this.sat.newVar(),
    );
    this.heads[v] = head;
    if (tail !== undefined) {
      this.tails[v] = tail;
      if (join !== " ") {
        let code = this.joinings.indexOf(join);
        if (code < 0 && this.joinings.length < 256) code = this.joinings.push(join) - 1;
        if (code < 0) {
          code = 1;
          this.tails[v] = `${join}${tail}`;
        }
        if (v >= this.joins.length) this.growJoins(2 * v);
        this.joins[v] = code;
      }
    }
    return l;
  }

  private growJoins(size: number): void {
    if (size <= this.joins.length) return;
    const joins = new Uint8Array(size);
    joins.set(this.joins);
    this.joins = joins;
  }

  /** A fresh unnamed variable (its label says what made it, for debugging). */
  fresh(label: string): Lit {
    const l = lit(this.sat.newVar(label));
    this.tails[l >> 1] = label;
    return l;
  }

  /** A literal in words: `s6 2.13.1.0`, `¬s6 +execline`. */
  nameOf(l: Lit): string {
    return `${l & 1 ? "¬" : ""}${this.nameOfVariable(l >> 1)}`;
  }

  private nameOfVariable(v: number): string {
    const head = this.heads[v];
    if (head === undefined) return this.tails[v] ?? `#${v}`;
    return joinName(head, this.joinings[this.joins[v] ?? 0]!, this.tails[v]);
  }

  /** A literal equivalent to the conjunction. */
  and(...inputs: (Lit | readonly Lit[])[]): Lit {
    return this.andOf(
      inputs.length === 1 && typeof inputs[0] !== "number" ? inputs[0]! : inputs.flat(),
    );
  }

  /** `and` of two literals, without building an array (the encoder's most common gate). */
  and2(a: Lit, b: Lit): Lit {
    if (a === this.TRUE) return b;
    if (b === this.TRUE || a === b) return a;
    if (a === this.FALSE || b === this.FALSE || a === neg(b)) return this.FALSE;
    return a < b ? this.pair(a, b) : this.pair(b, a);
  }

  /** A literal equivalent to the conjunction of `inputs`. */
  andOf(inputs: readonly Lit[]): Lit {
    return this.conjunction(inputs, 0);
  }

  /** A literal equivalent to the disjunction of `inputs`. */
  orOf(inputs: readonly Lit[]): Lit {
    return neg(this.conjunction(inputs, 1));
  }

  /** The AND gate over `inputs`, each negated when `flip` is 1 (De Morgan, without a copy). */
  private conjunction(inputs: readonly Lit[], flip: 0 | 1): Lit {
    const lits = this.simplify(inputs, flip);
    if (lits === null) return this.FALSE;
    if (lits.length === 0) return this.TRUE;
    if (lits.length === 1) return lits[0]!;
    return this.gateOf(lits);
  }

  /** The gate of two sorted, distinct, non-complementary, non-constant literals, memoised. */
  private pair(a: Lit, b: Lit): Lit {
    const two = this.two;
    two[0] = a;
    two[1] = b;
    return this.gateOf(two);
  }

  /**
   * The gate over sorted, distinct, non-constant literals: the known one, or a new one. Reads
   * `lits` only (the table copies them), so `pair` can pass its reused array.
   */
  private gateOf(lits: readonly Lit[]): Lit {
    const h = gateHash(lits);
    const known = this.gates.find(lits, h);
    if (known >= 0) return known;
    const out = this.gate(lits);
    this.gates.add(lits, out, h);
    return out;
  }

  /** A new AND gate over sorted literals: its output and both directions of its definition. */
  private gate(lits: readonly Lit[]): Lit {
    const out = this.fresh("and");
    // The long clause is built in one reused buffer (`addClause` copies it): tens of thousands
    // of gates, each an array or two of garbage otherwise.
    const long = this.long;
    long[0] = out;
    for (let k = 0; k < lits.length; k++) {
      this.sat.addBinary(neg(out), lits[k]!);
      long[k + 1] = neg(lits[k]!);
    }
    this.sat.addClause(long, lits.length + 1);
    return out;
  }

  /** A literal equivalent to the disjunction. */
  or(...inputs: (Lit | readonly Lit[])[]): Lit {
    return this.orOf(
      inputs.length === 1 && typeof inputs[0] !== "number" ? inputs[0]! : inputs.flat(),
    );
  }

  /** A literal equivalent to `a ⇒ b`. */
  implies(a: Lit, b: Lit): Lit {
    return this.or(neg(a), b);
  }

  /** Requires a clause: at least one of the literals holds (unless `guard` is false). */
  clause(lits: readonly Lit[], guard?: Lit, size = lits.length): void {
    if (guard === undefined) this.sat.addClause(lits, size);
    else this.sat.addClause([neg(guard), ...lits.slice(0, size)]);
  }

  /** `clause([a, b], guard)`, without the array when unguarded. */
  clause2(a: Lit, b: Lit, guard?: Lit): void {
    if (guard === undefined) this.sat.addBinary(a, b);
    else this.sat.addClause([neg(guard), a, b]);
  }

  /** Requires at most one of the literals (unless `guard` is false). */
  atMostOne(lits: readonly Lit[], guard?: Lit): void {
    // Without repeats and FALSE; short lists (most are an option's two values) without a Set.
    let xs: Lit[] = [];
    if (lits.length > 16) xs = [...new Set(lits)].filter((l) => l !== this.FALSE);
    else
      for (let i = 0; i < lits.length; i++)
        if (lits[i] !== this.FALSE && !xs.includes(lits[i]!)) xs.push(lits[i]!);
    if (xs.length <= 6) {
      for (let i = 0; i < xs.length; i++)
        for (let j = i + 1; j < xs.length; j++) this.clause2(neg(xs[i]!), neg(xs[j]!), guard);
      return;
    }
    // Sequential counter (Sinz 2005): s_i means "one of the first i+1 is true"; linear size.
    let prev = xs[0]!;
    for (let i = 1; i < xs.length; i++) {
      const x = xs[i]!;
      this.clause2(neg(prev), neg(x), guard);
      if (i === xs.length - 1) break;
      const s = this.fresh("at-most-one");
      this.clause2(neg(prev), s, guard);
      this.clause2(neg(x), s, guard);
      prev = s;
    }
  }

  /**
   * Sorted, without TRUE and repeats; null when the conjunction is false (FALSE, or a literal
   * and its negation: `2v` and `2v + 1` are neighbours once sorted).
   */
  private simplify(lits: readonly Lit[], flip: 0 | 1): Lit[] | null {
    const out: Lit[] = [];
    if (lits.length > 16) {
      // Large (CUDF's disjunctions over all versions): sort, then drop repeats.
      const sorted = Int32Array.from(lits, (l) => l ^ flip).sort();
      for (const l of sorted) {
        if (l === this.FALSE) return null;
        if (l !== this.TRUE && l !== out[out.length - 1]) out.push(l);
      }
    } else {
      for (let i = 0; i < lits.length; i++) {
        const l = lits[i]! ^ flip;
        if (l === this.TRUE) continue;
        if (l === this.FALSE) return null;
        // Insertion sort: gates have a few inputs.
        let j = out.length;
        while (j > 0 && out[j - 1]! > l) j--;
        if (j > 0 && out[j - 1] === l) continue;
        out.push(l);
        for (let k = out.length - 1; k > j; k--) out[k] = out[k - 1]!;
        out[j] = l;
      }
    }
    for (let i = 1; i < out.length; i++) if ((out[i]! ^ 1) === out[i - 1]) return null;
    return out;
  }
}

function joinName(head: string, join: string, tail: string | undefined): string {
  return tail === undefined ? head : `${head}${join}${tail}`;
}

/**
 * A hash table from sorted literal lists to gate outputs, held in typed arrays: an encoding has
 * tens of thousands of gates, and a `Map` keyed by joined strings (or by numbers past 2^31) left
 * as many long-lived heap objects for the garbage collector to copy and mark.
 */
class GateTable {
  /** Open addressing: entry index + 1 per slot, 0 when free; at most half full. */
  private slots = new Int32Array(1 << 12);
  /** The inputs of every entry, one after the other. */
  private inputs = new Int32Array(1 << 13);
  private inputsTop = 0;
  /** Per entry: where its inputs start, how many, its output. */
  private entries = new Int32Array(3 << 10);
  private size = 0;

  /** The output of the gate over `lits` (whose `gateHash` is `h`), or -1. */
  find(lits: readonly Lit[], h: number): Lit {
    const mask = this.slots.length - 1;
    for (let i = h & mask; ; i = (i + 1) & mask) {
      const e = this.slots[i]! - 1;
      if (e < 0) return -1;
      if (this.holds(e, lits)) return this.entries[3 * e + 2]!;
    }
  }

  /**
   * Records the gate over `lits` (not yet in the table; `h` is its `gateHash`, computed once for
   * `find` and here).
   */
  add(lits: readonly Lit[], out: Lit, h: number): void {
    if (2 * (this.size + 1) > this.slots.length) this.rehash();
    if (this.inputsTop + lits.length > this.inputs.length) {
      const next = new Int32Array(2 * (this.inputsTop + lits.length));
      next.set(this.inputs);
      this.inputs = next;
    }
    if (3 * (this.size + 1) > this.entries.length) {
      const next = new Int32Array(2 * this.entries.length);
      next.set(this.entries);
      this.entries = next;
    }
    const e = this.size++;
    this.entries[3 * e] = this.inputsTop;
    this.entries[3 * e + 1] = lits.length;
    this.entries[3 * e + 2] = out;
    for (let k = 0; k < lits.length; k++) this.inputs[this.inputsTop++] = lits[k]!;
    this.place(e, h);
  }

  private holds(e: number, lits: readonly Lit[]): boolean {
    const start = this.entries[3 * e]!;
    if (this.entries[3 * e + 1] !== lits.length) return false;
    for (let k = 0; k < lits.length; k++) if (this.inputs[start + k] !== lits[k]) return false;
    return true;
  }

  private place(e: number, h: number): void {
    const mask = this.slots.length - 1;
    let i = h & mask;
    while (this.slots[i] !== 0) i = (i + 1) & mask;
    this.slots[i] = e + 1;
  }

  private rehash(): void {
    this.slots = new Int32Array(2 * this.slots.length);
    for (let e = 0; e < this.size; e++) {
      const start = this.entries[3 * e]!;
      this.place(e, hash(this.inputs, start, this.entries[3 * e + 1]!));
    }
  }
}

/** The hash of a gate's sorted inputs, as `GateTable` files it. */
function gateHash(lits: readonly Lit[]): number {
  return hash(lits, 0, lits.length);
}

/**
 * A hash of `length` literals from `start` (FNV-style mixing, then a final avalanche): `rehash`
 * reads the table's own array without a view per entry.
 */
function hash(lits: ArrayLike<Lit>, start: number, length: number): number {
  let h = 0x811c9dc5 ^ length;
  for (let k = start; k < start + length; k++) h = Math.imul(h ^ lits[k]!, 0x01000193);
  h ^= h >>> 15;
  h = Math.imul(h, 0x2c1b3c6d);
  return (h ^ (h >>> 12)) >>> 0;
}
