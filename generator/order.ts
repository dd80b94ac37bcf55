/**
 * Dependency order: every package after all of its dependencies, ties broken by name, so that a
 * script can name its dependencies' store paths and the order is the same for every run.
 */
import { GeneratorError } from "./errors.js";
import { compareText } from "./header.js";

/** What ordering needs of a package: its name and the names it depends on. */
export interface Node {
  readonly name: string;
  readonly depends: readonly { readonly name: string }[];
}

/**
 * The packages in dependency order (Kahn's algorithm, smallest name first among the ready ones).
 * Throws `GeneratorError` for a dependency on a package not in the list, or for a cycle, which
 * no hash chain can express.
 */
export function dependencyOrder<T extends Node>(packages: readonly T[]): T[] {
  const byName = new Map(packages.map((p) => [p.name, p]));
  const waiting = new Map<string, number>();
  const dependents = new Map<string, string[]>();
  for (const p of packages) {
    const deps = new Set(p.depends.map((d) => d.name));
    for (const d of deps) {
      if (!byName.has(d))
        throw new GeneratorError(
          `${p.name} depends on ${d}, which is not in the package set`,
          "the lockfile or solution is incomplete: solve again",
        );
      dependents.set(d, [...(dependents.get(d) ?? []), p.name]);
    }
    waiting.set(p.name, deps.size);
  }
  const ready = packages.filter((p) => waiting.get(p.name) === 0).map((p) => p.name);
  const order: T[] = [];
  while (ready.length > 0) {
    ready.sort((a, b) => compareText(b, a));
    const name = ready.pop()!;
    order.push(byName.get(name)!);
    for (const dependent of dependents.get(name) ?? []) {
      const left = waiting.get(dependent)! - 1;
      waiting.set(dependent, left);
      if (left === 0) ready.push(dependent);
    }
  }
  if (order.length < packages.length) {
    const cycle = findCycle(
      packages.filter((p) => waiting.get(p.name)! > 0),
      byName,
    );
    throw new GeneratorError(
      `dependency cycle: ${cycle.join(" → ")}`,
      "a script must name the store paths of its dependencies, so dependencies cannot form a cycle",
    );
  }
  return order;
}

/** One cycle among packages that could not be ordered, as a path from a package back to itself. */
function findCycle<T extends Node>(stuck: readonly T[], byName: ReadonlyMap<string, T>): string[] {
  const stuckNames = new Set(stuck.map((p) => p.name));
  const path: string[] = [];
  let current = [...stuckNames].sort(compareText)[0]!;
  while (!path.includes(current)) {
    path.push(current);
    current = byName
      .get(current)!
      .depends.map((d) => d.name)
      .filter((d) => stuckNames.has(d))
      .sort(compareText)[0]!;
  }
  return [...path.slice(path.indexOf(current)), current];
}
