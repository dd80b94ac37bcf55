/**
 * The checks between constraint files, once each is checked on its own (`constraint-file.ts`):
 * dependencies and conflicts must name a package or a provided virtual, with options and values
 * that package has; virtual names must not clash with package names; one file per package.
 */
import type { Diagnostic, SourceLocation } from "../common/errors.js";
import { specProblems } from "./constraint-file.js";
import { printSpec, type Spec } from "./spec.js";
import { didYouMean } from "./suggest.js";
import type { Package, Provider, Universe } from "./universe.js";

/** One constraint file checked on its own: its package (unless broken) and its problems. */
export interface CheckedFile {
  readonly path: string;
  readonly package?: Package;
  readonly diagnostics: readonly Diagnostic[];
}

/** A universe built from whatever was valid, and every problem found. */
export interface LoadResult {
  readonly universe: Universe;
  /** Errors first, then warnings; each group by file, line and column. */
  readonly diagnostics: readonly Diagnostic[];
  readonly files: number;
}

/**
 * The checks between files, on files already checked one by one: duplicate packages, virtuals
 * named like packages, dependencies and conflicts naming what exists with options it has.
 */
export function linkConstraintFiles(
  checked: readonly CheckedFile[],
  /** Every name of the repository, for "did you mean" hints, when `checked` is a part of it. */
  allNames?: readonly string[],
  /** When `checked` is a part: the files whose references to check (the others are targets). */
  referencesOf?: ReadonlySet<string>,
): LoadResult {
  const diagnostics: Diagnostic[] = [];
  const packages = new Map<string, Package>();
  const broken = new Set<string>();
  for (const check of [...checked].sort((a, b) =>
    a.path < b.path ? -1 : a.path > b.path ? 1 : 0,
  )) {
    diagnostics.push(...check.diagnostics);
    const pkg = check.package;
    if (!pkg) {
      broken.add(
        check.path
          .split("/")
          .at(-1)!
          .replace(/\.toml$/, ""),
      );
      continue;
    }
    const twin = packages.get(pkg.name);
    if (twin) {
      diagnostics.push(
        error(
          pkg.location,
          "duplicate-package",
          `package "${pkg.name}" is also defined in ${twin.location.file}`,
          "keep one file per package",
        ),
      );
      continue;
    }
    packages.set(pkg.name, pkg);
  }

  const virtuals = new Map<string, Provider[]>();
  for (const pkg of packages.values()) {
    for (const provision of pkg.provides) {
      if (packages.has(provision.virtual)) {
        diagnostics.push(
          error(
            provision.location,
            "name-clash",
            `virtual "${provision.virtual}" has the name of a package`,
            "rename the virtual: a name is either a package or a virtual",
          ),
        );
        continue;
      }
      const list = virtuals.get(provision.virtual) ?? [];
      list.push({ package: pkg.name, provision });
      virtuals.set(provision.virtual, list);
    }
  }

  const known = allNames ?? [...packages.keys(), ...virtuals.keys()];
  const checkReference = (spec: Spec, at: SourceLocation, kind: "dependency" | "conflict") => {
    const name = spec.name!;
    const target = packages.get(name);
    if (target) {
      for (const p of specProblems(target, spec)) {
        diagnostics.push({
          severity: p.severity,
          code: p.code,
          ...at,
          message: `${kind} "${printSpec(spec)}": ${p.message}`,
          ...(p.hint !== undefined && { hint: p.hint }),
        });
      }
    } else if (virtuals.has(name)) {
      if (spec.range || spec.options.length > 0) {
        diagnostics.push(
          error(
            at,
            "virtual-with-constraints",
            `"${name}" is a virtual package: it has no versions or options`,
            `write just "${name}"; constrain the providers instead`,
          ),
        );
      }
    } else if (!broken.has(name)) {
      const hint =
        didYouMean(name, known) ??
        "add a constraint file for it, or a provides entry to the package that stands in for it";
      diagnostics.push({
        severity: kind === "dependency" ? "error" : "warning",
        code: "unknown-package",
        ...at,
        message: `${kind} on "${name}", which is neither a package nor a provided virtual${kind === "conflict" ? ": the entry has no effect" : ""}`,
        hint,
      });
    }
  };
  for (const pkg of packages.values()) {
    if (referencesOf !== undefined && !referencesOf.has(pkg.location.file)) continue;
    for (const d of pkg.depends) checkReference(d.spec, d.location, "dependency");
    for (const c of pkg.conflicts) checkReference(c.spec, c.location, "conflict");
  }

  const byName = <T>(m: Map<string, T>) =>
    new Map([...m.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  for (const list of virtuals.values()) list.sort((a, b) => (a.package < b.package ? -1 : 1));
  return {
    universe: { packages: byName(packages), virtuals: byName(virtuals) },
    diagnostics: sortDiagnostics(diagnostics),
    files: checked.length,
  };
}

function error(
  at: SourceLocation,
  code: Diagnostic["code"],
  message: string,
  hint: string,
): Diagnostic {
  return {
    severity: "error",
    code,
    file: at.file,
    line: at.line,
    column: at.column,
    message,
    hint,
  };
}

/** Errors first, then warnings; each group by file, line and column. */
export function sortDiagnostics(list: Diagnostic[]): Diagnostic[] {
  const rank = (d: Diagnostic) => (d.severity === "error" ? 0 : 1);
  return list.sort(
    (a, b) =>
      rank(a) - rank(b) ||
      (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) ||
      a.line - b.line ||
      a.column - b.column,
  );
}
