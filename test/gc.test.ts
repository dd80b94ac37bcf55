/** Garbage collection: keeps everything reachable from every generation and root, removes the rest. */
import { mkdir, readdir, readFile, realpath, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createEnvironment, type EnvironmentMember } from "../executor/environment.js";
import { collectGarbage } from "../executor/gc.js";
import { Lock } from "../executor/lock.js";
import { Profile } from "../executor/profile.js";
import { cachePath } from "../executor/sources.js";
import type { Store } from "../executor/store.js";
import { formatLockfile } from "../generator/lockfile-json.js";
import type { StoreId } from "../generator/store.js";
import { fakePath, fakeScript, scratchStore } from "./store-fixtures.js";

const storeIds = async (store: Store) => (await readdir(store.storeDir)).sort();

/** A toolchain (build-only), a library (link), a tool using both, and something unrelated. */
async function system() {
  const store = await scratchStore();
  const cc = await fakePath(store, { name: "cc", files: { "bin/cc*": "cc" } });
  const lib = await fakePath(store, { name: "lib", files: { "lib/lib.a": "lib" } });
  const data = await fakePath(store, { name: "data", files: { "share/data": "d" } });
  const tool = await fakePath(store, {
    name: "tool",
    files: { "bin/tool*": "tool" },
    depends: [
      { id: cc.id, types: ["build"] },
      { id: lib.id, types: ["link"] },
      { id: data.id, types: ["run"] },
    ],
  });
  const other = await fakePath(store, { name: "other", files: { "bin/other*": "other" } });
  return { store, cc, lib, data, tool, other };
}

describe("gc", () => {
  it("keeps the run/link closure of every generation and deletes the rest", async () => {
    const { store, cc, lib, data, tool, other } = await system();
    const p = new Profile(store, "main");
    await p.switchTo([tool]); // the environment holds tool only; lib and data via its record
    await p.switchTo([other]);
    const unused = await createEnvironment(store, [lib]);
    // A killed build's leftover: a directory without a record, nobody holding its lock.
    const leftover = `dead.${"d".repeat(64)}`;
    await mkdir(join(store.storeDir, leftover, "bin"), { recursive: true });

    const before = await storeIds(store);
    const dry = await collectGarbage(store, { dryRun: true });
    expect(await storeIds(store)).toEqual(before);
    expect(dry.deleted.map((e) => [e.kind, e.name]).sort()).toEqual(
      [
        ["path", cc.id],
        ["leftover", leftover],
        ["environment", unused.record.id],
      ].sort(),
    );
    expect(dry.bytes).toBeGreaterThan(0);

    const report = await collectGarbage(store);
    expect(report.deleted.map((e) => e.name).sort()).toEqual(dry.deleted.map((e) => e.name).sort());
    expect(await storeIds(store)).toEqual([data.id, lib.id, other.id, tool.id].sort());
    expect(await store.isValid(cc.id)).toBe(false);
    await expect(readFile(store.logPath(cc.id))).rejects.toThrow();
    expect(report.live).toEqual({ paths: 4, environments: 2 });
    // Both generations still work.
    await p.rollback();
    expect(await readFile(join(p.path, "bin", "tool"), "utf8")).toBe("tool");
    // A second run finds nothing.
    expect((await collectGarbage(store)).deleted).toEqual([]);
  });

  it("keeps build-only dependencies when asked", async () => {
    const { store, cc, tool } = await system();
    await new Profile(store, "main").switchTo([tool]);
    const report = await collectGarbage(store, { keepBuildDeps: true });
    expect(report.deleted.map((e) => e.name)).not.toContain(cc.id);
    expect(await store.isValid(cc.id)).toBe(true);
  });

  it("--keep-generations deletes old generations first, never the current one", async () => {
    const { store, tool, other, lib } = await system();
    const p = new Profile(store, "main");
    await p.switchTo([tool]);
    await p.switchTo([other]);
    await p.switchTo([lib]);
    await p.rollback(1); // current is the oldest: kept even though not among the newest
    const report = await collectGarbage(store, { keepGenerations: 1 });
    expect(report.deleted.filter((e) => e.kind === "generation").map((e) => e.name)).toEqual([
      "main 2",
    ]);
    expect((await p.generations()).map((g) => g.number)).toEqual([1, 3]);
    expect(await store.isValid(other.id)).toBe(false);
    expect(await store.isValid(tool.id)).toBe(true);
    expect(await store.isValid(lib.id)).toBe(true);
  });

  it("never deletes a path being built, nor what it is built from", async () => {
    const { store, cc, lib } = await system();
    // A build in progress: its lock held, its script copy written (Store.beginBuild).
    const script = fakeScript(store, {
      name: "new",
      files: {},
      depends: [
        { id: cc.id, types: ["build"] },
        { id: lib.id, types: ["link"] },
      ],
    });
    await store.beginBuild(script.id, script.text, [cc.id, lib.id]);
    await mkdir(join(store.path(script.id), "bin"), { recursive: true });
    const lock = await Lock.acquire(store.lockPath(script.id));
    try {
      const report = await collectGarbage(store);
      expect(report.roots.building).toEqual([script.id]);
      expect(await storeIds(store)).toContain(script.id);
      expect(await store.isValid(cc.id)).toBe(true);
      expect(await store.isValid(lib.id)).toBe(true);
    } finally {
      await lock.release();
    }
    // Once the builder is gone without a record, it is a leftover.
    await collectGarbage(store);
    expect(await storeIds(store)).toEqual([]);
  });

  it("keeps every package of a registered lockfile, in later runs too, until it is gone", async () => {
    const { store, cc, tool, other } = await system();
    const lockfile = join(store.root, "..", "pthbs.lock.json");
    const pkg = (m: EnvironmentMember) => ({
      name: m.name,
      version: m.version,
      recipe: "fake",
      options: new Map(),
      provides: [],
      depends: [],
      resources: [],
      source: {
        kind: "url" as const,
        url: `https://example.invalid/${m.name}.tar`,
        sha256: "1".repeat(64),
        filename: `${m.name}.tar`,
      },
      id: m.id,
    });
    await writeFile(
      lockfile,
      formatLockfile({
        store: store.storeDir,
        request: { specs: ["tool"], externals: [], providers: new Map(), versions: new Map() },
        roots: ["tool"],
        packages: [pkg(cc), pkg(tool)],
      }),
    );
    const first = await collectGarbage(store, { rootLocks: [lockfile] });
    const registered = await realpath(lockfile);
    expect(first.roots.lockfiles).toEqual([registered]);
    expect(first.deleted.map((e) => e.name).sort()).toEqual([other.id]);
    // Registered: the next run without --root-lock keeps them too.
    const second = await collectGarbage(store);
    expect(second.deleted.filter((e) => e.kind === "path")).toEqual([]);
    expect(await store.isValid(cc.id)).toBe(true);
    // The lockfile deleted: reported, unregistered, and its packages collected.
    await rm(lockfile);
    const third = await collectGarbage(store);
    expect(third.danglingRoots).toEqual([registered]);
    expect(await store.isValid(cc.id)).toBe(false);
  });

  it("deletes cached sources no kept path needs, only with --sources", async () => {
    const { store, tool } = await system();
    await new Profile(store, "main").switchTo([tool]);
    await mkdir(join(store.root, "sources", "sha256"), { recursive: true });
    await writeFile(cachePath(store, "0".repeat(64)), "needed by every fake script");
    await writeFile(cachePath(store, "9".repeat(64)), "needed by nothing");
    await collectGarbage(store);
    expect((await readdir(join(store.root, "sources", "sha256"))).length).toBe(2);
    const report = await collectGarbage(store, { sources: true });
    expect(report.deleted.filter((e) => e.kind === "source").map((e) => e.name)).toEqual([
      "9".repeat(64),
    ]);
    expect(await readdir(join(store.root, "sources", "sha256"))).toEqual(["0".repeat(64)]);
  });

  it("on random systems, keeps exactly what some generation reaches", async () => {
    // Packages 0..n-1; package i may depend on lower ones by link, run or build.
    const systems = fc.record({
      deps: fc.array(
        fc.array(fc.tuple(fc.nat(), fc.constantFrom("link", "run", "build")), { maxLength: 3 }),
        { minLength: 2, maxLength: 7 },
      ),
      generations: fc.array(fc.array(fc.nat(), { minLength: 1, maxLength: 3 }), {
        minLength: 1,
        maxLength: 3,
      }),
      keep: fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined }),
    });
    return fc.assert(
      fc.asyncProperty(systems, async ({ deps, generations, keep }) => {
        const store = await scratchStore();
        const members: EnvironmentMember[] = [];
        const edges: { to: number; type: string }[][] = [];
        for (let i = 0; i < deps.length; i++) {
          const mine = new Map<number, "link" | "run" | "build">();
          if (i > 0) for (const [j, t] of deps[i] ?? []) mine.set(j % i, t as "link");
          edges.push([...mine].map(([to, type]) => ({ to, type })));
          members.push(
            await fakePath(store, {
              name: `p${i}`,
              files: { [`share/p${i}`]: `${i}` },
              depends: [...mine].map(([j, type]) => ({
                id: members[j]?.id as StoreId,
                types: [type],
              })),
            }),
          );
        }
        const p = new Profile(store, "p");
        for (const g of generations) {
          const chosen = [...new Set(g.map((i) => i % deps.length))];
          await p.switchTo(chosen.map((i) => members[i] as EnvironmentMember));
        }
        await collectGarbage(store, keep === undefined ? {} : { keepGenerations: keep });
        // Expected: the run/link closure of each remaining generation's members.
        const reach = new Set<number>();
        const remaining = await p.generations();
        const all = generations.map((g) => [...new Set(g.map((i) => i % deps.length))]);
        const visit = (i: number) => {
          if (reach.has(i)) return;
          reach.add(i);
          for (const e of edges[i] ?? []) if (e.type !== "build") visit(e.to);
        };
        for (const g of remaining) for (const i of all[g.number - 1] ?? []) visit(i);
        for (let i = 0; i < members.length; i++)
          expect(await store.isValid((members[i] as EnvironmentMember).id)).toBe(reach.has(i));
        // Every remaining generation's environment is whole: each link resolves.
        for (const g of remaining) {
          await p.rollback(g.number);
          for (const i of all[g.number - 1] ?? [])
            expect(await readFile(join(p.path, "share", `p${i}`), "utf8")).toBe(`${i}`);
        }
      }),
      { seed: 42, numRuns: 15 },
    );
  }, 60_000);
});
