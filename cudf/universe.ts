/**
 * The package universe of a CUDF document, indexed for solving: packages by name (ascending
 * version), features by name, and which packages satisfy a versioned constraint.
 *
 * Satisfaction follows CUDF 2.0 §2.2.3 and libcudf's `mem_installed` (what `cudf-check` runs):
 * package p satisfies `n op v` when p is called n and its version passes `op v`, or p provides
 * `n` unversioned (any constraint), or p provides `n = w` and w passes `op v`.
 */
import type { CudfDocument, CudfPackage, Vpkg } from "./document.js";
import { hashString, type NameIndex } from "./names.js";

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

/**
 * A CUDF document's packages with the indexes the solver needs, over the reader's integer
 * tables (`names.ts`): the packages of a name and the providers of a feature are found by the
 * name's id, and lists are made only for the names a solver asks about.
 */
export class CudfUniverse {
  private readonly index: NameIndex;
  /** Package ids by name id, ascending version (made on first use). */
  private readonly byName: (readonly PackageId[] | undefined)[] = [];
  /** By constraint object: the reader shares one object per distinct constraint text. */
  private readonly memo = new Map<Vpkg, readonly PackageId[]>();

  constructor(readonly doc: CudfDocument) {
    this.index = doc.index;
  }

  /** The package with this id. */
  get(id: PackageId): CudfPackage {
    return this.doc.package(id);
  }

  /** Whether package `id` was installed (without making its object). */
  installed(id: PackageId): boolean {
    return this.doc.installed(id);
  }

  /** Number of packages. */
  get size(): number {
    return this.doc.size;
  }

  /** Every package name. */
  names(): string[] {
    return this.index.packageNames.map((id) => this.index.names.name(id));
  }

  /** The packages called `name`, ascending version. */
  versions(name: string): readonly PackageId[] {
    const id = this.index.names.find(name);
    return id === -1 ? [] : this.versionsOf(id);
  }

  /** The packages whose name has id `name`, ascending version. */
  versionsOf(name: number): readonly PackageId[] {
    const known = this.byName[name];
    if (known) return known;
    const index = this.index;
    const list: PackageId[] = [];
    for (let q = index.lastOfName.data[name]!; q !== -1; q = index.previousOfName.data[q]!)
      list.push(q);
    list.reverse();
    // By insertion: a name has a few versions, mostly in order already.
    const version = index.version;
    for (let i = 1; i < list.length; i++) {
      const id = list[i]!;
      let j = i;
      for (; j > 0 && version[list[j - 1]!]! > version[id]!; j--) list[j] = list[j - 1]!;
      list[j] = id;
    }
    this.byName[name] = list;
    return list;
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
    const index = this.index;
    const hash = hashString(vpkg.name);
    const name = index.names.find(vpkg.name, hash);
    const out: PackageId[] = [];
    if (name !== -1) {
      const versions = this.versionsOf(name);
      for (let i = 0; i < versions.length; i++)
        if (versionMatches(index.version[versions[i]!]!, vpkg)) out.push(versions[i]!);
    }
    const byName = out.length;
    const features = index.features(vpkg.name, hash);
    for (let i = 0; i < features.length; i++) {
      const e = features[i]!;
      const version = index.featureVersion[e]!;
      if (version === -1 || versionMatches(version, vpkg)) out.push(index.featurePackage(e));
    }
    if (out.length > byName && out.length > 1) {
      // A package may satisfy it by name and by feature, or by two features.
      out.sort((a, b) => a - b);
      let w = 1;
      for (let r = 1; r < out.length; r++) if (out[r] !== out[w - 1]) out[w++] = out[r]!;
      out.length = w;
    }
    this.memo.set(vpkg, out);
    return out;
  }

  /**
   * The packages reachable from `seeds` through `depends` (and the constraints `more` adds for a
   * package), every version of each name met, in breadth-first order from the seeds: all a
   * solution holding the seeds can need.
   */
  closure(seeds: Iterable<PackageId>, more?: (id: PackageId) => Iterable<Vpkg>): PackageId[] {
    const met = new Uint8Array(this.index.names.size);
    const queue: PackageId[] = [];
    const reach = (id: PackageId) => {
      const name = this.index.packageName.data[id]!;
      if (met[name] === 1) return;
      met[name] = 1;
      for (const q of this.versionsOf(name)) queue.push(q);
    };
    for (const id of seeds) reach(id);
    for (let i = 0; i < queue.length; i++) {
      const id = queue[i]!;
      const depends = this.get(id).depends;
      for (let c = 0; c < depends.length; c++) {
        const conjunct = depends[c]!;
        for (let a = 0; a < conjunct.length; a++) {
          const targets = this.satisfying(conjunct[a]!);
          for (let t = 0; t < targets.length; t++) reach(targets[t]!);
        }
      }
      if (more) for (const v of more(id)) for (const q of this.satisfying(v)) reach(q);
    }
    return queue;
  }

  /** The packages that provide feature `name` (at some version), in id order. */
  providers(name: string): readonly PackageId[] {
    const index = this.index;
    const out = new Set<PackageId>();
    for (const e of index.features(name)) out.add(index.featurePackage(e));
    return [...out].sort((a, b) => a - b);
  }
}
