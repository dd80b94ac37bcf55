/**
 * The `pthbs` command line: argument parsing, error reporting and exit codes.
 * Commands live one per file; none holds logic of its own.
 */

import { Command, CommanderError, Option } from "commander";
import {
  ConstraintError,
  defaultCacheDir,
  PthbsError,
  RequestError,
  SpecSyntaxError,
} from "../index.js";
import { registerBuild } from "./build.js";
import { registerCache } from "./cache.js";
import { registerCheck } from "./check.js";
import { registerCudf } from "./cudf.js";
import { registerDemo } from "./demo.js";
import { registerEnv } from "./env.js";
import { registerFetch } from "./fetch.js";
import { registerFuzz } from "./fuzz.js";
import { registerGc } from "./gc.js";
import { registerGenerate } from "./generate.js";
import { registerGraph } from "./graph.js";
import { EXIT, formatDiagnostic, type Io, printJson, UsageError } from "./io.js";
import { registerLint } from "./lint.js";
import { packageVersion } from "./package-root.js";
import { registerProfile } from "./profile.js";
import { registerShow } from "./show.js";
import { registerSolve } from "./solve.js";
import { registerStore } from "./store.js";
import { registerWhy, registerWhyNot } from "./why.js";

/** Runs the command line `argv` (without the node and script names); resolves to the exit code. */
export async function run(
  argv: readonly string[],
  io: Io,
  env: NodeJS.ProcessEnv = {},
): Promise<number> {
  let code: number = EXIT.ok;
  const done = (c: number) => {
    code = c;
  };
  const program = new Command("pthbs")
    .description(
      "Packaging Through Hashed Build Scripts: solve which versions and options fit together, " +
        "generate hashed build scripts, build them into a store, link switchable environments.",
    )
    .version(packageVersion(), "-V, --version", "print the pthbs version")
    .addOption(
      new Option("-C, --constraints <dir>", "directory of constraint files (*.toml)")
        .env("PTHBS_CONSTRAINTS")
        .default("constraints"),
    )
    .option("--json", "print machine-readable JSON on stdout", false)
    .option(
      "--no-cache",
      "parse every constraint file again, bypassing the load cache ($PTHBS_CACHE_DIR, else $XDG_CACHE_HOME/pthbs, else ~/.cache/pthbs)",
    )
    .showHelpAfterError("(run pthbs --help for usage)")
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .addHelpText(
      "after",
      "\nExit status: 0 success, 1 a problem in your input (see the message), 2 a usage error,\n70 an internal error (please report it).",
    );
  const cacheDir = defaultCacheDir(env);
  if (cacheDir !== undefined) program.setOptionValue("cacheDir", cacheDir);
  registerLint(program, io, done);
  registerShow(program, io, done);
  registerSolve(program, io, done);
  registerWhy(program, io, done);
  registerWhyNot(program, io, done);
  registerCheck(program, io, done);
  registerGenerate(program, io, done, env);
  registerGraph(program, io, done);
  registerCudf(program, io, done);
  registerFuzz(program, io, done, env);
  registerFetch(program, io, done, env);
  registerBuild(program, io, done, env);
  registerStore(program, io, done, env);
  registerCache(program, io, done, env);
  registerEnv(program, io, done, env);
  registerProfile(program, io, done, env);
  registerGc(program, io, done, env);
  registerDemo(program, io, done, (args) => run(args, io, env));

  // commander reads option defaults from the environment through process.env only.
  const saved = process.env.PTHBS_CONSTRAINTS;
  if (env.PTHBS_CONSTRAINTS !== undefined) process.env.PTHBS_CONSTRAINTS = env.PTHBS_CONSTRAINTS;
  else delete process.env.PTHBS_CONSTRAINTS;
  try {
    await program.parseAsync([...argv], { from: "user" });
    return code;
  } catch (e) {
    return report(e, io, argv.includes("--json"));
  } finally {
    if (saved === undefined) delete process.env.PTHBS_CONSTRAINTS;
    else process.env.PTHBS_CONSTRAINTS = saved;
  }
}

/** Turns an exception into a message on stderr and an exit code. */
export function report(e: unknown, io: Io, json: boolean): number {
  if (e instanceof CommanderError) {
    return e.exitCode === 0 ? EXIT.ok : EXIT.usage;
  }
  if (e instanceof UsageError) {
    io.stderr(`pthbs: ${e.message}\n(run pthbs --help for usage)\n`);
    return EXIT.usage;
  }
  if (e instanceof PthbsError) {
    const hint = "hint" in e && typeof e.hint === "string" ? e.hint : undefined;
    const diagnostics =
      e instanceof ConstraintError || e instanceof RequestError ? e.diagnostics : [];
    const where = e instanceof SpecSyntaxError ? `  ${e.input}\n  ${" ".repeat(e.offset)}^\n` : "";
    if (json)
      printJson(io, {
        ok: false,
        error: {
          type: e.name,
          message: e.message,
          ...(hint && { hint }),
          ...(diagnostics.length > 0 && { diagnostics }),
        },
      });
    if (diagnostics.length > 0) {
      for (const d of diagnostics) io.stderr(`${formatDiagnostic(io, d)}\n`);
    } else {
      io.stderr(`pthbs: error: ${e.message}\n${where}${hint ? `  hint: ${hint}\n` : ""}`);
    }
    return EXIT.failure;
  }
  const message = e instanceof Error ? e.message : String(e);
  io.stderr(
    `pthbs: internal error: ${message}\n  please report this, with the command you ran, to the pthbs maintainers.\n`,
  );
  if (process.env.PTHBS_DEBUG && e instanceof Error && e.stack) io.stderr(`${e.stack}\n`);
  return EXIT.internal;
}
