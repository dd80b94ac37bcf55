/** `pthbs solve`: the optimal set for a request, as a tree with costs, or why there is none. */

import type { Command } from "commander";
import {
  CRITERION_DESCRIPTIONS,
  type Explanation,
  type SolveOptions as LibrarySolveOptions,
  type PhaseTiming,
  type Request,
  type Solution,
  type SolvedPackage,
  solutionJson,
  solve,
  type Universe,
} from "../index.js";
import { bold, dim, EXIT, type Io, printJson } from "./io.js";
import { type RequestOptions, readRequest, withRequestOptions } from "./request-args.js";

interface SolveOptions extends RequestOptions {
  readonly timings?: boolean;
}

export function registerSolve(program: Command, io: Io, done: (code: number) => void): void {
  withRequestOptions(
    program
      .command("solve")
      .argument("[specs...]", "what you want, e.g. s6-rc 'busybox +static' skalibs@2.14")
      .description(
        "find the best consistent set of versions and options, or explain why there is none",
      ),
  )
    .option(
      "--timings",
      "print on stderr the time of each phase from process start: start-up, load, the solver's phases, print",
    )
    .addHelpText(
      "after",
      `\nThe set is optimal on these criteria, most important first:\n${Object.entries(
        CRITERION_DESCRIPTIONS,
      )
        .map(([c, d]) => `  ${c.padEnd(25)} ${d}`)
        .join(
          "\n",
        )}\n\nExit status: 0 a set was found, 1 none exists (the explanation says why), the input is wrong or
the engine's memory ran out (SolverLimitError), 2 usage.`,
    )
    .action(async (specs: string[], _opts, cmd: Command) => {
      const opts = cmd.optsWithGlobals<SolveOptions>();
      // Since the process started: Node, pthbs's modules, the arguments.
      const startUp = performance.now();
      const { universe, request, files, parsed, parsedOnWorker } = await readRequest(specs, opts);
      const loaded = performance.now();
      const result = solve(universe, request, engineOf(opts));
      const solved = performance.now();
      if (!result.satisfiable) printExplanation(io, opts.json, result.explanation);
      else if (opts.json) printJson(io, solutionJson(result.solution));
      else io.stdout(formatSolution(io, result.solution));
      if (opts.timings)
        printTimings(io, [
          { phase: "start-up", ms: startUp },
          {
            phase: `load (${files} files, ${parsed} parsed${parsedOnWorker > 0 ? `, ${parsedOnWorker} on a worker thread` : ""})`,
            ms: loaded - startUp,
          },
          ...result.timings,
          { phase: "other", ms: Math.max(0, solved - loaded - sum(result.timings)) },
          { phase: "print", ms: performance.now() - solved },
        ]);
      done(result.satisfiable ? EXIT.ok : EXIT.failure);
    });
}

/**
 * Reads the request of a command and solves it. When no package set satisfies it, prints why,
 * sets exit status 1 and returns `undefined`.
 */
export async function solveRequest(
  specs: readonly string[],
  opts: RequestOptions,
  io: Io,
  done: (code: number) => void,
  extraNames: readonly string[] = [],
): Promise<{ universe: Universe; request: Request; solution: Solution } | undefined> {
  const { universe, request } = await readRequest(specs, opts, extraNames);
  const result = solve(universe, request, engineOf(opts));
  if (result.satisfiable) return { universe, request, solution: result.solution };
  printExplanation(io, opts.json, result.explanation);
  done(EXIT.failure);
  return undefined;
}

/** The solve options of `--engine` (none when it is not given). */
function engineOf(opts: RequestOptions): LibrarySolveOptions {
  return opts.engine === undefined ? {} : { engine: opts.engine };
}

/** Prints an explanation as text (stderr) or JSON (stdout). */
export function printExplanation(io: Io, json: boolean, explanation: Explanation): void {
  if (json) {
    printJson(io, {
      satisfiable: false,
      explanation: {
        text: explanation.text,
        facts: explanation.facts,
        suggestions: explanation.suggestions,
      },
    });
  } else {
    io.stderr(`${explanation.text}\n`);
  }
}

/** Prints solver phase timings on stderr. */
export function printTimings(io: Io, timings: readonly PhaseTiming[]): void {
  const total = sum(timings);
  for (const t of timings) io.stderr(`${t.phase.padEnd(36)} ${t.ms.toFixed(1).padStart(9)} ms\n`);
  io.stderr(`${"total".padEnd(36)} ${total.toFixed(1).padStart(9)} ms\n`);
}

const sum = (timings: readonly PhaseTiming[]) => timings.reduce((s, t) => s + t.ms, 0);

/** `name@version +a ~b k=v` for one solved package. */
export function describeSolved(p: SolvedPackage): string {
  const opts = [...p.options].map(([k, v]) =>
    typeof v === "boolean" ? `${v ? "+" : "~"}${k}` : `${k}=${v}`,
  );
  return [`${p.name}@${p.version.text}`, ...opts].join(" ");
}

/** The set as a tree from the roots; a package already shown is referred to, not repeated. */
export function formatSolution(io: Io, solution: Solution): string {
  const byName = new Map(solution.packages.map((p) => [p.name, p]));
  const shown = new Set<string>();
  const lines: string[] = [];
  const label = (p: SolvedPackage) =>
    `${bold(io, describeSolved(p))}${p.external ? dim(io, ` (external, ${p.external.prefix})`) : ""}${p.deprecated ? " (deprecated)" : ""}`;
  const walk = (p: SolvedPackage, prefix: string) => {
    p.depends.forEach((d, i) => {
      const last = i === p.depends.length - 1;
      const child = byName.get(d.name)!;
      const why = dim(
        io,
        ` [${d.types.join(",")}${d.virtuals.length > 0 ? ` for ${d.virtuals.join(", ")}` : ""}]`,
      );
      const again = shown.has(child.name);
      lines.push(
        `${prefix}${last ? "└─ " : "├─ "}${again ? `${child.name}@${child.version.text}${dim(io, " (see above)")}` : label(child)}${why}`,
      );
      if (!again) {
        shown.add(child.name);
        walk(child, `${prefix}${last ? "   " : "│  "}`);
      }
    });
  };
  for (const root of solution.packages.filter((p) => p.root)) {
    if (shown.has(root.name)) {
      lines.push(`${root.name}@${root.version.text}${dim(io, " (requested; see above)")}`);
      continue;
    }
    shown.add(root.name);
    lines.push(`${label(root)}${dim(io, " (requested)")}`);
    walk(root, "");
  }
  const costs = solution.cost.map((c) => `${c.criterion} ${c.value}`).join(", ");
  lines.push("", `${solution.packages.length} packages; cost: ${costs}`);
  return `${lines.join("\n")}\n`;
}
