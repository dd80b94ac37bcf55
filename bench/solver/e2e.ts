/**
 * End-to-end benchmark: `pthbs solve ROOT --json` as a user runs it, timed from process start to
 * exit, on synthetic universes of 1,000, 7,000 and 20,000 constraint files (`generate.ts`, written
 * to disk) and on the shipped constraints, with the load cache cold (an empty cache directory) and
 * warm (the cache the cold run wrote), and after a one-line edit to one file.
 *
 *   npm run build && npx tsc -p bench/tsconfig.json && \
 *     node bench/dist/bench/solver/e2e.js [--files 1000,7000,20000] [--sizes 100,500,2000,5000] \
 *     [--runs 5] [--seed 1] [--dir /tmp/pthbs-e2e]
 *
 * It runs the product's own `dist/cli/main.js` (build it first), each run a fresh `node` process,
 * and reads the phases from `--timings` on stderr: start-up (Node and pthbs's modules), load (and
 * how many files were parsed), encode, solve (the first model, every `minimise` and `extract`),
 * print; wall is measured around the whole process. Warm figures are medians of `--runs` runs.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { basename, join } from "node:path";
import { fileURLToPath } from "node:url";
import { loadConstraintTexts } from "../../solver/load.js";
import { rootsBySize } from "./cones.js";
import { DEFAULT_PARAMS, generateUniverse } from "./generate.js";
import { pageCostMicros } from "./machine.js";

const MAIN = fileURLToPath(new URL("../../../../dist/cli/main.js", import.meta.url));
const SHIPPED = fileURLToPath(new URL("../../../../", import.meta.url));

interface Args {
  readonly files: number[];
  readonly sizes: number[];
  readonly runs: number;
  readonly seed: number;
  readonly dir: string;
}

function parseArgs(argv: readonly string[]): Args {
  const get = (flag: string) => {
    const i = argv.indexOf(flag);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const list = (flag: string, dflt: string) => (get(flag) ?? dflt).split(",").map(Number);
  return {
    files: list("--files", "1000,7000,20000"),
    sizes: list("--sizes", "100,500,2000,5000"),
    runs: Number(get("--runs") ?? 5),
    seed: Number(get("--seed") ?? 1),
    dir: get("--dir") ?? "/tmp/pthbs-e2e",
  };
}

/** One process's figures, in ms. */
interface Run {
  readonly wall: number;
  readonly startUp: number;
  readonly load: number;
  readonly parsed: number;
  readonly encode: number;
  readonly solve: number;
  readonly print: number;
  readonly ok: boolean;
}

function runOnce(args: readonly string[], cacheDir: string): Run {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [MAIN, ...args, "--json", "--timings"], {
    encoding: "utf8",
    env: { ...process.env, PTHBS_CACHE_DIR: cacheDir },
    maxBuffer: 1 << 28,
  });
  const wall = Number(process.hrtime.bigint() - t0) / 1e6;
  const phases = new Map<string, number>();
  let parsed = Number.NaN;
  for (const line of r.stderr.split("\n")) {
    const m = /^(.*?)\s+([0-9.]+) ms$/.exec(line);
    if (!m) continue;
    const name = m[1]!;
    const load = /^load \((\d+) files, (\d+) parsed(?:, \d+ on a worker thread)?\)$/.exec(name);
    if (load) {
      parsed = Number(load[2]);
      phases.set("load", Number(m[2]));
    } else phases.set(name, (phases.get(name) ?? 0) + Number(m[2]));
  }
  const solving = [...phases]
    .filter(([p]) => p === "solve" || p.startsWith("minimise ") || p === "extract")
    .reduce((s, [, ms]) => s + ms, 0);
  return {
    wall,
    startUp: phases.get("start-up") ?? Number.NaN,
    load: phases.get("load") ?? Number.NaN,
    parsed,
    encode: phases.get("encode") ?? Number.NaN,
    solve: solving,
    print: phases.get("print") ?? Number.NaN,
    ok: r.status === 0,
  };
}

const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function medianRun(runs: readonly Run[]): Run {
  const pick = (k: keyof Run) => median(runs.map((r) => Number(r[k])));
  return {
    wall: pick("wall"),
    startUp: pick("startUp"),
    load: pick("load"),
    parsed: pick("parsed"),
    encode: pick("encode"),
    solve: pick("solve"),
    print: pick("print"),
    ok: runs.every((r) => r.ok),
  };
}

const s = (ms: number) => (ms / 1000).toFixed(2);
const HEADER =
  "| universe | request (cone) | cache | wall, process start → exit | start-up | load (files parsed) | encode | solve | print |\n| --- | --- | --- | --: | --: | --: | --: | --: | --: |";
function row(universe: string, request: string, cache: string, r: Run, runs: number): string {
  const note = runs > 1 ? ` (median of ${runs})` : "";
  return `| ${universe} | ${request} | ${cache} | **${s(r.wall)} s**${note}${r.ok ? "" : " FAILED"} | ${s(r.startUp)} | ${s(r.load)} (${r.parsed}) | ${s(r.encode)} | ${s(r.solve)} | ${s(r.print)} |`;
}

/** Cold once (empty cache), warm `runs` times, as table rows. */
function measure(universe: string, request: string, args: readonly string[], a: Args): string[] {
  const cacheDir = join(a.dir, "cache", `${universe}-${request}`.replace(/[^A-Za-z0-9.-]/g, "_"));
  rmSync(cacheDir, { recursive: true, force: true });
  const cold = runOnce(args, cacheDir);
  const warm = medianRun(Array.from({ length: a.runs }, () => runOnce(args, cacheDir)));
  process.stderr.write(`${universe} ${request}: cold ${s(cold.wall)} s, warm ${s(warm.wall)} s\n`);
  return [row(universe, request, "cold", cold, 1), row(universe, request, "warm", warm, a.runs)];
}

/** Writes a generated universe to `dir` once; mtimes in the past, as a checkout's would be. */
function writeUniverse(packages: number, seed: number, dir: string) {
  const generated = generateUniverse({ ...DEFAULT_PARAMS, seed, packages });
  const stamp = join(dir, ".complete");
  if (!existsSync(stamp)) {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const past = new Date(Date.now() - 3_600_000);
    for (const f of generated.files) {
      const path = join(dir, basename(f.path));
      writeFileSync(path, f.text);
      utimesSync(path, past, past);
    }
    writeFileSync(stamp, "");
  }
  return generated;
}

function main(): void {
  const a = parseArgs(process.argv.slice(2));
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run npm run build first`);
  const out: string[] = [
    `Machine: ${cpus().length} × ${cpus()[0]?.model ?? "?"}, Node ${process.version}; ${new Date().toISOString()}; a new page ${pageCostMicros().toFixed(1)} µs`,
    "",
    HEADER,
  ];
  out.push(
    ...measure(
      "shipped constraints (15 files)",
      "environments/minimal.toml",
      [
        "-C",
        join(SHIPPED, "constraints"),
        "solve",
        "-f",
        join(SHIPPED, "environments", "minimal.toml"),
      ],
      a,
    ),
  );
  for (const files of a.files) {
    const dir = join(a.dir, `u${files}`);
    const generated = writeUniverse(files, a.seed, dir);
    const universe = loadConstraintTexts(generated.files).universe;
    for (const { size, candidates } of rootsBySize(
      universe,
      a.sizes.filter((c) => c < files * 0.8),
    )) {
      const [root, cone] = candidates[0]!;
      process.stderr.write(`${files} files, cone ${size}: ${root} (${cone})\n`);
      out.push(
        ...measure(`${files} files`, `${root} (cone ${cone})`, ["-C", dir, "solve", root], a),
      );
    }
  }
  // A one-line edit to one file: only that file is parsed again.
  const files = a.files.includes(7000) ? 7000 : a.files[0]!;
  const dir = join(a.dir, `u${files}`);
  const cacheDir = join(a.dir, "cache", "edit");
  rmSync(cacheDir, { recursive: true, force: true });
  const root = "p00100";
  runOnce(["-C", dir, "solve", root], cacheDir);
  const file = join(dir, "p00050.toml");
  const text = readFileSync(file, "utf8");
  writeFileSync(file, text.replace(/^summary = .*$/m, 'summary = "edited by the benchmark"'));
  const edited = runOnce(["-C", dir, "solve", root], cacheDir);
  writeFileSync(file, text);
  out.push(
    row(`${files} files`, `${root}, after editing one line of p00050.toml`, "warm", edited, 1),
  );
  out.push("", `${new Date().toISOString()}: a new page ${pageCostMicros().toFixed(1)} µs`);
  process.stdout.write(`${out.join("\n")}\n`);
}

main();
