/** `pthbs build`: build the scripts of a request, lockfile or directory into the store. */

import { availableParallelism } from "node:os";
import type { Command } from "commander";
import {
  type BuildEvent,
  type BuildScript,
  buildAll,
  type CheckResult,
  checkOne,
  chooseSandbox,
  detectSandbox,
  type RunResult,
  type SandboxKind,
} from "../index.js";
import {
  type SubstituterOptions,
  substituteOptions,
  withSubstituterOptions,
} from "./cache-args.js";
import {
  type InputOptions,
  loadScripts,
  openStore,
  sourceOptions,
  withInputOptions,
} from "./executor-args.js";
import { EXIT, type Io, printJson, UsageError } from "./io.js";
import { Progress } from "./progress.js";

interface BuildCommandOptions extends InputOptions, SubstituterOptions {
  readonly jobs: string;
  readonly keepGoing?: boolean;
  /** true: every path; a string: the comma-separated names or ids to check. */
  readonly check?: boolean | string;
  readonly sandbox: boolean;
}

export function registerBuild(
  program: Command,
  io: Io,
  done: (code: number) => void,
  env: NodeJS.ProcessEnv,
): void {
  withSubstituterOptions(
    withInputOptions(
      program
        .command("build")
        .description("build every package of the set that is not valid in the store yet"),
    ),
  )
    .option("-j, --jobs <n>", "builds at once", "1")
    .option("--keep-going", "after a failure, build everything that does not depend on it")
    .option(
      "--check [names]",
      "then rebuild every path of the set (or, as --check=NAME,..., the named ones) aside and compare (needs bwrap)",
    )
    .option("--no-sandbox", "build without isolation (when neither bwrap nor unshare works)")
    .addHelpText(
      "after",
      `
Each build runs /bin/sh -eu SCRIPT in an empty directory with a cleared environment, in a bwrap
sandbox (no network, host read-only), logging to <root>/logs/<id>.log. Valid paths are never
rebuilt. Several pthbs build processes may share one root: each path is built once.

With --substituter, each path is first looked for in the binary caches, in order, and taken
from the first with a record signed by a --trusted-key (docs/cache.md); a path no cache has, or
whose record or archive is refused (a warning says why), is built as usual.

With --check, every path of the set is then built again into a scratch directory mounted at the
same $out, and the trees compared; differing files are listed. --check=busybox (package names or
ids, comma-separated) checks only those paths.

Exit status: 0 all built (and reproducible), 1 a build or fetch failed (the log's tail and path
are shown) or a problem in the input, 2 usage, 3 --check found a path not reproducible.`,
    )
    .action(async (specs: string[], _opts, cmd: Command) => {
      const opts = cmd.optsWithGlobals<BuildCommandOptions>();
      const parallel = Number(opts.jobs);
      if (!Number.isInteger(parallel) || parallel < 1)
        throw new UsageError(`-j takes a positive number, not ${opts.jobs}`);
      const store = openStore(opts, env);
      const scripts = await loadScripts(specs, opts, store, env, io, done);
      if (!scripts) return;
      const toCheck = checkedScripts(scripts, opts.check);
      const substitute = await substituteOptions(opts, env);
      const sandbox = pickSandbox(opts.sandbox, io);
      const names = new Map(
        scripts.map((s) => [s.id as string, `${s.header.name} ${s.header.version}`]),
      );
      const t0 = Date.now();
      const refused: { id: string; type: string; message: string }[] = [];
      const progress = new Progress(io, opts.json ? "quiet" : io.tty ? "tty" : "lines", names);
      const onEvent = progress.onEvent;
      const runOptions = {
        ...sourceOptions(opts),
        sandbox,
        parallel,
        jobs: Math.max(1, Math.floor(availableParallelism() / parallel)),
        keepGoing: opts.keepGoing ?? false,
        onEvent: (e: BuildEvent) => {
          if (e.kind === "substitute-failed")
            refused.push({ id: e.id, type: e.error.name, message: e.error.message });
          onEvent(e);
        },
        ...(substitute && { substitute }),
      };
      let result: RunResult;
      try {
        result = await buildAll(store, scripts, runOptions);
      } finally {
        progress.finish();
      }
      const ok = result.failed.length === 0 && result.skipped.length === 0;
      const checks: CheckResult[] = [];
      if (ok)
        for (const s of toCheck) {
          const c = await checkOne(store, s, runOptions);
          checks.push(c);
          if (!opts.json)
            io.stdout(
              c.differing.length === 0
                ? `reproducible     ${store.path(s.id)}\n`
                : `NOT REPRODUCIBLE ${store.path(s.id)}: ${c.differing.join(", ")}\n`,
            );
        }
      const reproducible = checks.every((c) => c.differing.length === 0);
      if (opts.json)
        printJson(io, {
          ok,
          root: store.root,
          sandbox,
          built: result.built,
          ...(substitute && { pulled: result.pulled, refused }),
          valid: result.valid,
          failed: result.failed.map((f) => ({
            id: f.id,
            type: f.error.name,
            message: f.error.message,
            ...("log" in f.error && { log: f.error.log }),
          })),
          skipped: result.skipped,
          paths: scripts.map((s) => store.path(s.id)),
          ...(opts.check !== undefined && { check: checks, reproducible }),
        });
      else
        io.stdout(
          `${result.built.length} built, ${substitute ? `${result.pulled.length} pulled, ` : ""}${result.valid.length} already valid, ${result.failed.length} failed, ${result.skipped.length} skipped in ${((Date.now() - t0) / 1000).toFixed(1)} s (store ${store.storeDir})\n`,
        );
      done(!ok ? EXIT.failure : reproducible ? EXIT.ok : EXIT.notReproducible);
    });
}

/** The scripts `--check` names: none without it, all with it bare, else those named (by name or id). */
function checkedScripts(
  scripts: readonly BuildScript[],
  check: boolean | string | undefined,
): readonly BuildScript[] {
  if (check === undefined || check === false) return [];
  if (check === true) return scripts;
  const wanted = check.split(",").filter((w) => w !== "");
  const unknown = wanted.filter((w) => !scripts.some((s) => s.header.name === w || s.id === w));
  if (wanted.length === 0 || unknown.length > 0)
    throw new UsageError(
      `--check names ${unknown.length > 0 ? `${unknown.join(", ")}, which the set does not hold` : "nothing"}: use one of ${[...new Set(scripts.map((s) => s.header.name))].join(", ")}`,
    );
  return scripts.filter((s) => wanted.includes(s.header.name) || wanted.includes(s.id));
}

function pickSandbox(wanted: boolean, io: Io): SandboxKind {
  if (!wanted) return "none";
  const detected = detectSandbox();
  if (detected === "unshare")
    io.stderr(
      "pthbs: note: bwrap is missing or does not work here; using unshare (network isolation only)\n",
    );
  return chooseSandbox(false, detected);
}
