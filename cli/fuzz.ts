/** `pthbs fuzz`: random requests on the constraints directory, each checked against the invariants. */

import { type Command, InvalidArgumentError } from "commander";
import { type EngineName, loadUniverse } from "../index.js";
import type { FuzzReport } from "../testing/index.js";
import { engineOption } from "./engine-option.js";
import { bold, EXIT, type Io, printJson } from "./io.js";
import { type RecipesOptions, recipesFor, withRecipesOption } from "./repository-args.js";
import { loadOptions } from "./request-args.js";

interface FuzzCommandOptions extends RecipesOptions {
  readonly engine: EngineName | "both";
  readonly runs: number;
  readonly seed?: number;
}

/** A whole number in [min, max], for commander. */
const integer =
  (min: number, max: number) =>
  (text: string): number => {
    const n = Number(text);
    if (!/^-?[0-9]+$/.test(text) || n < min || n > max)
      throw new InvalidArgumentError(`expected a whole number from ${min} to ${max}`);
    return n;
  };

/** The command line that draws the same requests again. */
function replayCommand(opts: FuzzCommandOptions, report: FuzzReport): string {
  const recipes = opts.recipes === undefined ? "" : ` --recipes ${opts.recipes}`;
  const engine = opts.engine === "cdcl" ? "" : ` --engine ${opts.engine}`;
  return `pthbs fuzz -C ${opts.constraints}${recipes}${engine} --runs ${report.runs} --seed ${report.seed}`;
}

export function registerFuzz(
  program: Command,
  io: Io,
  done: (code: number) => void,
  env: NodeJS.ProcessEnv,
): void {
  withRecipesOption(
    program
      .command("fuzz")
      .description(
        "solve random requests drawn from the constraint files and check that every solution is valid and renders into scripts that pass sh -n, every failure is explained minimally, and answers and ids are deterministic",
      )
      .option("--runs <n>", "how many requests to draw", integer(1, 1_000_000), 100)
      .option(
        "--seed <s>",
        "seed of the random draws (default: a new one, printed)",
        integer(-(2 ** 31), 2 ** 31 - 1),
      ),
  )
    .addOption(engineOption(["both"]))
    .addHelpText(
      "after",
      `
Requests name packages of the constraint files with version ranges and option values, and
sometimes externals and preferences. The first request that breaks an invariant is shrunk to a
small one and printed as an environment file, with the seed that draws it again.

--engine both solves each request with both SAT engines, cdcl and logic-solver, checks every
answer of each against the other (models satisfy every clause, cores are unsatisfiable), and
requires the same satisfiability and the same optimal cost vector.

Exit status: 0 every invariant held, 1 one failed (reported), 2 usage.`,
    )
    .action(async (_opts, cmd: Command) => {
      const opts = cmd.optsWithGlobals<FuzzCommandOptions>();
      const seed = opts.seed ?? Math.floor(Math.random() * 2 ** 31);
      const universe = await loadUniverse(opts.constraints, loadOptions(opts));
      const recipes = recipesFor(opts, env);
      // The testing kit (fast-check and the oracle) is loaded by this command alone.
      const { fuzz } = await import("../testing/index.js");
      const report = fuzz(universe, { recipes, seed, runs: opts.runs, engine: opts.engine });
      const failure = report.failure;
      if (opts.json) {
        printJson(io, {
          ok: failure === undefined,
          seed: report.seed,
          runs: report.runs,
          passed: report.passed,
          satisfiable: report.satisfiable,
          unsatisfiable: report.unsatisfiable,
          ...(failure && {
            failure: {
              violations: failure.violations,
              request: failure.environmentFile,
              shrinks: failure.shrinks,
              path: failure.path,
              replay: replayCommand(opts, report),
            },
          }),
        });
      } else if (failure === undefined) {
        io.stdout(
          `${report.runs} random requests (seed ${seed}): ${report.satisfiable} solved, ${report.unsatisfiable} explained; every invariant held\n`,
        );
      } else {
        io.stdout(
          `${bold(io, "invariant broken")} after ${report.passed} good requests (seed ${seed}); the request, shrunk ${failure.shrinks} times:\n\n`,
        );
        io.stdout(`${failure.environmentFile.replace(/^/gm, "  ")}\n`);
        for (const v of failure.violations) io.stdout(`${v.invariant}: ${v.message}\n`);
        io.stdout(
          `\nreplay: ${replayCommand(opts, report)}\n  or save the request above as failing.toml and run pthbs generate -f failing.toml -o DIR\n`,
        );
      }
      done(failure === undefined ? EXIT.ok : EXIT.failure);
    });
}
