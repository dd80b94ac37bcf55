/**
 * Fuzzing a constraints directory (`pthbs fuzz`): random requests drawn from the real universe,
 * each solved and checked against the invariants that need no oracle. The first failure is shrunk
 * by fast-check to a small request, reported with the seed that replays it.
 */
import fc from "fast-check";
import type { RecipeSet } from "../generator/recipes.js";
import { DEFAULT_STORE } from "../generator/store.js";
import type { Request } from "../solver/request.js";
import type { EngineName } from "../solver/sat/engine.js";
import { solve } from "../solver/solve.js";
import type { Universe } from "../solver/universe.js";
import { environmentFileText } from "./constraint-file.js";
import { crossCheckRequest } from "./cross-check.js";
import {
  hasStableIds,
  isDeterministic,
  isMinimalExplanation,
  rendersValidScripts,
  satisfiesEveryRule,
  type Violation,
} from "./invariants.js";
import { arbRequestFor, type RequestArbOptions } from "./universe.js";

/** How to fuzz. */
export interface FuzzOptions {
  /** The recipes every solution is rendered with. */
  readonly recipes: RecipeSet;
  /** The seed of the random draws: the same seed and runs give the same requests. */
  readonly seed: number;
  /** How many requests to draw; default 100. */
  readonly runs?: number;
  /** The store root scripts are rendered for; default the usual one. */
  readonly store?: string;
  /** What requests hold beyond their items; default externals and preferences, no lockfile. */
  readonly request?: RequestArbOptions;
  /**
   * The SAT engine (default `cdcl`); `both`: solve with ours and also cross-check it against
   * logic-solver on every request (`crossCheckRequest`).
   */
  readonly engine?: EngineName | "both";
}

/** The outcome of one request: solvable or not, and every invariant it breaks. */
export interface RequestCheck {
  readonly satisfiable: boolean;
  readonly violations: readonly Violation[];
}

/** A failing request, shrunk. */
export interface FuzzFailure {
  readonly request: Request;
  /** The request as an environment file, to replay with `pthbs solve -f` / `pthbs generate -f`. */
  readonly environmentFile: string;
  readonly violations: readonly Violation[];
  /** How many times fast-check shrank the first failing request. */
  readonly shrinks: number;
  /** fast-check's path to the shrunk case (with the seed, `fc.assert(..., { seed, path })`). */
  readonly path: string;
}

/** What a fuzzing run found. */
export interface FuzzReport {
  readonly seed: number;
  readonly runs: number;
  /** Requests that kept every invariant, before the first failure (all of them when none failed). */
  readonly passed: number;
  /** Of those, how many were satisfiable and how many were explained. */
  readonly satisfiable: number;
  readonly unsatisfiable: number;
  readonly failure?: FuzzFailure;
}

/**
 * Solves one request and checks the invariants that hold on any universe: a solution satisfies
 * every rule, solving is deterministic, an explanation is minimal, every solution renders into
 * scripts that pass `sh -n`, and ids are stable. A request the solver refuses is a violation too
 * (the generator draws only valid requests).
 */
export function checkRequest(
  universe: Universe,
  request: Request,
  recipes: RecipeSet,
  store: string = DEFAULT_STORE,
  engine: EngineName | "both" = "cdcl",
): RequestCheck {
  const own: EngineName = engine === "both" ? "cdcl" : engine;
  const crossed = engine === "both" ? crossCheckRequest(universe, request) : [];
  let result: ReturnType<typeof solve>;
  try {
    result = solve(universe, request, { engine: own });
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    return { satisfiable: false, violations: [{ invariant: "solves", message }] };
  }
  const deterministic = [...crossed, ...isDeterministic(universe, request, result, own)];
  if (!result.satisfiable)
    return {
      satisfiable: false,
      violations: [
        ...deterministic,
        ...isMinimalExplanation(universe, request, result.explanation),
      ],
    };
  const valid = satisfiesEveryRule(universe, request, result.solution);
  const solved = { universe, request, solution: result.solution };
  const rendering = { recipes, store };
  const scripts = rendersValidScripts(solved, rendering);
  // A solution that does not render has no ids to compare: that is already reported.
  const ids = scripts.some((v) => v.invariant === "renders") ? [] : hasStableIds(solved, rendering);
  return { satisfiable: true, violations: [...deterministic, ...valid, ...scripts, ...ids] };
}

/** Draws `runs` requests from `universe` and checks each; shrinks the first that fails. */
export function fuzz(universe: Universe, options: FuzzOptions): FuzzReport {
  const runs = options.runs ?? 100;
  const store = options.store ?? DEFAULT_STORE;
  const requests = arbRequestFor(universe, options.request ?? { reuse: false });
  let passed = 0;
  let satisfiable = 0;
  let failed = false;
  const details = fc.check(
    fc.property(requests, (request) => {
      const check = checkRequest(universe, request, options.recipes, store, options.engine);
      const ok = check.violations.length === 0;
      // Shrinking calls this again: count the first pass only.
      if (!failed && ok) {
        passed++;
        if (check.satisfiable) satisfiable++;
      }
      failed ||= !ok;
      return ok;
    }),
    { seed: options.seed, numRuns: runs },
  );
  const report = {
    seed: options.seed,
    runs,
    passed,
    satisfiable,
    unsatisfiable: passed - satisfiable,
  };
  if (!details.failed) return report;
  if (!details.counterexample) throw details.errorInstance;
  const [request] = details.counterexample;
  return {
    ...report,
    failure: {
      request,
      environmentFile: environmentFileText(request),
      violations: checkRequest(universe, request, options.recipes, store, options.engine)
        .violations,
      shrinks: details.numShrinks,
      path: details.counterexamplePath ?? "",
    },
  };
}
