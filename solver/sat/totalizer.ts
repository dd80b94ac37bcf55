/**
 * The totalizer (Bailleux & Boufkhad 2003), incremental: a tree of unary counters over input
 * literals whose output `atLeast(k)` is implied whenever k or more inputs hold. Outputs are built
 * only up to the bound asked for so far and extended on demand (as RC2 does), so a core of n
 * literals costs O(n·k) clauses, not O(n²).
 */
import type { Circuit, Lit } from "./circuit.js";

interface Node {
  readonly size: number;
  readonly left?: Node;
  readonly right?: Node;
  /** outs[i] is implied when at least i+1 inputs under this node hold. */
  readonly outs: Lit[];
}

/** A unary count of how many of some literals hold (upward implications only). */
export class Totalizer {
  private readonly root: Node;
  private bound = 0;

  constructor(
    private readonly circuit: Circuit,
    inputs: readonly Lit[],
  ) {
    if (inputs.length === 0) throw new Error("a totalizer needs inputs");
    this.root = build(inputs);
  }

  /** Number of inputs. */
  get size(): number {
    return this.root.size;
  }

  /** A literal implied by "at least k inputs hold" (1 ≤ k ≤ size). */
  atLeast(k: number): Lit {
    if (k < 1 || k > this.root.size)
      throw new RangeError(`bound ${k} outside 1..${this.root.size}`);
    if (k > this.bound) {
      this.extend(this.root, k);
      this.bound = k;
    }
    return this.root.outs[k - 1]!;
  }

  private extend(node: Node, k: number): void {
    if (!node.left || !node.right) return; // a leaf's single output is its input
    const target = Math.min(k, node.size);
    const old = node.outs.length;
    if (old >= target) return;
    this.extend(node.left, k);
    this.extend(node.right, k);
    for (let i = old; i < target; i++) node.outs.push(this.circuit.fresh(`count≥${i + 1}`));
    const a = node.left.outs;
    const b = node.right.outs;
    // (a counts i) ∧ (b counts j) ⇒ (node counts i + j), for the sums newly in range.
    for (let i = 0; i <= a.length; i++) {
      for (let j = 0; j <= b.length; j++) {
        const sum = i + j;
        if (sum <= old || sum > target) continue;
        const premise = [...(i > 0 ? [a[i - 1]!] : []), ...(j > 0 ? [b[j - 1]!] : [])];
        this.circuit.clause([...premise.map((l) => l ^ 1), node.outs[sum - 1]!]);
      }
    }
  }
}

function build(inputs: readonly Lit[]): Node {
  if (inputs.length === 1) return { size: 1, outs: [inputs[0]!] };
  const half = inputs.length >> 1;
  const left = build(inputs.slice(0, half));
  const right = build(inputs.slice(half));
  return { size: inputs.length, left, right, outs: [] };
}
