/**
 * Configurations of the shipped packages for recipe tests, without the solver: every declared
 * version with a covering sample of option values, and plausible dependencies for each (the
 * newest version that meets each active `depends` entry; for a virtual, one of its providers).
 */

import type { LockedDependency, LockedPackage } from "../generator/lockfile.js";
import { scriptSource } from "../generator/lockfile.js";
import type { LocatedPackage } from "../generator/script.js";
import { type OptionValue, satisfies } from "../solver/spec.js";
import type { Package, PackageVersion, Universe } from "../solver/universe.js";

/** The store root of test scripts. */
export const STORE = "/opt/pthbs/store";

/** A fake but well-formed store path for a dependency. */
export const fakePath = (name: string) => `${STORE}/${name}.${"0".repeat(64)}`;

/** The options that exist for a version, at their defaults. */
export function defaults(pkg: Package, v: PackageVersion): Map<string, OptionValue> {
  const base = new Map(pkg.options.map((o) => [o.name, o.default]));
  const config = { name: pkg.name, version: v.version, options: base };
  return new Map(
    pkg.options.filter((o) => !o.when || satisfies(config, o.when)).map((o) => [o.name, o.default]),
  );
}

/**
 * A covering sample of option values for a version: all defaults, each option alone at each of
 * its other values, and every option at a non-default value at once.
 */
export function optionSamples(pkg: Package, v: PackageVersion): Map<string, OptionValue>[] {
  const base = defaults(pkg, v);
  const samples = [base];
  const flipped = new Map(base);
  for (const name of base.keys()) {
    const option = pkg.options.find((o) => o.name === name)!;
    for (const value of option.values.filter((x) => x !== option.default)) {
      samples.push(new Map([...base, [name, value]]));
      flipped.set(name, value);
    }
  }
  if (samples.length > 2) samples.push(flipped);
  return samples;
}

/** A built package of the universe as a lockfile holds it. */
export function locked(
  pkg: Package,
  v: PackageVersion,
  options: ReadonlyMap<string, OptionValue>,
  depends: readonly LockedDependency[] = [],
): LockedPackage {
  return {
    name: pkg.name,
    version: v.version.text,
    options: new Map([...options].sort(([a], [b]) => (a < b ? -1 : 1))),
    recipe: pkg.recipe,
    provides: pkg.provides.map((p) => p.virtual),
    depends,
    source: scriptSource(v.source),
    resources: v.resources.map(scriptSource),
  };
}

/**
 * A package at a version and options, with its dependencies placed at fake store paths.
 * `variant` picks among the providers of a virtual (so both musl and musl-cross-make serve as
 * libc across samples).
 */
export function withDependencies(
  universe: Universe,
  pkg: Package,
  v: PackageVersion,
  options: ReadonlyMap<string, OptionValue>,
  variant: number,
): { package: LockedPackage; dependencies: Map<string, LocatedPackage> } {
  const config = { name: pkg.name, version: v.version, options };
  const edges = new Map<string, LockedDependency>();
  const dependencies = new Map<string, LocatedPackage>();
  for (const d of pkg.depends) {
    if (d.when && !satisfies(config, d.when)) continue;
    const wanted = d.spec.name!;
    let target = universe.packages.get(wanted);
    let virtual: string | undefined;
    if (!target) {
      const providers = universe.virtuals.get(wanted) ?? [];
      target = universe.packages.get(providers[variant % providers.length]!.package)!;
      virtual = wanted;
    }
    const version =
      target.versions.find((tv) => {
        const opts = new Map([
          ...defaults(target, tv),
          ...d.spec.options.map((o): [string, OptionValue] => [o.name, o.value]),
        ]);
        return satisfies(
          { name: target.name, version: tv.version, options: opts },
          { ...d.spec, name: target.name },
        );
      }) ?? target.versions[0]!;
    const seen = edges.get(target.name);
    edges.set(target.name, {
      name: target.name,
      types: (["build", "link", "run"] as const).filter(
        (t) => d.types.includes(t) || seen?.types.includes(t),
      ),
      virtuals: [...new Set([...(seen?.virtuals ?? []), ...(virtual ? [virtual] : [])])].sort(),
    });
    dependencies.set(target.name, {
      package: locked(target, version, defaults(target, version)),
      path: fakePath(target.name),
    });
  }
  const depends = [...edges.values()].sort((a, b) => (a.name < b.name ? -1 : 1));
  return { package: locked(pkg, v, options, depends), dependencies };
}
