/**
 * One request on a generated universe, in this process (for `node --cpu-prof`):
 *   node bench/dist/bench/solver/profile.js [ROOT] [--seed N]
 */
import { loadConstraintTexts } from "../../solver/load.js";
import { requestFromSpecs } from "../../solver/request.js";
import { solve } from "../../solver/solve.js";
import { DEFAULT_PARAMS, generateUniverse } from "./generate.js";

const args = process.argv.slice(2);
const seedAt = args.indexOf("--seed");
const seed = seedAt >= 0 ? Number(args[seedAt + 1]) : 1;
const specs = args.filter((a, i) => !a.startsWith("--") && !(seedAt >= 0 && i === seedAt + 1));
const { files } = generateUniverse({ ...DEFAULT_PARAMS, seed, packages: 7000 });
const { universe } = loadConstraintTexts(files);
const t0 = performance.now();
const r = solve(universe, requestFromSpecs(specs.length > 0 ? specs : ["p00898"]), {
  phase(t, s) {
    process.stderr.write(
      `${t.phase.padEnd(36)} ${t.ms.toFixed(0).padStart(7)} ms  calls ${s.solves} conflicts ${s.conflicts} decisions ${s.decisions} propagations ${s.propagations}\n`,
    );
  },
});
process.stderr.write(
  `total ${(performance.now() - t0).toFixed(0)} ms, satisfiable ${r.satisfiable}\n`,
);
