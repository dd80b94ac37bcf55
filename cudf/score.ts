/**
 * The criteria values of a given solution, computed directly from their MISC definitions (see
 * `criteria.ts`), to compare solvers' answers: pthbs's, aspcud's and mccs's.
 */
import type { Criterion } from "./criteria.js";
import type { CudfDocument, Formula } from "./document.js";
import { CudfUniverse, type PackageId } from "./universe.js";

/** Reads a solution document (as aspcud or mccs write it): the installed packages' ids; undefined for FAIL. */
export function solutionPackages(
  doc: CudfDocument,
  solution: CudfDocument | "FAIL",
): PackageId[] | undefined {
  if (solution === "FAIL") return undefined;
  const byKey = new Map(doc.packages.map((p, id) => [`${p.name} ${p.version}`, id]));
  return solution.packages.flatMap((p) => {
    if (!p.installed) return [];
    const id = byKey.get(`${p.name} ${p.version}`);
    if (id === undefined)
      throw new Error(`the solution holds ${p.name} ${p.version}, not in the problem`);
    return [id];
  });
}

/** Each criterion's count for the solution `installed`, in the order given. */
export function score(
  doc: CudfDocument,
  installed: readonly PackageId[],
  criteria: readonly Criterion[],
): number[] {
  const universe = new CudfUniverse(doc);
  const inSolution = new Set(installed);
  const names = new Set([...installed].map((id) => doc.packages[id]!.name));
  for (const p of doc.packages) if (p.installed) names.add(p.name);
  return criteria.map((c) => {
    let count = 0;
    if (c.kind === "unsat_recommends") {
      const met = (v: Parameters<CudfUniverse["satisfying"]>[0]) =>
        universe.satisfying(v).some((q) => inSolution.has(q));
      for (const id of installed) {
        const f = (doc.property(doc.packages[id]!, c.property!) ?? []) as Formula;
        for (const conjunct of f) if (!conjunct.some(met)) count++;
      }
      return count;
    }
    for (const name of names) {
      const versions = universe.versions(name);
      const before = versions.filter((id) => doc.packages[id]!.installed);
      const after = versions.filter((id) => inSolution.has(id));
      const changed = before.length !== after.length || before.some((id) => !inSolution.has(id));
      if (
        (c.kind === "removed" && before.length > 0 && after.length === 0) ||
        (c.kind === "new" && before.length === 0 && after.length > 0) ||
        (c.kind === "changed" && changed) ||
        (c.kind === "notuptodate" && after.length > 0 && !inSolution.has(versions.at(-1)!))
      )
        count++;
    }
    return count;
  });
}
