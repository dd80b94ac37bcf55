/**
 * Universe + Request → SAT, over the request's cone only.
 *
 * Variables have readable names (as in Meteor's constraint solver):
 *   `s6`                 s6 is in the set
 *   `s6 2.13.1.0`        s6 is built at version 2.13.1.0
 *   `s6 (external)`      s6 is the host's external
 *   `s6 has execline`    option execline exists in s6's configuration
 *   `s6 +execline`, `s6 ~execline`, `s6-networking ssl=bearssl`   option values
 *
 * Hard constraints tie these together (present ⇔ some version; a value needs its option to exist;
 * an existing option has a value). Everything a user could relax is a `Fact`: request items,
 * `depends` and `conflicts` entries, the one-configuration rule and the option-existence rule. In
 * explanation mode each fact is guarded by a selector variable so that subsets can be assumed.
 *
 * Versions have an order encoding besides their own variables (when one configuration is a hard
 * rule): `s6 ≤2.12.0.0` holds when s6 is built at 2.12.0.0 or an older version. A range is then one
 * or two ladder literals (one version: its own variable) instead of a disjunction plus a clause
 * per version outside it, unit propagation reasons on ranges as PubGrub does, and the rungs are
 * the version-age cost terms (`s6 ≤2.12.0.0` costs one when 2.12.0.0 is the second choice), so
 * every cost term has weight 1 and the optimiser's cores stay small.
 */
import type { SourceLocation } from "../common/errors.js";
import { constraintAbove, constraintBelow, type VersionRange } from "./range.js";
import { type Cone, reachableCone } from "./reachable.js";
import type { External, Request, RequestItem } from "./request.js";
import { Circuit, type Lit } from "./sat/circuit.js";
import { type EngineChoice, neg } from "./sat/engine.js";
import { createEngine } from "./sat/engines.js";
import { CRITERIA, type Criterion } from "./solution.js";
import { type OptionValue, printSpec, type Spec } from "./spec.js";
import type { Dependency, Package, PackageOption, PackageVersion, Universe } from "./universe.js";

type F = Lit;

/** A relaxable statement of the user's input, cited in explanations. */
export type Fact =
  | { readonly kind: "request"; readonly index: number; readonly item: RequestItem }
  | { readonly kind: "depends"; readonly package: string; readonly index: number }
  | { readonly kind: "conflicts"; readonly package: string; readonly index: number }
  | { readonly kind: "one-configuration"; readonly package: string }
  | { readonly kind: "option-exists"; readonly package: string; readonly option: string };

/** A fact and, in explanation mode, its selector variable. */
export interface EncodedFact {
  readonly fact: Fact;
  readonly selector?: Lit;
  readonly location: SourceLocation;
}

/** One built version's variable and its rank in the preference order (0 = most preferred). */
export interface EncodedVersion {
  readonly entry: PackageVersion;
  readonly variable: Lit;
  readonly rank: number;
}

/** One option's existence and value variables. */
export interface EncodedOption {
  readonly decl: PackageOption;
  readonly exists: Lit;
  readonly values: readonly { readonly value: OptionValue; readonly variable: Lit }[];
}

/** The variables of one package of the cone. */
export interface EncodedPackage {
  readonly name: string;
  /** Absent for a package known only as an external. */
  readonly pkg?: Package;
  readonly external?: External;
  readonly present: Lit;
  /** Some built version is chosen (present and not external); without an external, `present`. */
  readonly built: F;
  readonly versions: readonly EncodedVersion[];
  readonly externalVar?: Lit;
  readonly options: readonly EncodedOption[];
  /** Whether a request item names it directly. */
  readonly root: boolean;
}

/** An encoded package and the encoder's conditions on its configuration. */
interface Declared extends EncodedPackage {
  /** `configLit`'s literals, by spec object. */
  readonly configs: Map<Spec, Lit>;
}

/** A weighted sum to minimise: one optimisation criterion. */
export interface CostFunction {
  readonly criterion: Criterion | "builds";
  readonly terms: readonly { readonly lit: Lit; readonly weight: number }[];
  /** Added to the weighted sum (e.g. lockfile packages outside the cone always count as changed). */
  readonly constant: number;
}

/** The SAT problem of one request. */
export interface Encoding {
  /** The SAT problem: named variables, gates and clauses. */
  readonly circuit: Circuit;
  readonly cone: Cone;
  readonly packages: ReadonlyMap<string, EncodedPackage>;
  /**
   * Every fact, in encoding order, when `selectors` is true; otherwise the request items only:
   * the other facts are then plain clauses that nothing needs to cite.
   */
  readonly facts: readonly EncodedFact[];
  /** In optimisation order, the tie-break ("builds") last. */
  readonly costs: readonly CostFunction[];
  /** Literal: package `name` provides virtual `virtual` in the chosen configuration. */
  provides(name: string, virtual: string): F;
  /** Literal: some package of the set matches the named spec (for a virtual: provides it). */
  matches(spec: Spec): F;
  /** Literal: package `name`'s configuration matches the anonymous spec `cond` (and it is built). */
  builtMatches(name: string, cond: Spec | undefined): F;
  /**
   * Per `depends` entry of package `name`, in order, the literal "built and matching the entry's
   * `when`" (its `builtMatches`), kept from the encoding: reading a solution needs no gate lookup.
   */
  dependsActive(name: string): readonly Lit[];
}

/** How to encode. */
export interface EncodeOptions {
  /** Guard every fact with a selector variable instead of requiring it (for explanations). */
  readonly selectors?: boolean | "request-items";
  /** Encode these names too, beyond the request's cone (for check and why-not). */
  readonly extraNames?: readonly string[];
  /**
   * Build the cost functions (default true). Explanations and installability checks only ask
   * whether a set exists; the version-age ladders alone are a tenth of the clauses.
   */
  readonly costs?: boolean;
  /** The SAT engine that gets the clauses (default `cdcl`). */
  readonly engine?: EngineChoice;
}

/** Builds the SAT problem for `request` over `universe`. The request must be validated first. */
export function encode(
  universe: Universe,
  request: Request,
  options: EncodeOptions = {},
): Encoding {
  return new Encoder(universe, request, options).run();
}

class Encoder {
  private readonly c: Circuit;
  private readonly packages = new Map<string, Declared>();
  private readonly facts: EncodedFact[] = [];
  private readonly cone: Cone;
  private readonly externals: Map<string, External>;
  private readonly rootNames: Set<string>;
  private readonly requestedVirtuals: Set<string>;
  private readonly providesCache = new Map<string, F>();
  /** Gates over one package's choices that already have their range clauses (`choiceSet`). */
  private readonly choiceSets = new Set<Lit>();
  /** `dependsActive`, filled by `encodeRules`. */
  private readonly active = new Map<string, Lit[]>();
  /**
   * Per package with built versions, its ladder (order encoding): rung k holds when the chosen
   * built version is `versions[k]` or older. Rung 0 is `built`, rung n (past the oldest) FALSE.
   */
  private readonly ladders = new Map<string, readonly Lit[]>();
  /** The clause being built (`begin`, `put`, `emit`): its literals and their number. */
  private readonly clauseLits: Lit[] = [];
  private clauseSize = 0;
  /** A condition's literals as `newConfigLit` gathers them, before they are named by one gate. */
  private readonly parts: Lit[] = [];

  constructor(
    private readonly universe: Universe,
    private readonly request: Request,
    private readonly options: EncodeOptions,
  ) {
    this.c = new Circuit(createEngine(options.engine));
    // Packages of a reused solution may stay even when nothing needs them: removing one is a change.
    const kept = [...(request.reuse?.keys() ?? [])].filter(
      (n) => universe.packages.has(n) || request.externals.some((e) => e.name === n),
    );
    this.cone = reachableCone(universe, request, [...(options.extraNames ?? []), ...kept]);
    this.externals = new Map(request.externals.map((e) => [e.name, e]));
    const named = request.items.filter((i) => !i.constraintOnly).map((i) => i.spec.name!);
    this.rootNames = new Set(named.filter((n) => !this.isVirtual(n)));
    this.requestedVirtuals = new Set(named.filter((n) => this.isVirtual(n)));
  }

  run(): Encoding {
    this.reserve();
    for (const name of this.cone.packages) this.declarePackage(name);
    this.declareDecisionOrder();
    // The packages as an array: this runs once, mostly unoptimised, where each step of a
    // `for … of` over a Map allocates.
    const packages = [...this.packages.values()];
    for (let i = 0; i < packages.length; i++) this.encodeStructure(packages[i]!);
    this.request.items.forEach((item, index) => {
      const wanted = this.matches(item.spec);
      const guard = this.selectorOf({ kind: "request", index, item }, item.location);
      if (wanted !== this.c.TRUE) this.c.clause([wanted], guard);
    });
    for (let i = 0; i < packages.length; i++) this.encodeRules(packages[i]!);
    // Every way of providing is a gate before any model is read (readSolution evaluates them).
    for (let i = 0; i < packages.length; i++) {
      const p = packages[i]!;
      const provided = p.pkg?.provides ?? [];
      for (let k = 0; k < provided.length; k++) this.provides(p.name, provided[k]!.virtual);
      const external = p.external?.provides ?? [];
      for (let k = 0; k < external.length; k++) this.provides(p.name, external[k]!);
    }
    const costs = this.options.costs === false ? [] : this.costFunctions(packages);
    return {
      circuit: this.c,
      cone: this.cone,
      packages: this.packages,
      facts: this.facts,
      costs,
      provides: (n, v) => this.provides(n, v),
      matches: (s) => this.matches(s),
      builtMatches: (n, cond) => this.builtMatches(this.packages.get(n)!, cond),
      dependsActive: (n) => this.active.get(n) ?? [],
    };
  }

  /**
   * The solver decides packages as PubGrub does: dependents before their dependencies (reverse
   * post-order of a depth-first walk from the request), a package nothing decided so far needs
   * is absent, a needed one takes its most preferred version the ranges still allow (one not
   * deprecated if it can), then its options their preferred values.
   */
  private declareDecisionOrder(): void {
    const done = new Set<string>();
    const post: string[] = [];
    const visit = (root: string) => {
      // Children: the dependencies in order, then a virtual's providers; `next` is the cursor.
      const stack: {
        name: string;
        depends: readonly Dependency[];
        providers: readonly { package: string }[];
        next: number;
      }[] = [];
      const enter = (name: string) => {
        if (done.has(name)) return;
        done.add(name);
        const depends = this.universe.packages.get(name)?.depends ?? [];
        const providers = this.universe.virtuals.get(name) ?? [];
        stack.push({ name, depends, providers, next: 0 });
      };
      enter(root);
      while (stack.length > 0) {
        const top = stack[stack.length - 1]!;
        const i = top.next++;
        if (i < top.depends.length) enter(top.depends[i]!.spec.name!);
        else if (i - top.depends.length < top.providers.length)
          enter(top.providers[i - top.depends.length]!.package);
        else {
          stack.pop();
          post.push(top.name);
        }
      }
    };
    for (const item of this.request.items) visit(item.spec.name!);
    for (const name of this.cone.packages) visit(name);
    for (let i = post.length - 1; i >= 0; i--) {
      const p = this.packages.get(post[i]!);
      if (!p) continue;
      // By rank (ranks number the versions from 0), deprecated versions last: the optimisation
      // counts them before version age.
      const versions = p.versions;
      const byRank: EncodedVersion[] = new Array(versions.length);
      for (let k = 0; k < versions.length; k++) byRank[versions[k]!.rank] = versions[k]!;
      const choices: Lit[] = [];
      for (let k = 0; k < byRank.length; k++)
        if (!byRank[k]!.entry.deprecated) choices.push(byRank[k]!.variable);
      for (let k = 0; k < byRank.length; k++)
        if (byRank[k]!.entry.deprecated) choices.push(byRank[k]!.variable);
      if (p.externalVar !== undefined) choices.push(p.externalVar);
      const values: Lit[] = [];
      for (let k = 0; k < p.options.length; k++) {
        const o = p.options[k]!;
        for (let j = 0; j < o.values.length; j++) values.push(o.values[j]!.variable);
      }
      this.c.sat.addDecisionGroup(p.present, choices, values);
    }
  }

  private isVirtual(name: string): boolean {
    return this.cone.virtuals.includes(name) && !this.universe.packages.has(name);
  }

  private declarePackage(name: string): void {
    const pkg = this.universe.packages.get(name);
    const external = this.externals.get(name);
    const preferred = this.request.versionPreferences.get(name);
    const all = pkg?.versions ?? [];
    // Versions are stored newest first: without preferences that is already the order.
    const sorted = newestFirst(all);
    const ordered =
      preferred === undefined && sorted
        ? all
        : [...all].sort((a, b) => {
            const pa = preferred?.contains(a.version) ? 0 : 1;
            const pb = preferred?.contains(b.version) ? 0 : 1;
            return pa - pb || b.version.compare(a.version);
          });
    const c = this.c;
    // Names hold no space but the ones put here, so each is new (`named` skips the lookup).
    const present = c.named(name);
    const versions = all.map((entry, k) => ({
      entry,
      variable: c.named(name, entry.version.text),
      rank: ordered === all ? k : ordered.indexOf(entry),
    }));
    // Without an external, being present is being built: one variable rather than a gate
    // equivalent to it (at cone 2,000, 2,000 variables and 16,000 clauses fewer, and one literal
    // less to propagate per package).
    const built = external === undefined ? present : c.orOf(versions.map((v) => v.variable));
    // An option without `when` exists exactly when the package is built: no variable of its own.
    const options = (pkg?.options ?? []).map((decl) => ({
      decl,
      exists: decl.when ? c.named(name, decl.name, " has ") : built,
      values: decl.values.map((value) => ({
        value,
        variable:
          typeof value === "boolean"
            ? c.named(name, decl.name, value ? " +" : " ~")
            : c.named(name, `${decl.name}=${value}`),
      })),
    }));
    // Search from the preferred configuration: the first model is then close to the optimum.
    for (let k = 0; k < versions.length; k++)
      if (versions[k]!.rank === 0) c.sat.setPhase(versions[k]!.variable);
    for (let i = 0; i < options.length; i++) {
      const o = options[i]!;
      for (let k = 0; k < o.values.length; k++)
        if (o.values[k]!.value === o.decl.default) c.sat.setPhase(o.values[k]!.variable);
    }
    // The ladder needs one configuration as a hard rule (its clauses exclude two versions at once).
    if (this.options.selectors !== true && versions.length > 1 && sorted) {
      const ladder: Lit[] = [built];
      for (let k = 1; k < versions.length; k++)
        ladder.push(c.named(name, versions[k]!.entry.version.text, " ≤"));
      ladder.push(c.FALSE);
      this.ladders.set(name, ladder);
    }
    // Every field written, undefined or not: one object shape for every package (spreading
    // the optional ones made three, and the encoder's reads of them polymorphic).
    this.packages.set(name, {
      name,
      pkg,
      external,
      externalVar: external && c.named(name, "(external)"),
      present,
      built,
      versions,
      options,
      root: this.rootNames.has(name),
      configs: new Map(),
    });
  }

  /**
   * Tells the engine the encoding's size before any variable or clause comes
   * (`SatEngine.reserve`), estimated from the cone's constraint files: per package two
   * variables per version (it and its rung) and one per option value, a third more for the
   * gates, and about five clauses per version (the ladder), three per option value and two per
   * rule (the rule and its gate). Arrays grown by doubling instead were copied a dozen times,
   * and on this project's VMs each first touch of a 4 KiB page costs about 10 µs: at cone 2,000
   * the encoder touched 5,600 pages, 2,400 of them while declaring the packages.
   */
  private reserve(): void {
    let variables = 1;
    let clauses = 0;
    const names = this.cone.packages;
    for (let i = 0; i < names.length; i++) {
      const pkg = this.universe.packages.get(names[i]!);
      if (pkg === undefined) continue;
      let values = 0;
      for (let k = 0; k < pkg.options.length; k++) values += pkg.options[k]!.values.length;
      variables += 2 * pkg.versions.length + values + 1;
      clauses +=
        5 * pkg.versions.length + 3 * values + 2 * (pkg.depends.length + pkg.conflicts.length) + 2;
    }
    this.c.reserve(Math.ceil(1.35 * variables), clauses);
  }

  /** Definitions that hold whatever the facts: presence, option existence, a value when it exists. */
  private encodeStructure(p: Declared): void {
    const c = this.c;
    const versions = p.versions;
    const n = versions.length;
    const external = p.externalVar;
    const ladder = this.ladders.get(p.name);
    // With a ladder and no external, rung 0 is presence and the ladder's own clauses say the rest:
    // a version's rung leads down to rung 0, and propagation on the rungs finds the one version
    // left (the clause "present ⇒ some version" and a binary clause per older version would repeat it).
    const laddered = ladder !== undefined && external === undefined;
    if (!laddered) {
      this.begin(neg(p.present));
      for (let k = 0; k < n; k++) this.put(versions[k]!.variable);
      if (external !== undefined) this.put(external);
      this.emit();
    }
    for (let k = 0; k < (laddered ? 1 : n); k++) c.clause2(neg(versions[k]!.variable), p.present);
    if (external !== undefined) c.clause2(neg(external), p.present);
    if (ladder) {
      // Present and not the external is built: a range's lower rung follows from presence.
      if (external !== undefined) c.clause([neg(p.present), external, p.built]);
      for (let k = 0; k < n; k++) {
        const v = versions[k]!.variable;
        if (k >= 2) c.clause2(neg(ladder[k]!), ladder[k - 1]!);
        if (k >= 1) c.clause2(neg(v), ladder[k]!);
        if (k + 1 < n) c.clause2(neg(v), neg(ladder[k + 1]!));
        // On rung k and not on rung k+1: exactly version k.
        this.begin(neg(ladder[k]!));
        if (k + 1 < n) this.put(ladder[k + 1]!);
        this.put(v);
        this.emit();
      }
      c.clause2(neg(ladder[1]!), p.built);
    }
    for (let i = 0; i < p.options.length; i++) {
      const o = p.options[i]!;
      if (o.decl.when) {
        const when = this.configLit(p, o.decl.when);
        c.clause2(neg(o.exists), p.built);
        if (when !== c.TRUE) c.clause2(neg(o.exists), when);
        this.begin(o.exists);
        this.put(neg(p.built));
        if (when !== c.TRUE) this.put(neg(when));
        this.emit();
      }
      this.begin(neg(o.exists));
      for (let k = 0; k < o.values.length; k++) this.put(o.values[k]!.variable);
      this.emit();
      for (let k = 0; k < o.values.length; k++) c.clause2(neg(o.values[k]!.variable), p.built);
    }
  }

  /**
   * Starts a clause in the encoder's one clause buffer (`put` adds to it, `emit` adds it to the
   * solver, which copies it). The encoder's loops index their arrays rather than use `for … of`:
   * it runs once per process, mostly before V8 optimises it, and unoptimised code allocates a
   * result object per iteration. Both were a quarter of the encoder's garbage at cone 2,000.
   */
  private begin(first: Lit): void {
    this.clauseLits[0] = first;
    this.clauseSize = 1;
  }

  private put(l: Lit): void {
    this.clauseLits[this.clauseSize++] = l;
  }

  private emit(guard?: Lit): void {
    this.c.clause(this.clauseLits, guard, this.clauseSize);
  }

  /** The relaxable rules of one package. */
  private encodeRules(p: Declared): void {
    const c = this.c;
    const loc = p.pkg?.location ?? p.external!.location;
    const ladder = this.ladders.has(p.name);
    // Outside explanation mode a rule has no selector and no record (`Encoding.facts`), so none
    // is made: thousands of objects the garbage collector would copy.
    const explaining = this.options.selectors === true;
    let guard = explaining
      ? this.selectorOf({ kind: "one-configuration", package: p.name }, loc)
      : undefined;
    // The ladder's clauses already allow one version at most.
    if (!ladder) {
      const choices = p.versions.map((v) => v.variable);
      if (p.externalVar !== undefined) choices.push(p.externalVar);
      c.atMostOne(choices, guard);
    } else if (p.externalVar !== undefined) c.clause2(neg(p.externalVar), neg(p.built), guard);
    const options = p.options;
    for (let i = 0; i < options.length; i++) {
      const values = options[i]!.values;
      // Most options have two values: `atMostOne`'s one clause, without its arrays.
      if (values.length === 2) c.clause2(neg(values[0]!.variable), neg(values[1]!.variable), guard);
      else
        c.atMostOne(
          values.map((v) => v.variable),
          guard,
        );
    }
    for (let i = 0; i < options.length; i++) {
      const o = options[i]!;
      if (!o.decl.when) continue;
      guard = explaining
        ? this.selectorOf(
            { kind: "option-exists", package: p.name, option: o.decl.name },
            o.decl.location,
          )
        : undefined;
      for (let k = 0; k < o.values.length; k++)
        c.clause2(neg(o.values[k]!.variable), o.exists, guard);
    }
    const active: Lit[] = [];
    this.active.set(p.name, active);
    const depends = p.pkg?.depends ?? [];
    for (let index = 0; index < depends.length; index++) {
      const d = depends[index]!;
      const when = this.builtMatches(p, d.when);
      active.push(when);
      const then = this.matches(d.spec);
      guard = explaining
        ? this.selectorOf({ kind: "depends", package: p.name, index }, d.location)
        : undefined;
      // when ⇒ then (nothing to say when `then` always holds).
      if (then !== c.TRUE) c.clause2(neg(when), then, guard);
    }
    const conflicts = p.pkg?.conflicts ?? [];
    for (let index = 0; index < conflicts.length; index++) {
      const x = conflicts[index]!;
      const when = this.builtMatches(p, x.when);
      const then = this.matches(x.spec);
      guard = explaining
        ? this.selectorOf({ kind: "conflicts", package: p.name, index }, x.location)
        : undefined;
      // when ⇒ not then.
      if (then === c.TRUE) c.clause([neg(when)], guard);
      else c.clause2(neg(when), neg(then), guard);
    }
  }

  /**
   * Records a fact and returns the selector guarding its clauses: with `selectors` true for every
   * fact, with "request-items" for request items; undefined otherwise.
   */
  private selectorOf(fact: Fact, location: SourceLocation): Lit | undefined {
    const selectors = this.options.selectors;
    if (selectors === true || (selectors === "request-items" && fact.kind === "request")) {
      // The fact's index makes the name new (`named` needs no lookup).
      const selector = this.c.named(`fact ${this.facts.length} ${factLabel(fact)}`);
      this.facts.push({ fact, selector, location });
      return selector;
    }
    this.facts.push({ fact, location });
    return undefined;
  }

  /** Some package of the set matches `spec` (named); for a virtual, some present package provides it. */
  private matches(spec: Spec): F {
    const name = spec.name!;
    const p = this.packages.get(name);
    if (p) return this.presentMatching(p, this.configLit(p, spec));
    // A virtual (in the cone or not: a conflict may name one nothing needs), met by any encoded provider.
    return this.c.orOf(this.providerNames(name).map((q) => this.provides(q, name)));
  }

  /** `name` is built and its configuration matches the condition (absent: just built). */
  private builtMatches(p: Declared, cond: Spec | undefined): F {
    if (!cond) return p.built;
    const config = this.configLit(p, cond);
    // Without an external, every configuration literal is a built one (see presentMatching), and
    // the search is much shorter without the gate (first solve at cone 2,000: 3,937 conflicts →
    // 661). Explanations keep the gate: without it the first check's core followed a long
    // dependency chain (157 facts, not 5), QuickXplain then needed 296 checks, not 9, and kept
    // a longer (still minimal) conflict than the short one people read best.
    if (p.externalVar === undefined && this.options.selectors !== true)
      return config === this.c.TRUE ? p.built : config;
    return this.c.and2(p.built, config);
  }

  /**
   * `p` is present with a configuration `config` (from `configLit`). Each literal of a
   * configuration, a version, a rung, the external, an option value or a gate over them, already
   * implies that `p` is present (structure clauses), so the conjunction is `config` itself: a
   * gate less for a third of all conditions.
   */
  private presentMatching(p: Declared, config: Lit): F {
    return config === this.c.TRUE ? p.present : config;
  }

  /**
   * The chosen configuration of `p` (built or external) is in the spec's range and has its option
   * values: one literal, a gate when the condition takes several (a range between two rungs, or
   * options). Every rule on `p@R` then goes through the gate "p in R", and the clauses the solver
   * learns name it rather than its rungs, so they hold for every rule on the same range. With the
   * rungs in the rules instead (no gate: 142k clauses instead of 183k at cone 2,000), encoding
   * was faster (1.1 s against 1.5 s at cone 5,000) but the optimisation needed more cores: 84
   * SAT calls instead of 61 and 5.3 s against 4.8 s in all; at cone 2,000 the two were even.
   *
   * Memoised by spec object: `load` makes one object per distinct spec text, so the many entries
   * that write the same range over the same package scan its versions once.
   */
  private configLit(p: Declared, spec: Spec): Lit {
    const memo = p.configs;
    let known = memo.get(spec);
    if (known === undefined) {
      known = this.newConfigLit(p, spec);
      memo.set(spec, known);
    }
    return known;
  }

  /**
   * The range's literals, then the options', named by one gate (none for one literal): TRUE when
   * the spec asks nothing, FALSE when no configuration meets it.
   */
  private newConfigLit(p: EncodedPackage, spec: Spec): Lit {
    // Written by index, never emptied: an array emptied by `length = 0` loses its storage.
    const parts = this.parts;
    let n = spec.range ? this.rangeLits(p, spec.range, parts) : 0;
    for (let i = 0; i < spec.options.length; i++)
      parts[n++] = this.optionIs(p, spec.options[i]!.name, spec.options[i]!.value);
    // One or two literals (a range between two rungs, the usual case) without `andOf`'s copy.
    if (n === 0) return this.c.TRUE;
    if (n === 1) return parts[0]!;
    return n === 2 ? this.c.and2(parts[0]!, parts[1]!) : this.c.andOf(parts.slice(0, n));
  }

  /**
   * Writes from `out[0]` the literals whose conjunction says that p's chosen configuration (a
   * built version or the external) is in `range` (two rungs, or one literal); returns how many.
   */
  private rangeLits(p: EncodedPackage, range: VersionRange, out: Lit[]): number {
    const versions = p.versions;
    const external = p.external !== undefined && range.contains(p.external.version);
    const ladder = this.ladders.get(p.name);
    if (ladder) {
      // Consecutive versions, a range's usual shape, are two rungs (`newConfigLit` names them),
      // one version its own variable.
      let first = -1;
      let last = -1;
      let gap = false;
      if (range.parts.length === 1) {
        // One member (a prefix, an exact version or an interval) holds consecutive versions,
        // found by two binary searches (the versions are newest first).
        const part = range.parts[0]!;
        let lo = 0;
        let hi = versions.length;
        while (lo < hi) {
          const mid = (lo + hi) >> 1;
          if (constraintAbove(part, versions[mid]!.entry.version)) lo = mid + 1;
          else hi = mid;
        }
        const start = lo;
        hi = versions.length;
        while (lo < hi) {
          const mid = (lo + hi) >> 1;
          if (constraintBelow(part, versions[mid]!.entry.version)) hi = mid;
          else lo = mid + 1;
        }
        if (lo > start) {
          first = start;
          last = lo - 1;
        }
      } else
        for (let k = 0; k < versions.length; k++) {
          if (!range.contains(versions[k]!.entry.version)) continue;
          if (first < 0) first = k;
          else if (last !== k - 1) gap = true;
          last = k;
        }
      if (!gap) {
        // Without the external, the two rungs themselves; one version (every `when = "@=…"`)
        // is its own variable, which the ladder makes equivalent to those rungs: at cone 2,000,
        // 6,400 gates fewer, 14 % fewer clauses and propagations, the same answers.
        if (external) out[0] = this.rungs(p, ladder, first, last, external);
        else if (first < 0) out[0] = this.c.FALSE;
        else if (first === last) out[0] = versions[first]!.variable;
        else {
          out[0] = ladder[first]!;
          out[1] = neg(ladder[last + 1]!);
          return 2;
        }
        return 1;
      }
    }
    const inside: Lit[] = [];
    for (let k = 0; k < versions.length; k++)
      if (range.contains(versions[k]!.entry.version)) inside.push(versions[k]!.variable);
    if (external) inside.push(p.externalVar!);
    out[0] = this.choiceSet(p, inside);
    return 1;
  }

  /** Built at one of versions `first` … `last` (none when `first` is -1), or the external. */
  private rungs(
    p: EncodedPackage,
    ladder: readonly Lit[],
    first: number,
    last: number,
    external: boolean,
  ): F {
    const c = this.c;
    const built =
      first < 0
        ? c.FALSE
        : first === last
          ? p.versions[first]!.variable
          : c.and2(ladder[first]!, neg(ladder[last + 1]!));
    return external ? c.orOf([built, p.externalVar!]) : built;
  }

  /**
   * A literal for "p's chosen configuration is one of `inside`" (versions, or the external). Besides
   * the gate, redundant clauses let unit propagation reason on ranges as PubGrub does: a present
   * package whose choices outside the set are all excluded is inside it, and (when one
   * configuration is a hard rule, not a relaxable fact) being inside excludes every choice
   * outside. Without them a range is only known through a decision on one version, and proving
   * that a root cannot be at its newest version took thousands of conflicts (bench/README.md).
   */
  private choiceSet(p: EncodedPackage, inside: readonly Lit[]): F {
    const c = this.c;
    const ladder = this.ladders.get(p.name);
    if (ladder) {
      const interval = this.interval(p, ladder, inside);
      if (interval !== undefined) return interval;
    }
    const out = c.orOf(inside);
    if (out === c.FALSE || out === c.TRUE || this.choiceSets.has(out)) return out;
    this.choiceSets.add(out);
    const outside: Lit[] = [];
    for (const v of p.versions) if (!inside.includes(v.variable)) outside.push(v.variable);
    if (p.externalVar !== undefined && !inside.includes(p.externalVar)) outside.push(p.externalVar);
    c.clause([neg(p.present), out, ...outside]);
    if (this.options.selectors !== true && inside.some((x) => x !== inside[0]))
      for (const x of outside) c.clause2(neg(out), neg(x));
    return out;
  }

  /**
   * `choiceSet` on the ladder when the built versions of `inside` are consecutive (in a range they
   * nearly always are): between rungs i and j+1, or the external. Undefined otherwise.
   */
  private interval(
    p: EncodedPackage,
    ladder: readonly Lit[],
    inside: readonly Lit[],
  ): F | undefined {
    // `inside` lists versions in the package's order, the external last.
    const external = p.externalVar !== undefined && inside.at(-1) === p.externalVar;
    const count = inside.length - (external ? 1 : 0);
    const versions = p.versions;
    let first = 0;
    while (first < versions.length && versions[first]!.variable !== inside[0]) first++;
    const last = first + count - 1;
    if (count > 0 && versions[last]?.variable !== inside[count - 1]) return undefined;
    return this.rungs(p, ladder, count > 0 ? first : -1, last, external);
  }

  private optionIs(p: EncodedPackage, option: string, value: OptionValue): F {
    let built: Lit | undefined;
    for (let i = 0; i < p.options.length && built === undefined; i++) {
      const o = p.options[i]!;
      if (o.decl.name !== option) continue;
      for (let k = 0; k < o.values.length; k++)
        if (o.values[k]!.value === value && built === undefined) built = o.values[k]!.variable;
      break;
    }
    const external =
      p.external && p.external.options.get(option) === value ? p.externalVar! : undefined;
    if (external === undefined) return built ?? this.c.FALSE;
    return built === undefined ? external : this.c.orOf([built, external]);
  }

  private providerNames(virtual: string): string[] {
    const names = new Set<string>();
    for (const q of this.universe.virtuals.get(virtual) ?? [])
      if (this.packages.has(q.package)) names.add(q.package);
    for (const e of this.request.externals)
      if (e.provides.includes(virtual) && this.packages.has(e.name)) names.add(e.name);
    return [...names].sort();
  }

  private provides(name: string, virtual: string): F {
    const key = `${name}\u0000${virtual}`;
    const cached = this.providesCache.get(key);
    if (cached) return cached;
    const p = this.packages.get(name)!;
    const ways: F[] = [];
    for (const prov of p.pkg?.provides ?? []) {
      if (prov.virtual === virtual)
        ways.push(prov.when ? this.presentMatching(p, this.configLit(p, prov.when)) : p.present);
    }
    if (p.external?.provides.includes(virtual)) ways.push(p.externalVar!);
    const formula = this.c.orOf(ways);
    this.providesCache.set(key, formula);
    return formula;
  }

  private costFunctions(packages: readonly EncodedPackage[]): CostFunction[] {
    const c = this.c;
    const sums = new Map<CostFunction["criterion"], { lit: Lit; weight: number }[]>();
    let outsideCone = 0;
    const add = (criterion: CostFunction["criterion"], lit: Lit, weight: number) => {
      if (weight === 0 || lit === c.FALSE) return;
      const terms = sums.get(criterion);
      if (terms === undefined) sums.set(criterion, [{ lit, weight }]);
      else terms.push({ lit, weight });
    };
    // A package providing a requested virtual is a root only while it provides it.
    const dynamicRoot = (p: EncodedPackage): Lit =>
      this.requestedVirtuals.size === 0
        ? c.FALSE
        : c.orOf(
            [...this.requestedVirtuals]
              .filter((v) => this.providerNames(v).includes(p.name))
              .map((v) => this.provides(p.name, v)),
          );

    for (const [name, choice] of this.request.reuse ?? []) {
      const p = this.packages.get(name);
      if (!p) {
        outsideCone++;
        continue;
      }
      const version = choice.external
        ? p.externalVar
        : p.versions.find((v) => v.entry.version.text === choice.version)?.variable;
      if (version === undefined) {
        add("changes", c.TRUE, 1);
        continue;
      }
      const sameOptions = choice.external
        ? []
        : p.options.map((o) => {
            const v = choice.options.get(o.decl.name);
            const variable = o.values.find((x) => x.value === v)?.variable;
            return v === undefined ? neg(o.exists) : (variable ?? c.FALSE);
          });
      add("changes", neg(c.and(version, sameOptions)), 1);
    }

    for (let i = 0; i < packages.length; i++) {
      const p = packages[i]!;
      const root = p.root ? c.TRUE : dynamicRoot(p);
      const other = neg(root);
      // Most packages are never roots (root FALSE): their root-* terms would all be FALSE.
      const asRoot = root !== c.FALSE;
      const asOther = other !== c.FALSE;
      const versions = p.versions;
      for (let k = 0; k < versions.length; k++) {
        const v = versions[k]!;
        if (!v.entry.deprecated) continue;
        if (asRoot) add("root-deprecated", c.and2(v.variable, root), 1);
        if (asOther) add("deprecated", c.and2(v.variable, other), 1);
      }
      // Version age: rank r pays one for each of the sets "rank ≥ 1" … "rank ≥ r" (without
      // version preferences, rung k of the ladder is "rank ≥ k").
      let oldest = 0;
      let byAge = true;
      for (let k = 0; k < versions.length; k++) {
        oldest = Math.max(oldest, versions[k]!.rank);
        if (versions[k]!.rank !== k) byAge = false;
      }
      const ladder = this.ladders.get(p.name);
      for (let k = 1; k <= oldest; k++) {
        const older =
          ladder && byAge
            ? ladder[k]!
            : this.choiceSet(
                p,
                versions.filter((v) => v.rank >= k).map((v) => v.variable),
              );
        if (asRoot) add("root-version-age", c.and2(older, root), 1);
        if (asOther) add("version-age", c.and2(older, other), 1);
      }
      for (let i = 0; i < p.options.length; i++) {
        const o = p.options[i]!;
        for (let k = 0; k < o.values.length; k++) {
          const v = o.values[k]!;
          if (v.value === o.decl.default) continue;
          if (asRoot) add("root-non-default-options", c.and2(v.variable, root), 1);
          if (asOther) add("non-default-options", c.and2(v.variable, other), 1);
        }
      }
      add("packages", p.present, 1);
      add("builds", p.built, 1);
    }
    // Every present provider counts, whether or not the virtual is needed (docs/solver.md).
    for (const [virtual, list] of this.request.providerPreferences) {
      for (const q of this.providerNames(virtual)) {
        const position = list.indexOf(q);
        add(
          "provider-preference",
          this.provides(q, virtual),
          position < 0 ? list.length : position,
        );
      }
    }
    // The documented criteria, then the unreported tie-break: fewer builds (prefer externals).
    const order: CostFunction["criterion"][] = [...CRITERIA, "builds"];
    return order.map((criterion) => ({
      criterion,
      terms: sums.get(criterion) ?? [],
      constant: criterion === "changes" ? outsideCone : 0,
    }));
  }
}

/** A stable identifier of a fact: `request#0`, `depends:s6#3`, `one-configuration:s6`, `option-exists:s6#execline`. */
export function factId(f: Fact): string {
  switch (f.kind) {
    case "request":
      return `request#${f.index}`;
    case "depends":
    case "conflicts":
      return `${f.kind}:${f.package}#${f.index}`;
    case "one-configuration":
      return `one-configuration:${f.package}`;
    case "option-exists":
      return `option-exists:${f.package}#${f.option}`;
  }
}

/** Whether the versions are in strictly decreasing order (as `Package.versions` promises). */
function newestFirst(versions: readonly PackageVersion[]): boolean {
  for (let i = 1; i < versions.length; i++)
    if (versions[i - 1]!.version.compare(versions[i]!.version) <= 0) return false;
  return true;
}

function factLabel(f: Fact): string {
  switch (f.kind) {
    case "request":
      return `request ${printSpec(f.item.spec)}`;
    case "depends":
    case "conflicts":
      return `${f.package} ${f.kind} #${f.index}`;
    case "one-configuration":
      return `${f.package} one configuration`;
    case "option-exists":
      return `${f.package} option ${f.option} exists`;
  }
}
