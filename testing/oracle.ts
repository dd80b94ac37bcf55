/**
 * A brute-force reference solver, written from docs/solver.md alone: the SAT-based solver is
 * tested against it. It shares no code with the solver beyond the data types, `satisfies` and the
 * version order.
 *
 * `oracleSolve` searches every set over the packages that can matter (see `oracleReachable`):
 * each is absent or one of its configurations. The search prunes a branch only in ways that cannot
 * lose the optimum: constraint propagation (a value is removed when no choice of the other packages
 * a rule mentions can satisfy the rule) and a cost bound (the cost vector is a sum of one vector
 * per package, so partial cost + the componentwise minimum of each undecided package's choices is
 * a lower bound). `checkSet` and `computeCost` recompute validity and cost of a finished set
 * directly from the documentation, independently of the search, so that the two cross-check.
 */
import type { Request } from "../solver/request.js";
import { type CostEntry, CRITERIA, type Criterion } from "../solver/solution.js";
import {
  type Configuration,
  type OptionValue,
  printSpec,
  type Spec,
  satisfies,
} from "../solver/spec.js";
import type { Package, Universe } from "../solver/universe.js";
import { Version } from "../solver/version.js";

/** One package of a set: a version, the value of each option it has, and whether it is external. */
export interface OracleEntry {
  readonly version: string;
  readonly options: Map<string, OptionValue>;
  readonly external: boolean;
}

/** A package set: present packages by name (absent packages are not in the map). */
export type OracleSet = Map<string, OracleEntry>;

/**
 * Rules to leave unchecked, to test that an explanation's facts are minimal.
 * - `requestItems`: indexes into `request.items`;
 * - `depends`, `conflicts`: `"<package>#<index in pkg.depends / pkg.conflicts>"`;
 * - `optionExistence`: `"<package>#<option name>"`: the option-existence rule of a conditional
 *   option ("it has no value where its `when` does not hold") is dropped, so the option may also
 *   have a value where its `when` does not hold (it still has one where the `when` holds).
 */
export interface OracleRuleSet {
  readonly requestItems?: ReadonlySet<number>;
  readonly depends?: ReadonlySet<string>;
  readonly conflicts?: ReadonlySet<string>;
  readonly optionExistence?: ReadonlySet<string>;
}

export type OracleResult =
  | { readonly satisfiable: false }
  | { readonly satisfiable: true; readonly cost: CostEntry[]; readonly set: OracleSet };

export interface OracleOptions {
  readonly disabled?: OracleRuleSet;
}

// ---------------------------------------------------------------------------------------------
// Configurations

/**
 * Every built configuration of a package: each declared version (newest first) × each assignment
 * of a value or no value to each option, kept when option existence (the option's `when` evaluated
 * with `satisfies` on the whole assignment) agrees with which options have a value.
 */
export function builtConfigurations(pkg: Package, disabled: OracleRuleSet = {}): Configuration[] {
  const out: Configuration[] = [];
  const choices: (OptionValue | undefined)[][] = pkg.options.map((o) => [...o.values, undefined]);
  for (const pv of pkg.versions) {
    const assign = (i: number, values: Map<string, OptionValue>): void => {
      if (i === pkg.options.length) {
        const config: Configuration = {
          name: pkg.name,
          version: pv.version,
          options: new Map(values),
        };
        if (optionProblems(pkg, config, disabled).length === 0) out.push(config);
        return;
      }
      const option = pkg.options[i]!;
      for (const value of choices[i]!) {
        if (value === undefined) values.delete(option.name);
        else values.set(option.name, value);
        assign(i + 1, values);
      }
      values.delete(option.name);
    };
    assign(0, new Map());
  }
  return out;
}

/** What is wrong with the options of a built configuration (unknown, bad values, existence). */
function optionProblems(pkg: Package, config: Configuration, disabled: OracleRuleSet): string[] {
  const problems: string[] = [];
  for (const [name, value] of config.options) {
    const option = pkg.options.find((o) => o.name === name);
    if (!option) problems.push(`${pkg.name} has a value for "${name}", which it does not declare`);
    else if (!option.values.includes(value))
      problems.push(`${pkg.name}: ${JSON.stringify(value)} is not a value of option "${name}"`);
  }
  for (const option of pkg.options) {
    const exists = option.when === undefined || satisfies(config, option.when);
    const has = config.options.has(option.name);
    if (exists && !has)
      problems.push(`${pkg.name}: option "${option.name}" exists here but has no value`);
    if (!exists && has && !disabled.optionExistence?.has(`${pkg.name}#${option.name}`))
      problems.push(
        `${pkg.name}: option "${option.name}" has a value where its condition "${printSpec(option.when!)}" does not hold`,
      );
  }
  return problems;
}

/** Whether a name is a package: it has a constraint file, or the request declares an external. */
function isPackageName(universe: Universe, request: Request, name: string): boolean {
  return universe.packages.has(name) || request.externals.some((e) => e.name === name);
}

/** The virtuals a configuration provides: its package's matching `provides`, and an external's own. */
function providedBy(
  universe: Universe,
  request: Request,
  config: Configuration,
  external: boolean,
): Set<string> {
  const out = new Set<string>();
  const pkg = universe.packages.get(config.name);
  for (const p of pkg?.provides ?? []) {
    if (p.when === undefined || satisfies(config, p.when)) out.add(p.virtual);
  }
  if (external) {
    for (const e of request.externals) {
      if (e.name === config.name && e.version.text === config.version.text) {
        if (sameOptions(e.options, config.options)) for (const v of e.provides) out.add(v);
      }
    }
  }
  return out;
}

function sameOptions(
  a: ReadonlyMap<string, OptionValue>,
  b: ReadonlyMap<string, OptionValue>,
): boolean {
  if (a.size !== b.size) return false;
  for (const [k, v] of a) if (!b.has(k) || b.get(k) !== v) return false;
  return true;
}

/**
 * The rank of a version: how many declared versions come before it in the preference order
 * (newest first; with a preference range, the versions in it first, newest first, then the rest).
 */
export function versionRank(pkg: Package, request: Request, version: string): number {
  const newestFirst = [...pkg.versions].sort((a, b) => b.version.compare(a.version));
  const range = request.versionPreferences.get(pkg.name);
  const order = range
    ? [
        ...newestFirst.filter((v) => range.contains(v.version)),
        ...newestFirst.filter((v) => !range.contains(v.version)),
      ]
    : newestFirst;
  return order.findIndex((v) => v.version.text === version);
}

// ---------------------------------------------------------------------------------------------
// Independent checks of a finished set

function entryConfig(name: string, entry: OracleEntry): Configuration | undefined {
  if (!Version.isValid(entry.version)) return undefined;
  return { name, version: Version.parse(entry.version), options: entry.options };
}

/**
 * Every rule a set breaks, in words (empty: the set is valid): unknown packages, versions, options
 * and values, option existence, externals that do not match the request's, request items,
 * `[[depends]]` and `[[conflicts]]` entries. One configuration per package holds by construction.
 */
export function checkSet(
  universe: Universe,
  request: Request,
  set: OracleSet,
  disabled: OracleRuleSet = {},
): string[] {
  const problems: string[] = [];
  const configs = new Map<string, { config: Configuration; external: boolean }>();
  for (const [name, entry] of set) {
    const config = entryConfig(name, entry);
    if (!config) {
      problems.push(`${name}: "${entry.version}" is not a version`);
      continue;
    }
    if (entry.external) {
      const declared = request.externals.some(
        (e) =>
          e.name === name &&
          e.version.text === entry.version &&
          sameOptions(e.options, entry.options),
      );
      if (!declared)
        problems.push(`${name}: no external of the request has this version and these options`);
    } else {
      const pkg = universe.packages.get(name);
      if (!pkg) {
        problems.push(
          isPackageName(universe, request, name)
            ? `${name} has no constraint file: it can only be external`
            : `"${name}" is not a package`,
        );
        continue;
      }
      if (!pkg.versions.some((v) => v.version.text === entry.version))
        problems.push(`${name}: version ${entry.version} is not declared`);
      problems.push(...optionProblems(pkg, config, disabled));
    }
    configs.set(name, { config, external: entry.external });
  }
  const provides = (name: string, virtual: string): boolean => {
    const c = configs.get(name)!;
    return providedBy(universe, request, c.config, c.external).has(virtual);
  };
  const providers = (virtual: string): string[] =>
    [...configs.keys()].filter((n) => provides(n, virtual));
  const met = (spec: Spec): boolean => {
    const name = spec.name!;
    if (isPackageName(universe, request, name)) {
      const c = configs.get(name);
      return c !== undefined && satisfies(c.config, spec);
    }
    return providers(name).length > 0;
  };

  request.items.forEach((item, i) => {
    if (disabled.requestItems?.has(i)) return;
    if (!met(item.spec)) problems.push(`request item #${i} "${printSpec(item.spec)}" is not met`);
  });
  for (const [name, { config, external }] of configs) {
    const pkg = universe.packages.get(name);
    if (!pkg || external) continue;
    pkg.depends.forEach((d, i) => {
      if (disabled.depends?.has(`${name}#${i}`)) return;
      if (d.when !== undefined && !satisfies(config, d.when)) return;
      if (!met(d.spec)) problems.push(`${name} depends #${i} "${printSpec(d.spec)}" is not met`);
    });
    pkg.conflicts.forEach((c, i) => {
      if (disabled.conflicts?.has(`${name}#${i}`)) return;
      if (c.when !== undefined && !satisfies(config, c.when)) return;
      const target = c.spec.name!;
      const culprits = isPackageName(universe, request, target)
        ? configs.has(target) && satisfies(configs.get(target)!.config, c.spec)
          ? [target]
          : []
        : providers(target);
      if (culprits.length > 0)
        problems.push(
          `${name} conflicts #${i} "${printSpec(c.spec)}" is violated by ${culprits.join(", ")}`,
        );
    });
  }
  return problems;
}

/** The cost vector of a (valid) set, in `CRITERIA` order, straight from docs/solver.md. */
export function computeCost(universe: Universe, request: Request, set: OracleSet): CostEntry[] {
  const value: Record<Criterion, number> = {
    changes: 0,
    "root-deprecated": 0,
    "root-version-age": 0,
    "root-non-default-options": 0,
    deprecated: 0,
    "version-age": 0,
    "non-default-options": 0,
    "provider-preference": 0,
    packages: 0,
  };
  for (const [name, choice] of request.reuse ?? []) {
    const entry = set.get(name);
    if (
      !entry ||
      entry.version !== choice.version ||
      entry.external !== choice.external ||
      !sameOptions(entry.options, choice.options)
    )
      value.changes++;
  }
  const provided = new Map<string, Set<string>>();
  for (const [name, entry] of set) {
    const config = entryConfig(name, entry);
    provided.set(
      name,
      config ? providedBy(universe, request, config, entry.external) : new Set<string>(),
    );
  }
  const roots = new Set<string>();
  for (const item of request.items) {
    const name = item.spec.name!;
    if (isPackageName(universe, request, name)) {
      if (set.has(name)) roots.add(name);
    } else {
      for (const [p, virtuals] of provided) if (virtuals.has(name)) roots.add(p);
    }
  }
  for (const [name, entry] of set) {
    value.packages++;
    for (const [virtual, list] of request.providerPreferences) {
      if (!provided.get(name)!.has(virtual)) continue;
      const at = list.indexOf(name);
      value["provider-preference"] += at < 0 ? list.length : at;
    }
    if (entry.external) continue;
    const pkg = universe.packages.get(name);
    if (!pkg) continue;
    const pv = pkg.versions.find((v) => v.version.text === entry.version);
    const root = roots.has(name);
    if (pv?.deprecated) value[root ? "root-deprecated" : "deprecated"]++;
    if (pv)
      value[root ? "root-version-age" : "version-age"] += versionRank(
        pkg,
        request,
        pv.version.text,
      );
    for (const option of pkg.options) {
      const v = entry.options.get(option.name);
      if (v !== undefined && v !== option.default)
        value[root ? "root-non-default-options" : "non-default-options"]++;
    }
  }
  return CRITERIA.map((criterion) => ({ criterion, value: value[criterion] }));
}

/** Compares two cost vectors lexicographically (negative: `a` is better). */
export function compareCost(a: readonly CostEntry[], b: readonly CostEntry[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const d = a[i]!.value - b[i]!.value;
    if (d !== 0) return d;
  }
  return a.length - b.length;
}

// ---------------------------------------------------------------------------------------------
// The search

/**
 * The packages the search decides, in breadth-first order: the names of request items and of the
 * reused lockfile, then, transitively, every name in any `[[depends]]` entry of a package (whatever
 * its `when`), and for a virtual every package or external that may provide it. Only names that
 * are packages (constraint file or external) are returned. Any other package can be dropped from a
 * valid set without breaking a rule nor raising a criterion, so the optimum never needs it.
 */
export function oracleReachable(universe: Universe, request: Request): string[] {
  const seen = new Set<string>();
  const order: string[] = [];
  const queue: string[] = [
    ...request.items.map((i) => i.spec.name!),
    ...(request.reuse?.keys() ?? []),
  ];
  while (queue.length > 0) {
    const name = queue.shift()!;
    if (seen.has(name)) continue;
    seen.add(name);
    if (isPackageName(universe, request, name)) {
      order.push(name);
      for (const d of universe.packages.get(name)?.depends ?? []) queue.push(d.spec.name!);
    } else {
      for (const pkg of universe.packages.values())
        if (pkg.provides.some((p) => p.virtual === name)) queue.push(pkg.name);
      for (const e of request.externals) if (e.provides.includes(name)) queue.push(e.name);
    }
  }
  return order;
}

/** A package's configuration in the search, with what the cost and the rules need. */
interface Config extends Configuration {
  readonly external: boolean;
  readonly provides: ReadonlySet<string>;
}

/** One choice for a package: absent (`config` undefined) or a configuration, with its cost. */
interface Choice {
  readonly config: Config | undefined;
  /** The 9 criteria, then the number of built packages (the tie-break). */
  readonly cost: readonly number[];
}

/** A rule over some packages (by position); `test` reads only those positions of `assign`. */
interface Rule {
  readonly positions: readonly number[];
  readonly test: (assign: readonly (Config | undefined)[]) => boolean;
}

/** Where each criterion sits in a cost vector; the search appends the number of built packages. */
const AT = Object.fromEntries(CRITERIA.map((c, i) => [c, i])) as Record<Criterion, number>;
const BUILT = CRITERIA.length;
const WIDTH = CRITERIA.length + 1;
/** Above this many combinations of the other packages, a rule is not used to filter at the start. */
const SUPPORT_LIMIT = 20_000;

function lexCompare(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < a.length; i++) {
    const d = a[i]! - b[i]!;
    if (d !== 0) return d;
  }
  return 0;
}

function add(a: readonly number[], b: readonly number[]): number[] {
  return a.map((x, i) => x + b[i]!);
}

/**
 * The optimal set of docs/solver.md, by exhaustive search: unsatisfiable, or the lexicographically
 * smallest cost vector and a set achieving it (among those, one with the fewest built packages).
 */
export function oracleSolve(
  universe: Universe,
  request: Request,
  options: OracleOptions = {},
): OracleResult {
  const disabled = options.disabled ?? {};
  const names = oracleReachable(universe, request);
  const position = new Map(names.map((n, i) => [n, i]));
  const isPackage = (n: string) => isPackageName(universe, request, n);

  // Roots: names of items naming a package, and providers of requested virtuals.
  const rootNames = new Set<string>();
  const requestedVirtuals = new Set<string>();
  for (const item of request.items) {
    const n = item.spec.name!;
    if (isPackage(n)) rootNames.add(n);
    else requestedVirtuals.add(n);
  }

  const costOf = (name: string, config: Config | undefined): number[] => {
    const v = new Array<number>(WIDTH).fill(0);
    const reuse = request.reuse?.get(name);
    if (
      reuse &&
      (!config ||
        config.version.text !== reuse.version ||
        config.external !== reuse.external ||
        !sameOptions(config.options, reuse.options))
    )
      v[AT.changes] = 1;
    if (!config) return v;
    v[AT.packages] = 1;
    for (const [virtual, list] of request.providerPreferences) {
      if (!config.provides.has(virtual)) continue;
      const at = list.indexOf(name);
      v[AT["provider-preference"]]! += at < 0 ? list.length : at;
    }
    if (config.external) return v;
    v[BUILT] = 1;
    const pkg = universe.packages.get(name)!;
    const root = rootNames.has(name) || [...config.provides].some((x) => requestedVirtuals.has(x));
    const pv = pkg.versions.find((x) => x.version.text === config.version.text)!;
    if (pv.deprecated) v[AT[root ? "root-deprecated" : "deprecated"]]!++;
    v[AT[root ? "root-version-age" : "version-age"]]! += versionRank(pkg, request, pv.version.text);
    for (const o of pkg.options) {
      const value = config.options.get(o.name);
      if (value !== undefined && value !== o.default)
        v[AT[root ? "root-non-default-options" : "non-default-options"]]!++;
    }
    return v;
  };

  // Every choice of every package, cheapest first.
  const choices: Choice[][] = names.map((name) => {
    const configs: Config[] = [];
    const pkg = universe.packages.get(name);
    if (pkg) {
      for (const c of builtConfigurations(pkg, disabled))
        configs.push({ ...c, external: false, provides: providedBy(universe, request, c, false) });
    }
    for (const e of request.externals) {
      if (e.name !== name) continue;
      const c: Configuration = { name, version: e.version, options: e.options };
      configs.push({ ...c, external: true, provides: providedBy(universe, request, c, true) });
    }
    const list: Choice[] = [undefined, ...configs].map((config) => ({
      config,
      cost: costOf(name, config),
    }));
    return list.sort((a, b) => lexCompare(a.cost, b.cost));
  });

  // Lockfile names that cannot be present at all are a change whatever the set.
  const constant = new Array<number>(WIDTH).fill(0);
  for (const name of request.reuse?.keys() ?? []) if (!position.has(name)) constant[AT.changes]!++;

  // The rules, over positions.
  const rules: Rule[] = [];
  const providerPositions = (virtual: string): number[] =>
    names.map((_, i) => i).filter((i) => choices[i]!.some((c) => c.config?.provides.has(virtual)));
  /** A test that `spec` is met (package: present and matching; virtual: provided). */
  const meets = (spec: Spec): { positions: number[]; test: Rule["test"] } => {
    const name = spec.name!;
    if (isPackage(name)) {
      const at = position.get(name);
      if (at === undefined) return { positions: [], test: () => false };
      return {
        positions: [at],
        test: (a) => {
          const c = a[at];
          return c !== undefined && satisfies(c, spec);
        },
      };
    }
    const at = providerPositions(name);
    return { positions: at, test: (a) => at.some((i) => a[i]?.provides.has(name) === true) };
  };
  /** A test that nothing present matches `spec` (for a virtual: nothing provides it). */
  const avoids = (spec: Spec): { positions: number[]; test: Rule["test"] } => {
    const name = spec.name!;
    if (isPackage(name)) {
      const at = position.get(name);
      if (at === undefined) return { positions: [], test: () => true };
      return {
        positions: [at],
        test: (a) => {
          const c = a[at];
          return c === undefined || !satisfies(c, spec);
        },
      };
    }
    const at = providerPositions(name);
    return { positions: at, test: (a) => !at.some((i) => a[i]?.provides.has(name) === true) };
  };
  const rule = (positions: number[], test: Rule["test"]): void => {
    rules.push({ positions: [...new Set(positions)].sort((x, y) => x - y), test });
  };

  request.items.forEach((item, i) => {
    if (disabled.requestItems?.has(i)) return;
    const m = meets(item.spec);
    rule(m.positions, m.test);
  });
  names.forEach((name, p) => {
    const pkg = universe.packages.get(name);
    if (!pkg) return;
    /** Whether the entry applies: P present, built, and matching `when`. */
    const active = (a: readonly (Config | undefined)[], when: Spec | undefined): boolean => {
      const c = a[p];
      return c !== undefined && !c.external && (when === undefined || satisfies(c, when));
    };
    pkg.depends.forEach((d, i) => {
      if (disabled.depends?.has(`${name}#${i}`)) return;
      const m = meets(d.spec);
      rule([p, ...m.positions], (a) => !active(a, d.when) || m.test(a));
    });
    pkg.conflicts.forEach((c, i) => {
      if (disabled.conflicts?.has(`${name}#${i}`)) return;
      const m = avoids(c.spec);
      rule([p, ...m.positions], (a) => !active(a, c.when) || m.test(a));
    });
  });

  // Domains: indexes into `choices`, kept in cost order.
  const n = names.length;
  let domains: number[][] = choices.map((list) => list.map((_, i) => i));
  const assign: (Config | undefined)[] = new Array<Config | undefined>(n).fill(undefined);

  // Rules on no package decide alone; rules on one package filter its domain.
  for (const r of rules) {
    if (r.positions.length === 0 && !r.test(assign)) return { satisfiable: false };
    if (r.positions.length === 1) {
      const at = r.positions[0]!;
      domains[at] = domains[at]!.filter((ci) => {
        assign[at] = choices[at]![ci]!.config;
        return r.test(assign);
      });
      assign[at] = undefined;
    }
  }
  domains = propagate(rules, choices, domains, assign);
  if (domains.some((d) => d.length === 0)) return { satisfiable: false };

  // Forward checking: once all positions of a rule but the last are decided, filter the last.
  const forward: Rule[][] = names.map(() => []);
  for (const r of rules) {
    if (r.positions.length >= 2) forward[r.positions[r.positions.length - 2]!]!.push(r);
  }

  const minOf = (domain: readonly number[], at: number): number[] => {
    const m = new Array<number>(WIDTH).fill(Number.POSITIVE_INFINITY);
    for (const ci of domain) {
      const cost = choices[at]![ci]!.cost;
      for (let j = 0; j < WIDTH; j++) m[j] = Math.min(m[j]!, cost[j]!);
    }
    return m;
  };
  const restBound = (ds: readonly (readonly number[])[], from: number): number[] => {
    let sum = new Array<number>(WIDTH).fill(0);
    for (let u = from; u < n; u++) sum = add(sum, minOf(ds[u]!, u));
    return sum;
  };

  let best: number[] | undefined;
  let bestChoice: number[] = [];
  const picked: number[] = new Array<number>(n).fill(0);

  const search = (k: number, ds: readonly (readonly number[])[], partial: number[]): void => {
    if (k === n) {
      if (best === undefined || lexCompare(partial, best) < 0) {
        best = partial;
        bestChoice = [...picked];
      }
      return;
    }
    const rest = restBound(ds, k + 1);
    for (const ci of ds[k]!) {
      const choice = choices[k]![ci]!;
      const cost = add(partial, choice.cost);
      // Choices are in cost order, so once one cannot beat the best, none after it can.
      if (best !== undefined && lexCompare(add(cost, rest), best) >= 0) break;
      assign[k] = choice.config;
      picked[k] = ci;
      let next: (readonly number[])[] | undefined = [...ds];
      for (const r of forward[k]!) {
        const last = r.positions[r.positions.length - 1]!;
        const kept = next[last]!.filter((cj) => {
          assign[last] = choices[last]![cj]!.config;
          return r.test(assign);
        });
        assign[last] = undefined;
        if (kept.length === 0) {
          next = undefined;
          break;
        }
        next[last] = kept;
      }
      if (next === undefined) continue;
      if (best !== undefined && lexCompare(add(cost, restBound(next, k + 1)), best) >= 0) continue;
      search(k + 1, next, cost);
    }
    assign[k] = undefined;
  };
  search(0, domains, constant);

  if (best === undefined) return { satisfiable: false };
  const finalCost = best;
  const set: OracleSet = new Map();
  const present = names
    .map((name, i) => ({ name, config: choices[i]![bestChoice[i]!]!.config }))
    .filter((x) => x.config !== undefined)
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const { name, config } of present) {
    set.set(name, {
      version: config!.version.text,
      options: new Map([...config!.options].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))),
      external: config!.external,
    });
  }
  return {
    satisfiable: true,
    cost: CRITERIA.map((criterion, i) => ({ criterion, value: finalCost[i]! })),
    set,
  };
}

/**
 * Removes the choices no combination of the other packages of some rule supports (generalised
 * arc consistency), until nothing changes. Sound: a removed choice is in no valid set. Rules whose
 * other packages have too many combinations are skipped (they are still checked by the search).
 */
function propagate(
  rules: readonly Rule[],
  choices: readonly (readonly Choice[])[],
  start: number[][],
  assign: (Config | undefined)[],
): number[][] {
  const domains = start.map((d) => [...d]);
  let changed = true;
  while (changed) {
    changed = false;
    for (const r of rules) {
      if (r.positions.length < 2) continue;
      for (const u of r.positions) {
        const others = r.positions.filter((x) => x !== u);
        const combinations = others.reduce((acc, o) => acc * domains[o]!.length, 1);
        if (combinations > SUPPORT_LIMIT) continue;
        const supported = (i: number): boolean => {
          if (i === others.length) return r.test(assign);
          const o = others[i]!;
          for (const cj of domains[o]!) {
            assign[o] = choices[o]![cj]!.config;
            if (supported(i + 1)) return true;
          }
          return false;
        };
        const kept = domains[u]!.filter((ci) => {
          assign[u] = choices[u]![ci]!.config;
          return supported(0);
        });
        for (const p of r.positions) assign[p] = undefined;
        if (kept.length !== domains[u]!.length) {
          domains[u] = kept;
          changed = true;
          if (kept.length === 0) return domains;
        }
      }
    }
  }
  return domains;
}
