/**
 * One request on a generated universe, in this process (for `node --cpu-prof`):
 *   node bench/dist/bench/solver/profile.js [ROOT] [--seed N] [--calls]
 */

import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { tuneV8 } from "../../cli/v8.js";
import { loadConstraintTexts } from "../../solver/load.js";
import { requestFromSpecs } from "../../solver/request.js";
import { SatSolver } from "../../solver/sat/cdcl.js";
import { solutionJson } from "../../solver/solution.js";
import { solve } from "../../solver/solve.js";
import { DEFAULT_PARAMS, generateUniverse } from "./generate.js";

// --calls: one line per SAT call that met more than 20 conflicts.
if (process.argv.includes("--calls")) {
  const original = SatSolver.prototype.solve;
  SatSolver.prototype.solve = function (this: SatSolver, ...args: Parameters<SatSolver["solve"]>) {
    const c0 = this.stats.conflicts;
    const t0 = performance.now();
    const r = original.apply(this, args);
    const c = this.stats.conflicts - c0;
    if (c > 20)
      process.stderr.write(
        `  call: ${args[0]?.length ?? 0} assumptions → ${r}, ${c} conflicts, ${(performance.now() - t0).toFixed(0)} ms\n`,
      );
    return r;
  };
}

tuneV8({ collector: false }); // as `pthbs` compiles (cli/v8.ts); V8 collects as by default
const args = process.argv.slice(2);
const seedAt = args.indexOf("--seed");
const seed = seedAt >= 0 ? Number(args[seedAt + 1]) : 1;
const specs = args.filter((a, i) => !a.startsWith("--") && !(seedAt >= 0 && i === seedAt + 1));
const { files } = generateUniverse({ ...DEFAULT_PARAMS, seed, packages: 7000 });
const { universe } = loadConstraintTexts(files);
// As run.ts does: collect load's garbage first, so that it is not charged to `encode`.
(globalThis as { gc?: () => void }).gc?.();
// The main thread's own time on a CPU (ns, the kernel's scheduler statistics): the wall time
// less what other threads and other jobs of the host took from it.
// NaN where the kernel keeps no such statistics (or off Linux): printed as "n/a".
const onCpu = () => {
  try {
    return Number(readFileSync(`/proc/self/task/${process.pid}/schedstat`, "utf8").split(" ")[0]);
  } catch {
    return Number.NaN;
  }
};
const main0 = onCpu();
const t0 = performance.now();
// CPU time since the previous phase ended (this process's threads, GC included): on a shared
// machine it varies less than the wall time, which counts the time other jobs hold the cores.
let cpu = process.cpuUsage();
let faults = process.resourceUsage().minorPageFault;
const faults0 = faults;
const r = solve(universe, requestFromSpecs(specs.length > 0 ? specs : ["p00898"]), {
  phase(t, s) {
    const used = process.cpuUsage(cpu);
    cpu = process.cpuUsage();
    const cpuMs = ((used.user + used.system) / 1000).toFixed(0);
    const f = process.resourceUsage().minorPageFault;
    const pages = f - faults;
    faults = f;
    process.stderr.write(
      `${t.phase.padEnd(36)} ${t.ms.toFixed(0).padStart(7)} ms (cpu ${cpuMs.padStart(6)} ms, ${pages} new pages)  calls ${s.solves} conflicts ${s.conflicts} decisions ${s.decisions} propagations ${s.propagations} clauses ${s.clauses} variables ${s.variables}\n`,
    );
  },
});
process.stderr.write(
  `total ${(performance.now() - t0).toFixed(0)} ms (main thread on a CPU ${Number.isNaN(main0) ? "n/a" : `${((onCpu() - main0) / 1e6).toFixed(0)} ms`}), ${process.resourceUsage().minorPageFault - faults0} new pages, satisfiable ${r.satisfiable}\n`,
);
// The cost vector and a digest of the whole solution: a speed-up must not change either.
if (r.satisfiable) {
  const json = JSON.stringify(solutionJson(r.solution));
  const digest = createHash("sha256").update(json).digest("hex").slice(0, 12);
  process.stderr.write(
    `cost ${r.solution.cost.map((c) => c.value).join(" ")}, solution ${digest}\n`,
  );
}
