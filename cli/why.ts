/** `pthbs why NAME` and `pthbs why-not SPEC`: the reasons behind a solution. */

import type { Command } from "commander";
import {
  CRITERION_DESCRIPTIONS,
  dependencyPaths,
  formatLocation,
  parseSpec,
  solutionJson,
  whyNot,
} from "../index.js";
import { dim, EXIT, type Io, printJson } from "./io.js";
import { type RequestOptions, withRequestOptions } from "./request-args.js";
import { describeSolved, solveRequest } from "./solve.js";

export function registerWhy(program: Command, io: Io, done: (code: number) => void): void {
  withRequestOptions(
    program
      .command("why")
      .argument("<name>", "a package of the solution")
      .argument("[specs...]", "the request (as for solve)")
      .description("show every dependency path from a requested package to NAME in the solution"),
  )
    .addHelpText(
      "after",
      "\nExit status: 0 NAME is in the solution, 1 it is not, no set satisfies the request, the input\nis wrong or the engine's memory ran out (SolverLimitError), 2 usage.",
    )
    .action(async (name: string, specs: string[], _opts, cmd: Command) => {
      const opts = cmd.optsWithGlobals<RequestOptions>();
      const solved = await solveRequest(specs, opts, io, done);
      if (!solved) return;
      const target = solved.solution.packages.find((p) => p.name === name);
      const paths = target ? dependencyPaths(solved.solution, name) : [];
      if (opts.json) {
        printJson(io, {
          name,
          inSolution: target !== undefined,
          paths: paths.map((path) =>
            path.map((s) => ({
              name: s.package.name,
              version: s.package.version.text,
              ...(s.via && { via: s.via }),
            })),
          ),
        });
      } else if (!target) {
        io.stdout(`${name} is not in the solution (try pthbs why-not ${name})\n`);
      } else {
        for (const path of paths) {
          io.stdout(
            `${path.map((s) => `${s.package.name}@${s.package.version.text}`).join(" → ")}\n`,
          );
          for (const s of path)
            if (s.via)
              io.stdout(dim(io, `    ${s.package.name} needs it at ${formatLocation(s.via)}\n`));
        }
      }
      done(target ? EXIT.ok : EXIT.failure);
    });
}

export function registerWhyNot(program: Command, io: Io, done: (code: number) => void): void {
  withRequestOptions(
    program
      .command("why-not")
      .argument("<spec>", "what you expected in the solution, e.g. skalibs@2.15")
      .argument("[specs...]", "the request (as for solve)")
      .description(
        "explain why no package of the solution matches SPEC: impossible, or more costly",
      ),
  )
    .addHelpText(
      "after",
      "\nExit status: 0 answered, 1 no set satisfies the request, the input is wrong or the engine's\nmemory ran out (SolverLimitError), 2 usage.",
    )
    .action(async (specText: string, specs: string[], _opts, cmd: Command) => {
      const opts = cmd.optsWithGlobals<RequestOptions>();
      const spec = parseSpec(specText, "named");
      const base = await solveRequest(specs, opts, io, done, [spec.name!]);
      if (!base) return;
      const { universe, request } = base;
      const answer = whyNot(universe, request, base.solution, spec, specText, opts.engine);
      if (opts.json) {
        printJson(io, {
          spec: specText,
          ...(answer.kind === "present" && {
            kind: "present",
            packages: answer.packages.map((p) => p.name),
          }),
          ...(answer.kind === "impossible" && {
            kind: "impossible",
            explanation: answer.explanation,
          }),
          ...(answer.kind === "costlier" && {
            kind: "costlier",
            criterion: answer.criterion,
            current: answer.current,
            alternative: answer.alternative,
            alternativeSolution: solutionJson(answer.alternativeSolution),
          }),
        });
      } else if (answer.kind === "present") {
        io.stdout(
          `${specText} is in the solution: ${answer.packages.map(describeSolved).join(", ")}\n`,
        );
      } else if (answer.kind === "impossible") {
        io.stdout(
          `${specText} cannot be in any set that meets the request:\n${answer.explanation.text.replace(/^error: no package set satisfies the request\n/, "")}\n`,
        );
      } else {
        const i = answer.current.findIndex((c) => c.criterion === answer.criterion);
        io.stdout(
          `${specText} is possible, but the best set holding it is worse on "${answer.criterion}" ` +
            `(${CRITERION_DESCRIPTIONS[answer.criterion]}): ${answer.alternative[i]!.value} instead of ${answer.current[i]!.value}.\n`,
        );
        const now = new Map(base.solution.packages.map((p) => [p.name, p]));
        const alt = new Map(answer.alternativeSolution.packages.map((p) => [p.name, p]));
        for (const [n, p] of alt) {
          const before = now.get(n);
          if (!before) io.stdout(`  + ${describeSolved(p)}\n`);
          else if (describeSolved(before) !== describeSolved(p))
            io.stdout(`  ~ ${describeSolved(before)}  →  ${describeSolved(p)}\n`);
        }
        for (const [n, p] of now) if (!alt.has(n)) io.stdout(`  - ${describeSolved(p)}\n`);
      }
      done(EXIT.ok);
    });
}
