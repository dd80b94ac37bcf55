/**
 * The cone of a request: the packages and virtuals it can possibly involve.
 *
 * Only these are encoded (as Meteor's solver does): a package outside the cone can never be
 * needed, so leaving it out changes no answer and keeps the SAT problem small.
 */
import type { Request } from "./request.js";
import type { Universe } from "./universe.js";

/** Names reachable from a request. */
export interface Cone {
  /** Packages (with a constraint file, or external only), sorted. */
  readonly packages: readonly string[];
  /** Virtual packages, sorted. */
  readonly virtuals: readonly string[];
}

/**
 * Follows request items, every version's dependencies (whatever their conditions) and every
 * provider of a reached virtual (including externals that provide it).
 */
export function reachableCone(
  universe: Universe,
  request: Request,
  extraNames: readonly string[] = [],
): Cone {
  const externalProviders = new Map<string, string[]>();
  for (const e of request.externals) {
    for (const v of e.provides)
      externalProviders.set(v, [...(externalProviders.get(v) ?? []), e.name]);
  }
  const externalNames = new Set(request.externals.map((e) => e.name));
  const packages = new Set<string>();
  const virtuals = new Set<string>();
  const queue = [...request.items.map((i) => i.spec.name!), ...extraNames];
  while (queue.length > 0) {
    const name = queue.pop()!;
    if (packages.has(name) || virtuals.has(name)) continue;
    const pkg = universe.packages.get(name);
    if (pkg || externalNames.has(name)) {
      packages.add(name);
      // Indexed: unoptimised code (this runs once) allocates per `for … of` step.
      const depends = pkg?.depends ?? [];
      for (let k = 0; k < depends.length; k++) queue.push(depends[k]!.spec.name!);
      continue;
    }
    const providers = [
      ...(universe.virtuals.get(name) ?? []).map((p) => p.package),
      ...(externalProviders.get(name) ?? []),
    ];
    if (providers.length > 0 || externalProviders.has(name)) {
      virtuals.add(name);
      queue.push(...providers);
    }
  }
  return { packages: [...packages].sort(), virtuals: [...virtuals].sort() };
}
