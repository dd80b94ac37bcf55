/** `pthbs graph`: the solved dependency graph as Graphviz DOT. */

import type { Command } from "commander";
import { edgeStyle, type GraphPackage, graphDot, readLockfile } from "../index.js";
import { EXIT, type Io, printJson, UsageError } from "./io.js";
import { type RequestOptions, withRequestOptions } from "./request-args.js";
import { solveRequest } from "./solve.js";

interface GraphOptions extends RequestOptions {
  readonly lock?: string;
}

export function registerGraph(program: Command, io: Io, done: (code: number) => void): void {
  withRequestOptions(
    program
      .command("graph")
      .argument("[specs...]", "what you want, as for solve (or -f ENVFILE)")
      .description("print the solved dependency graph as Graphviz DOT (pipe it to dot -Tsvg)"),
  )
    .option("--lock <lockfile>", "draw the package set of a lockfile instead of solving")
    .addHelpText(
      "after",
      `
Edges go from a package to its dependencies: solid = link, dotted = run, dashed = build only;
a label names the virtuals (cc, libc…) a dependency stands in for. Requested packages are bold,
externals dashed. Example: pthbs graph -f environments/minimal.toml | dot -Tsvg > set.svg

Exit status: 0 printed, 1 no package set satisfies the request (explained) or bad input, 2 usage.`,
    )
    .action(async (specs: string[], _opts, cmd: Command) => {
      const opts = cmd.optsWithGlobals<GraphOptions>();
      let packages: GraphPackage[];
      let roots: readonly string[];
      if (opts.lock !== undefined) {
        if (specs.length > 0 || opts.file !== undefined || opts.reuse !== undefined)
          throw new UsageError("--lock draws the lockfile's set: drop the specs, -f and --reuse");
        const { lockfile } = await readLockfile(opts.lock);
        packages = [...lockfile.packages];
        roots = lockfile.roots;
      } else {
        const solved = await solveRequest(specs, opts, io, done);
        if (!solved) return;
        packages = solved.solution.packages.map((p) => ({ ...p, version: p.version.text }));
        roots = solved.solution.roots;
      }
      if (opts.json)
        printJson(io, {
          roots: [...roots],
          nodes: packages.map((p) => ({
            name: p.name,
            version: p.version,
            external: p.external !== undefined,
            ...(p.external && { prefix: p.external.prefix }),
          })),
          edges: packages.flatMap((p) =>
            p.depends.map((d) => ({
              from: p.name,
              to: d.name,
              types: [...d.types],
              style: edgeStyle(d.types),
              ...(d.virtuals.length > 0 && { virtuals: [...d.virtuals] }),
            })),
          ),
        });
      else io.stdout(graphDot(packages, roots));
      done(EXIT.ok);
    });
}
