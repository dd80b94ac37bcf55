/**
 * A Solution: the chosen package set, why each package is there, and its cost vector.
 */
import type { SourceLocation } from "../common/errors.js";
import type { OptionValue } from "./spec.js";
import type { DependencyType } from "./universe.js";
import type { Version } from "./version.js";

/** The optimisation criteria, most important first (DESIGN.md "Optimality"). */
export const CRITERIA = [
  "changes",
  "root-deprecated",
  "root-version-age",
  "root-non-default-options",
  "deprecated",
  "version-age",
  "non-default-options",
  "provider-preference",
  "packages",
] as const;
export type Criterion = (typeof CRITERIA)[number];

/** What each criterion counts, in words (for `--help`, docs and why-not). */
export const CRITERION_DESCRIPTIONS: Record<Criterion, string> = {
  changes:
    "packages of the reused lockfile that are absent or have another version or other option values",
  "root-deprecated": "requested packages at a deprecated version",
  "root-version-age":
    "for requested packages, how many declared versions are newer (or preferred) than the chosen one, summed",
  "root-non-default-options": "options of requested packages that differ from their default",
  deprecated: "other packages at a deprecated version",
  "version-age":
    "for other packages, how many declared versions are newer (or preferred) than the chosen one, summed",
  "non-default-options": "options of other packages that differ from their default",
  "provider-preference":
    "for each virtual with a preference list, the list position of each package providing it, summed",
  packages: "packages in the set",
};

/** One criterion's value in a cost vector. */
export interface CostEntry {
  readonly criterion: Criterion;
  readonly value: number;
}

/** A dependency edge of the solution: this package's `depends` entry met by `name`. */
export interface SolvedDependency {
  readonly name: string;
  readonly types: readonly DependencyType[];
  /** The virtuals this package meets for the dependent (empty for a direct dependency). */
  readonly virtuals: readonly string[];
  /** The `[[depends]]` entry that asks for it. */
  readonly location: SourceLocation;
}

/** One package of a solution. */
export interface SolvedPackage {
  readonly name: string;
  readonly version: Version;
  /** The value of every option that exists for this configuration, sorted by name. */
  readonly options: ReadonlyMap<string, OptionValue>;
  /** Whether a request item names it (or it provides a requested virtual). */
  readonly root: boolean;
  /** Present on the host: not built; its prefix. */
  readonly external?: { readonly prefix: string };
  readonly deprecated: boolean;
  /** Sorted by name. */
  readonly depends: readonly SolvedDependency[];
  /** The virtuals this configuration provides. */
  readonly provides: readonly string[];
}

/** A consistent, optimal package set. */
export interface Solution {
  /** Sorted by name. */
  readonly packages: readonly SolvedPackage[];
  /** Names of the root packages, sorted. */
  readonly roots: readonly string[];
  /** One entry per criterion, in `CRITERIA` order. */
  readonly cost: readonly CostEntry[];
}

/** A solution as plain JSON data (`pthbs solve --json`). */
export interface SolutionJson {
  satisfiable: true;
  roots: string[];
  packages: {
    name: string;
    version: string;
    options: Record<string, OptionValue>;
    root: boolean;
    external: boolean;
    prefix?: string;
    deprecated: boolean;
    depends: { name: string; type: DependencyType[]; virtuals?: string[] }[];
    provides: string[];
  }[];
  cost: { criterion: Criterion; value: number }[];
}

/** Converts a solution to stable JSON data: sorted names, no timings. */
export function solutionJson(solution: Solution): SolutionJson {
  return {
    satisfiable: true,
    roots: [...solution.roots],
    packages: solution.packages.map((p) => ({
      name: p.name,
      version: p.version.text,
      options: Object.fromEntries(p.options),
      root: p.root,
      external: p.external !== undefined,
      ...(p.external && { prefix: p.external.prefix }),
      deprecated: p.deprecated,
      depends: p.depends.map((d) => ({
        name: d.name,
        type: [...d.types],
        ...(d.virtuals.length > 0 && { virtuals: [...d.virtuals] }),
      })),
      provides: [...p.provides],
    })),
    cost: solution.cost.map((c) => ({ criterion: c.criterion, value: c.value })),
  };
}
