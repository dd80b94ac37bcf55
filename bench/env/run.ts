/**
 * The environment benchmark: linking a store of 300 packages × 40 files into an empty
 * environment with GNU Stow (one invocation, all packages), and with pthbs `planLinks` +
 * `writeLinks` under the "files" and "fold" policies. Each tool runs in its own process under GNU
 * time (wall clock from spawn to exit, so start-up is included on both sides; peak RSS), several
 * times, interleaved, a fresh target each time (the previous one removed and `sync`ed first);
 * the table shows medians. Prints Markdown.
 *
 *   ./node_modules/.bin/tsc -p bench/tsconfig.json
 *   node bench/dist/bench/env/run.js [--packages 300] [--files 40] [--reps 5] [--dir DIR] [--keep-targets]
 *
 * `--dir` is where the store and targets go (default: the system's temporary directory); the
 * file system matters, since creating symlinks is most of the work (try /dev/shm, a tmpfs).
 *
 * The store is realistic in shape: every package has bin/ and lib/ (shared by all, so they merge),
 * its headers in include/<pkg>/ (one owner: Stow and "fold" link the directory), and two thirds of
 * them man pages in share/man/man1/ (the others more libraries). No two packages share a file
 * name: Stow refuses even identical files, so the store has no collision for either tool.
 */
import { spawnSync } from "node:child_process";
import { mkdir, mkdtemp, readdir, readFile, realpath, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type LinkPolicy, planLinks, writeLinks } from "../../executor/link.js";

const SELF = fileURLToPath(import.meta.url);

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

/** The child: one environment with pthbs, its own time and counts on stdout as JSON. */
async function child(policy: LinkPolicy, store: string, target: string): Promise<void> {
  const members = (await readdir(store)).map((name) => ({ name, path: join(store, name) }));
  const t0 = performance.now();
  const plan = await planLinks(members, policy, []);
  const t1 = performance.now();
  await writeLinks(plan, target);
  const t2 = performance.now();
  const out = { plan: t1 - t0, write: t2 - t1, links: plan.links.length, dirs: plan.dirs.length };
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

/** Writes the store: `<store>/pkgNNN/...`, `files` files each. */
async function makeStore(store: string, packages: number, files: number): Promise<string[]> {
  const names: string[] = [];
  for (let i = 0; i < packages; i++) {
    const name = `pkg${String(i).padStart(3, "0")}`;
    names.push(name);
    const root = join(store, name);
    const man = i % 3 !== 2;
    const nBin = Math.round(files * 0.125);
    const nMan = man ? Math.round(files * 0.125) : 0;
    const nInclude = Math.round(files * 0.5);
    const nLib = files - nBin - nMan - nInclude;
    const dirs = ["bin", "lib", `include/${name}`, ...(man ? ["share/man/man1"] : [])];
    for (const d of dirs) await mkdir(join(root, d), { recursive: true });
    const body = (k: number): string => `${name} file ${k}\n`.repeat(1 + ((i * 7 + k) % 40));
    const writes: Promise<void>[] = [];
    for (let k = 0; k < nBin; k++)
      writes.push(writeFile(join(root, "bin", `${name}-tool${k}`), body(k), { mode: 0o755 }));
    for (let k = 0; k < nLib; k++)
      writes.push(writeFile(join(root, "lib", `lib${name}-${k}.so`), body(k)));
    for (let k = 0; k < nInclude; k++)
      writes.push(writeFile(join(root, "include", name, `h${k}.h`), body(k)));
    for (let k = 0; k < nMan; k++)
      writes.push(writeFile(join(root, "share/man/man1", `${name}-tool${k}.1`), body(k)));
    await Promise.all(writes);
  }
  return names;
}

interface Run {
  readonly wall: number;
  readonly rssMiB: number;
  readonly inner?: { plan: number; write: number; links: number; dirs: number };
}

/** Runs a command under GNU time (`-o` a file, so its own output stays apart). */
function timed(command: string, args: readonly string[], timeFile: string): Run {
  const t0 = performance.now();
  const r = spawnSync("/usr/bin/time", ["-f", "%M", "-o", timeFile, command, ...args], {
    encoding: "utf8",
    maxBuffer: 1 << 26,
  });
  const wall = performance.now() - t0;
  if (r.status !== 0) throw new Error(`${command} failed (${r.status}): ${r.stderr}`);
  return { wall, rssMiB: 0, inner: r.stdout.trim() ? JSON.parse(r.stdout) : undefined };
}

/** Every file reachable below `dir` following links, with the store file it resolves to. */
async function reachable(dir: string, prefix = "", out = new Map<string, string>()) {
  for (const name of await readdir(dir)) {
    const p = join(dir, name);
    const rel = prefix ? `${prefix}/${name}` : name;
    if ((await stat(p)).isDirectory()) await reachable(p, rel, out);
    else out.set(rel, await realpath(p));
  }
  return out;
}

/** Counts the symlinks and real directories an environment is made of. */
async function shape(dir: string): Promise<{ links: number; dirs: number }> {
  let links = 0;
  let dirs = 0;
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (e.isSymbolicLink()) links++;
    else if (e.isDirectory()) dirs++;
  }
  return { links, dirs };
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
};

async function main(): Promise<void> {
  const packages = option("--packages", 300);
  const files = option("--files", 40);
  const reps = option("--reps", 5);
  const keepTargets = process.argv.includes("--keep-targets");
  const d = process.argv.indexOf("--dir");
  const base = d > 0 ? process.argv[d + 1]! : tmpdir();
  const tmp = await mkdtemp(join(base, "pthbs-bench-env-"));
  try {
    const store = join(tmp, "store");
    const names = await makeStore(store, packages, files);
    const load = (await readFile("/proc/loadavg", "utf8")).split(" ").slice(0, 3).join(" ");
    console.log(
      `${packages} packages × ${files} files in ${tmp}; ${reps} runs each (+1 warm-up); load average ${load}\n`,
    );
    const tools: Record<string, (target: string) => [string, string[]]> = {
      stow: (t) => ["stow", ["-d", store, "-t", t, ...names]],
      "stow --no-folding": (t) => ["stow", ["--no-folding", "-d", store, "-t", t, ...names]],
      'pthbs "files"': (t) => [process.execPath, [SELF, "--child", "files", store, t]],
      'pthbs "fold"': (t) => [process.execPath, [SELF, "--child", "fold", store, t]],
    };
    const runs = new Map<string, Run[]>(Object.keys(tools).map((k) => [k, []]));
    const views = new Map<string, Map<string, string>>();
    const shapes = new Map<string, { links: number; dirs: number }>();
    let n = 0;
    for (let rep = 0; rep <= reps; rep++)
      for (const [tool, argv] of Object.entries(tools)) {
        const target = join(tmp, `env-${n++}`);
        // Stow wants an existing, empty target; writeLinks creates its own.
        if (tool.startsWith("stow")) await mkdir(target);
        const timeFile = join(tmp, "time.txt");
        const [command, args] = argv(target);
        const r = timed(command, args, timeFile);
        const kb = Number((await readFile(timeFile, "utf8")).trim().split("\n").at(-1));
        if (rep > 0) runs.get(tool)!.push({ ...r, rssMiB: kb / 1024 });
        else {
          views.set(tool, await reachable(target));
          shapes.set(tool, await shape(target));
        }
        // By default each target is removed before the next run. With --keep-targets they stay
        // until the end: removing thousands of inodes (with this machine's `discard` mount
        // option) slows the next run's creations, which is not what making an environment costs.
        if (!keepTargets) await rm(target, { recursive: true, force: true });
        // Let the writes and removals reach the disk now, not during the next tool's run.
        spawnSync("sync");
      }
    // Every tool must show the same files, resolving to the same store files.
    const want = views.get("stow")!;
    if (want.size !== packages * files) throw new Error(`stow shows ${want.size} files`);
    for (const [tool, v] of views)
      if (v.size !== want.size || [...v].some(([k, p]) => want.get(k) !== p))
        throw new Error(`${tool} does not show what stow shows`);

    const stowWall = median(runs.get("stow")!.map((r) => r.wall));
    console.log(
      "| tool | wall ms (median) | × stow | peak RSS MiB | plan + write ms (in process) | symlinks | dirs |",
    );
    console.log("|---|---:|---:|---:|---:|---:|---:|");
    for (const [tool, rs] of runs) {
      const wall = median(rs.map((r) => r.wall));
      const inner = rs[0]?.inner
        ? `${median(rs.map((r) => r.inner!.plan)).toFixed(0)} + ${median(rs.map((r) => r.inner!.write)).toFixed(0)}`
        : "";
      const s = shapes.get(tool)!;
      console.log(
        `| ${tool} | ${wall.toFixed(0)} | ${(wall / stowWall).toFixed(2)} | ${median(rs.map((r) => r.rssMiB)).toFixed(0)} | ${inner} | ${s.links} | ${s.dirs} |`,
      );
    }
    console.log(`\nall tools show the same ${want.size} files (checked on the warm-up run)`);
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

if (process.argv[2] === "--child") {
  const [, , , policy, store, target] = process.argv;
  await child(policy as LinkPolicy, store!, target!);
} else await main();
