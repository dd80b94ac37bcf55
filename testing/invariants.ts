/**
 * Invariants of resolution, as functions a property test (or `pthbs fuzz`) calls on one request:
 * each returns the ways it is broken, empty when it holds. Only `agreesWithOracle` needs a small
 * universe; the others run on any universe.
 */
import { generate, regenerate } from "../generator/generate.js";
import { formatLockfile, LOCKFILE_NAME, parseLockfile } from "../generator/lockfile-json.js";
import type { RecipeSet } from "../generator/recipes.js";
import type { Script } from "../generator/script.js";
import { DEFAULT_STORE } from "../generator/store.js";
import { type EncodedFact, type Encoding, encode, factId } from "../solver/encode.js";
import { Checker, type Explanation } from "../solver/explain.js";
import type { Request } from "../solver/request.js";
import type { EngineName } from "../solver/sat/engine.js";
import { type Solution, solutionJson } from "../solver/solution.js";
import { type SolveResult, solve } from "../solver/solve.js";
import type { Universe } from "../solver/universe.js";
import { checkSet, computeCost, type OracleSet, oracleSolve } from "./oracle.js";
import { syntaxErrors } from "./sh.js";

/** The invariants, by name. */
export type InvariantName =
  | "solves"
  | "valid"
  | "oracle"
  | "deterministic"
  | "minimal-explanation"
  | "renders"
  | "sh-syntax"
  | "stable-ids"
  | "engines-agree";

/** One way an invariant is broken on a request. */
export interface Violation {
  readonly invariant: InvariantName;
  /** What is wrong, in words (naming the package and, for scripts, its options). */
  readonly message: string;
}

const violations = (invariant: InvariantName, messages: readonly string[]): Violation[] =>
  messages.map((message) => ({ invariant, message }));

/** A solution as the oracle's package set (name → version, option values, external or not). */
export function solutionSet(solution: Solution): OracleSet {
  return new Map(
    solution.packages.map((p) => [
      p.name,
      { version: p.version.text, options: new Map(p.options), external: p.external !== undefined },
    ]),
  );
}

/**
 * A solution satisfies every rule: request items, `[[depends]]`, `[[conflicts]]`, declared
 * versions, options and values, option existence, externals. Checked by the oracle's `checkSet`,
 * which shares no code with the solver and is linear in the set's rules (any universe size).
 */
export function satisfiesEveryRule(
  universe: Universe,
  request: Request,
  solution: Solution,
): Violation[] {
  return violations("valid", checkSet(universe, request, solutionSet(solution)));
}

/**
 * The solver agrees with the brute-force oracle: both satisfiable or both not, and the same cost.
 * Exponential in the universe: for the kit's small random universes only.
 */
export function agreesWithOracle(
  universe: Universe,
  request: Request,
  result: SolveResult,
): Violation[] {
  const oracle = oracleSolve(universe, request);
  if (oracle.satisfiable !== result.satisfiable)
    return violations("oracle", [
      `the solver says ${result.satisfiable ? "satisfiable" : "unsatisfiable"}, the oracle ${oracle.satisfiable ? "satisfiable" : "unsatisfiable"}`,
    ]);
  if (!result.satisfiable || !oracle.satisfiable) return [];
  const mine = computeCost(universe, request, solutionSet(result.solution));
  const same = JSON.stringify(mine) === JSON.stringify(oracle.cost);
  return same
    ? []
    : violations("oracle", [
        `the solver's set costs ${JSON.stringify(mine)}, the oracle's optimum ${JSON.stringify(oracle.cost)}`,
      ]);
}

/** What a result prints as, to compare two results byte for byte. */
function resultText(result: SolveResult): string {
  return JSON.stringify(
    result.satisfiable ? solutionJson(result.solution) : result.explanation,
    null,
    1,
  );
}

/** Solving the same request again (with the same engine) gives the same set, or explanation. */
export function isDeterministic(
  universe: Universe,
  request: Request,
  result: SolveResult,
  engine?: EngineName,
): Violation[] {
  return resultText(solve(universe, request, engine === undefined ? {} : { engine })) ===
    resultText(result)
    ? []
    : violations("deterministic", ["solving the same request twice gave different answers"]);
}

/** The facts of an encoding (with selectors) an explanation cites, matched by id. */
export function citedFacts(encoding: Encoding, explanation: Explanation): EncodedFact[] {
  const ids = new Set(explanation.facts.map((f) => f.id));
  return encoding.facts.filter((f) => ids.has(factId(f.fact)));
}

/**
 * An explanation is minimal: its facts together admit no valid set, and dropping any one of them
 * does (checked on the encoding with a selector per fact, independently of how it was found).
 */
export function isMinimalExplanation(
  universe: Universe,
  request: Request,
  explanation: Explanation,
): Violation[] {
  const encoding = encode(universe, request, { selectors: true });
  const core = citedFacts(encoding, explanation);
  if (core.length !== explanation.facts.length)
    return violations("minimal-explanation", ["the explanation cites facts the encoding lacks"]);
  const checker = new Checker(encoding);
  if (!checker.unsat(core))
    return violations("minimal-explanation", ["the explanation's facts admit a valid set"]);
  return violations(
    "minimal-explanation",
    core
      .filter((f) => checker.unsat(core.filter((g) => g !== f)))
      .map((f) => `the explanation holds without ${factId(f.fact)}`),
  );
}

/** A request and the solution found for it. */
export interface Solved {
  readonly universe: Universe;
  readonly request: Request;
  readonly solution: Solution;
}

/** How solutions are rendered into scripts. */
export interface Rendering {
  readonly recipes: RecipeSet;
  /** The store root scripts install into; default the usual one. */
  readonly store?: string;
}

/** A script named with the options it was rendered for, as violations report it. */
const describeScript = (s: Script): string => {
  const options = [...s.header.options]
    .map(([k, v]) => (typeof v === "boolean" ? `${v ? "+" : "~"}${k}` : `${k}=${v}`))
    .join("");
  return `${s.name}@${s.version}${options}`;
};

/** Renders a solution's scripts; a failure to render is a violation. */
function render(
  { universe, request, solution }: Solved,
  { recipes, store = DEFAULT_STORE }: Rendering,
): { scripts?: readonly Script[]; lockText?: string; violations: Violation[] } {
  try {
    const g = generate(universe, solution, request, store, recipes);
    return { scripts: g.scripts, lockText: formatLockfile(g.lockfile), violations: [] };
  } catch (e) {
    return { violations: violations("renders", [e instanceof Error ? e.message : String(e)]) };
  }
}

/**
 * Every built package of a solution renders into a script, and every script passes `sh -n`.
 * Each violation names the package, its version and its options.
 */
export function rendersValidScripts(solved: Solved, rendering: Rendering): Violation[] {
  const r = render(solved, rendering);
  if (!r.scripts) return r.violations;
  const named = r.scripts.map((s) => ({ name: describeScript(s), text: s.text }));
  return violations("sh-syntax", syntaxErrors(named));
}

/**
 * Ids are deterministic: rendering the same solution twice gives the same ids, and so does
 * rendering again from the written lockfile (what `pthbs generate --lock` does).
 */
export function hasStableIds(solved: Solved, rendering: Rendering): Violation[] {
  const first = render(solved, rendering);
  if (!first.scripts || first.lockText === undefined) return first.violations;
  const ids = (scripts: readonly Script[]) => scripts.map((s) => s.id).join("\n");
  const again = render(solved, rendering);
  const out: string[] = [];
  if (!again.scripts || ids(again.scripts) !== ids(first.scripts))
    out.push("rendering the same solution twice gave different ids");
  if (again.lockText !== first.lockText) out.push("the same solution wrote different lockfiles");
  try {
    const replayed = regenerateIds(first.lockText, rendering.recipes);
    if (replayed !== ids(first.scripts))
      out.push("rendering from the written lockfile gave different ids");
  } catch (e) {
    out.push(`the written lockfile does not render again: ${e instanceof Error ? e.message : e}`);
  }
  return violations("stable-ids", out);
}

/** The ids `pthbs generate --lock` gives: regenerate refuses a lockfile whose ids differ. */
function regenerateIds(lockText: string, recipes: RecipeSet): string {
  return regenerate(parseLockfile(lockText, LOCKFILE_NAME), recipes)
    .scripts.map((s) => s.id)
    .join("\n");
}
