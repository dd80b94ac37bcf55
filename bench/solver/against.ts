/**
 * The solver benchmark of two builds, interleaved: each round runs `run.js --runs 1` of the one
 * build and then of the other (the order swapped every round), so both meet the machine in the
 * same minutes. This project's VMs change speed by a third from one minute to the next, which
 * two benchmark runs one after the other (one per build) read as a difference between builds.
 *
 *   npx tsc -p bench/tsconfig.json && \
 *     node bench/dist/bench/solver/against.js BASE_DIR [--rounds 5] [--sizes 2000,5000] [--seed 1]
 *
 * BASE_DIR is a checkout of the other build with its benchmark compiled (`npm ci && npm run build
 * && npx tsc -p bench/tsconfig.json` there); this checkout is the second build. Prints, per build
 * and cone, the medians of `solve()` and of its encoding over the rounds, the growth from the
 * first cone to the last, and the SAT calls and conflicts (the same in every round, or the
 * builds do not run the same search each time). With an odd number of rounds the base runs
 * first once more than this build.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { pageCostMicros } from "./machine.js";

const HERE = fileURLToPath(new URL("../../../../", import.meta.url));

/** What this script reads of `run.js --json`: the satisfiable cells, one run each. */
interface RunJson {
  readonly sat: readonly {
    readonly size: number;
    readonly cone: number;
    readonly runs: readonly {
      readonly ok: boolean;
      readonly solveMs: number;
      readonly timings: readonly { readonly phase: string; readonly ms: number }[];
      readonly sat?: { readonly solves: number; readonly conflicts: number };
    }[];
  }[];
}

/** One build's figures for one cone, over the rounds. */
interface Series {
  cone: number;
  readonly solve: number[];
  readonly encode: number[];
  readonly counts: Set<string>;
}

function parseArgs(argv: readonly string[]) {
  const get = (flag: string) => {
    const i = argv.indexOf(flag);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const base = argv[0];
  if (base === undefined || base.startsWith("--"))
    throw new Error("usage: against.js BASE_DIR [--rounds N] [--sizes 2000,5000] [--seed S]");
  return {
    base: resolve(base),
    rounds: Number(get("--rounds") ?? 5),
    sizes: get("--sizes") ?? "2000,5000",
    seed: get("--seed") ?? "1",
  };
}

const median = (xs: readonly number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

/** Runs one build's benchmark once; its figures by cone size asked for. */
function runOnce(dir: string, a: ReturnType<typeof parseArgs>, scratch: string): RunJson {
  const out = join(scratch, "run.json");
  // Not the other build's results, should this one exit without writing its own.
  rmSync(out, { force: true });
  const r = spawnSync(
    process.execPath,
    [
      "--expose-gc",
      join(dir, "bench", "dist", "bench", "solver", "run.js"),
      ...["--runs", "1", "--sizes", a.sizes, "--seed", a.seed, "--no-unsat", "--json", out],
    ],
    { encoding: "utf8", maxBuffer: 1 << 26 },
  );
  if (r.status !== 0) throw new Error(`${dir}: run.js exited with ${r.status}\n${r.stderr}`);
  return JSON.parse(readFileSync(out, "utf8")) as RunJson;
}

function main(): void {
  const a = parseArgs(process.argv.slice(2));
  const builds = [
    { label: "base", dir: a.base },
    { label: "this", dir: HERE },
  ];
  const series = new Map<string, Series>();
  const scratch = mkdtempSync(join(tmpdir(), "pthbs-against-"));
  const started = `${new Date().toISOString()} (a new page ${pageCostMicros().toFixed(1)} µs)`;
  try {
    for (let round = 0; round < a.rounds; round++) {
      const order = round % 2 === 0 ? builds : [...builds].reverse();
      for (const b of order) {
        process.stderr.write(`round ${round + 1}/${a.rounds}: ${b.label} (${b.dir}) … `);
        const json = runOnce(b.dir, a, scratch);
        for (const cell of json.sat) {
          const run = cell.runs[0];
          if (run === undefined || !run.ok) throw new Error(`${b.label}: cone ${cell.cone} failed`);
          const key = `${b.label} ${cell.size}`;
          const s = series.get(key) ?? {
            cone: cell.cone,
            solve: [],
            encode: [],
            counts: new Set<string>(),
          };
          s.solve.push(run.solveMs);
          s.encode.push(run.timings.find((t) => t.phase === "encode")?.ms ?? Number.NaN);
          s.counts.add(`${run.sat?.solves ?? "?"} / ${run.sat?.conflicts ?? "?"}`);
          series.set(key, s);
        }
        process.stderr.write("done\n");
      }
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  const sizes = a.sizes.split(",");
  const ended = `${new Date().toISOString()} (${pageCostMicros().toFixed(1)} µs)`;
  const lines = [
    `Interleaved, ${a.rounds} rounds from ${started} to ${ended} (seed ${a.seed}); medians in ms.`,
    "",
    `| build | ${sizes.map((s) => `cone ~${s}: solve() (encode)`).join(" | ")} | growth ${sizes[0]} → ${sizes.at(-1)} | SAT calls / conflicts |`,
    `|---|${sizes.map(() => "---:|").join("")}---:|---|`,
  ];
  for (const b of builds) {
    const cells = sizes.map((s) => series.get(`${b.label} ${s}`)!);
    const growth = median(cells.at(-1)!.solve) / median(cells[0]!.solve);
    lines.push(
      `| ${b.label} (${b.dir}) | ${cells
        .map(
          (c) =>
            `cone ${c.cone}: **${median(c.solve).toFixed(0)}** (${median(c.encode).toFixed(0)})`,
        )
        .join(
          " | ",
        )} | ×${growth.toFixed(2)} | ${cells.map((c) => [...c.counts].join(", ")).join("; ")} |`,
    );
  }
  const speedUp = sizes.map((s) => {
    const base = median(series.get(`base ${s}`)!.solve);
    const mine = median(series.get(`this ${s}`)!.solve);
    return `cone ~${s} ×${(base / mine).toFixed(2)}`;
  });
  lines.push("", `This build against the base, solve() medians: ${speedUp.join(", ")}.`);
  lines.push(
    "",
    "Every round, in ms (base / this):",
    "",
    ...sizes.map(
      (s) =>
        `- cone ~${s}: ${series
          .get(`base ${s}`)!
          .solve.map((v, i) => `${v.toFixed(0)} / ${series.get(`this ${s}`)!.solve[i]!.toFixed(0)}`)
          .join(", ")}`,
    ),
  );
  process.stdout.write(`${lines.join("\n")}\n`);
}

main();
