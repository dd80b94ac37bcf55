/**
 * Solver benchmark: times `solve()` phase by phase on requests whose cone has about 100, 500, 2,000
 * and 5,000 packages, in a synthetic universe (`generate.ts`), and prints Markdown tables.
 *
 *   npx tsc -p bench/tsconfig.json && node --expose-gc bench/dist/bench/solver/run.js \
 *     [--sizes 100,500,2000,5000] [--seed 1] [--runs 3] [--timeout 300] [--packages N] \
 *     [--options K] [--lag R] [--no-unsat] [--engines cdcl,logic-solver] [--json FILE]
 *
 * Each run is a fresh child process with the V8 flags `pthbs` sets (`cli/v8.ts`): what a
 * `pthbs solve` costs, JIT warm-up included. The runs go in rounds, one of each request per
 * round (`measureInRounds`). It
 * generates the universe's texts (not timed), loads them (`load`), then calls `solve()` and reports
 * its phase timings, read through a `SolveObserver`. Memory: the JS heap (V8 used heap size) and
 * RSS are sampled as each phase ends; the peak RSS of the whole run is `getrusage`'s. The SAT
 * solver's counters (variables, clauses, solver calls, conflicts) come with each phase.
 */
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { fileURLToPath } from "node:url";
import v8 from "node:v8";
import { tuneV8 } from "../../cli/v8.js";
import { loadConstraintTexts } from "../../solver/load.js";
import { reachableCone } from "../../solver/reachable.js";
import { requestFromSpecs } from "../../solver/request.js";
import { ENGINE_NAMES, type EngineName, type SatStats } from "../../solver/sat/engine.js";
import { solve } from "../../solver/solve.js";
import type { Universe } from "../../solver/universe.js";
import { rootsBySize } from "./cones.js";
import { DEFAULT_PARAMS, type GenerateParams, generateUniverse } from "./generate.js";

const MiB = 2 ** 20;

// ---------------------------------------------------------------------------------------------
// The child: one measured run.

/** What a child is asked to run. */
interface Job {
  readonly params: GenerateParams;
  readonly specs: readonly string[];
  readonly kind: "sat" | "unsat";
  /** The SAT engine (`--engine`). */
  readonly engine: EngineName;
}

/** What a child reports. */
interface RunResult {
  readonly ok: boolean;
  /** The error's first line, when not ok. */
  readonly error?: string;
  readonly satisfiable?: boolean;
  /** Phases in order, `load` first. */
  readonly timings: readonly { phase: string; ms: number }[];
  /** Wall time of `solve()` (or until it threw). */
  readonly solveMs: number;
  readonly cone: number;
  /** JS heap as each phase ended, bytes. */
  readonly phaseHeap: Readonly<Record<string, number>>;
  /** RSS as each phase ended, bytes. */
  readonly phaseRss: Readonly<Record<string, number>>;
  /** Heap after loading (after a full GC), bytes: the universe's own weight. */
  readonly heapAfterLoad: number;
  readonly peakHeap: number;
  /** Peak RSS of the whole child (getrusage), bytes. */
  readonly maxRss: number;
  /** The SAT solver's counters at the end (the explanation's solver for unsatisfiable requests). */
  readonly sat?: SatStats;
  /** Conflicts per phase. */
  readonly phaseConflicts: Readonly<Record<string, number>>;
  readonly cost?: Readonly<Record<string, number>>;
  readonly present?: number;
  readonly coreFacts?: number;
}

function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

async function child(job: Job): Promise<RunResult> {
  const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});
  const { files } = generateUniverse(job.params);
  gc();
  const t0 = performance.now();
  const loaded = loadConstraintTexts(files);
  const timings: { phase: string; ms: number }[] = [{ phase: "load", ms: performance.now() - t0 }];
  const phaseHeap: Record<string, number> = { load: v8.getHeapStatistics().used_heap_size };
  const phaseRss: Record<string, number> = { load: process.memoryUsage.rss() };
  const phaseConflicts: Record<string, number> = {};
  if (loaded.diagnostics.length > 0) throw new Error("the generated universe has diagnostics");
  const universe = loaded.universe;
  const request = requestFromSpecs(job.specs);
  const cone = reachableCone(universe, request).packages.length;
  gc();
  const heapAfterLoad = v8.getHeapStatistics().used_heap_size;

  let sat: SatStats | undefined;
  let watched: Readonly<SatStats> | undefined;
  let conflicts = 0;
  const s0 = performance.now();
  let result: ReturnType<typeof solve> | undefined;
  let error: string | undefined;
  try {
    result = solve(universe, request, {
      engine: job.engine,
      phase(timing, stats) {
        timings.push(timing);
        phaseHeap[timing.phase] = v8.getHeapStatistics().used_heap_size;
        phaseRss[timing.phase] = process.memoryUsage.rss();
        if (watched !== stats) conflicts = 0; // the explanation's own solver
        watched = stats;
        phaseConflicts[timing.phase] = stats.conflicts - conflicts;
        conflicts = stats.conflicts;
        sat = { ...stats };
      },
    });
  } catch (e) {
    error = String(e).split("\n")[0]!.slice(0, 200);
  }
  const solveMs = performance.now() - s0;
  return {
    ok: error === undefined,
    ...(error !== undefined && { error }),
    ...(result && { satisfiable: result.satisfiable }),
    timings,
    solveMs,
    cone,
    phaseHeap,
    phaseRss,
    heapAfterLoad,
    peakHeap: Math.max(...Object.values(phaseHeap)),
    maxRss: process.resourceUsage().maxRSS * 1024,
    ...(sat && { sat }),
    phaseConflicts,
    ...(result?.satisfiable && {
      cost: Object.fromEntries(result.solution.cost.map((c) => [c.criterion, c.value])),
      present: result.solution.packages.length,
    }),
    ...(result &&
      !result.satisfiable && {
        coreFacts: result.explanation.facts.length,
      }),
  };
}

// ---------------------------------------------------------------------------------------------
// The parent: choose requests, run children, print tables.

interface Args {
  sizes: number[];
  seed: number;
  runs: number;
  timeout: number;
  packages?: number;
  options?: number;
  lag?: number;
  unsat: boolean;
  json?: string;
  /** The engines to run (the first one's figures fill the phase tables). */
  engines: EngineName[];
}

function parseArgs(argv: readonly string[]): Args {
  const args: Args = {
    sizes: [100, 500, 2000, 5000],
    seed: 1,
    runs: 3,
    timeout: 300,
    unsat: true,
    engines: ["cdcl"],
  };
  const list = (s: string | undefined) =>
    (s ?? "")
      .split(",")
      .filter((x) => x !== "")
      .map(Number);
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === "--sizes") args.sizes = list(next());
    else if (a === "--seed") args.seed = Number(next());
    else if (a === "--runs") args.runs = Number(next());
    else if (a === "--timeout") args.timeout = Number(next());
    else if (a === "--packages") args.packages = Number(next());
    else if (a === "--options") args.options = Number(next());
    else if (a === "--lag") args.lag = Number(next());
    else if (a === "--no-unsat") args.unsat = false;
    else if (a === "--json") args.json = next();
    else if (a === "--engines") args.engines = next().split(",") as EngineName[];
    else throw new Error(`unknown argument ${a}`);
  }
  if (args.sizes.some((s) => !(s > 0)) || !Number.isInteger(args.seed) || !(args.runs >= 1))
    throw new Error("bad --sizes, --seed or --runs");
  if (args.engines.some((e) => !(ENGINE_NAMES as readonly string[]).includes(e)))
    throw new Error(`bad --engines: choose among ${ENGINE_NAMES.join(", ")}`);
  return args;
}

function paramsFor(args: Args): GenerateParams {
  const biggest = Math.max(...args.sizes, 5000);
  return {
    ...DEFAULT_PARAMS,
    seed: args.seed,
    packages: args.packages ?? Math.ceil(biggest * 1.4),
    ...(args.options !== undefined && { optionsPerPackage: args.options }),
    ...(args.lag !== undefined && { lagRate: args.lag }),
  };
}

/**
 * An unsatisfiable request: the root's oldest version with the newest version of a deep dependency
 * that every configuration of it excludes. Follows the dependencies that hold whatever the options
 * (no option in `when`) from `root@=oldest`, narrowing each forced package's possible versions, and
 * picks the deepest package whose newest version is no longer possible.
 */
function unsatSpecs(universe: Universe, root: string): { specs: string[]; depth: number } | null {
  const pkg = universe.packages.get(root)!;
  const oldest = pkg.versions.at(-1)!;
  const allowed = new Map<string, Set<string>>([[root, new Set([oldest.version.text])]]);
  const depth = new Map<string, number>([[root, 0]]);
  let changed = true;
  let rounds = 0;
  while (changed && rounds++ < 50) {
    changed = false;
    for (const [name, versions] of [...allowed]) {
      const p = universe.packages.get(name)!;
      const byTarget = new Map<string, typeof p.depends>();
      for (const d of p.depends) {
        if (d.when && d.when.options.length > 0) continue;
        if (!universe.packages.has(d.spec.name!)) continue;
        byTarget.set(d.spec.name!, [...(byTarget.get(d.spec.name!) ?? []), d]);
      }
      for (const [target, entries] of byTarget) {
        const t = universe.packages.get(target)!;
        const union = new Set<string>();
        let forced = true;
        for (const v of p.versions.filter((x) => versions.has(x.version.text))) {
          const active = entries.filter((d) => !d.when?.range || d.when.range.contains(v.version));
          if (active.length === 0) {
            forced = false;
            break;
          }
          for (const tv of t.versions)
            if (active.every((d) => !d.spec.range || d.spec.range.contains(tv.version)))
              union.add(tv.version.text);
        }
        if (!forced) continue;
        const before = allowed.get(target);
        const next = before ? new Set([...before].filter((x) => union.has(x))) : union;
        if (!before || next.size < before.size) {
          allowed.set(target, next);
          changed = true;
        }
        const dist = depth.get(name)! + 1;
        if ((depth.get(target) ?? Number.POSITIVE_INFINITY) > dist) depth.set(target, dist);
      }
    }
  }
  let best: { name: string; depth: number } | null = null;
  for (const [name, versions] of allowed) {
    const newest = universe.packages.get(name)!.versions[0]!.version.text;
    const d = depth.get(name)!;
    if (name === root || versions.size === 0 || versions.has(newest)) continue;
    if (!best || d > best.depth || (d === best.depth && name < best.name))
      best = { name, depth: d };
  }
  if (!best) return null;
  const newest = universe.packages.get(best.name)!.versions[0]!.version.text;
  return {
    specs: [`${root}@=${oldest.version.text}`, `${best.name}@=${newest}`],
    depth: best.depth,
  };
}

function runChild(job: Job, timeoutSeconds: number): Promise<RunResult | { timeout: true }> {
  const script = fileURLToPath(import.meta.url);
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ["--expose-gc", script, "--child", JSON.stringify(job)], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    proc.stdout.on("data", (d: Buffer) => {
      out += d.toString();
    });
    const timer = setTimeout(() => {
      if (proc.pid !== undefined) process.kill(proc.pid, "SIGKILL");
      resolve({ timeout: true });
    }, timeoutSeconds * 1000);
    proc.on("close", (code) => {
      clearTimeout(timer);
      const line = out.split("\n").find((l) => l.startsWith("RESULT "));
      if (line) resolve(JSON.parse(line.slice(7)) as RunResult);
      else if (code !== null) reject(new Error(`child failed (exit ${code}): ${out.slice(-500)}`));
    });
  });
}

const fmtMs = (ms: number) =>
  ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms.toFixed(2);
const fmtMiB = (b: number) => (b / MiB).toFixed(1);
const fmtK = (n: number) => (n >= 10000 ? `${(n / 1000).toFixed(0)}k` : String(n));

interface Cell {
  readonly size: number;
  /** The request's cone, measured with reachableCone. */
  readonly cone: number;
  readonly specs: readonly string[];
  readonly runs: RunResult[];
  timedOut: boolean;
}

function failure(c: Cell, timeout: number): string | undefined {
  if (c.timedOut) return `timeout (> ${timeout} s)`;
  const bad = c.runs.find((r) => !r.ok);
  if (!bad) return undefined;
  return `${bad.error} after ${(bad.solveMs / 1000).toFixed(1)} s`;
}

/** One Markdown table: rows are phases and measures, columns are sizes. */
function table(title: string, cells: readonly Cell[], timeout: number): string {
  const ok = (c: Cell) => c.runs.length > 0 && c.runs.every((r) => r.ok);
  const header = [
    `| | ${cells.map((c) => `cone ${c.cone} (~${c.size})`).join(" | ")} |`,
    `|---|${cells.map(() => "---:|").join("")}`,
  ];
  const phases: string[] = [];
  for (const c of cells)
    for (const r of c.runs)
      for (const p of r.timings) if (!phases.includes(p.phase)) phases.push(p.phase);
  const rows: string[] = [];
  const row = (label: string, f: (c: Cell) => string) =>
    rows.push(`| ${label} | ${cells.map((c) => f(c)).join(" | ")} |`);
  const med = (c: Cell, f: (r: RunResult) => number | undefined) => {
    const v = c.runs.map(f).filter((x): x is number => x !== undefined);
    return v.length === 0 ? undefined : median(v);
  };
  row("runs", (c) => String(c.runs.length));
  for (const phase of phases) {
    row(`${phase} (ms)`, (c) => {
      const v = med(c, (r) => r.timings.find((p) => p.phase === phase)?.ms);
      if (v === undefined) return ok(c) ? "–" : "";
      const conflicts = med(c, (r) => r.phaseConflicts[phase]);
      return conflicts ? `${fmtMs(v)} (${fmtK(conflicts)} c.)` : fmtMs(v);
    });
  }
  row("**solve() total (ms)**", (c) =>
    ok(c)
      ? `**${fmtMs(med(c, (r) => r.solveMs)!)}**`
      : c.runs[0]
        ? `✗ after ${fmtMs(c.runs[0].solveMs)}`
        : "",
  );
  row("failure", (c) => {
    const f = failure(c, timeout);
    return f === undefined ? "–" : f.startsWith("timeout") ? "✗ timeout" : "✗ (below)";
  });
  row("peak JS heap (MiB)", (c) => {
    const v = med(c, (r) => r.peakHeap);
    return v === undefined ? "" : fmtMiB(v);
  });
  row("JS heap after load+GC (MiB)", (c) => {
    const v = med(c, (r) => r.heapAfterLoad);
    return v === undefined ? "" : fmtMiB(v);
  });
  row("peak RSS (MiB)", (c) => {
    const v = med(c, (r) => r.maxRss);
    return v === undefined ? "" : fmtMiB(v);
  });
  row("clauses / variables", (c) => {
    const r = c.runs[0]?.sat;
    return r ? `${fmtK(r.clauses)} / ${fmtK(r.variables)}` : "";
  });
  row("SAT calls / conflicts", (c) => {
    const r = c.runs[0]?.sat;
    return r ? `${r.solves} / ${fmtK(r.conflicts)}` : "";
  });
  row("cost (non-zero)", (c) => {
    const cost = c.runs[0]?.cost;
    return cost
      ? Object.entries(cost)
          .filter(([, v]) => v !== 0)
          .map(([k, v]) => `${k} ${v}`)
          .join(", ")
      : "";
  });
  row("packages in the set", (c) => String(c.runs[0]?.present ?? ""));
  row("facts in the explanation", (c) => String(c.runs[0]?.coreFacts ?? ""));
  row("request", (c) => c.specs.map((s) => `\`${s}\``).join(" "));
  // Peak heap per phase.
  const heapRows: string[] = [];
  for (const phase of phases) {
    heapRows.push(
      `| ${phase} | ${cells
        .map((c) => {
          const v = med(c, (r) => r.phaseHeap[phase]);
          return v === undefined
            ? ""
            : `${fmtMiB(v)} / ${fmtMiB(med(c, (r) => r.phaseRss[phase]) ?? 0)}`;
        })
        .join(" | ")} |`,
    );
  }
  const failures = cells.flatMap((c) => {
    const f = failure(c, timeout);
    return f === undefined ? [] : [`- cone ${c.cone}: ${f}`];
  });
  return [
    `### ${title}`,
    "",
    ...header,
    ...rows,
    ...(failures.length > 0 ? ["", "Failures:", "", ...failures] : []),
    "",
    `JS heap / RSS as each phase ended (MiB), ${title.toLowerCase()}:`,
    "",
    ...header,
    ...heapRows,
    "",
  ].join("\n");
}

/** A phase's median time when it completed in every run (not the phase a run failed in). */
function phaseMs(c: Cell, f: (phase: string) => boolean): number | undefined {
  if (c.runs.length === 0) return undefined;
  const values: number[] = [];
  for (const r of c.runs) {
    const matching = r.timings.filter((p) => f(p.phase));
    if (matching.length === 0 || !r.ok) return undefined;
    values.push(matching.reduce((n, p) => n + p.ms, 0));
  }
  return median(values);
}

/** Ratios between consecutive sizes, per phase (where both completed). */
function growth(cells: readonly Cell[], last: "minimise" | "explain"): string {
  const ran = cells.filter((c) => c.runs.length > 0);
  if (ran.length < 2) return "Growth: fewer than two sizes ran.\n";
  const lines = [
    `| from → to | cone ratio | encode | solve (first model) | ${last === "minimise" ? "minimise (all steps)" : "explain"} | solve() total |`,
    "|---|---:|---:|---:|---:|---:|",
  ];
  const ratio = (a: number | undefined, b: number | undefined) =>
    a === undefined || b === undefined ? "–" : `${(b / a).toFixed(1)}×`;
  const total = (c: Cell) =>
    c.runs.every((r) => r.ok) ? median(c.runs.map((r) => r.solveMs)) : undefined;
  for (let i = 1; i < ran.length; i++) {
    const a = ran[i - 1]!;
    const b = ran[i]!;
    const encodeMs = (c: Cell) => phaseMs(c, (p) => p === "encode");
    const solveMs = (c: Cell) => phaseMs(c, (p) => p === "solve");
    const lastMs = (c: Cell) =>
      c.runs.every((r) => r.ok) ? phaseMs(c, (p) => p.startsWith(last)) : undefined;
    lines.push(
      `| ${a.cone} → ${b.cone} | ${ratio(a.cone, b.cone)} | ${ratio(encodeMs(a), encodeMs(b))} | ${ratio(solveMs(a), solveMs(b))} | ${ratio(lastMs(a), lastMs(b))} | ${ratio(total(a), total(b))} |`,
    );
  }
  return `${lines.join("\n")}\n`;
}

/** One request measured with each engine. */
interface EngineRow {
  readonly kind: Job["kind"];
  readonly cells: readonly Cell[];
}

/**
 * The engines side by side: per request, each engine's median `solve()` time (or how it failed)
 * and whether the answers agree (the same cost vector, or explanations of the same size).
 */
function engineTable(
  engines: readonly EngineName[],
  rows: readonly EngineRow[],
  timeout: number,
): string {
  const answer = (c: Cell) => {
    const r = c.runs[0];
    if (!r?.ok) return undefined;
    return r.satisfiable ? JSON.stringify(r.cost) : `unsat, ${r.coreFacts} facts`;
  };
  const lines = [
    "### SAT engines side by side (`solve()` wall time, median)",
    "",
    `| request | cone | ${engines.join(" | ")} | same answer |`,
    `| --- | ---: | ${engines.map(() => "---:").join(" | ")} | --- |`,
  ];
  for (const { kind, cells } of rows) {
    const times = cells.map((c) => {
      const f = failure(c, timeout);
      if (f !== undefined) return `✗ ${f}`;
      return `${fmtMs(median(c.runs.map((r) => r.solveMs)))} ms`;
    });
    const answers = cells.map(answer);
    const same = answers.some((a) => a === undefined)
      ? "–"
      : answers.every((a) => a === answers[0])
        ? "yes"
        : "**no**";
    lines.push(
      `| ${kind === "sat" ? "satisfiable" : "unsatisfiable"} | ${cells[0]!.cone} | ${times.join(" | ")} | ${same} |`,
    );
  }
  return `${lines.join("\n")}\n`;
}

/** One request's cell, before its runs. */
function cellFor(universe: Universe, size: number, specs: readonly string[]): Cell {
  const cone = reachableCone(universe, requestFromSpecs(specs)).packages.length;
  return { size, cone, specs, runs: [], timedOut: false };
}

/**
 * Runs every cell `runs` times, in rounds: one run of each cell, then the next round. A machine
 * that slows down for a minute then slows every size alike, where running one size's runs back
 * to back put the whole slow spell in one size and skewed the growth between sizes (on
 * 2026-12-07 the same build read ×2.3 and ×2.7 in two runs ten minutes apart). A cell that
 * failed or timed out is not run again.
 */
async function measureInRounds(
  jobs: readonly { cell: Cell; kind: Job["kind"]; engine: EngineName }[],
  args: Args,
  params: GenerateParams,
): Promise<void> {
  for (let i = 0; i < args.runs; i++)
    for (const { cell, kind, engine } of jobs) {
      if (cell.timedOut || cell.runs.some((r) => !r.ok)) continue;
      process.stderr.write(
        `  ${engine} ${kind} ~${cell.size}: ${cell.specs.join(" ")} run ${i + 1}/${args.runs} … `,
      );
      const r = await runChild({ params, specs: cell.specs, kind, engine }, args.timeout);
      if ("timeout" in r) {
        process.stderr.write("timeout\n");
        cell.timedOut = true;
        continue;
      }
      process.stderr.write(
        r.ok
          ? `${(r.solveMs / 1000).toFixed(2)} s\n`
          : `failed after ${(r.solveMs / 1000).toFixed(1)} s\n`,
      );
      cell.runs.push(r);
    }
}

/** A short hash of the compiled solver being measured (the solver changes under the benchmark). */
function solverHash(): string {
  const dir = fileURLToPath(new URL("../../solver/", import.meta.url));
  const hash = createHash("sha256");
  for (const f of readdirSync(dir, { recursive: true, encoding: "utf8" })
    .filter((n) => n.endsWith(".js"))
    .sort())
    hash.update(f).update(readFileSync(dir + f));
  return hash.digest("hex").slice(0, 12);
}

async function parent(args: Args): Promise<void> {
  const machine = `${cpus().length} × ${cpus()[0]?.model ?? "?"}, Node ${process.version}, solver build ${solverHash()}`;
  const params = paramsFor(args);
  const generated = generateUniverse(params);
  const loaded = loadConstraintTexts(generated.files);
  const errors = loaded.diagnostics.length;
  if (errors > 0) throw new Error(`generated universe has ${errors} diagnostics`);
  const universe = loaded.universe;
  process.stderr.write(`universe: ${JSON.stringify(generated.stats)}\n`);
  const picks = rootsBySize(universe, args.sizes);

  const sat: Cell[] = [];
  const unsat: Cell[] = [];
  const sideBySide: EngineRow[] = [];
  const jobs: { cell: Cell; kind: Job["kind"]; engine: EngineName }[] = [];
  for (const { size, candidates } of picks) {
    const [root] = candidates[0]!;
    let found: { specs: string[] } | null = null;
    if (args.unsat)
      for (const [name] of candidates) {
        found = unsatSpecs(universe, name);
        if (found) break;
      }
    const requests: [Job["kind"], readonly string[]][] = [
      ["sat", [root]],
      ...(found ? [["unsat", found.specs] as [Job["kind"], readonly string[]]] : []),
    ];
    for (const [kind, specs] of requests) {
      const cells: Cell[] = [];
      for (const engine of args.engines) {
        const cell = cellFor(universe, size, specs);
        cells.push(cell);
        jobs.push({ cell, kind, engine });
      }
      (kind === "sat" ? sat : unsat).push(cells[0]!);
      sideBySide.push({ kind, cells });
    }
  }
  await measureInRounds(jobs, args, params);

  const bytes = generated.files.reduce((n, f) => n + f.text.length, 0);
  const out = [
    `## Solver benchmark (seed ${params.seed}, ${machine})`,
    "",
    `Universe: ${generated.stats.packages} packages, ${generated.stats.versions} versions, ${generated.stats.options} options (${generated.stats.conditionalOptions} conditional), ${generated.stats.depends} [[depends]], ${generated.stats.conflicts} [[conflicts]], ${generated.stats.virtuals} virtuals (${generated.stats.providers} providers), ${generated.stats.deprecated} deprecated versions, ${generated.stats.lagging} lagging packages; ${(bytes / MiB).toFixed(1)} MiB of TOML. Median of up to ${args.runs} runs, each a fresh process, in rounds (one run of each request per round); \`load\` reads the whole universe.`,
    "",
    ...(args.engines.length > 1 ? [engineTable(args.engines, sideBySide, args.timeout), ""] : []),
    table(`Satisfiable requests (${args.engines[0]})`, sat, args.timeout),
    "Growth between sizes, satisfiable:",
    "",
    growth(sat, "minimise"),
    ...(args.unsat
      ? [
          table(`Unsatisfiable requests (explain, ${args.engines[0]})`, unsat, args.timeout),
          "Growth between sizes, unsatisfiable:",
          "",
          growth(unsat, "explain"),
        ]
      : []),
  ].join("\n");
  process.stdout.write(`${out}\n`);
  if (args.json)
    writeFileSync(
      args.json,
      JSON.stringify({ params, stats: generated.stats, sat, unsat }, null, 1),
    );
}

const argv = process.argv.slice(2);
if (argv[0] === "--child") {
  // As `pthbs` compiles (cli/v8.ts), before any measured code is compiled; V8 collects as by default.
  tuneV8({ collector: false });
  const job = JSON.parse(argv[1]!) as Job;
  const result = await child(job);
  process.stdout.write(`RESULT ${JSON.stringify(result)}\n`);
} else {
  await parent(parseArgs(argv));
}
