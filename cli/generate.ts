/** `pthbs generate`: hashed build scripts and a lockfile for a request, or again from a lockfile. */

import { join } from "node:path";
import type { Command } from "commander";
import {
  DEFAULT_STORE,
  type Generation,
  generate,
  LOCKFILE_NAME,
  readLockfile,
  regenerate,
  writeGeneration,
} from "../index.js";
import { dim, EXIT, type Io, printJson, UsageError } from "./io.js";
import { recipesFor, withRecipesOption } from "./repository-args.js";
import { type RequestOptions, withRequestOptions } from "./request-args.js";
import { solveRequest } from "./solve.js";

interface GenerateOptions extends RequestOptions {
  readonly output: string;
  readonly store?: string;
  readonly recipes?: string;
  readonly lock?: string;
}

export function registerGenerate(
  program: Command,
  io: Io,
  done: (code: number) => void,
  env: NodeJS.ProcessEnv,
): void {
  withRecipesOption(
    withRequestOptions(
      program
        .command("generate")
        .argument("[specs...]", "what you want, as for solve (or -f ENVFILE)")
        .description("write the hashed build script of every package to build, and a lockfile"),
    ),
  )
    .requiredOption("-o, --output <dir>", `directory for the <id>.sh scripts and ${LOCKFILE_NAME}`)
    .option(
      "--store <path>",
      `store root the scripts install into and name their dependencies in (default ${DEFAULT_STORE}, or $PTHBS_STORE)`,
    )
    .option("--lock <lockfile>", "regenerate the scripts of a lockfile instead of solving")
    .addHelpText(
      "after",
      `
Each script is named by its id, <name>.<sha256 of the script>, which is also its directory in the
store. Externals (from an environment file) get no script: dependents use their prefix.
With --lock, the request, versions, options, sources and store come from the lockfile; every
script must come out with the id the lockfile records.

Exit status: 0 written, 1 no package set satisfies the request (explained), a problem in the
input (constraint files, recipe, lockfile) or the engine's memory ran out (SolverLimitError),
2 usage.`,
    )
    .action(async (specs: string[], _opts, cmd: Command) => {
      const opts = cmd.optsWithGlobals<GenerateOptions>();
      const recipes = recipesFor(opts, env);
      let generation: Generation;
      if (opts.lock !== undefined) {
        const extra = [
          ...(specs.length > 0 ? ["specs"] : []),
          ...(opts.file !== undefined ? ["-f"] : []),
          ...(opts.reuse !== undefined ? ["--reuse"] : []),
          ...(opts.store !== undefined ? ["--store"] : []),
        ];
        if (extra.length > 0)
          throw new UsageError(
            `--lock takes the request and the store from the lockfile: drop ${extra.join(", ")}`,
          );
        generation = regenerate(await readLockfile(opts.lock), recipes);
      } else {
        const solved = await solveRequest(specs, opts, io, done);
        if (!solved) return;
        const store = opts.store ?? env.PTHBS_STORE ?? DEFAULT_STORE;
        generation = generate(solved.universe, solved.solution, solved.request, store, recipes);
      }
      await writeGeneration(opts.output, generation);
      printGeneration(io, opts.json, opts.output, generation);
      done(EXIT.ok);
    });
}

function printGeneration(io: Io, json: boolean, dir: string, g: Generation): void {
  const externals = g.lockfile.packages.filter((p) => p.external);
  if (json) {
    printJson(io, {
      store: g.lockfile.store,
      lockfile: join(dir, LOCKFILE_NAME),
      scripts: g.scripts.map((s) => ({
        name: s.name,
        version: s.version,
        id: s.id,
        file: join(dir, `${s.id}.sh`),
        path: s.path,
      })),
      externals: externals.map((p) => ({
        name: p.name,
        version: p.version,
        prefix: p.external!.prefix,
      })),
    });
    return;
  }
  const rows = [
    ...g.scripts.map((s) => [s.name, s.version, s.id]),
    ...externals.map((p) => [p.name, p.version, dim(io, `external ${p.external!.prefix}`)]),
  ];
  const width = (i: number) => Math.max(0, ...rows.map((r) => r[i]!.length));
  for (const [name, version, id] of rows)
    io.stdout(`${name!.padEnd(width(0))}  ${version!.padEnd(width(1))}  ${id}\n`);
  io.stdout(
    `${g.scripts.length} script${g.scripts.length === 1 ? "" : "s"} and ${LOCKFILE_NAME} in ${dir} (store ${g.lockfile.store})\n`,
  );
}
