/**
 * Building a set of scripts: in dependency order, up to `parallel` at once, stopping at the first
 * failure (or, with `keepGoing`, finishing everything that does not depend on a failure). A
 * script's dependencies are the store paths its header names under this store; each must be in
 * the set or already valid.
 */
import { PthbsError } from "../common/errors.js";
import type { StoreId } from "../generator/store.js";
import { type BuildOptions, type BuildOutcome, type BuildScript, buildOne } from "./build.js";
import { type SubstituteOptions, substitute } from "./cache/pull.js";
import { StoreError } from "./errors.js";
import type { Store } from "./store.js";

/** What a build run reports as it goes (for progress output). */
export type BuildEvent =
  /** Once, after the valid paths were set aside: how many builds remain. */
  | { readonly kind: "plan"; readonly toBuild: number }
  | { readonly kind: "start"; readonly id: StoreId }
  | {
      readonly kind: "done";
      readonly id: StoreId;
      readonly outcome: BuildOutcome;
      readonly ms: number;
    }
  | { readonly kind: "failed"; readonly id: StoreId; readonly error: Error }
  /** A cache had the path but it was refused (or unreachable): it is built instead. */
  | { readonly kind: "substitute-failed"; readonly id: StoreId; readonly error: Error }
  | { readonly kind: "skipped"; readonly id: StoreId; readonly because: StoreId };

/** Options of a build run. */
export interface RunOptions extends BuildOptions {
  /** Builds at once. */
  readonly parallel: number;
  readonly keepGoing: boolean;
  readonly onEvent?: (e: BuildEvent) => void;
  /** Binary caches to take paths from before building them (`--substituter`). */
  readonly substitute?: SubstituteOptions;
}

/** The result of a build run. */
export interface RunResult {
  readonly built: StoreId[];
  /** Taken from a binary cache instead of built. */
  readonly pulled: StoreId[];
  /** Valid before (or made valid by another builder meanwhile). */
  readonly valid: StoreId[];
  readonly failed: { readonly id: StoreId; readonly error: Error }[];
  /** Not built because a dependency failed (or the run stopped). */
  readonly skipped: StoreId[];
}

/** The ids of the store paths (under this store) a script depends on. */
export function storeDependencies(store: Store, script: BuildScript): StoreId[] {
  return store.dependencyIds(script.header.depends);
}

/**
 * Checks a set can be built in this store: every dependency is in the set or valid, and the
 * scripts were generated for this store (a dependency named under another store root is refused).
 */
async function checkSet(store: Store, scripts: ReadonlyMap<StoreId, BuildScript>): Promise<void> {
  for (const s of scripts.values()) {
    for (const d of s.header.depends) {
      if (d.external) continue;
      if (!d.path.startsWith(`${store.storeDir}/`))
        throw new StoreError(
          `script ${s.id} names dependency ${d.name} at ${d.path}, outside this store: generate with --store ${store.storeDir}`,
          store.storeDir,
        );
    }
    for (const dep of storeDependencies(store, s))
      if (!scripts.has(dep) && !(await store.isValid(dep)))
        throw new StoreError(
          `dependency of ${s.id} is neither valid nor among the scripts to build`,
          store.path(dep),
        );
  }
}

/** Builds every script of the set that is not valid yet. */
export async function buildAll(
  store: Store,
  list: readonly BuildScript[],
  options: RunOptions,
): Promise<RunResult> {
  await store.init();
  await store.removeStaleTemp();
  const scripts = new Map(list.map((s) => [s.id, s]));
  await checkSet(store, scripts);
  const result: RunResult = { built: [], pulled: [], valid: [], failed: [], skipped: [] };
  const waiting = new Map<StoreId, Set<StoreId>>();
  for (const s of scripts.values())
    waiting.set(s.id, new Set(storeDependencies(store, s).filter((d) => scripts.has(d))));
  const dependents = new Map<StoreId, StoreId[]>();
  for (const [id, deps] of waiting)
    for (const d of deps) dependents.set(d, [...(dependents.get(d) ?? []), id]);
  let stop = false;
  const running = new Set<Promise<void>>();
  const skip = (id: StoreId, because: StoreId) => {
    if (!waiting.has(id)) return;
    waiting.delete(id);
    result.skipped.push(id);
    options.onEvent?.({ kind: "skipped", id, because });
    for (const up of dependents.get(id) ?? []) skip(up, because);
  };
  const start = (id: StoreId) => {
    waiting.delete(id);
    const t0 = Date.now();
    const p = substituteOrBuild(store, scripts.get(id)!, options)
      .then((outcome) => {
        result[outcome].push(id);
        options.onEvent?.({ kind: "done", id, outcome, ms: Date.now() - t0 });
        for (const up of dependents.get(id) ?? []) waiting.get(up)?.delete(id);
      })
      .catch((error: Error) => {
        result.failed.push({ id, error });
        options.onEvent?.({ kind: "failed", id, error });
        if (!options.keepGoing) stop = true;
        for (const up of dependents.get(id) ?? []) skip(up, id);
      })
      .finally(() => running.delete(p));
    running.add(p);
  };
  // Valid paths first, without locks or events beyond "done": a no-op run is one stat per path.
  for (const id of [...waiting.keys()])
    if (await store.isValid(id)) {
      waiting.delete(id);
      result.valid.push(id);
      for (const up of dependents.get(id) ?? []) waiting.get(up)?.delete(id);
    }
  options.onEvent?.({ kind: "plan", toBuild: waiting.size });
  for (;;) {
    if (!stop)
      for (const [id, deps] of [...waiting].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
        if (running.size >= options.parallel) break;
        if (deps.size === 0) start(id);
      }
    if (running.size === 0) break;
    await Promise.race(running);
  }
  for (const id of [...waiting.keys()]) {
    waiting.delete(id);
    result.skipped.push(id);
  }
  return result;
}

/**
 * Takes a path from the first cache that has it, else builds it (a refused substitute is
 * reported); "start" is sent only when it is built.
 */
async function substituteOrBuild(
  store: Store,
  script: BuildScript,
  options: RunOptions,
): Promise<BuildOutcome> {
  if (options.substitute) {
    try {
      const r = await substitute(store, script.id, options.substitute);
      if (r !== "absent") return r;
    } catch (error) {
      if (!(error instanceof PthbsError)) throw error;
      options.onEvent?.({ kind: "substitute-failed", id: script.id, error });
    }
  }
  options.onEvent?.({ kind: "start", id: script.id });
  return buildOne(store, script, options);
}
