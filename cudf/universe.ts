/**
 * The package universe of a CUDF document, indexed for solving: packages by name (ascending
 * version), features by name, and which packages satisfy a versioned constraint.
 *
 * Satisfaction follows CUDF 2.0 §2.2.3 and libcudf's `mem_installed` (what `cudf-check` runs):
 * package p satisfies `n op v` when p is called n and its version passes `op v`, or p provides
 * `n` unversioned (any constraint), or p provides `n = w` and w passes `op v`.
 */
import type { CudfDocument, CudfPackage, Vpkg } from "./document.js";

/** A package id: its index in the document's package list. */
export type PackageId = number;

/** Whether `version` passes the constraint of `vpkg` (no constraint: every version). */
export function versionMatches(version: number, vpkg: Vpkg): boolean {
  const v = vpkg.version!;
  switch (vpkg.op) {
    case undefined:
      return true;
    case "=":
      return version === v;
    case "!=":
      return version !== v;
    case ">=":
      return version >= v;
    case ">":
      return version > v;
    case "<=":
      return version <= v;
    case "<":
      return version < v;
  }
}

/** The text of a constraint as CUDF writes it: `b`, `c >= 2`. */
export function printVpkg(v: Vpkg): string {
  return v.op === undefined ? v.name : `${v.name} ${v.op} ${v.version}`;
}

/** A CUDF document's packages with the indexes the solver needs. */
export class CudfUniverse {
  /** Package ids by name, ascending version. */
  private readonly byName = new Map<string, PackageId[]>();
  /** Per feature name, pairs (package id, version), version -1 for "every version". */
  private features?: Map<string, number[]>;
  /** By constraint object: the reader shares one object per distinct constraint text. */
  private readonly memo = new Map<Vpkg, readonly PackageId[]>();

  constructor(readonly doc: CudfDocument) {
    const packages = doc.packages;
    for (let id = 0; id < packages.length; id++) {
      const name = packages[id]!.name;
      const list = this.byName.get(name);
      if (list) list.push(id);
      else this.byName.set(name, [id]);
    }
    for (const list of this.byName.values())
      if (list.length > 1) list.sort((a, b) => packages[a]!.version - packages[b]!.version);
  }

  /** The package with this id. */
  get(id: PackageId): CudfPackage {
    return this.doc.packages[id]!;
  }

  /** Number of packages. */
  get size(): number {
    return this.doc.packages.length;
  }

  /** Every package name. */
  names(): IterableIterator<string> {
    return this.byName.keys();
  }

  /** The packages called `name`, ascending version. */
  versions(name: string): readonly PackageId[] {
    return this.byName.get(name) ?? [];
  }

  /** `id name version`, as people read it: `libc6 20368`. */
  label(id: PackageId): string {
    const p = this.get(id);
    return `${p.name} ${p.version}`;
  }

  /** The packages satisfying `vpkg` (by name or by a provided feature), in id order. */
  satisfying(vpkg: Vpkg): readonly PackageId[] {
    const known = this.memo.get(vpkg);
    if (known) return known;
    const out = new Set<PackageId>();
    for (const id of this.versions(vpkg.name))
      if (versionMatches(this.get(id).version, vpkg)) out.add(id);
    const pairs = this.featureIndex().get(vpkg.name) ?? [];
    for (let i = 0; i < pairs.length; i += 2) {
      const version = pairs[i + 1]!;
      if (version === -1 || versionMatches(version, vpkg)) out.add(pairs[i]!);
    }
    const list = out.size > 1 ? [...out].sort((a, b) => a - b) : [...out];
    this.memo.set(vpkg, list);
    return list;
  }

  /**
   * The packages reachable from `seeds` through `depends` (and the constraints `more` adds for a
   * package), every version of each name met, in breadth-first order from the seeds: all a
   * solution holding the seeds can need.
   */
  closure(seeds: Iterable<PackageId>, more?: (id: PackageId) => Iterable<Vpkg>): PackageId[] {
    const names = new Set<string>();
    const queue: PackageId[] = [];
    const reach = (id: PackageId) => {
      const name = this.get(id).name;
      if (names.has(name)) return;
      names.add(name);
      queue.push(...this.versions(name));
    };
    for (const id of seeds) reach(id);
    for (let i = 0; i < queue.length; i++) {
      const id = queue[i]!;
      for (const conjunct of this.get(id).depends)
        for (const v of conjunct) for (const q of this.satisfying(v)) reach(q);
      if (more) for (const v of more(id)) for (const q of this.satisfying(v)) reach(q);
    }
    return queue;
  }

  /** The packages that provide feature `name` (at some version), in id order. */
  providers(name: string): readonly PackageId[] {
    const pairs = this.featureIndex().get(name) ?? [];
    return [...new Set(pairs.filter((_, i) => i % 2 === 0))];
  }

  /** Built on first use: it parses every package's `provides`. */
  private featureIndex(): Map<string, number[]> {
    if (this.features) return this.features;
    const index = new Map<string, number[]>();
    const packages = this.doc.packages;
    for (let id = 0; id < packages.length; id++) {
      packages[id]!.eachFeature((name, version) => {
        const list = index.get(name);
        if (list) list.push(id, version ?? -1);
        else index.set(name, [id, version ?? -1]);
      });
    }
    this.features = index;
    return index;
  }
}
