/** Requests of a given size: the packages of a universe whose cone is nearest each size. */
import { reachableCone } from "../../solver/reachable.js";
import { requestFromSpecs } from "../../solver/request.js";
import type { Universe } from "../../solver/universe.js";

/** The package whose cone is nearest `size`, and that cone's size. */
export function rootsBySize(universe: Universe, sizes: readonly number[]) {
  const names = [...universe.packages.keys()];
  const coneOf = new Map<string, number>();
  const measure = (name: string) => {
    let c = coneOf.get(name);
    if (c === undefined) {
      c = reachableCone(universe, requestFromSpecs([name])).packages.length;
      coneOf.set(name, c);
    }
    return c;
  };
  const stride = Math.max(1, Math.floor(names.length / 800));
  for (let i = 0; i < names.length; i += stride) measure(names[i]!);
  return sizes.map((size) => {
    const ranked = [...coneOf].sort((a, b) => Math.abs(a[1] - size) - Math.abs(b[1] - size));
    // Refine around the few best candidates.
    for (const [name] of ranked.slice(0, 5)) {
      const at = names.indexOf(name);
      for (let j = Math.max(0, at - stride); j <= Math.min(names.length - 1, at + stride); j++)
        measure(names[j]!);
    }
    const candidates = [...coneOf]
      .sort((a, b) => Math.abs(a[1] - size) - Math.abs(b[1] - size) || (a[0] < b[0] ? -1 : 1))
      .slice(0, 20);
    return { size, candidates };
  });
}
