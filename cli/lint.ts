/** `pthbs lint`: check every constraint file and print every problem. */

import type { Command } from "commander";
import { loadConstraints } from "../index.js";
import { EXIT, formatDiagnostic, type GlobalOptions, type Io, printJson } from "./io.js";
import { loadOptions } from "./request-args.js";

export function registerLint(program: Command, io: Io, done: (code: number) => void): void {
  program
    .command("lint")
    .description("check the constraint files and report every problem with file:line:column")
    .addHelpText(
      "after",
      "\nExit status: 0 when there are no errors (warnings allowed), 1 when any file has an error.",
    )
    .action(async (_opts, cmd: Command) => {
      const g = cmd.optsWithGlobals<GlobalOptions>();
      const result = await loadConstraints(g.constraints, loadOptions(g));
      const errors = result.diagnostics.filter((d) => d.severity === "error").length;
      const warnings = result.diagnostics.length - errors;
      if (g.json) {
        printJson(io, {
          ok: errors === 0,
          files: result.files,
          packages: result.universe.packages.size,
          errors,
          warnings,
          diagnostics: result.diagnostics,
        });
      } else {
        for (const d of result.diagnostics) io.stdout(`${formatDiagnostic(io, d)}\n`);
        const plural = (n: number, w: string) => `${n} ${w}${n === 1 ? "" : "s"}`;
        io.stdout(
          `${errors === 0 ? "ok" : "failed"}: ${plural(result.files, "file")}, ${plural(result.universe.packages.size, "package")}, ${plural(result.universe.virtuals.size, "virtual")}; ${plural(errors, "error")}, ${plural(warnings, "warning")}\n`,
        );
      }
      done(errors === 0 ? EXIT.ok : EXIT.failure);
    });
}
