/**
 * Builders as separate processes: killed with SIGKILL at random moments (fast-check picks when),
 * and four at once on one root. Runs the CLI compiled into a scratch directory.
 */
import { spawn } from "node:child_process";
import { mkdir, mkdtemp, readdir, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { BuildScript } from "../executor/build.js";
import { buildAll } from "../executor/schedule.js";
import { Store } from "../executor/store.js";
import { compiledForTests } from "./compiled.js";
import { exampleScript, packExample, SANDBOX, TEST_RUN } from "./executor-examples.js";

const dist = compiledForTests("crash");

/** A slow package writing many files, and one depending on it. */
async function slowSet(): Promise<{ root: string; scripts: string; set: BuildScript[] }> {
  const dir = await mkdtemp(join(tmpdir(), "pthbs-crash-"));
  const root = join(dir, "root");
  const scripts = join(dir, "scripts");
  await mkdir(scripts);
  const tgz = packExample("greet", "1.0", dir);
  const storeDir = new Store(root).storeDir;
  const body = (n: number) => `mkdir -p "$out/a"
i=0; while [ $i -lt ${n} ]; do echo $i > "$out/a/f$i"; i=$((i+1)); sleep 0.01; done
echo complete > "$out/complete"
`;
  const slow = await exampleScript("slow", tgz, [], storeDir, body(15));
  const up = await exampleScript("up", tgz, [slow], storeDir, body(10));
  for (const s of [slow, up]) await writeFile(join(scripts, `${s.id}.sh`), s.text);
  return { root, scripts, set: [slow, up] };
}

/**
 * Runs `pthbs build --json` in a child; resolves to its exit and output. With `killAfterMs`, the
 * child is killed with SIGKILL that long after its first lock appears (so inside the builds, not
 * while node starts).
 */
function builder(root: string, scripts: string, killAfterMs?: number) {
  const args = [
    join(dist(), "cli", "main.js"),
    "build",
    "--scripts",
    scripts,
    "--root",
    root,
    "--offline",
    "--json",
  ];
  if (SANDBOX === "none") args.push("--no-sandbox");
  const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
  if (killAfterMs !== undefined) {
    const poll = setInterval(async () => {
      const locks = await readdir(join(root, "locks")).catch(() => []);
      if (locks.length === 0 && child.exitCode === null) return;
      clearInterval(poll);
      setTimeout(() => child.kill("SIGKILL"), killAfterMs);
    }, 5);
  }
  return new Promise<{ code: number | null; stdout: string }>((ok) =>
    child.on("exit", (code) => ok({ code, stdout })),
  );
}

/** Every valid path is complete and matches its record. */
async function noHalfPathValid(store: Store, set: readonly BuildScript[]): Promise<number> {
  let valid = 0;
  for (const s of set) {
    const record = await store.record(s.id);
    if (!record) continue;
    valid++;
    expect((await store.verify(record)).ok).toBe(true);
    expect((await stat(join(store.path(s.id), "complete"))).isFile()).toBe(true);
  }
  return valid;
}

describe("builders as processes", () => {
  it("a build killed with SIGKILL at any moment leaves no half path valid; the next run recovers", async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 500 }), async (killAfter) => {
        const { root, scripts, set } = await slowSet();
        await builder(root, scripts, killAfter);
        const store = new Store(root);
        await noHalfPathValid(store, set);
        const r = await buildAll(store, set, TEST_RUN);
        expect(r.failed).toEqual([]);
        expect(await noHalfPathValid(store, set)).toBe(2);
        expect(await readdir(join(root, "tmp"))).toEqual([]);
        expect(await readdir(join(root, "locks"))).toEqual([]);
      }),
      { numRuns: 6 },
    );
  }, 60_000);

  it("four builders on one root build each path exactly once", async () => {
    const { root, scripts, set } = await slowSet();
    const runs = await Promise.all([0, 1, 2, 3].map(() => builder(root, scripts)));
    expect(runs.map((r) => r.code)).toEqual([0, 0, 0, 0]);
    const built = runs.flatMap((r) => JSON.parse(r.stdout).built as string[]).sort();
    expect(built).toEqual(set.map((s) => s.id).sort());
    expect(await noHalfPathValid(new Store(root), set)).toBe(2);
  }, 60_000);
});
