/**
 * The solver's main loop: validate → encode the cone → satisfiable? → optimise each criterion →
 * read the solution back; or, when nothing satisfies the request, explain why.
 */
import { type EncodedPackage, type Encoding, encode } from "./encode.js";
import { type Explanation, explain } from "./explain.js";
import { optimize, type PhaseTiming } from "./optimize.js";
import type { Request } from "./request.js";
import type { EngineChoice, Model, SatStats } from "./sat/engine.js";
import {
  type CostEntry,
  CRITERIA,
  type Solution,
  type SolvedDependency,
  type SolvedPackage,
} from "./solution.js";
import type { OptionValue } from "./spec.js";
import { DEPENDENCY_TYPES, type Dependency, type Universe } from "./universe.js";
import { validateRequest } from "./validate-request.js";

/** The answer to a request: an optimal set, or an explanation of why there is none. */
export type SolveResult =
  | {
      readonly satisfiable: true;
      readonly solution: Solution;
      readonly timings: readonly PhaseTiming[];
    }
  | {
      readonly satisfiable: false;
      readonly explanation: Explanation;
      readonly timings: readonly PhaseTiming[];
    };

/** Watches a solve from outside (benchmarks, `--timings`): called as each phase ends. */
export interface SolveObserver {
  /** A phase ended: its name, duration and the SAT solver's counters so far. */
  phase?(timing: PhaseTiming, stats: Readonly<SatStats>): void;
}

/** How to solve: an observer's hooks, and which SAT engine runs (`--engine`). */
export interface SolveOptions extends SolveObserver {
  /**
   * `cdcl` (the default: ours) or `logic-solver` (MiniSat; same answers, slower, and limited to
   * a 64 MiB heap), or a function making an engine (tests wrap engines to cross-check them).
   */
  readonly engine?: EngineChoice;
}

/**
 * Solves a request. Throws `RequestError` when the request names unknown packages, options or
 * values; an unsatisfiable request is a normal result with an explanation.
 */
export function solve(
  universe: Universe,
  request: Request,
  observer: SolveOptions = {},
): SolveResult {
  const engine = observer.engine;
  const timings: PhaseTiming[] = [];
  let stats: Readonly<SatStats> | undefined;
  const ended = (timing: PhaseTiming) => {
    timings.push(timing);
    if (stats) observer.phase?.(timing, stats);
  };
  const timed = <T>(phase: string, f: () => T): T => {
    const t0 = performance.now();
    const value = f();
    ended({ phase, ms: performance.now() - t0 });
    return value;
  };
  timed("validate", () => validateRequest(universe, request));
  // Request items behind selectors (assumed): when nothing satisfies the request, the same
  // encoding then checks the suggested variants of each item (`explain`) without encoding anew.
  const encoding = timed("encode", () => {
    const e = encode(universe, request, {
      selectors: "request-items",
      ...(engine !== undefined && { engine }),
    });
    stats = e.circuit.sat.stats;
    return e;
  });
  const sat = encoding.circuit.sat;
  const items = encoding.facts.flatMap((f) => (f.selector === undefined ? [] : [f.selector]));
  const first = timed("solve", () => sat.solve(items));
  if (first !== "sat") {
    const explanation = timed("explain", () =>
      explain(
        universe,
        request,
        (s) => {
          stats = s;
        },
        encoding,
        engine,
      ),
    );
    return { satisfiable: false, explanation, timings };
  }
  // From now on every request item holds.
  for (const selector of items) encoding.circuit.clause([selector]);
  const optimum = optimize(encoding, sat.model(), ended);
  const solution = timed("extract", () => readSolution(encoding, optimum.model, optimum.values));
  return { satisfiable: true, solution, timings };
}

/** Reads the chosen set back from a model. */
export function readSolution(
  encoding: Encoding,
  model: Model,
  values: ReadonlyMap<string, number>,
): Solution {
  const present: EncodedPackage[] = [];
  encoding.packages.forEach((p) => {
    if (model.value(p.present)) present.push(p);
  });
  const provides = new Map<string, string[]>();
  for (let i = 0; i < present.length; i++) {
    const p = present[i]!;
    // Most packages provide nothing: no set, no sort (this runs once, mostly unoptimised).
    if ((p.pkg?.provides.length ?? 0) === 0 && (p.external?.provides.length ?? 0) === 0) continue;
    const candidates = new Set([
      ...(p.pkg?.provides ?? []).map((x) => x.virtual),
      ...(p.external?.provides ?? []),
    ]);
    const list = [...candidates].sort().filter((v) => model.value(encoding.provides(p.name, v)));
    provides.set(p.name, list);
  }
  // A package providing a requested virtual is a root (docs/solver.md).
  const requested = new Set<string>();
  for (const { fact } of encoding.facts)
    if (fact.kind === "request" && !fact.item.constraintOnly) requested.add(fact.item.spec.name!);
  // The present packages providing each virtual, in `present` order (for virtual dependencies).
  const providers = new Map<string, EncodedPackage[]>();
  for (const p of present)
    for (const v of provides.get(p.name) ?? []) {
      const list = providers.get(v);
      if (list) list.push(p);
      else providers.set(v, [p]);
    }
  const packages: SolvedPackage[] = present.map((p) => {
    const external = p.externalVar !== undefined && model.value(p.externalVar);
    const chosen = p.versions.find((v) => model.value(v.variable));
    const options = new Map<string, OptionValue>();
    if (external) {
      for (const [k, v] of [...p.external!.options].sort(([a], [b]) => (a < b ? -1 : 1)))
        options.set(k, v);
    } else {
      for (const o of p.options) {
        const value = o.values.find((v) => model.value(v.variable));
        if (value && model.value(o.exists)) options.set(o.decl.name, value.value);
      }
    }
    return {
      name: p.name,
      version: external ? p.external!.version : chosen!.entry.version,
      options,
      root: p.root || (provides.get(p.name) ?? []).some((v) => requested.has(v)),
      ...(external && { external: { prefix: p.external!.prefix } }),
      deprecated: !external && chosen!.entry.deprecated,
      depends: external ? [] : edges(encoding, model, p, providers),
      provides: provides.get(p.name) ?? [],
    };
  });
  const cost: CostEntry[] = CRITERIA.map((criterion) => ({
    criterion,
    value: values.get(criterion) ?? 0,
  }));
  // The encoder declares the cone in name order, so this is nearly always sorted already: a
  // check is one pass, where a sort called its comparison 50,000 times at cone 5,000.
  let sorted = true;
  for (let i = 1; i < packages.length && sorted; i++)
    sorted = packages[i - 1]!.name < packages[i]!.name;
  return {
    packages: sorted ? packages : packages.sort((a, b) => (a.name < b.name ? -1 : 1)),
    roots: packages.filter((p) => p.root).map((p) => p.name),
    cost,
  };
}

/** The dependency edges of a built package: each active `depends` entry and what meets it. */
function edges(
  encoding: Encoding,
  model: Model,
  p: EncodedPackage,
  providers: ReadonlyMap<string, readonly EncodedPackage[]>,
): SolvedDependency[] {
  // One edge per package met, whatever the number of entries and virtuals it meets. A list
  // searched in place, not a map: a package has a few edges, and this runs for every package of
  // the set, once per process, mostly unoptimised.
  const out: SolvedDependency[] = [];
  const add = (name: string, d: Dependency, virtual?: string) => {
    let at = 0;
    while (at < out.length && out[at]!.name !== name) at++;
    const seen = out[at];
    if (seen === undefined) {
      out.push({ name, types: d.types, virtuals: virtual ? [virtual] : [], location: d.location });
      return;
    }
    const types = new Set([...seen.types, ...d.types]);
    const virtuals = [...new Set([...seen.virtuals, ...(virtual ? [virtual] : [])])].sort();
    out[at] = {
      name,
      types: DEPENDENCY_TYPES.filter((t) => types.has(t)),
      virtuals,
      location: seen.location,
    };
  };
  const active = encoding.dependsActive(p.name);
  const depends = p.pkg?.depends ?? [];
  // Indexed loops: this runs once per process, unoptimised, where `for … of` allocates per step.
  for (let i = 0; i < depends.length; i++) {
    const d = depends[i]!;
    if (!model.value(active[i]!)) continue;
    const target = d.spec.name!;
    if (encoding.packages.has(target)) {
      add(target, d);
    } else {
      for (const q of providers.get(target) ?? []) add(q.name, d, target);
    }
  }
  let sorted = true;
  for (let i = 1; i < out.length && sorted; i++) sorted = out[i - 1]!.name < out[i]!.name;
  return sorted ? out : out.sort((a, b) => (a.name < b.name ? -1 : 1));
}
