/**
 * Why a CUDF request (or one package's installation) has no solution: a minimal set of the
 * document's rules that cannot hold together, each cited by its line, in the style of the
 * native solver's explanations (`solver/explain.ts`): facts guarded by selectors, the solver's
 * core of failed selectors, then QuickXplain within it, request items first and rules in
 * breadth-first order from them so that short chains are preferred.
 */
import { quickXplain } from "../solver/quickxplain.js";
import type { EngineChoice } from "../solver/sat/engine.js";
import type { Formula } from "./document.js";
import { type CudfFact, type EncodedCudfFact, encodeCudf } from "./encode.js";
import { type CudfUniverse, type PackageId, printVpkg } from "./universe.js";

/** One cited rule of an explanation. */
export interface CudfExplanationFact {
  readonly kind: CudfFact["kind"];
  /** The rule in words. */
  readonly text: string;
  readonly file: string;
  readonly line: number;
}

/** A minimal set of rules that cannot all hold, and the whole explanation as printed. */
export interface CudfExplanation {
  readonly text: string;
  readonly facts: readonly CudfExplanationFact[];
}

/**
 * Explains why the document's request has no solution, or (with `target`) why that package
 * cannot be installed in any consistent set. Throws if there is in fact a solution. `engine` is
 * the SAT engine (default `cdcl`).
 */
export function explainCudf(
  universe: CudfUniverse,
  target?: PackageId,
  engine?: EngineChoice,
): CudfExplanation {
  const encoding = encodeCudf(universe, {
    selectors: true,
    ...(engine !== undefined && { engine }),
    ...(target !== undefined && { noRequest: true, seeds: [target] }),
  });
  const sat = encoding.circuit.sat;
  const extra = target === undefined ? [] : [encoding.variable(target)];
  const unsat = (facts: readonly EncodedCudfFact[]) =>
    sat.solve([...extra, ...facts.map((f) => f.selector!)]) === "unsat";
  const ordered = order(universe, encoding.facts, target);
  if (!unsat(ordered)) throw new Error("internal: explainCudf() was called on a solvable request");
  const failed = new Set(sat.core);
  const core = quickXplain(
    unsat,
    [],
    false,
    ordered.filter((f) => failed.has(f.selector!)),
  );
  // Packages the other rules are about come first when a conflict lists a feature's providers.
  const involved = new Set<PackageId>(target === undefined ? [] : [target]);
  for (const f of core) {
    if ("package" in f.fact) involved.add(f.fact.package);
    else for (const q of universe.satisfying(f.fact.vpkg)) involved.add(q);
  }
  const facts = core.map((f) => ({
    kind: f.fact.kind,
    text: describe(universe, f.fact, involved),
    file: universe.doc.file,
    line: f.line,
  }));
  const head =
    target === undefined
      ? "error: no solution satisfies the request"
      : `${universe.label(target)} cannot be installed`;
  const width = Math.min(72, Math.max(0, ...facts.map((f) => f.text.length)));
  const body = facts.map((f) => `  ${f.text.padEnd(width)}  (${f.file}:${f.line})`);
  return { text: [head, ...body].join("\n"), facts };
}

/** Request items first, then rules by their package's distance from the request or target. */
function order(
  universe: CudfUniverse,
  facts: readonly EncodedCudfFact[],
  target: PackageId | undefined,
): EncodedCudfFact[] {
  const distance = new Map<string, number>();
  const queue: string[] = [];
  const visit = (name: string, d: number) => {
    if (distance.has(name)) return;
    distance.set(name, d);
    queue.push(name);
  };
  const r = universe.doc.request;
  if (target !== undefined) visit(universe.get(target).name, 0);
  else for (const v of [...r.install, ...r.upgrade, ...r.remove]) visit(v.name, 0);
  for (let i = 0; i < queue.length; i++) {
    const name = queue[i]!;
    const d = distance.get(name)!;
    for (const id of universe.versions(name))
      for (const conjunct of universe.get(id).depends)
        for (const v of conjunct)
          for (const q of universe.satisfying(v)) visit(universe.get(q).name, d + 1);
  }
  const rank = (f: EncodedCudfFact): number[] => {
    const k = f.fact;
    if (!("package" in k)) return [0, 0, k.index];
    const d = distance.get(universe.get(k.package).name) ?? 1e6;
    return [1, d, k.kind === "depends" ? 0 : k.kind === "conflicts" ? 1 : 2, k.package];
  };
  const keyed = facts.map((f, i) => ({ f, key: [...rank(f), i] }));
  keyed.sort((a, b) => {
    for (let i = 0; i < a.key.length; i++) {
      const d = a.key[i]! - b.key[i]!;
      if (d !== 0) return d;
    }
    return 0;
  });
  return keyed.map((k) => k.f);
}

function disjunction(universe: CudfUniverse, conjunct: Formula[number]): string {
  if (conjunct.length === 0) return "false!";
  const text = conjunct.map(printVpkg).join(" | ");
  const none = conjunct.every((v) => universe.satisfying(v).length === 0);
  return none ? `${text} (no package provides it)` : text;
}

function describe(
  universe: CudfUniverse,
  fact: CudfFact,
  involved: ReadonlySet<PackageId>,
): string {
  switch (fact.kind) {
    case "install":
      return `the request installs ${disjunction(universe, [fact.vpkg])}`;
    case "remove":
      return `the request removes ${printVpkg(fact.vpkg)}`;
    case "upgrade":
      return `the request upgrades ${printVpkg(fact.vpkg)} (one version, not older than installed)`;
    case "depends": {
      const conjunct = universe.get(fact.package).depends[fact.index]!;
      return `${universe.label(fact.package)} depends on ${disjunction(universe, conjunct)}`;
    }
    case "conflicts": {
      const vpkg = universe.get(fact.package).conflicts[fact.index]!;
      // A conflict on a feature reads better with who provides it (Debian's "one MTA" idiom).
      const providers = universe
        .satisfying(vpkg)
        .filter((q) => q !== fact.package && universe.get(q).name !== vpkg.name)
        .sort((a, b) => Number(involved.has(b)) - Number(involved.has(a)));
      const shown = providers.slice(0, 3).map((q) => universe.label(q));
      const by =
        providers.length === 0
          ? ""
          : ` (provided by ${shown.join(", ")}${providers.length > 3 ? `, and ${providers.length - 3} more` : ""})`;
      return `${universe.label(fact.package)} conflicts with ${printVpkg(vpkg)}${by}`;
    }
    case "keep": {
      const p = universe.get(fact.package);
      return `${universe.label(fact.package)} is installed with keep: ${p.keep}`;
    }
  }
}
