/**
 * Installability of a whole universe (a maintainer's QA, like Debian's distcheck): for every
 * declared version, whether some valid set contains it, and if not, why.
 */
import { encode } from "./encode.js";
import { type Explanation, explain } from "./explain.js";
import { requestFromSpecs } from "./request.js";
import type { EngineChoice } from "./sat/engine.js";
import type { Universe } from "./universe.js";

/** One version no valid set can contain. */
export interface BrokenVersion {
  readonly package: string;
  readonly version: string;
  readonly explanation: Explanation;
}

/** The installability of every declared version. */
export interface CheckReport {
  readonly total: number;
  readonly installable: number;
  readonly broken: readonly BrokenVersion[];
}

/**
 * Encodes the universe once and asks, for each version, whether a valid set holds it; only the
 * broken ones pay for an explanation. `engine` is the SAT engine (default `cdcl`).
 */
export function checkUniverse(universe: Universe, engine?: EngineChoice): CheckReport {
  const request = requestFromSpecs([]);
  const encoding = encode(universe, request, {
    extraNames: [...universe.packages.keys()],
    costs: false,
    ...(engine !== undefined && { engine }),
  });
  const broken: BrokenVersion[] = [];
  let total = 0;
  for (const p of encoding.packages.values()) {
    for (const v of p.versions) {
      total++;
      if (encoding.circuit.sat.solve([v.variable]) === "sat") continue;
      const text = `${p.name}@=${v.entry.version.text}`;
      broken.push({
        package: p.name,
        version: v.entry.version.text,
        explanation: explain(universe, requestFromSpecs([text]), undefined, undefined, engine),
      });
    }
  }
  return { total, installable: total - broken.length, broken };
}
