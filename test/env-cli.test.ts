/**
 * `pthbs env`, `profile` and `gc` on the example universe, built for real (offline, sandboxed when
 * a sandbox works here), and `pthbs demo` end to end.
 */
import { existsSync } from "node:fs";
import { appendFile, mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EXAMPLES, SANDBOX } from "./executor-examples.js";
import { pthbs } from "./helpers.js";

const C = ["-C", join(EXAMPLES, "constraints")];
const R = ["--recipes", join(EXAMPLES, "recipes")];
const DEMO = ["-f", join(EXAMPLES, "environments", "demo.toml")];
const BUILD = [
  "--mirror",
  join(EXAMPLES, "sources"),
  ...(SANDBOX === "none" ? ["--no-sandbox"] : []),
];

let dir: string;
let root: string[];
/** Lockfiles of the demo set, and of the demo set with hello +fortune. */
let lock1: string;
let lock2: string;

async function ok(...argv: string[]): Promise<string> {
  const r = await pthbs(...argv);
  if (r.code !== 0) throw new Error(`pthbs ${argv.join(" ")}: exit ${r.code}\n${r.stderr}`);
  return r.stdout;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "pthbs-env-cli-"));
  root = ["--root", join(dir, "root")];
  const store = join(dir, "root", "store");
  for (const [n, specs] of [
    [1, []],
    [2, ["hello+fortune"]],
  ] as const) {
    await ok("generate", ...C, ...R, ...DEMO, ...specs, "-o", join(dir, `g${n}`), "--store", store);
    // No --recipes: the scripts generate wrote next to the lockfile are built.
    await ok("build", "--lock", join(dir, `g${n}`, "pthbs.lock.json"), ...root, ...BUILD);
  }
  lock1 = join(dir, "g1", "pthbs.lock.json");
  lock2 = join(dir, "g2", "pthbs.lock.json");
}, 120_000);

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

const json = async (...argv: string[]) => JSON.parse(await ok(...argv, "--json"));

describe("build --lock", () => {
  it("uses the scripts next to the lockfile, refusing an edited one", async () => {
    const copy = join(dir, "edited");
    await ok("generate", ...C, ...R, ...DEMO, "-o", copy, "--store", join(dir, "root", "store"));
    const name = (await readdir(copy)).find((n) => n.startsWith("hello."));
    await appendFile(join(copy, name as string), "echo tampered\n");
    const r = await pthbs("build", "--lock", join(copy, "pthbs.lock.json"), ...root, ...BUILD);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/edited after generation/);
    // Without the scripts, the lockfile is rendered again from the recipes named.
    await rm(join(copy, name as string));
    const again = await json(
      "build",
      ...R,
      "--lock",
      join(copy, "pthbs.lock.json"),
      ...root,
      ...BUILD,
    );
    expect(again.ok).toBe(true);
  });
});

describe("pthbs env", () => {
  it("makes the environment of a lockfile once; the same set gives the same id", async () => {
    const first = await json("env", ...R, "--lock", lock1, ...root);
    expect(first).toMatchObject({ ok: true, created: true, policy: "fold" });
    expect(first.id).toMatch(/^env\.[0-9a-f]{64}$/);
    expect(first.members.map((m: { name: string }) => m.name)).toEqual([
      "hello",
      "lang-en",
      "libgreet",
    ]);
    const again = await json("env", ...R, "--lock", lock1, ...root);
    expect(again).toMatchObject({ created: false, id: first.id, path: first.path });
    // The same set from specs: the same members, the same environment.
    const fromSpecs = await json("env", ...C, ...R, ...DEMO, ...root);
    expect(fromSpecs.id).toBe(first.id);
    expect(await readFile(join(first.path, "share", "greet", "greeting.txt"), "utf8")).toContain(
      "Hello",
    );
  });

  it("refuses two packages shipping one path, naming both, before writing anything", async () => {
    const both = [...C, ...R, ...DEMO, "lang-en", "lang-fr", ...root];
    await ok("build", ...both, ...BUILD);
    const envs = await readdir(join(dir, "root", "envs"));
    const r = await pthbs("env", ...both, "--json");
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout);
    expect(out.error.type).toBe("CollisionError");
    expect(out.collisions).toHaveLength(1);
    expect(out.collisions[0].path).toBe("share/greet/greeting.txt");
    expect(out.collisions[0].owners.map((o: { name: string }) => o.name).sort()).toEqual([
      "lang-en",
      "lang-fr",
    ]);
    const human = await pthbs("env", ...both);
    expect(human.code).toBe(1);
    expect(human.stderr).toMatch(/share\/greet\/greeting\.txt/);
    expect(human.stderr).toMatch(/lang-en/);
    expect(human.stderr).toMatch(/lang-fr/);
    expect(await readdir(join(dir, "root", "envs"))).toEqual(envs);
    // Settled by a preference.
    const preferred = await json("env", ...both, "--prefer", "lang-fr");
    expect(preferred.resolved).toEqual([
      { path: "share/greet/greeting.txt", owner: "lang-fr", others: ["lang-en"] },
    ]);
    expect(await readFile(join(preferred.path, "share/greet/greeting.txt"), "utf8")).toContain(
      "Bonjour",
    );
  });

  it("explains bad input", async () => {
    expect((await pthbs("env", ...root)).code).toBe(2);
    expect((await pthbs("env", "--lock", lock1, "--policy", "copy", ...root)).code).toBe(2);
    const other = await pthbs("env", ...R, "--lock", lock1, "--root", join(dir, "elsewhere"));
    expect(other.code).toBe(2);
    expect(other.stderr).toMatch(/generated for the store/);
    const unbuilt = await pthbs("env", ...C, ...R, ...DEMO, "libgreet+shared", ...root);
    expect(unbuilt.code).toBe(1);
    expect(unbuilt.stderr).toMatch(/not built yet[\s\S]*pthbs build/);
  });
});

describe("pthbs profile", () => {
  it("switches, lists, diffs and rolls back", async () => {
    const profile = join(dir, "root", "profiles", "main");
    const hello = () => readFile(join(profile, "bin", "hello"), "utf8");
    const s1 = await json("profile", "switch", "main", lock1, ...root);
    expect(s1).toMatchObject({ generation: 1, profile });
    const plain = await hello();
    const s2 = await json("profile", "switch", "main", lock2, ...root);
    expect(s2.generation).toBe(2);
    expect(s2.changes.added.map((m: { name: string }) => m.name)).toEqual(["fortune"]);
    expect(await hello()).not.toBe(plain);

    const list = await json("profile", "list", "main", ...root);
    expect(
      list.generations.map((g: { number: number; current: boolean }) => [g.number, g.current]),
    ).toEqual([
      [1, false],
      [2, true],
    ]);
    expect(list.generations[1].changes.changed[0].options).toEqual([
      { option: "fortune", from: false, to: true },
    ]);
    expect(await ok("profile", "list", ...root)).toBe("main  generation 2 of 2\n");

    const text = await ok("profile", "diff", "main@1", "main@2", ...root);
    expect(text).toBe("+ fortune 1.0\n~ hello 1.0 (~fortune -> +fortune)\n");
    // Lockfiles, and a profile's current generation, compare the same way.
    expect(await ok("profile", "diff", lock1, lock2, ...root)).toBe(text);
    expect(await ok("profile", "diff", "main@1", "main", ...root)).toBe(text);
    expect(await ok("profile", "diff", "main", lock2, ...root)).toBe("no difference\n");
    expect(await ok("profile", "diff", "main", "1", "2", ...root)).toBe(text);
    expect((await pthbs("profile", "diff", "1", "2", ...root)).code).toBe(2);

    expect(await json("profile", "rollback", "main", ...root)).toMatchObject({ from: 2, to: 1 });
    expect(await hello()).toBe(plain);
    expect((await json("profile", "rollback", "main", "--to", "2", ...root)).to).toBe(2);
    expect((await json("profile", "rollback", "main", "1", ...root)).to).toBe(1);
    expect((await json("profile", "rollback", "main", "2", ...root)).to).toBe(2);
    expect((await json("profile", "switch", "main", s1.environment, ...root)).generation).toBe(3);
  });

  it("explains bad input", async () => {
    const bad = async (code: number, pattern: RegExp, ...argv: string[]) => {
      const r = await pthbs(...argv, ...root);
      expect(r.code).toBe(code);
      expect(r.stderr).toMatch(pattern);
    };
    await bad(1, /not a profile name/, "profile", "switch", "a/b", lock1);
    await bad(1, /cannot read lockfile/, "profile", "switch", "x", join(dir, "none.json"));
    await bad(1, /no generation 9/, "profile", "rollback", "main", "--to", "9");
    await bad(2, /generation number/, "profile", "rollback", "main", "--to", "two");
    await bad(1, /no generation 9/, "profile", "diff", "main@9", "main");
    await bad(
      1,
      /neither a lockfile, an environment nor a profile/,
      "profile",
      "diff",
      "nosuch",
      "main",
    );
    await bad(1, /does not exist/, "profile", "rollback", "nosuch");
    await bad(2, /missing required argument/, "profile", "switch", "main");
  });
});

describe("pthbs gc", () => {
  it("keeps every generation's packages, deletes the rest, and says how much", async () => {
    const gcRoot = ["--root", join(dir, "gc-root")];
    const store = join(dir, "gc-root", "store");
    await ok("generate", ...C, ...R, ...DEMO, "-o", join(dir, "gc1"), "--store", store);
    const lock = join(dir, "gc1", "pthbs.lock.json");
    await ok("build", ...R, "--lock", lock, ...gcRoot, ...BUILD);
    await ok("build", ...C, ...R, ...DEMO, "hello+fortune", ...gcRoot, ...BUILD);
    await ok("profile", "switch", "p", lock, ...gcRoot);
    const before = (await readdir(store)).sort();
    const dry = await json("gc", "--dry-run", ...gcRoot);
    expect(
      dry.deleted.map((e: { kind: string; name: string }) => e.name.split(".")[0]).sort(),
    ).toEqual(["fortune", "hello"]);
    expect((await readdir(store)).sort()).toEqual(before);
    const human = await ok("gc", ...gcRoot);
    expect(human).toMatch(/^deleted path {8}fortune\./m);
    expect(human).toMatch(/freed [\d.]+ KiB: 2 store paths/);
    expect((await readdir(store)).length).toBe(before.length - 2);
    // What the profile uses still runs.
    expect(existsSync(join(dir, "gc-root", "profiles", "p", "bin", "hello"))).toBe(true);
    expect((await pthbs("gc", "--keep-generations", "0", ...gcRoot)).code).toBe(2);
    const badRoot = await pthbs("gc", "--root-lock", join(dir, "none.json"), ...gcRoot);
    expect(badRoot.code).toBe(1);
  });
});

describe("pthbs demo", () => {
  it("runs the whole pipeline offline and cleans up its scratch root", async () => {
    const r = await pthbs("demo");
    expect(r.code).toBe(0);
    const scratch = /built offline in (\S+)/.exec(r.stdout)?.[1] as string;
    expect(existsSync(scratch)).toBe(false);
    expect(existsSync(`${scratch}.machine-a`)).toBe(false);
    // hello before the change, after it, and after the rollback.
    const runs = r.stdout.split(/\$ \S+\/profiles\/demo\/bin\/hello\n/).slice(1);
    expect(runs.map((x) => x.split("\n").slice(0, 2).join("\n"))).toEqual([
      expect.stringMatching(/^Hello, world!\n/),
      "Hello, world!\nA build that names its inputs can be built again.",
      expect.stringMatching(/^Hello, world!\n/),
    ]);
    expect(r.stdout).toContain("~ hello 1.0 (~fortune -> +fortune)");
    expect(r.stdout).toMatch(/generation 2 -> 1/);
    expect(r.stdout).toContain("(exit status 1, as expected)");
    // The second machine builds generation 1 from the directory cache alone, and runs hello.
    expect(r.stdout).toMatch(/3 pushed, 0 already there/);
    expect(r.stdout).toMatch(/0 built, 3 pulled, 0 already valid, 0 failed/);
    expect(r.stdout).toMatch(/store\/hello\.\w+\/bin\/hello\nHello, world!/);
    expect(r.stdout).toMatch(/Done\./);
  }, 120_000);

  it("keeps a root it was given", async () => {
    const given = join(dir, "demo-root");
    const r = await pthbs("demo", "--root", given);
    expect(r.code).toBe(0);
    expect(existsSync(join(given, "profiles", "demo"))).toBe(true);
  }, 120_000);
});
