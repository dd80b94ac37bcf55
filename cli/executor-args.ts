/** What the executor's commands share: the store root, where sources come from, which scripts. */

import { resolve } from "node:path";
import type { Command } from "commander";
import {
  type BuildScript,
  DEFAULT_RECIPES,
  defaultRoot,
  generate,
  generationScripts,
  RecipeSet,
  readLockfile,
  readScriptDir,
  regenerate,
  type SourceOptions,
  Store,
} from "../index.js";
import { EXIT, type GlobalOptions, type Io, UsageError } from "./io.js";
import { type RequestOptions, withRequestOptions } from "./request-args.js";
import { solveRequest } from "./solve.js";

/** Options of commands that use a store. */
export interface StoreOptions extends GlobalOptions {
  readonly root?: string;
}

/** Options of commands that take scripts and fetch their sources. */
export interface InputOptions extends StoreOptions, RequestOptions {
  readonly lock?: string;
  readonly scripts?: string;
  readonly recipes?: string;
  readonly mirror: string[];
  readonly network: boolean;
}

/** Adds `--root` to a command. */
export function withStoreOption(command: Command): Command {
  return command.option(
    "--root <dir>",
    "store root (default $PTHBS_ROOT, else $XDG_DATA_HOME/pthbs)",
  );
}

/** The store the options name. */
export function openStore(opts: StoreOptions, env: NodeJS.ProcessEnv): Store {
  return new Store(resolve(opts.root ?? env.PTHBS_ROOT ?? defaultRoot(env)));
}

/** Adds the script inputs (`[specs...] -f --lock --scripts --recipes`), `--mirror` and `--offline`. */
export function withInputOptions(command: Command): Command {
  withRequestOptions(
    withStoreOption(command.argument("[specs...]", "what to build, as for solve (or -f ENVFILE)")),
  );
  return command
    .option("--lock <lockfile>", "the package set of a lockfile (generated for this root's store)")
    .option("--scripts <dir>", "the scripts in a directory written by pthbs generate -o DIR")
    .option("--recipes <dir>", `recipe templates (default ${DEFAULT_RECIPES}, or $PTHBS_RECIPES)`)
    .option(
      "--mirror <dir>",
      "look for source files in DIR, by file name or sha256 (repeatable)",
      (dir: string, prev: string[]) => [...prev, dir],
      [] as string[],
    )
    .option("--offline", "never use the network for sources")
    .option("--no-network", "the same as --offline");
}

/** Where sources may come from, per the options. */
export function sourceOptions(opts: InputOptions & { offline?: boolean }): SourceOptions {
  return { mirrors: opts.mirror.map((m) => resolve(m)), network: opts.network && !opts.offline };
}

/**
 * The scripts the options name, rendered for the store's directory. Undefined when solving failed
 * (already explained and `done` called).
 */
export async function loadScripts(
  specs: readonly string[],
  opts: InputOptions,
  store: Store,
  env: NodeJS.ProcessEnv,
  io: Io,
  done: (code: number) => void,
): Promise<BuildScript[] | undefined> {
  const sources = [
    specs.length > 0 || opts.file !== undefined,
    opts.lock !== undefined,
    opts.scripts !== undefined,
  ];
  if (sources.filter(Boolean).length !== 1)
    throw new UsageError("give exactly one of: specs or -f ENVFILE, --lock LOCK, --scripts DIR");
  if (opts.scripts !== undefined) return readScriptDir(opts.scripts);
  const recipes = new RecipeSet(opts.recipes ?? env.PTHBS_RECIPES ?? DEFAULT_RECIPES);
  if (opts.lock !== undefined) {
    const lock = await readLockfile(opts.lock);
    if (lock.lockfile.store !== store.storeDir)
      throw new UsageError(
        `${opts.lock} was generated for the store ${lock.lockfile.store}, but this root's store is ${store.storeDir}: use --root ${lock.lockfile.store.replace(/\/store$/, "")} or generate again with --store ${store.storeDir}`,
      );
    return generationScripts(regenerate(lock, recipes));
  }
  const solved = await solveRequest(specs, opts, io, done);
  if (!solved) {
    done(EXIT.failure);
    return undefined;
  }
  return generationScripts(
    generate(solved.universe, solved.solution, solved.request, store.storeDir, recipes),
  );
}
