/**
 * Where `pthbs cudf` spends its time on one instance: CPU milliseconds of each phase (the machine
 * is shared, so CPU time is steadier than wall time), in one process, as the command runs them.
 *
 *   npm run build && npx tsc -p bench/tsconfig.json
 *   node bench/dist/bench/cudf/phases.js /tmp/bench/gnome.cudf -removed,-new
 */
import { readFileSync } from "node:fs";
import { parseCriteria } from "../../cudf/criteria.js";
import { parseCudf } from "../../cudf/document.js";
import { encodeCudf } from "../../cudf/encode.js";
import { writeSolution } from "../../cudf/solution.js";
import { CudfUniverse } from "../../cudf/universe.js";
import { minimise } from "../../solver/sat/oll.js";

function main(): void {
  const [file, criteriaText = "-removed,-new"] = process.argv.slice(2);
  if (!file) throw new Error("usage: phases.js FILE.cudf [CRITERIA]");
  let mark = process.cpuUsage();
  const rows: [string, number][] = [];
  const lap = (phase: string) => {
    const used = process.cpuUsage(mark);
    rows.push([phase, (used.user + used.system) / 1000]);
    mark = process.cpuUsage();
  };
  const criteria = parseCriteria(criteriaText);
  const bytes = readFileSync(file);
  lap("read the file (bytes)");
  const doc = parseCudf(bytes, file);
  lap(`read ${doc.size} stanzas: check, index names and features`);
  const universe = new CudfUniverse(doc);
  const encoding = encodeCudf(universe, { criteria });
  lap(`reachable set and clauses (${encoding.packages.length} packages)`);
  if (encoding.circuit.sat.solve() !== "sat") throw new Error("this instance has no solution");
  lap("first solution");
  let model = encoding.circuit.sat.model();
  for (const c of criteria) {
    const terms = encoding.costTerms(c).terms;
    // As solveCudf: nothing to count, no minimisation.
    if (terms.some((t) => t.lit !== encoding.circuit.FALSE && t.weight !== 0))
      model = minimise(encoding.circuit, terms).model;
    lap(`minimise ${c.sign}${c.kind}`);
  }
  writeSolution(
    universe,
    encoding.packages.filter((id) => model.value(encoding.variable(id))),
  );
  lap("write the solution");
  const total = rows.reduce((s, [, ms]) => s + ms, 0);
  console.log("| phase | CPU ms | share |\n|---|---:|---:|");
  for (const [phase, ms] of rows)
    console.log(`| ${phase} | ${ms.toFixed(0)} | ${((100 * ms) / total).toFixed(0)} % |`);
  console.log(
    `| total (without node's start and the modules' loading, about 100 ms) | ${total.toFixed(0)} | |`,
  );
}

main();
