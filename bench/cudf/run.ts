/**
 * CUDF benchmark on real Debian data: pthbs, aspcud and mccs on each instance and criteria, one
 * run each (the machine is shared), every answer checked with cudf-check and scored on the
 * criteria; then `pthbs check --cudf` against dose-distcheck on the whole universe. Prints
 * Markdown tables.
 *
 *   bench/cudf/make-debian.sh /tmp/bench          # the universe and instances
 *   npm run build && npx tsc -p bench/tsconfig.json
 *   node bench/dist/bench/cudf/run.js /tmp/bench [--instances gnome,kde] [--no-distcheck]
 *
 * Times are wall clock and user+system CPU of the whole process (reading included), peak memory
 * is the maximum resident set size, all from GNU time (`/usr/bin/time -f "%e %U %S %M"`).
 */
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseCriteria } from "../../cudf/criteria.js";
import { parseCudf } from "../../cudf/document.js";
import { score, solutionPackages } from "../../cudf/score.js";

const INSTANCES = ["gnome", "kde", "texlive", "gnome-texlive", "xfce-office", "mta-clash"];
const CRITERIA = ["-removed,-new", "-removed,-changed"];
const PTHBS = fileURLToPath(new URL("../../../../dist/cli/main.js", import.meta.url));

interface Measure {
  readonly wall: number;
  readonly cpu: number;
  readonly mb: number;
  readonly status: number;
}

/** Runs a command under GNU time. */
function timed(command: string, args: readonly string[]): Measure {
  const r = spawnSync("/usr/bin/time", ["-f", "%e %U %S %M", command, ...args], {
    encoding: "utf8",
    maxBuffer: 1 << 28,
  });
  const last = r.stderr.trim().split("\n").at(-1)!.split(" ").map(Number);
  const [wall, user, sys, kb] = last as [number, number, number, number];
  return { wall, cpu: user + sys, mb: kb / 1024, status: r.status ?? -1 };
}

function cudfCheck(problem: string, solution: string): string {
  const text = readFileSync(solution, "utf8");
  if (/^FAIL$/m.test(text)) return "FAIL";
  const r = spawnSync("cudf-check", ["-cudf", problem, "-sol", solution], {
    encoding: "utf8",
    maxBuffer: 1 << 28,
  });
  return /is_solution: true/.test(r.stdout) ? "valid" : "INVALID";
}

function main(): void {
  const args = process.argv.slice(2);
  const dir = args.find((a) => !a.startsWith("--")) ?? "bench/cudf/data";
  const only = args
    .find((a) => a.startsWith("--instances="))
    ?.slice(12)
    .split(",");
  const instances = only ?? INSTANCES;
  const load = readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");
  console.log(`load average before the run: ${load}\n`);
  console.log(
    "| instance | criteria | solver | wall s | cpu s | peak MB | answer | optimum |\n|---|---|---|---:|---:|---:|---|---|",
  );
  for (const name of instances) {
    const problem = join(dir, `${name}.cudf`);
    const doc = parseCudf(readFileSync(problem, "utf8"), problem);
    for (const criteriaText of CRITERIA) {
      const criteria = parseCriteria(criteriaText);
      const runs: [string, string, readonly string[]][] = [
        ["pthbs", "node", [PTHBS, "cudf", problem, join(dir, `${name}.pthbs`), criteriaText]],
        ["aspcud", "aspcud", [problem, join(dir, `${name}.aspcud`), criteriaText]],
        ["mccs", "mccs", ["-i", problem, "-o", join(dir, `${name}.mccs`), `-lex[${criteriaText}]`]],
      ];
      for (const [solver, command, argv] of runs) {
        const out = join(dir, `${name}.${solver}`);
        rmSync(out, { force: true });
        const m = timed(command, argv);
        if (!existsSync(out)) {
          console.log(
            `| ${name} | ${criteriaText} | ${solver} | — | — | — | no output (exit ${m.status}) | — |`,
          );
          continue;
        }
        const answer = cudfCheck(problem, out);
        const text = readFileSync(out, "utf8");
        const ids = solutionPackages(doc, /^FAIL$/m.test(text) ? "FAIL" : parseCudf(text, out));
        const optimum = ids === undefined ? "—" : score(doc, ids, criteria).join(", ");
        console.log(
          `| ${name} | ${criteriaText} | ${solver} | ${m.wall.toFixed(2)} | ${m.cpu.toFixed(2)} | ${m.mb.toFixed(0)} | ${answer} | ${optimum} |`,
        );
      }
    }
  }
  if (args.includes("--no-distcheck")) return;
  const universe = join(dir, "debian.universe");
  console.log("\n| check | wall s | cpu s | peak MB | broken |\n|---|---:|---:|---:|---:|");
  const ours = spawnSync(
    "/usr/bin/time",
    ["-f", "%e %U %S %M", "node", PTHBS, "check", "--cudf", universe, "--json"],
    {
      encoding: "utf8",
      maxBuffer: 1 << 30,
    },
  );
  const oursTime = ours.stderr.trim().split("\n").at(-1)!.split(" ").map(Number);
  const report = JSON.parse(ours.stdout) as { broken: { package: string; version: number }[] };
  const oursSet = new Set(report.broken.map((b) => `${b.package} ${b.version}`));
  const dose = spawnSync(
    "/usr/bin/time",
    ["-f", "%e %U %S %M", "dose-distcheck", "-f", "-e", `cudf://${universe}`],
    { encoding: "utf8", maxBuffer: 1 << 30 },
  );
  const doseTime = dose.stderr.trim().split("\n").at(-1)!.split(" ").map(Number);
  const doseSet = new Set(
    [
      ...dose.stdout.matchAll(/^ -\n {2}package: (\S+)\n {2}version: (\d+)\n {2}status: broken/gm),
    ].map((m) => `${m[1]} ${m[2]}`),
  );
  const row = (who: string, t: number[], n: number) =>
    `| ${who} | ${t[0]!.toFixed(2)} | ${(t[1]! + t[2]!).toFixed(2)} | ${(t[3]! / 1024).toFixed(0)} | ${n} |`;
  console.log(row("pthbs check --cudf", oursTime, oursSet.size));
  console.log(row("dose-distcheck", doseTime, doseSet.size));
  const onlyOurs = [...oursSet].filter((p) => !doseSet.has(p));
  const onlyDose = [...doseSet].filter((p) => !oursSet.has(p));
  console.log(
    `\nsame broken set: ${onlyOurs.length === 0 && onlyDose.length === 0 ? "yes" : `no (only pthbs: ${onlyOurs.slice(0, 10).join("; ")}; only dose: ${onlyDose.slice(0, 10).join("; ")})`}`,
  );
}

main();
