/**
 * `pthbs cudf IN OUT [CRITERIA]`: a CUDF solver with aspcud's command line, for apt-cudf
 * (`exec: pthbs cudf "$in" "$out" "$pref"`) and opam (`--solver`).
 */

import { writeFileSync } from "node:fs";
import { Command } from "commander";
// The cudf modules themselves, not ../index.js nor ./io.js (which load every stage of pthbs):
// `runCudf` starts in a third of the time, and apt-cudf and opam start a solver per request.
import { parseCriteria } from "../cudf/criteria.js";
import { readCudfFile } from "../cudf/document.js";
import { FAIL, writeSolution } from "../cudf/solution.js";
import { solveCudf } from "../cudf/solve.js";
import type { GlobalOptions, Io } from "./io.js";

/** `EXIT.ok` of ./io.js. */
const OK = 0;

const printJson = (io: Io, data: unknown) => io.stdout(`${JSON.stringify(data, null, 2)}\n`);

/**
 * `pthbs cudf …` alone, as cli/main.ts runs it when `cudf` is the first argument: the same
 * command and global `--json`, without loading the other commands. Errors are reported by the
 * full program's `report`, loaded only then.
 */
export async function runCudf(argv: readonly string[], io: Io): Promise<number> {
  let code = OK;
  const program = new Command("pthbs")
    .option("--json", "print machine-readable JSON on stdout", false)
    .showHelpAfterError("(run pthbs --help for usage)")
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr });
  registerCudf(program, io, (c) => {
    code = c;
  });
  try {
    await program.parseAsync([...argv], { from: "user" });
    return code;
  } catch (e) {
    const { report } = await import("./program.js");
    return report(e, io, argv.includes("--json"));
  }
}

interface CudfOptions extends GlobalOptions {
  readonly timings?: boolean;
}

export function registerCudf(program: Command, io: Io, done: (code: number) => void): void {
  program
    .command("cudf")
    .argument("<in>", "the CUDF document (universe and request); - reads standard input")
    .argument("<out>", "where to write the solution (CUDF), or FAIL; - writes standard output")
    .argument(
      "[criteria]",
      "MISC criteria, most important first: -removed,-changed,-new,-notuptodate,-unsat_recommends (+ maximises), paranoid, trendy, or mccs's -lex[…]",
      "paranoid",
    )
    .description(
      "solve a CUDF request optimally (a drop-in for aspcud, as apt-cudf and opam call it)",
    )
    .option("--timings", "print the time of each phase on stderr")
    // Criteria start with "-" (aspcud's `-removed,-new`): they are operands, not options.
    .allowUnknownOption()
    .addHelpText(
      "after",
      "\nThe solution lists the installed packages, as aspcud writes it. With no solution, OUT gets\n" +
        "FAIL and stderr the rules of the document (with their lines) that cannot hold together.\n" +
        "--json prints the criteria values (or the explanation) on stdout.\n\n" +
        "Exit status: 0 an answer was written (a solution or FAIL, as aspcud does: apt-cudf and\n" +
        "opam read FAIL from OUT), 1 a malformed document, criteria or file, 2 usage.",
    )
    .action(async (input: string, output: string, criteriaText: string, _o, cmd: Command) => {
      const opts = cmd.optsWithGlobals<CudfOptions>();
      const criteria = parseCriteria(criteriaText);
      const doc = readCudfFile(input);
      const outcome = solveCudf(doc, criteria);
      if (opts.timings)
        for (const t of outcome.timings) io.stderr(`${t.phase.padEnd(40)} ${t.ms.toFixed(0)} ms\n`);
      const write = (text: string) =>
        output === "-" ? io.stdout(text) : writeFileSync(output, text);
      if (!outcome.ok) {
        write(FAIL);
        if (opts.json) printJson(io, { ok: false, explanation: outcome.explanation });
        io.stderr(`${outcome.explanation.text}\n`);
        // "No solution" is an answer, given in OUT: apt-cudf reports a failing exit status as a
        // broken solver rather than as an unsatisfiable request (aspcud exits 0 too).
        done(OK);
        return;
      }
      write(writeSolution(outcome.universe, outcome.installed));
      if (opts.json)
        printJson(io, { ok: true, installed: outcome.installed.length, criteria: outcome.values });
      done(OK);
    });
}
