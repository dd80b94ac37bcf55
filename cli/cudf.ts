/**
 * `pthbs cudf IN OUT [CRITERIA]`: a CUDF solver with aspcud's command line, for apt-cudf
 * (`exec: pthbs cudf "$in" "$out" "$pref"`) and opam (`--solver`).
 */

import { writeFileSync } from "node:fs";
import type { Command } from "commander";
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
 * command and global `--json`, without loading the other commands. The usual command line
 * (`cudf IN OUT [CRITERIA]`, `--json`, `--timings`) is read here without commander (loading it
 * is a fortieth of a run); anything else goes through commander. Errors are reported by the
 * full program's `report`, loaded only then.
 */
export async function runCudf(argv: readonly string[], io: Io): Promise<number> {
  const plain = plainCommandLine(argv);
  if (plain === undefined) return runCommander(argv, io);
  try {
    return solveFiles(io, plain.operands[0]!, plain.operands[1]!, plain.operands[2], plain);
  } catch (e) {
    const { report } = await import("./program.js");
    return report(e, io, plain.json === true);
  }
}

/** `cudf IN OUT [CRITERIA]` with the two flags only, or undefined for commander to read. */
function plainCommandLine(
  argv: readonly string[],
): (CudfFlags & { readonly operands: readonly string[] }) | undefined {
  const operands: string[] = [];
  let json = false;
  let timings = false;
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "--json") json = true;
    else if (a === "--timings") timings = true;
    // Options (help, `--`, anything commander would read) but for criteria (`-removed,-new`,
    // a third operand that commander takes as one since it allows unknown options).
    else if (
      a.startsWith("--") ||
      a.startsWith("-h") ||
      (a.startsWith("-") && a !== "-" && operands.length < 2)
    )
      return undefined;
    else operands.push(a);
  }
  if (operands.length < 2 || operands.length > 3) return undefined;
  return { operands, json, timings };
}

async function runCommander(argv: readonly string[], io: Io): Promise<number> {
  const { Command } = await import("commander");
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

/** What `solveFiles` reads of the options. */
interface CudfFlags {
  readonly json?: boolean;
  readonly timings?: boolean;
}

/** Adds `cudf` to `program`; `done` receives the exit status. */
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
    .action((input: string, output: string, criteriaText: string, _o, cmd: Command) => {
      done(solveFiles(io, input, output, criteriaText, cmd.optsWithGlobals<CudfOptions>()));
    });
}

/** Solves the document `input` under `criteriaText`, writing the answer to `output`. */
function solveFiles(
  io: Io,
  input: string,
  output: string,
  criteriaText: string | undefined,
  opts: CudfFlags,
): number {
  const criteria = parseCriteria(criteriaText ?? "paranoid");
  const doc = readCudfFile(input);
  const outcome = solveCudf(doc, criteria);
  if (opts.timings)
    for (const t of outcome.timings) io.stderr(`${t.phase.padEnd(40)} ${t.ms.toFixed(0)} ms\n`);
  const write = (text: string) => (output === "-" ? io.stdout(text) : writeFileSync(output, text));
  if (!outcome.ok) {
    write(FAIL);
    if (opts.json) printJson(io, { ok: false, explanation: outcome.explanation });
    io.stderr(`${outcome.explanation.text}\n`);
    // "No solution" is an answer, given in OUT: apt-cudf reports a failing exit status as a
    // broken solver rather than as an unsatisfiable request (aspcud exits 0 too).
    return OK;
  }
  write(writeSolution(outcome.universe, outcome.installed));
  if (opts.json)
    printJson(io, { ok: true, installed: outcome.installed.length, criteria: outcome.values });
  return OK;
}
