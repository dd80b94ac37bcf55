/** What the executor's commands share: the store root, where sources come from, which scripts. */

import { resolve } from "node:path";
import type { Command } from "commander";
import {
  type BuildScript,
  type CollisionError,
  DEFAULT_LINK_POLICY,
  defaultRoot,
  type Generation,
  generate,
  generationScripts,
  type LinkPolicy,
  type Lockfile,
  lockfileScripts,
  type ParsedLockfile,
  readLockfile,
  readScriptDir,
  regenerate,
  type SourceOptions,
  Store,
} from "../index.js";
import { EXIT, type GlobalOptions, type Io, printJson, UsageError } from "./io.js";
import { recipesFor, repositoryMirrors, withRecipesOption } from "./repository-args.js";
import { type RequestOptions, withRequestOptions } from "./request-args.js";
import { solveRequest } from "./solve.js";

/** Options of commands that use a store. */
export interface StoreOptions extends GlobalOptions {
  readonly root?: string;
}

/** Options of commands that take a package set. */
export interface SetOptions extends StoreOptions, RequestOptions {
  readonly lock?: string;
  readonly recipes?: string;
}

/** Options of commands that take scripts and fetch their sources. */
export interface InputOptions extends SetOptions {
  readonly scripts?: string;
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

/** Adds the package-set inputs (`[specs...] -f --lock --recipes`) and `--root`. */
export function withSetOptions(command: Command): Command {
  withRequestOptions(
    withStoreOption(command.argument("[specs...]", "the set, as for solve (or -f ENVFILE)")),
  );
  return withRecipesOption(
    command.option(
      "--lock <lockfile>",
      "the package set of a lockfile (generated for this root's store)",
    ),
  );
}

/** Adds the script inputs (`withSetOptions` and `--scripts`), `--mirror` and `--offline`. */
export function withInputOptions(command: Command): Command {
  return withSetOptions(command)
    .option("--scripts <dir>", "the scripts in a directory written by pthbs generate -o DIR")
    .option(
      "--mirror <dir>",
      "look for source files in DIR, by file name or sha256 (repeatable; then the sources/ next to the -C directory, if any)",
      (dir: string, prev: string[]) => [...prev, dir],
      [] as string[],
    )
    .option("--offline", "never use the network for sources")
    .option("--no-network", "the same as --offline");
}

/** Where sources may come from, per the options. */
export function sourceOptions(opts: InputOptions & { offline?: boolean }): SourceOptions {
  return {
    mirrors: repositoryMirrors(
      opts,
      opts.mirror.map((m) => resolve(m)),
    ),
    network: opts.network && !opts.offline,
  };
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
  if (opts.lock !== undefined) {
    const parsed = await readStoreLockfile(opts.lock, store);
    // Without recipes named, the scripts generate -o wrote next to the lockfile are used.
    if (opts.recipes === undefined && !env.PTHBS_RECIPES) {
      const beside = await lockfileScripts(opts.lock, parsed.lockfile);
      if (beside) return beside;
    }
    return generationScripts(regenerate(parsed, recipesFor(opts, env)));
  }
  const generation = await solvedGeneration(specs, opts, store, env, io, done);
  return generation && generationScripts(generation);
}

/**
 * The lockfile of `--lock`, or of specs / `-f` solved and rendered for the store's directory.
 * Undefined when solving failed (already explained and `done` called).
 */
export async function loadLockfile(
  specs: readonly string[],
  opts: SetOptions,
  store: Store,
  env: NodeJS.ProcessEnv,
  io: Io,
  done: (code: number) => void,
): Promise<Lockfile | undefined> {
  if ((specs.length > 0 || opts.file !== undefined) === (opts.lock !== undefined))
    throw new UsageError("give exactly one of: specs or -f ENVFILE, --lock LOCK");
  if (opts.lock !== undefined) return (await readStoreLockfile(opts.lock, store)).lockfile;
  return (await solvedGeneration(specs, opts, store, env, io, done))?.lockfile;
}

/** Solves specs / `-f` and renders the scripts for the store's directory. */
async function solvedGeneration(
  specs: readonly string[],
  opts: SetOptions,
  store: Store,
  env: NodeJS.ProcessEnv,
  io: Io,
  done: (code: number) => void,
): Promise<Generation | undefined> {
  const recipes = recipesFor(opts, env);
  const solved = await solveRequest(specs, opts, io, done);
  if (!solved) {
    done(EXIT.failure);
    return undefined;
  }
  return generate(solved.universe, solved.solution, solved.request, store.storeDir, recipes);
}

/** Reads a lockfile, refusing one generated for another store. */
export async function readStoreLockfile(file: string, store: Store): Promise<ParsedLockfile> {
  const lock = await readLockfile(file);
  if (lock.lockfile.store !== store.storeDir)
    throw new UsageError(
      `${file} was generated for the store ${lock.lockfile.store}, but this root's store is ${store.storeDir}: use --root ${lock.lockfile.store.replace(/\/store$/, "")} or generate again with --store ${store.storeDir}`,
    );
  return lock;
}

/** Options of commands that link environments. */
export interface LinkOptions {
  readonly policy: string;
  readonly prefer: string[];
}

/** Adds `--policy` and `--prefer` to a command. */
export function withLinkOptions(command: Command): Command {
  return command
    .option(
      "--policy <policy>",
      "fold: one link per directory only one package has; files: one link per file",
      DEFAULT_LINK_POLICY,
    )
    .option(
      "--prefer <name>",
      "on a collision, link this package's file (repeatable, first wins)",
      (name: string, prev: string[]) => [...prev, name],
      [] as string[],
    );
}

/** The link policy and preferences the options name. */
export function linkOptions(opts: LinkOptions): { policy: LinkPolicy; prefer: string[] } {
  if (opts.policy !== "fold" && opts.policy !== "files")
    throw new UsageError(`--policy takes fold or files, not ${opts.policy}`);
  return { policy: opts.policy, prefer: opts.prefer };
}

/** Prints the collisions that stop an environment, each with every package shipping the path. */
export function reportCollisions(io: Io, e: CollisionError, json: boolean): void {
  if (json) {
    printJson(io, {
      ok: false,
      error: { type: e.name, message: e.message },
      collisions: e.collisions,
    });
    return;
  }
  io.stderr(`pthbs: error: ${e.message}\n`);
}
