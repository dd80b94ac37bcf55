/**
 * Plain, JSON-ready descriptions of packages and virtuals, for `pthbs show` and library users.
 */
import type { SourceLocation } from "../common/errors.js";
import { NotFoundError } from "./errors.js";
import { printSpec, type Spec } from "./spec.js";
import { didYouMean } from "./suggest.js";
import type { DependencyType, Package, Source, Universe } from "./universe.js";

/** A source as data: a file with its sha256, or a git commit. */
export type SourceReport =
  | { kind: "url"; url: string; sha256: string; filename?: string }
  | { kind: "git"; git: string; commit: string };

/** Everything `pthbs show NAME` prints about a package. */
export interface PackageReport {
  kind: "package";
  name: string;
  summary?: string;
  homepage?: string;
  recipe: string;
  location: SourceLocation;
  provides: { virtual: string; when?: string; location: SourceLocation }[];
  /** Newest first. */
  versions: {
    version: string;
    deprecated: boolean;
    source: SourceReport;
    resources: SourceReport[];
    location: SourceLocation;
  }[];
  options: {
    name: string;
    type: "bool" | "value";
    values: (boolean | string)[];
    default: boolean | string;
    summary?: string;
    when?: string;
    location: SourceLocation;
  }[];
  depends: { spec: string; when?: string; type: DependencyType[]; location: SourceLocation }[];
  conflicts: { spec: string; when?: string; msg?: string; location: SourceLocation }[];
  /** Entries of other packages that depend on this one (directly or through a virtual it provides). */
  requiredBy: { package: string; spec: string; when?: string; location: SourceLocation }[];
}

/** What `pthbs show NAME` prints about a virtual package. */
export interface VirtualReport {
  kind: "virtual";
  name: string;
  providers: { package: string; when?: string; location: SourceLocation }[];
  requiredBy: PackageReport["requiredBy"];
}

/** Describes a package or a virtual; throws `NotFoundError` (with a suggestion) for unknown names. */
export function describe(universe: Universe, name: string): PackageReport | VirtualReport {
  const pkg = universe.packages.get(name);
  if (pkg) return describePackage(universe, pkg);
  const providers = universe.virtuals.get(name);
  if (providers) {
    return {
      kind: "virtual",
      name,
      providers: providers.map((p) => ({
        package: p.package,
        ...when(p.provision.when),
        location: p.provision.location,
      })),
      requiredBy: requiredBy(universe, name),
    };
  }
  const hint = didYouMean(name, [...universe.packages.keys(), ...universe.virtuals.keys()]);
  throw new NotFoundError(
    `no package or virtual named "${name}"`,
    hint ?? "run pthbs show without a name to list all packages",
  );
}

function describePackage(universe: Universe, pkg: Package): PackageReport {
  return {
    kind: "package",
    name: pkg.name,
    ...(pkg.summary !== undefined && { summary: pkg.summary }),
    ...(pkg.homepage !== undefined && { homepage: pkg.homepage }),
    recipe: pkg.recipe,
    location: pkg.location,
    provides: pkg.provides.map((p) => ({
      virtual: p.virtual,
      ...when(p.when),
      location: p.location,
    })),
    versions: pkg.versions.map((v) => ({
      version: v.version.text,
      deprecated: v.deprecated,
      source: sourceReport(v.source),
      resources: v.resources.map(sourceReport),
      location: v.location,
    })),
    options: pkg.options.map((o) => ({
      name: o.name,
      type: o.kind,
      values: [...o.values],
      default: o.default,
      ...(o.summary !== undefined && { summary: o.summary }),
      ...when(o.when),
      location: o.location,
    })),
    depends: pkg.depends.map((d) => ({
      spec: printSpec(d.spec),
      ...when(d.when),
      type: [...d.types],
      location: d.location,
    })),
    conflicts: pkg.conflicts.map((c) => ({
      spec: printSpec(c.spec),
      ...when(c.when),
      ...(c.message !== undefined && { msg: c.message }),
      location: c.location,
    })),
    requiredBy: [pkg.name, ...pkg.provides.map((p) => p.virtual)].flatMap((n) =>
      requiredBy(universe, n),
    ),
  };
}

function requiredBy(universe: Universe, name: string): PackageReport["requiredBy"] {
  const out: PackageReport["requiredBy"] = [];
  for (const other of universe.packages.values()) {
    for (const d of other.depends) {
      if (d.spec.name === name)
        out.push({
          package: other.name,
          spec: printSpec(d.spec),
          ...when(d.when),
          location: d.location,
        });
    }
  }
  return out;
}

function sourceReport(s: Source): SourceReport {
  return s.kind === "url"
    ? {
        kind: "url",
        url: s.url,
        sha256: s.sha256,
        ...(s.filename !== undefined && { filename: s.filename }),
      }
    : { kind: "git", git: s.url, commit: s.commit };
}

function when(spec: Spec | undefined): { when?: string } {
  return spec ? { when: printSpec(spec) } : {};
}
