/**
 * Core-guided minimisation of a weighted sum of literals: OLL (Andres, Kaufmann, Matheis & Schaub
 * 2012; Morgado, Dodaro & Marques-Silva 2014), as in RC2 and clingo's `usc` strategy.
 *
 * Every cost literal is assumed false. When the solver answers "unsat", the failed assumptions
 * form a core: at least one of them must give way, so the lower bound rises by the core's
 * smallest weight, and a totalizer over the core lets "at most one/two/… of them" be assumed
 * next. The first "sat" answer is optimal, and the assumptions still carrying weight are exactly
 * what every optimal set satisfies, so pinning the optimum is adding them as unit clauses.
 *
 * Why not a binary search over an adder (what logic-solver offers): near the optimum the
 * "no cheaper set" proofs over an adder are hard for CDCL and the 64 MiB heap ran out; cores
 * here are small (one package's version ladder, one dependency chain) and each step is cheap.
 */

import type { Circuit, Lit } from "./circuit.js";
import type { Model } from "./engine.js";
import { Totalizer } from "./totalizer.js";

/** One term of a sum: `weight` is paid when `lit` holds. */
export interface Term {
  readonly lit: Lit;
  readonly weight: number;
}

/** The optimum of one sum and a model reaching it. */
export interface Minimum {
  readonly value: number;
  readonly model: Model;
  /** Unsatisfiable cores met on the way (one-literal cores found by probing included). */
  readonly cores: number;
}

/** The flag bit sorting held assumptions after broken ones (literals stay far below it). */
const HELD = 1 << 30;

interface Bound {
  readonly totalizer: Totalizer;
  readonly k: number;
  readonly weight: number;
}

/**
 * Minimises `Σ weight·[lit]` over the circuit's clauses and pins the optimum (afterwards every
 * model has that value). The clauses must be satisfiable. `last`, when given, must satisfy every
 * clause (the model of the previous criterion: clauses added since only define new variables or
 * hold in it); the search starts from it.
 */
export function minimise(circuit: Circuit, terms: readonly Term[], last?: Model): Minimum {
  const sat = circuit.sat;
  const weights = new Map<Lit, number>();
  let lower = 0;
  for (let i = 0; i < terms.length; i++) {
    const t = terms[i]!;
    if (t.weight === 0 || t.lit === circuit.FALSE) continue;
    if (t.lit === circuit.TRUE) {
      lower += t.weight;
      continue;
    }
    const a = t.lit ^ 1; // assumption: the term does not hold
    weights.set(a, (weights.get(a) ?? 0) + t.weight);
  }
  const bounds = new Map<Lit, Bound>();
  let cores = 0;
  /** Lowers the bound by a core's least weight and relaxes the core; true if it added assumptions. */
  const relax = (core: readonly Lit[]): boolean => {
    cores++;
    let added = false;
    // Indexed loops, no spread: this runs once per core, mostly before V8 optimises it.
    let least = Number.POSITIVE_INFINITY;
    for (let i = 0; i < core.length; i++) least = Math.min(least, weights.get(core[i]!)!);
    lower += least;
    for (let i = 0; i < core.length; i++) {
      const a = core[i]!;
      const left = weights.get(a)! - least;
      if (left > 0) weights.set(a, left);
      else weights.delete(a);
      // A relaxed "at most k−1" gives way to "at most k", at the sum's own weight.
      const bound = bounds.get(a);
      if (bound && bound.k < bound.totalizer.size) {
        const next = bound.totalizer.atLeast(bound.k + 1) ^ 1;
        if (!weights.has(next)) {
          weights.set(next, bound.weight);
          bounds.set(next, { ...bound, k: bound.k + 1 });
          added = true;
        }
      }
    }
    if (core.length > 1) {
      // One of the core's terms holds; a second one costs `least` again.
      const totalizer = new Totalizer(
        circuit,
        core.map((a) => a ^ 1),
      );
      const next = totalizer.atLeast(2) ^ 1;
      weights.set(next, (weights.get(next) ?? 0) + least);
      bounds.set(next, { totalizer, k: 2, weight: least });
      added = true;
    }
    return added;
  };
  // One-literal cores, cheaply: the terms that propagation alone forces (probed once, before the
  // search), then those each call finds refuted by what it learns (`skipFixed`). An assumption
  // the last model meets is not probed: that model satisfies every clause, so propagation cannot
  // refute it (at cone 2,000 this spares 5,900 of the 10,400 probes of `version-age`).
  // Flags by literal (a `Set` of ten thousand literals allocated 1.1 MiB at cone 2,000); relaxing
  // adds variables, so it grows.
  let probed = new Uint8Array(2 * sat.variables);
  const met = (a: Lit) => last !== undefined && a >> 1 < last.variables && last.value(a);
  for (let fresh = true; fresh; ) {
    fresh = false;
    const sorted = sortedKeys(weights);
    for (let i = 0; i < sorted.length; i++) {
      const a = sorted[i]!;
      if (a >= probed.length) {
        const grown = new Uint8Array(2 * sat.variables);
        grown.set(probed);
        probed = grown;
      }
      if (probed[a] === 1) continue;
      probed[a] = 1;
      if (!met(a) && sat.refutes(a) && relax([a])) fresh = true;
    }
  }
  // The last model (of the previous criterion: every clause added since holds in it, pins it
  // satisfied and units that propagation forced) already meets every assumption: it is optimal
  // as it is, and a search from scratch could wander (the decisions need not replay it).
  if (
    last !== undefined &&
    last.variables >= sat.variables &&
    [...weights.keys()].every((a) => last.value(a))
  ) {
    const value = terms.reduce((s, t) => s + (last.value(t.lit) ? t.weight : 0), 0);
    if (value === lower) {
      sat.addUnits([...weights.keys()]);
      return { value, model: last, cores };
    }
  }
  // Assumptions the last model breaks (a core needs one of them) come first: a call then meets
  // its core after propagating few assumptions.
  // Flags by literal rather than a set: read for every assumption of every call.
  const broken = new Uint8Array(2 * sat.variables);
  if (last !== undefined)
    weights.forEach((_, a) => {
      if (a >> 1 < last.variables && !last.value(a)) broken[a] = 1;
    });
  // Once a call found its cores by propagation alone (no decision), the order has no search to
  // shorten, but it decides what the next call assumes again: the engine keeps the levels up to
  // the first assumption that changed, and a relaxed core held one or two of the broken ones,
  // near the front, so each of `version-age`'s forty calls at cone 5,000 re-assumed the 14,000
  // after them to find one core. In literal order (the encoder's, package by package) most of
  // those calls keep most of their levels: 1.28M → 0.71M propagations in that step, the same
  // cost vectors and solutions. `deprecated`'s calls decide, and keep the broken ones first.
  let grouped = true;
  for (;;) {
    let added = false;
    const assumptions = sortedKeys(weights, grouped ? broken : undefined);
    const decisions = sat.stats.decisions;
    const answer = sat.solveCores(assumptions);
    if (answer === "unsat" && sat.stats.decisions === decisions) grouped = false;
    for (const a of sat.skippedAssumptions) if (relax([a])) added = true;
    if (answer === "sat" && !added) {
      const model = sat.model();
      const value = terms.reduce((s, t) => s + (model.value(t.lit) ? t.weight : 0), 0);
      if (value !== lower)
        throw new Error(`internal: minimum ${lower} but the model costs ${value}`);
      sat.addUnits([...weights.keys()]);
      return { value, model, cores };
    }
    if (answer === "sat") continue; // a relaxed bound brought a new assumption: solve again
    if (answer !== "unsat" || sat.cores.length === 0)
      throw new Error("internal: the constraints became unsatisfiable during optimisation");
    // The cores as the solver found them (disjoint, so each raises the bound on its own):
    // trimming them by re-solving cost more calls than smaller totalizers saved (bench/README.md).
    // A core holding an assumption the clauses alone refute (skipped, relaxed above) is
    // superseded by that one-literal core.
    for (const core of sat.cores) if (core.every((a) => weights.has(a))) relax([...core]);
  }
}

/**
 * The keys of `weights` in increasing order (those `first` flags, by literal, before the others
 * when given): sorted as numbers in a typed array, since a comparison function per call cost
 * more than the call's propagation (thousands of assumptions, hundreds of calls); `forEach`
 * rather than an iterator, since unoptimised code allocates a result per step.
 */
function sortedKeys(weights: ReadonlyMap<Lit, number>, first?: Uint8Array): Lit[] {
  const keys = new Int32Array(weights.size);
  let n = 0;
  weights.forEach((_, a) => {
    keys[n++] = first === undefined || first[a] === 1 ? a : a | HELD;
  });
  keys.sort();
  const out: Lit[] = new Array(n);
  for (let i = 0; i < n; i++) out[i] = keys[i]! & ~HELD;
  return out;
}
