/**
 * CUDF universe + request → SAT, over the packages the request can reach.
 *
 * One variable per package (`libc6 20368`: that package is in the solution). Every rule of the
 * document a person could relax is a fact, cited by its line: a request item, one conjunct of a
 * package's `depends`, one entry of its `conflicts`, an installed package's `keep`. For
 * explanations each fact is guarded by a selector variable, as in `solver/encode.ts`.
 *
 * Semantics (CUDF 2.0 §2.3 and libcudf's checker, which `cudf-check` runs):
 * - depends: each conjunct is met by some installed package satisfying one of its atoms;
 * - conflicts: no installed package other than p itself satisfies an entry (so a package may
 *   provide and conflict with one feature, Debian's idiom for "one of these at a time");
 * - install: each item is satisfied; remove: no installed package satisfies the item;
 * - upgrade `n …`: the item is satisfied, exactly one package called n is installed, and its
 *   version is at least every initially installed version of n;
 * - keep (of an initially installed package): version — it stays; package — some version of its
 *   name stays; feature — each feature it provides stays provided.
 *
 * Packages the request cannot reach (from the installed packages and the request, through
 * depends, keep features and the counted recommendations, every version of each name met) are
 * left out: out of the solution they break no rule and change no minimised count. A maximised
 * criterion can gain from any package, so then the whole universe is encoded.
 */

import { Circuit, type Lit } from "../solver/sat/circuit.js";
import { type EngineChoice, neg } from "../solver/sat/engine.js";
import { createEngine } from "../solver/sat/engines.js";
import type { Term } from "../solver/sat/oll.js";
import type { Criterion } from "./criteria.js";
import type { Formula, Vpkg } from "./document.js";
import type { CudfUniverse, PackageId } from "./universe.js";

/** A relaxable rule of the document. */
export type CudfFact =
  | {
      readonly kind: "install" | "remove" | "upgrade";
      readonly index: number;
      readonly vpkg: Vpkg;
    }
  | { readonly kind: "depends"; readonly package: PackageId; readonly index: number }
  | { readonly kind: "conflicts"; readonly package: PackageId; readonly index: number }
  | { readonly kind: "keep"; readonly package: PackageId };

/** A fact of an explanation encoding: its line in the document and its selector. */
export interface EncodedCudfFact {
  readonly fact: CudfFact;
  readonly line: number;
  readonly selector: Lit;
}

/** How to encode. */
export interface CudfEncodeOptions {
  /** Guard every fact with a selector instead of requiring it (for explanations). */
  readonly selectors?: boolean;
  /** Ignore the request and the installation (installability checks). */
  readonly noRequest?: boolean;
  /** Start the reachable set from these packages only (with `noRequest`). */
  readonly seeds?: readonly PackageId[];
  /** Encode every package, not only the reachable ones. */
  readonly everything?: boolean;
  /** The criteria to be minimised: their recommendation properties widen the reachable set. */
  readonly criteria?: readonly Criterion[];
  /** The SAT engine that gets the clauses (default `cdcl`). */
  readonly engine?: EngineChoice;
}

/** The SAT problem of a CUDF request. */
export interface CudfEncoding {
  readonly circuit: Circuit;
  readonly universe: CudfUniverse;
  /** The encoded packages, in id order. */
  readonly packages: readonly PackageId[];
  /** The facts, with `selectors` (without, they are required and not listed). */
  readonly facts: readonly EncodedCudfFact[];
  /** The package's variable; FALSE for a package left out. */
  variable(id: PackageId): Lit;
  /** A literal: some package of the solution satisfies `vpkg` (other than `except`). */
  satisfied(vpkg: Vpkg, except?: PackageId): Lit;
  /** The terms whose weighted sum a criterion minimises, and the constant added to it. */
  costTerms(criterion: Criterion): { readonly terms: readonly Term[]; readonly constant: number };
}

/** Builds the SAT problem. */
export function encodeCudf(universe: CudfUniverse, options: CudfEncodeOptions = {}): CudfEncoding {
  return new Encoder(universe, options).run();
}

class Encoder implements CudfEncoding {
  readonly circuit: Circuit;
  readonly facts: EncodedCudfFact[] = [];
  packages: PackageId[] = [];
  /** Per package id, its variable; -1 for a package left out. */
  private readonly vars: Int32Array;
  private readonly doc;

  constructor(
    readonly universe: CudfUniverse,
    private readonly options: CudfEncodeOptions,
  ) {
    this.circuit = new Circuit(createEngine(options.engine));
    this.doc = universe.doc;
    this.vars = new Int32Array(universe.size).fill(-1);
  }

  run(): CudfEncoding {
    this.packages = this.options.everything
      ? Array.from({ length: this.universe.size }, (_, i) => i)
      : this.reachable();
    for (const id of this.packages) this.vars[id] = this.circuit.variable(this.universe.label(id));
    for (const id of this.packages) this.packageRules(id);
    if (!this.options.noRequest) this.requestRules();
    return this;
  }

  variable(id: PackageId): Lit {
    const v = this.vars[id]!;
    return v === -1 ? this.circuit.FALSE : v;
  }

  satisfied(vpkg: Vpkg, except?: PackageId): Lit {
    return this.circuit.or(this.targets(vpkg, except));
  }

  /** The variables of the encoded packages satisfying `vpkg`, other than `except`. */
  private targets(vpkg: Vpkg, except?: PackageId): Lit[] {
    const out: Lit[] = [];
    const ids = this.universe.satisfying(vpkg);
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i]!;
      const v = this.vars[id]!;
      if (v !== -1 && id !== except) out.push(v);
    }
    return out;
  }

  /** The packages reachable from the installation, the request and the seeds. */
  private reachable(): PackageId[] {
    const u = this.universe;
    const recommends = [
      ...new Set((this.options.criteria ?? []).flatMap((c) => (c.property ? [c.property] : []))),
    ];
    const seeds: PackageId[] = [...(this.options.seeds ?? [])];
    if (!this.options.noRequest) {
      for (let id = 0; id < u.size; id++) if (u.installed(id)) seeds.push(id);
      const r = this.doc.request;
      for (const v of [...r.install, ...r.upgrade]) seeds.push(...u.satisfying(v));
    }
    const reached = u.closure(seeds, (id) => {
      const p = u.get(id);
      const more: Vpkg[] = [];
      for (const property of recommends)
        for (const conjunct of this.formulaProperty(id, property)) more.push(...conjunct);
      // An installed package kept for its features needs their providers.
      if (p.installed && p.keep === "feature" && !this.options.noRequest) more.push(...p.provides);
      return more;
    });
    return reached.sort((a, b) => a - b);
  }

  private formulaProperty(id: PackageId, property: string): Formula {
    const decl = this.doc.properties.get(property);
    if (decl?.type.kind !== "vpkgformula") return [];
    return (this.doc.property(this.universe.get(id), property) ?? []) as Formula;
  }

  /** Adds a fact: required, or guarded by a fresh selector. */
  private fact(fact: CudfFact, clauses: (guard: Lit | undefined) => void): void {
    if (this.options.selectors) {
      const selector = this.circuit.fresh(`fact ${this.facts.length}`);
      this.facts.push({ fact, line: this.lineOf(fact), selector });
      clauses(selector);
    } else {
      clauses(undefined);
    }
  }

  /** A fact's line (found by rescanning its stanza: only explanations need it). */
  private lineOf(fact: CudfFact): number {
    if ("package" in fact) return this.doc.line(this.universe.get(fact.package), fact.kind);
    const r = this.doc.request;
    return r.lines.get(fact.kind) ?? r.line;
  }

  private packageRules(id: PackageId): void {
    const c = this.circuit;
    const p = this.universe.get(id);
    const x = this.vars[id]!;
    const depends = p.depends;
    if (depends.length > 0) {
      depends.forEach((conjunct, index) => {
        // ¬x and the variables of the packages satisfying an atom, each once.
        const clause = [neg(x)];
        for (let a = 0; a < conjunct.length; a++) {
          const ids = this.universe.satisfying(conjunct[a]!);
          for (let i = 0; i < ids.length; i++) {
            const y = this.vars[ids[i]!]!;
            if (y !== -1 && !clause.includes(y)) clause.push(y);
          }
        }
        if (!this.options.selectors) c.clause(clause);
        else this.fact({ kind: "depends", package: id, index }, (g) => c.clause(clause, g));
      });
    }
    const conflicts = p.conflicts;
    if (conflicts.length > 0) {
      conflicts.forEach((vpkg, index) => {
        const others = this.targets(vpkg, id);
        if (others.length === 0) return;
        if (!this.options.selectors) {
          for (let i = 0; i < others.length; i++) c.clause2(neg(x), neg(others[i]!));
          return;
        }
        this.fact({ kind: "conflicts", package: id, index }, (g) => {
          for (const y of others) c.clause([neg(x), neg(y)], g);
        });
      });
    }
    if (p.installed && p.keep !== "none" && !this.options.noRequest) {
      this.fact({ kind: "keep", package: id }, (g) => {
        if (p.keep === "version") c.clause([x], g);
        else if (p.keep === "package")
          c.clause(
            this.universe.versions(p.name).map((v) => this.variable(v)),
            g,
          );
        else for (const f of p.provides) c.clause(this.targets(f), g);
      });
    }
  }

  private requestRules(): void {
    const c = this.circuit;
    const u = this.universe;
    const r = this.doc.request;
    r.install.forEach((vpkg, index) => {
      this.fact({ kind: "install", index, vpkg }, (g) => c.clause(this.targets(vpkg), g));
    });
    r.remove.forEach((vpkg, index) => {
      this.fact({ kind: "remove", index, vpkg }, (g) => {
        for (const y of this.targets(vpkg)) c.clause([neg(y)], g);
      });
    });
    r.upgrade.forEach((vpkg, index) => {
      this.fact({ kind: "upgrade", index, vpkg }, (g) => {
        const versions = u.versions(vpkg.name);
        const newestInstalled = Math.max(
          0,
          ...versions.filter((v) => u.get(v).installed).map((v) => u.get(v).version),
        );
        c.clause(this.targets(vpkg), g);
        c.clause(
          versions.map((v) => this.variable(v)),
          g,
        );
        c.atMostOne(
          versions.map((v) => this.variable(v)),
          g,
        );
        for (const v of versions)
          if (u.get(v).version < newestInstalled) c.clause([neg(this.variable(v))], g);
      });
    });
  }

  /** `circuit.or(lits)`, without building the gate's key for a single literal (most names). */
  private any(lits: readonly Lit[]): Lit {
    return lits.length === 1 ? lits[0]! : this.circuit.or(lits);
  }

  costTerms(criterion: Criterion): { terms: Term[]; constant: number } {
    const c = this.circuit;
    const u = this.universe;
    const counted: Lit[] = [];
    if (criterion.kind === "unsat_recommends") {
      for (const id of this.packages) {
        for (const conjunct of this.formulaProperty(id, criterion.property!)) {
          const met = c.or(conjunct.flatMap((v) => this.targets(v)));
          counted.push(c.and(this.variable(id), neg(met)));
        }
      }
    } else {
      const names = new Set<number>();
      for (const id of this.packages) names.add(u.get(id).nameId);
      for (const name of names) {
        const versions = u.versionsOf(name);
        const vars = versions.map((v) => this.variable(v));
        let wasThere = false;
        for (const v of versions) if (u.installed(v)) wasThere = true;
        switch (criterion.kind) {
          case "removed":
            if (wasThere) counted.push(neg(this.any(vars)));
            break;
          case "new":
            if (!wasThere) counted.push(this.any(vars));
            break;
          case "changed":
            counted.push(
              this.any(versions.map((v, i) => (u.installed(v) ? neg(vars[i]!) : vars[i]!))),
            );
            break;
          case "notuptodate":
            counted.push(c.and(this.any(vars), neg(vars.at(-1)!)));
            break;
        }
      }
    }
    // Maximising a count is minimising how many of its terms fail.
    return criterion.sign === "-"
      ? { terms: counted.map((lit) => ({ lit, weight: 1 })), constant: 0 }
      : { terms: counted.map((lit) => ({ lit: neg(lit), weight: 1 })), constant: -counted.length };
  }
}
