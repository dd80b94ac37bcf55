/**
 * A brute-force CUDF oracle, written from the CUDF 2.0 specification and the MISC criteria
 * definitions, not from the encoder: it tries every subset of a small universe.
 */
import type { Criterion } from "../cudf/criteria.js";
import type { CudfDocument, CudfPackage, Formula, Vpkg } from "../cudf/document.js";

/** Whether version `v` passes `vpkg`'s constraint. */
function passes(v: number, vpkg: Vpkg): boolean {
  if (vpkg.op === undefined) return true;
  const w = vpkg.version!;
  return {
    "=": v === w,
    "!=": v !== w,
    ">=": v >= w,
    ">": v > w,
    "<=": v <= w,
    "<": v < w,
  }[vpkg.op];
}

/** Whether package p satisfies vpkg: by its name and version, or by a feature it provides. */
export function satisfies(p: CudfPackage, vpkg: Vpkg): boolean {
  if (p.name === vpkg.name && passes(p.version, vpkg)) return true;
  return p.provides.some(
    (f) => f.name === vpkg.name && (f.version === undefined || passes(f.version, vpkg)),
  );
}

const holds = (set: readonly CudfPackage[], vpkg: Vpkg, except?: CudfPackage) =>
  set.some((q) => q !== except && satisfies(q, vpkg));

const formulaHolds = (set: readonly CudfPackage[], f: Formula) =>
  f.every((conjunct) => conjunct.some((v) => holds(set, v)));

/** Dependencies met and no conflicts: the set could be installed. */
export function consistent(set: readonly CudfPackage[]): boolean {
  return set.every(
    (p) => formulaHolds(set, p.depends) && p.conflicts.every((c) => !holds(set, c, p)),
  );
}

/** Whether `set` is a solution of the document's request (consistency, request, keep). */
export function isSolution(doc: CudfDocument, set: readonly CudfPackage[]): boolean {
  if (!consistent(set)) return false;
  const r = doc.request;
  if (!r.install.every((v) => holds(set, v))) return false;
  if (r.remove.some((v) => holds(set, v))) return false;
  for (const v of r.upgrade) {
    if (!holds(set, v)) return false;
    const named = set.filter((q) => q.name === v.name);
    if (named.length !== 1) return false;
    const before = doc.packages.filter((q) => q.installed && q.name === v.name);
    if (before.some((q) => q.version > named[0]!.version)) return false;
  }
  for (const p of doc.packages) {
    if (!p.installed) continue;
    if (p.keep === "version" && !set.includes(p)) return false;
    if (p.keep === "package" && !set.some((q) => q.name === p.name)) return false;
    if (p.keep === "feature" && !p.provides.every((f) => holds(set, f))) return false;
  }
  return true;
}

/** The value of one criterion for a solution (the count, whatever the sign). */
export function criterionValue(doc: CudfDocument, set: readonly CudfPackage[], c: Criterion) {
  const names = [...new Set(doc.packages.map((p) => p.name))];
  const versions = (from: readonly CudfPackage[], n: string) =>
    from
      .filter((p) => p.name === n)
      .map((p) => p.version)
      .sort((a, b) => a - b)
      .join(",");
  const before = doc.packages.filter((p) => p.installed);
  let count = 0;
  for (const n of names) {
    const i = versions(before, n);
    const s = versions(set, n);
    switch (c.kind) {
      case "removed":
        if (i !== "" && s === "") count++;
        break;
      case "new":
        if (i === "" && s !== "") count++;
        break;
      case "changed":
        if (i !== s) count++;
        break;
      case "notuptodate": {
        const newest = Math.max(...doc.packages.filter((p) => p.name === n).map((p) => p.version));
        if (s !== "" && !set.some((p) => p.name === n && p.version === newest)) count++;
        break;
      }
      case "unsat_recommends":
        break;
    }
  }
  if (c.kind === "unsat_recommends")
    for (const p of set) {
      const f = (doc.property(p, c.property!) ?? []) as Formula;
      for (const conjunct of f) if (!conjunct.some((v) => holds(set, v))) count++;
    }
  return count;
}

/** Every subset of the packages (the universe must be small). */
export function* subsets(packages: readonly CudfPackage[]): Generator<CudfPackage[]> {
  for (let mask = 0; mask < 1 << packages.length; mask++)
    yield packages.filter((_, i) => (mask >> i) & 1);
}

/** The lexicographically best criteria vector over all solutions (signed: lower is better). */
export function optimum(doc: CudfDocument, criteria: readonly Criterion[]): number[] | undefined {
  let best: number[] | undefined;
  for (const set of subsets(doc.packages)) {
    if (!isSolution(doc, set)) continue;
    const vector = criteria.map((c) => (c.sign === "-" ? 1 : -1) * criterionValue(doc, set, c));
    if (best === undefined || lexLess(vector, best)) best = vector;
  }
  return best;
}

function lexLess(a: readonly number[], b: readonly number[]): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! < b[i]!;
  return false;
}
