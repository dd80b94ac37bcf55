/** Environments: members of a lockfile, the hash, creation, collisions, leftovers of a killed creation. */
import { mkdir, readdir, readFile, readlink, realpath, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  createEnvironment,
  environmentId,
  environmentPath,
  environmentSpec,
  lockfileMembers,
  readEnvironment,
} from "../executor/environment.js";
import { CollisionError, StoreError } from "../executor/errors.js";
import { generate } from "../generator/generate.js";
import { RecipeSet } from "../generator/recipes.js";
import type { StoreId } from "../generator/store.js";
import { readEnvironmentFile } from "../solver/environment-file.js";
import { loadUniverse } from "../solver/load.js";
import { solve } from "../solver/solve.js";
import { fakePath, scratchStore } from "./store-fixtures.js";

describe("the members of a lockfile's environment", () => {
  it("are the roots and their run/link closure: no build-only dependency, no external", async () => {
    const universe = await loadUniverse("constraints");
    const request = await readEnvironmentFile("environments/minimal.toml");
    const result = solve(universe, request);
    if (!result.satisfiable) throw new Error("minimal.toml must solve");
    const lock = generate(
      universe,
      result.solution,
      request,
      "/opt/pthbs/store",
      new RecipeSet(),
    ).lockfile;
    const members = lockfileMembers(lock);
    const names = new Set(members.map((m) => m.name));
    for (const r of lock.roots)
      if (!lock.packages.find((p) => p.name === r)?.external) expect(names).toContain(r);
    // Closed under link and run edges, and nothing else is in it.
    const byName = new Map(lock.packages.map((p) => [p.name, p]));
    const reached = new Set<string>(lock.roots);
    for (let grew = true; grew; ) {
      grew = false;
      for (const n of [...reached])
        for (const d of byName.get(n)?.depends ?? [])
          if ((d.types.includes("link") || d.types.includes("run")) && !reached.has(d.name)) {
            reached.add(d.name);
            grew = true;
          }
    }
    const expected = [...reached].filter((n) => !byName.get(n)?.external).sort();
    expect([...names].sort()).toEqual(expected);
    // Something is build-only in the seed set (the toolchain), so the test means something.
    expect(lock.packages.length).toBeGreaterThan(members.length);
    for (const m of members) expect(m.id).toBe(byName.get(m.name)?.id);
  });
});

describe("the environment id", () => {
  const member = (name: string, hash: string) => ({
    name,
    version: "1",
    options: {},
    id: `${name}.${hash.repeat(64)}` as StoreId,
  });
  const members = [member("a", "1"), member("b", "2"), member("c", "3"), member("d", "4")];

  it("depends on the members, not their order", () => {
    fc.assert(
      fc.property(fc.shuffledSubarray(members, { minLength: 4, maxLength: 4 }), (shuffled) => {
        expect(environmentId(environmentSpec(shuffled, "fold", []))).toBe(
          environmentId(environmentSpec(members, "fold", [])),
        );
      }),
      { seed: 7, numRuns: 50 },
    );
  });

  it("changes with any member id, the policy, and preferences that name members", () => {
    const base = environmentId(environmentSpec(members, "fold", []));
    const ids = [
      environmentId(environmentSpec([...members.slice(1), member("a", "9")], "fold", [])),
      environmentId(environmentSpec(members.slice(1), "fold", [])),
      environmentId(environmentSpec(members, "files", [])),
      environmentId(environmentSpec(members, "fold", ["b"])),
      environmentId(environmentSpec(members, "fold", ["b", "a"])),
      environmentId(environmentSpec(members, "fold", ["a", "b"])),
    ];
    expect(new Set([base, ...ids]).size).toBe(ids.length + 1);
    // A preference for a package that is not a member changes nothing.
    expect(environmentId(environmentSpec(members, "fold", ["zz"]))).toBe(base);
    expect(base).toMatch(/^env\.[0-9a-f]{64}$/);
  });

  it("refuses two members of one name", () => {
    expect(() => environmentSpec([member("a", "1"), member("a", "2")], "fold", [])).toThrow(
      /two members are named a/,
    );
  });
});

describe("creating an environment", () => {
  it("links every member's files, and a second creation finds it valid", async () => {
    const store = await scratchStore();
    const lib = await fakePath(store, {
      name: "lib",
      files: { "lib/libx.a": "archive", "include/x.h": "int x;" },
    });
    const tool = await fakePath(store, {
      name: "tool",
      files: { "bin/tool*": "#!/bin/sh\necho tool\n", "share/man/man1/tool.1": ".TH tool" },
    });
    for (const policy of ["fold", "files"] as const) {
      const made = await createEnvironment(store, [tool, lib], { policy });
      expect(made.created).toBe(true);
      expect(made.path).toBe(environmentPath(store, made.record.id));
      for (const [rel, member] of [
        ["lib/libx.a", lib],
        ["include/x.h", lib],
        ["bin/tool", tool],
        ["share/man/man1/tool.1", tool],
      ] as const)
        expect(await realpath(join(made.path, rel))).toBe(
          await realpath(join(store.path(member.id), rel)),
        );
      expect(made.record.members.map((m) => m.name)).toEqual(["lib", "tool"]);
      // Never modified once made: no write bit on the environment or on what it links to.
      expect((await stat(made.path)).mode & 0o222).toBe(0);
      expect((await stat(join(made.path, "bin", "tool"))).mode & 0o222).toBe(0);
      expect((await stat(join(made.path, "include"))).mode & 0o222).toBe(0);
      const again = await createEnvironment(store, [lib, tool], { policy });
      expect(again).toMatchObject({ created: false, path: made.path });
      expect(await readEnvironment(store, made.record.id)).toEqual(made.record);
    }
  });

  it("refuses members that are not built, naming each", async () => {
    const store = await scratchStore();
    const lib = await fakePath(store, { name: "lib", files: { "lib/a": "a" } });
    const ghost = { ...lib, name: "ghost", id: `ghost.${"e".repeat(64)}` as StoreId };
    const e = await createEnvironment(store, [lib, ghost]).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(StoreError);
    expect((e as Error).message).toContain(store.path(ghost.id));
    expect((e as Error).message).toMatch(/pthbs build/);
  });

  it("reports every collision with both packages, and writes nothing", async () => {
    const store = await scratchStore();
    const a = await fakePath(store, {
      name: "busybox",
      files: { "bin/sh*": "busybox sh", "bin/ls*": "busybox ls", "bin/same*": "same" },
    });
    const b = await fakePath(store, {
      name: "dash",
      files: { "bin/sh*": "dash", "bin/same*": "same" },
    });
    const c = await fakePath(store, { name: "coreutils", files: { "bin/ls*": "gnu ls" } });
    const e = await createEnvironment(store, [a, b, c]).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(CollisionError);
    const collisions = (e as CollisionError).collisions;
    expect(collisions.map((x) => [x.path, x.owners.map((o) => o.name).sort()])).toEqual([
      ["bin/ls", ["busybox", "coreutils"]],
      ["bin/sh", ["busybox", "dash"]],
    ]);
    for (const name of ["busybox", "dash", "coreutils", "bin/sh", "bin/ls"])
      expect((e as Error).message).toContain(name);
    expect(await readdir(join(store.root, "envs"))).toEqual([]);
    expect(await readdir(join(store.root, "db", "envs"))).toEqual([]);
    expect(await readdir(join(store.root, "tmp"))).toEqual([]);

    const preferred = await createEnvironment(store, [a, b, c], { prefer: ["dash", "coreutils"] });
    expect(await readFile(join(preferred.path, "bin/sh"), "utf8")).toBe("dash");
    expect(await readFile(join(preferred.path, "bin/ls"), "utf8")).toBe("gnu ls");
    expect(preferred.resolved.map((r) => [r.path, r.owner])).toEqual([
      ["bin/ls", "coreutils"],
      ["bin/sh", "dash"],
    ]);
  });

  it("replaces what a killed creation left, and never calls a half-made one valid", async () => {
    const store = await scratchStore();
    const lib = await fakePath(store, { name: "lib", files: { "lib/a": "a" } });
    const id = environmentId(environmentSpec([lib], "fold", []));
    // Killed after the rename, before the record: a directory without a record.
    await mkdir(join(environmentPath(store, id), "junk"), { recursive: true });
    expect(await readEnvironment(store, id)).toBeUndefined();
    const made = await createEnvironment(store, [lib]);
    expect(made.created).toBe(true);
    expect(await readdir(made.path)).toEqual(["lib"]);
    // A record whose directory is gone is not valid either.
    await rm(made.path, { recursive: true });
    expect(await readEnvironment(store, id)).toBeUndefined();
    expect((await createEnvironment(store, [lib])).created).toBe(true);
    expect((await stat(join(made.path, "lib"))).isDirectory()).toBe(true);
    expect(await readlink(join(made.path, "lib"))).toBe(`${store.path(lib.id)}/lib`);
  });
});
