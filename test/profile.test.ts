/** Profiles: generations, switch, rollback, list, and the diff between two sets. */
import { readdir, readFile, readlink, symlink } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { diffMembers, formatDiff } from "../executor/diff.js";
import { createEnvironment } from "../executor/environment.js";
import { StoreError } from "../executor/errors.js";
import { listProfiles, Profile } from "../executor/profile.js";
import { fakePath, scratchStore } from "./store-fixtures.js";

/** Three releases of a tiny system: tool 1.0, tool 1.1, tool 1.1 +color with a new library. */
async function releases() {
  const store = await scratchStore();
  const v1 = await fakePath(store, { name: "tool", files: { "bin/tool*": "echo 1.0" } });
  const v2 = await fakePath(store, {
    name: "tool",
    version: "1.1",
    files: { "bin/tool*": "echo 1.1" },
  });
  const lib = await fakePath(store, { name: "libcolor", files: { "lib/libcolor.a": "c" } });
  const v3 = await fakePath(store, {
    name: "tool",
    version: "1.1",
    options: { color: true },
    files: { "bin/tool*": "echo 1.1 in colour" },
    depends: [{ id: lib.id, types: ["link"] }],
  });
  return { store, v1, v2, v3, lib };
}

const run = (profile: Profile) => readFile(join(profile.path, "bin", "tool"), "utf8");

describe("a profile", () => {
  it("switches to new generations, rolls back, and switches forward to N+1", async () => {
    const { store, v1, v2, v3, lib } = await releases();
    const p = new Profile(store, "system");
    expect(await p.current()).toBeUndefined();
    expect(await p.generations()).toEqual([]);

    const g1 = await p.switchTo([v1]);
    expect(g1.generation).toMatchObject({ number: 1, current: true });
    expect(g1.environment.created).toBe(true);
    expect(await run(p)).toBe("echo 1.0");
    expect(await readlink(p.path)).toBe("system-1-link");
    expect(await readlink(p.generationPath(1))).toBe(g1.environment.path);

    await p.switchTo([v2]);
    // An existing environment by id: no new environment, a new generation.
    const env3 = await createEnvironment(store, [v3, lib]);
    await p.switchTo(env3.record.id);
    expect(await run(p)).toBe("echo 1.1 in colour");
    expect((await p.generations()).map((g) => [g.number, g.current])).toEqual([
      [1, false],
      [2, false],
      [3, true],
    ]);

    expect((await p.rollback()).to.number).toBe(2);
    expect(await run(p)).toBe("echo 1.1");
    expect((await p.rollback(1)).to.number).toBe(1);
    expect(await run(p)).toBe("echo 1.0");
    await expect(p.rollback()).rejects.toThrow(/generation 1, and there is none before it/);
    await expect(p.rollback(7)).rejects.toThrow(/no generation 7 \(it has 1, 2, 3\)/);

    // After a rollback, a switch makes 4 (the highest + 1), as Nix does.
    expect((await p.switchTo([v2])).generation.number).toBe(4);
    expect(await p.current()).toBe(4);
    // Nothing is left aside, and only the profile and its generations are there.
    expect((await readdir(join(store.root, "profiles"))).sort()).toEqual([
      "system",
      "system-1-link",
      "system-2-link",
      "system-3-link",
      "system-4-link",
    ]);
    expect(await listProfiles(store)).toEqual(["system"]);
  });

  it("keeps profiles apart, even with names that look alike", async () => {
    const { store, v1, v2 } = await releases();
    const a = new Profile(store, "a");
    const a1 = new Profile(store, "a-1");
    await a.switchTo([v1]);
    await a1.switchTo([v2]);
    await a1.switchTo([v1]);
    expect((await a.generations()).map((g) => g.number)).toEqual([1]);
    expect((await a1.generations()).map((g) => g.number)).toEqual([1, 2]);
    expect(await listProfiles(store)).toEqual(["a", "a-1"]);
  });

  it("refuses bad names, an invalid environment, and rollback of a missing profile", async () => {
    const { store } = await releases();
    for (const bad of ["", "../x", "a/b", ".hidden", "x-3-link", "sp ace"])
      expect(() => new Profile(store, bad)).toThrow(StoreError);
    const p = new Profile(store, "p");
    await expect(p.switchTo(`env.${"a".repeat(64)}` as never)).rejects.toThrow(
      /not a valid environment/,
    );
    await expect(p.rollback()).rejects.toThrow(/does not exist/);
  });

  it("reports a profile link that points elsewhere", async () => {
    const { store, v1 } = await releases();
    const p = new Profile(store, "p");
    await p.switchTo([v1]);
    await symlink("/etc", join(store.root, "profiles", "q"));
    await expect(new Profile(store, "q").current()).rejects.toThrow(/not one of its generations/);
  });
});

describe("the diff of two sets", () => {
  it("lists added, removed and changed packages, with versions and options", async () => {
    const { v1, v2, v3, lib } = await releases();
    expect(diffMembers([v1], [v1])).toEqual({ added: [], removed: [], changed: [] });
    const d = diffMembers([v1], [v3, lib]);
    expect(d.added.map((m) => m.name)).toEqual(["libcolor"]);
    expect(d.changed[0]?.options).toEqual([{ option: "color", from: undefined, to: true }]);
    expect(formatDiff(d)).toEqual(["+ libcolor 1.0", "~ tool 1.0 -> 1.1 ((no color) -> +color)"]);
    expect(formatDiff(diffMembers([v3, lib], [v2]))).toEqual([
      "- libcolor 1.0",
      "~ tool 1.1 (+color -> (no color))",
    ]);
  });

  it("says when only the build changed", async () => {
    const { store } = await releases();
    const a = await fakePath(store, { name: "x", files: { f: "1" } });
    const b = await fakePath(store, { name: "x", files: { f: "1" }, salt: "new toolchain" });
    expect(formatDiff(diffMembers([a], [b]))).toEqual(["~ x 1.0 (rebuilt: a dependency changed)"]);
  });
});
