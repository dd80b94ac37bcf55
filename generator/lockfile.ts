/**
 * The Lockfile: a solved package set with everything needed to regenerate its scripts without
 * the constraint files — each package's version, options, recipe, sources and dependencies by
 * type, and once rendered its id. `pthbs build`, `pthbs env` and `solve --reuse` read it.
 * The JSON text format is in lockfile-json.ts.
 */
import type { OptionValue } from "../common/options.js";
import type { Request } from "../solver/request.js";
import type { Solution } from "../solver/solution.js";
import {
  type DependencyType,
  findVersion,
  type Source,
  type Universe,
} from "../solver/universe.js";
import { GeneratorError } from "./errors.js";
import { compareText, type PackageConfiguration, type ScriptSource } from "./header.js";
import type { StoreId } from "./store.js";

/** One dependency edge: which package, how it is used, and the virtuals it stands in for. */
export interface LockedDependency {
  readonly name: string;
  /** Non-empty, in `DEPENDENCY_TYPES` order. */
  readonly types: readonly DependencyType[];
  /** Sorted. */
  readonly virtuals: readonly string[];
}

/** One package of a lockfile. */
export interface LockedPackage extends PackageConfiguration {
  /** Virtuals this package provides in the set. */
  readonly provides: readonly string[];
  /** Sorted by name. */
  readonly depends: readonly LockedDependency[];
  /** A package on the host: not built, no script, referred to by its prefix. */
  readonly external?: { readonly prefix: string };
  /** The main source of a built package (absent for externals). */
  readonly source?: ScriptSource;
  readonly resources: readonly ScriptSource[];
  /** The id of its script; absent before rendering and for externals. */
  readonly id?: StoreId;
}

/** The request a lockfile was solved from, as written down for people and for re-solving. */
export interface LockedRequest {
  /** In the order given: the environment file's, then the command line's. */
  readonly specs: readonly string[];
  readonly externals: readonly {
    readonly name: string;
    readonly version: string;
    readonly prefix: string;
    readonly options: ReadonlyMap<string, OptionValue>;
    readonly provides: readonly string[];
  }[];
  /** Preferred providers of each virtual, best first. */
  readonly providers: ReadonlyMap<string, readonly string[]>;
  /** Version preferences, as ranges (`@2.14`). */
  readonly versions: ReadonlyMap<string, string>;
}

/** A lockfile: the store its ids are for, the request, the roots and every package. */
export interface Lockfile {
  /** Store root: ids depend on it, since scripts embed their dependencies' store paths. */
  readonly store: string;
  readonly request: LockedRequest;
  /** Sorted. */
  readonly roots: readonly string[];
  /** Sorted by name. */
  readonly packages: readonly LockedPackage[];
}

/** The request as a lockfile records it. */
export function lockRequest(request: Request): LockedRequest {
  const sorted = <T>(m: ReadonlyMap<string, T>) =>
    new Map([...m].sort(([a], [b]) => compareText(a, b)));
  return {
    specs: request.items.filter((i) => !i.constraintOnly).map((i) => i.text),
    externals: [...request.externals]
      .sort((a, b) => compareText(a.name, b.name))
      .map((e) => ({
        name: e.name,
        version: e.version.text,
        prefix: e.prefix,
        options: sorted(e.options),
        provides: [...e.provides].sort(compareText),
      })),
    providers: sorted(request.providerPreferences),
    versions: new Map(
      [...sorted(request.versionPreferences)].map(([name, range]) => [
        name,
        `@${range.toString()}`,
      ]),
    ),
  };
}

/** A source of the universe as scripts and lockfiles name it. */
export function scriptSource(s: Source): ScriptSource {
  return s.kind === "git"
    ? { kind: "git", url: s.url, commit: s.commit }
    : {
        kind: "url",
        url: s.url,
        sha256: s.sha256,
        filename: s.filename ?? decodeURIComponent(new URL(s.url).pathname.split("/").at(-1) ?? ""),
      };
}

/**
 * The lockfile of a solution, before rendering (no ids): each built package's sources come from
 * the universe's declaration of its version.
 */
export function lockSolution(
  universe: Universe,
  solution: Solution,
  request: Request,
  store: string,
): Lockfile {
  const packages = solution.packages.map((p): LockedPackage => {
    // An external may name a package without a constraint file (docs/solver.md).
    const pkg = universe.packages.get(p.name);
    if (!pkg && !p.external)
      throw new GeneratorError(`the solution names ${p.name}, which the constraints do not have`);
    const base = {
      name: p.name,
      version: p.version.text,
      options: new Map([...p.options].sort(([a], [b]) => compareText(a, b))),
      recipe: pkg?.recipe ?? p.name,
      provides: [...p.provides].sort(compareText),
      depends: [...p.depends]
        .sort((a, b) => compareText(a.name, b.name))
        .map((d) => ({
          name: d.name,
          types: [...d.types],
          virtuals: [...d.virtuals].sort(compareText),
        })),
    };
    if (p.external || !pkg)
      return { ...base, external: { prefix: p.external!.prefix }, resources: [] };
    const declared = findVersion(pkg, p.version.text);
    if (!declared)
      throw new GeneratorError(`${pkg.location.file} does not declare ${p.name} ${p.version.text}`);
    return {
      ...base,
      source: scriptSource(declared.source),
      resources: declared.resources.map(scriptSource),
    };
  });
  return {
    store,
    request: lockRequest(request),
    roots: [...solution.roots].sort(compareText),
    packages: packages.sort((a, b) => compareText(a.name, b.name)),
  };
}
