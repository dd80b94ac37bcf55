/**
 * Optimisation criteria of the MISC competition (Mancoosi), as aspcud and mccs take them.
 *
 * - aspcud: a comma list `-removed,-changed,-new,-notuptodate,-unsat_recommends`, each with a
 *   `+` (maximise) or `-` (minimise) sign, most important first; the MISC 2012 spellings
 *   `count(removed)`, `count(new)`, `count(changed)`, `notuptodate(solution)` and
 *   `unsat_recommends(solution)` mean the same; `paranoid` and `trendy` name the usual lists.
 * - mccs: `-lex[…]` / `-lexicographic[…]` around such a list, `-lexagregate[…]` and
 *   `-lexsemiagregate[…]` (mccs orders the aggregated criteria lexicographically too, so the
 *   optimum is the same), and `-nunsat[recommends:,true]` for unsatisfied recommendations.
 *
 * Definitions (MISC 2010/2011 rules), for an initial installation I and a solution S, per
 * package name n with V(X, n) its versions installed in X:
 * removed: V(I,n) ≠ ∅ and V(S,n) = ∅; new: V(I,n) = ∅ and V(S,n) ≠ ∅; changed: V(I,n) ≠ V(S,n);
 * notuptodate: V(S,n) ≠ ∅ and n's newest version in the universe is not in V(S,n);
 * unsat_recommends: one per (installed package, conjunct of its `recommends`) not satisfied by S.
 */
import { splitTop } from "./document.js";
import { CudfSyntaxError } from "./errors.js";

/** What a criterion counts. */
export type CriterionKind = "removed" | "new" | "changed" | "notuptodate" | "unsat_recommends";

/** One level of the lexicographic order. */
export interface Criterion {
  /** `-` minimises, `+` maximises. */
  readonly sign: "-" | "+";
  readonly kind: CriterionKind;
  /** For unsat_recommends: the vpkgformula property counted (`recommends` unless mccs names another). */
  readonly property?: string;
}

/** The criteria aspcud uses when none are given, and the named lists apt-cudf knows. */
const NAMED: Record<string, string> = {
  paranoid: "-removed,-changed",
  trendy: "-removed,-notuptodate,-unsat_recommends,-new",
  none: "",
};

const SYNONYMS: Record<string, CriterionKind> = {
  removed: "removed",
  "count(removed)": "removed",
  new: "new",
  "count(new)": "new",
  changed: "changed",
  "count(changed)": "changed",
  notuptodate: "notuptodate",
  "notuptodate(solution)": "notuptodate",
  unsat_recommends: "unsat_recommends",
  "unsat_recommends(solution)": "unsat_recommends",
};

const SUPPORTED =
  "removed, new, changed, notuptodate, unsat_recommends (with + or -), comma lists, " +
  "paranoid, trendy, -lex[…], -lexicographic[…], -lexagregate[…], -lexsemiagregate[…], " +
  "-nunsat[PROPERTY:,true]";

/** Parses a criteria string; an empty string means no optimisation. */
export function parseCriteria(text: string): Criterion[] {
  const t = text.replace(/\s+/g, "");
  if (t in NAMED) return parseCriteria(NAMED[t]!);
  const out: Criterion[] = [];
  for (const item of splitTop(t)) out.push(...parseItem(item, text));
  return out;
}

function parseItem(item: string, whole: string): Criterion[] {
  const fail = (why: string): never => {
    throw new CudfSyntaxError("criteria", 0, `${why} in "${whole}"`, `supported: ${SUPPORTED}`);
  };
  const m = /^([+-])(.*)$/s.exec(item);
  if (!m) return fail(`criterion "${item}" needs a sign (+ or -)`);
  const [, sign, body] = m as unknown as [string, "-" | "+", string];
  const group = /^(lex|lexicographic|lexagregate|lexsemiagregate)\[(.*)\]$/s.exec(body);
  if (group) {
    // A minimised lexicographic group keeps its members' signs; a maximised one is not MISC.
    if (sign !== "-") return fail(`"${item}": a lexicographic group takes "-"`);
    return splitTop(group[2]!).flatMap((x) => parseItem(x, whole));
  }
  const nunsat = /^nunsat\[([a-z][a-z0-9-]*):,(true|false)\]$/.exec(body);
  if (nunsat) {
    if (nunsat[2] !== "true")
      return fail(`"${item}": only nunsat[…,true] (providers count) is supported`);
    return [{ sign, kind: "unsat_recommends", property: nunsat[1]! }];
  }
  const kind = SYNONYMS[body];
  if (kind === undefined) return fail(`unknown criterion "${item}"`);
  return [{ sign, kind, ...(kind === "unsat_recommends" && { property: "recommends" }) }];
}

/** The criterion as aspcud writes it: `-removed`, `+new`, `-unsat_recommends`. */
export function printCriterion(c: Criterion): string {
  return c.kind === "unsat_recommends" && c.property !== "recommends"
    ? `${c.sign}nunsat[${c.property}:,true]`
    : `${c.sign}${c.kind}`;
}
