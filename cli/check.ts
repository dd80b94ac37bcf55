/** `pthbs check`: can every declared version be part of some valid set? */

import type { Command } from "commander";
import { checkCudf, checkUniverse, loadUniverse, readCudfFile } from "../index.js";
import { ENGINE_HELP, type EngineOptions, engineOption } from "./engine-option.js";
import { EXIT, type GlobalOptions, type Io, printJson } from "./io.js";
import { loadOptions } from "./request-args.js";

export function registerCheck(program: Command, io: Io, done: (code: number) => void): void {
  program
    .command("check")
    .description(
      "check that every declared version can be installed, and explain each one that cannot",
    )
    .option(
      "--cudf <file>",
      "check every package of a CUDF universe instead of the constraint files (like dose-distcheck)",
    )
    .addOption(engineOption())
    .addHelpText(
      "after",
      `${ENGINE_HELP}\n\nExit status: 0 every version is installable, 1 some are not (each is explained) or the\nengine's memory ran out (SolverLimitError), 2 usage.`,
    )
    .action(async (_opts, cmd: Command) => {
      const g = cmd.optsWithGlobals<GlobalOptions & EngineOptions & { cudf?: string }>();
      const cudf = g.cudf !== undefined;
      const report = cudf
        ? checkCudf(readCudfFile(g.cudf!), true, g.engine)
        : checkUniverse(await loadUniverse(g.constraints, loadOptions(g)), g.engine);
      if (g.json) {
        printJson(io, {
          total: report.total,
          installable: report.installable,
          broken: report.broken.map((b) => ({
            package: b.package,
            version: b.version,
            explanation: b.explanation,
          })),
        });
      } else {
        for (const b of report.broken) {
          io.stdout(
            cudf
              ? `${b.explanation.text}\n\n`
              : `${b.package}@${b.version} cannot be installed:\n${b.explanation.text.replace(/^error: no package set satisfies the request\n/, "")}\n\n`,
          );
        }
        io.stdout(
          `${report.installable} of ${report.total} ${cudf ? "packages" : "versions"} are installable; ${report.broken.length} broken\n`,
        );
      }
      done(report.broken.length === 0 ? EXIT.ok : EXIT.failure);
    });
}
