/**
 * The example universe (examples/README.md): its constraint files lint clean, its tarballs are its
 * source trees and carry the hashes the constraint files say, demo.toml solves to the expected set,
 * and the set builds offline into a fresh root where hello prints exactly what each configuration
 * should (skipped, saying so, where bwrap cannot run).
 */
import { execFileSync } from "node:child_process";
import { mkdir, mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { unpackArchive } from "../executor/archive.js";
import { fileSha256, treeManifest } from "../executor/tree-hash.js";
import { loadUniverse } from "../solver/load.js";
import { EXAMPLES, SANDBOX } from "./executor-examples.js";
import { pthbs } from "./helpers.js";

const CONSTRAINTS = join(EXAMPLES, "constraints");
const RECIPES = join(EXAMPLES, "recipes");
const SOURCES = join(EXAMPLES, "sources");
const SRC = join(EXAMPLES, "src");
const DEMO = join(EXAMPLES, "environments", "demo.toml");

/** What hello prints: the greeting is the language file's, its punctuation libgreet's. */
const HELLO_EN = "Hello, world!\n";
/** fortune's first saying (examples/src/fortune-1.0/sayings), which hello +fortune prints. */
const SAYING = "A build that names its inputs can be built again.\n";

/** Scratch directories, removed at the end. */
const scratches: string[] = [];
async function scratch(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "pthbs-examples-"));
  scratches.push(dir);
  return dir;
}
afterAll(async () => {
  for (const dir of scratches) await rm(dir, { recursive: true, force: true });
});

/** `pthbs solve --json -C examples/constraints -f demo.toml SPEC…`: the set, package by package. */
async function solveDemo(...specs: string[]) {
  const r = await pthbs("solve", "--json", "-C", CONSTRAINTS, "-f", DEMO, ...specs);
  expect(r.stderr).toBe("");
  expect(r.code).toBe(0);
  const solution = JSON.parse(r.stdout) as {
    packages: { name: string; version: string; options: Record<string, unknown> }[];
  };
  return solution.packages.map((p) => ({ name: p.name, version: p.version, options: p.options }));
}

describe("the example universe", () => {
  it("lints with no error and no warning", async () => {
    const r = await pthbs("lint", "--json", "-C", CONSTRAINTS);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: true, files: 5, errors: 0, warnings: 0 });
  });

  it("ships one tarball per source tree, unpacking to exactly that tree", async () => {
    const trees = (await readdir(SRC)).sort();
    const tarballs = (await readdir(SOURCES)).sort();
    expect(tarballs).toEqual(trees.map((t) => `${t}.tar`));
    const dir = await scratch();
    for (const tree of trees) {
      const dest = join(dir, tree);
      await mkdir(dest);
      // The executor's own unpacking: what a build sees as $src.
      const src = await unpackArchive(join(SOURCES, `${tree}.tar`), dest);
      expect(src, `${tree}.tar has the single top directory ${tree}/`).toBe(join(dest, tree));
      expect(
        await treeManifest(src),
        `${tree}.tar differs from src/${tree}: sh examples/pack.sh`,
      ).toEqual(await treeManifest(join(SRC, tree)));
    }
  });

  it("names each tarball with its sha256 in the constraint files, and every tarball is used", async () => {
    const universe = await loadUniverse(CONSTRAINTS);
    const named: string[] = [];
    for (const pkg of universe.packages.values())
      for (const v of pkg.versions) {
        const s = v.source;
        expect(s.kind, `${pkg.name}@${v.version.text}`).toBe("url");
        if (s.kind !== "url") continue;
        const file = `${pkg.name}-${v.version.text}.tar`;
        expect(s.url).toBe(`https://example.invalid/pthbs/examples/${file}`);
        expect(s.sha256, `${file}: sh examples/pack.sh`).toBe(
          await fileSha256(join(SOURCES, file)),
        );
        named.push(file);
      }
    expect(named.sort()).toEqual((await readdir(SOURCES)).sort());
  });

  it("renders valid scripts for random requests (pthbs fuzz), externals included", async () => {
    // Catches a recipe reading what some configuration lacks (an external's options, say).
    const r = await pthbs(
      "fuzz",
      "--json",
      ...["-C", CONSTRAINTS, "--recipes", RECIPES, "--runs", "100", "--seed", "1"],
    );
    expect(r.stdout).toContain('"ok": true');
    expect(r.code).toBe(0);
  });

  it("solves demo.toml to hello, the newest static libgreet and the preferred lang-en", async () => {
    expect(await solveDemo()).toEqual([
      { name: "hello", version: "1.0", options: { fortune: false } },
      { name: "lang-en", version: "1.0", options: {} },
      { name: "libgreet", version: "1.1", options: { shared: false } },
    ]);
  });

  it("adds fortune with hello +fortune, and solves with both providers of greeting-language", async () => {
    expect(await solveDemo("hello +fortune", "libgreet@1.0 +shared")).toEqual([
      { name: "fortune", version: "1.0", options: {} },
      { name: "hello", version: "1.0", options: { fortune: true } },
      { name: "lang-en", version: "1.0", options: {} },
      { name: "libgreet", version: "1.0", options: { shared: true } },
    ]);
    expect((await solveDemo("lang-en", "lang-fr")).map((p) => p.name)).toEqual([
      "hello",
      "lang-en",
      "lang-fr",
      "libgreet",
    ]);
  });
});

describe.skipIf(SANDBOX !== "bwrap")(`the example universe, built (sandbox: ${SANDBOX})`, () => {
  /**
   * Builds demo.toml plus `specs` (and build options) into `root`, offline from examples/sources;
   * the store paths by package name, and `reproducible` as `--check` reports it.
   */
  async function build(
    root: string,
    ...specs: string[]
  ): Promise<Map<string, string> & { reproducible?: boolean }> {
    const r = await pthbs(
      "build",
      "--json",
      "--offline",
      ...["-C", CONSTRAINTS, "--recipes", RECIPES, "-f", DEMO, "--root", root],
      ...["--mirror", SOURCES],
      ...specs,
    );
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const { paths, reproducible } = JSON.parse(r.stdout) as {
      paths: string[];
      reproducible?: boolean;
    };
    const store = join(root, "store");
    const byName = new Map(
      paths.map((p): [string, string] => {
        const id = p.slice(store.length + 1);
        return [id.slice(0, id.lastIndexOf(".")), p];
      }),
    );
    return Object.assign(byName, reproducible === undefined ? {} : { reproducible });
  }
  const hello = (paths: Map<string, string>, ...args: string[]) =>
    execFileSync(join(paths.get("hello")!, "bin", "hello"), args, { encoding: "utf8" });
  const files = async (path: string | undefined, dir: string) =>
    (await readdir(join(path!, dir))).sort();

  it("builds demo.toml: hello greets in English with a static libgreet 1.1", async () => {
    const dir = await scratch();
    const root = join(dir, "root");
    // generate writes the scripts build runs: the same store paths.
    const generated = await pthbs(
      "generate",
      "--json",
      ...["-C", CONSTRAINTS, "--recipes", RECIPES, "-f", DEMO],
      ...["-o", join(dir, "scripts"), "--store", join(root, "store")],
    );
    expect(generated.code).toBe(0);
    const scripts = JSON.parse(generated.stdout).scripts as { name: string; path: string }[];
    const paths = await build(root);
    expect([...paths.keys()].sort()).toEqual(["hello", "lang-en", "libgreet"]);
    expect(new Map(scripts.map((s) => [s.name, s.path]))).toEqual(new Map(paths));
    expect(hello(paths)).toBe(HELLO_EN);
    expect(hello(paths, "Alice")).toBe("Hello, Alice!\n");
    expect(await files(paths.get("libgreet"), "lib")).toEqual(["libgreet.a"]);
    expect(await files(paths.get("lang-en"), "share/greet")).toEqual(["greeting.txt"]);
  });

  it("hello +fortune also prints a saying; libgreet 1.0 +shared ends with '.'; both reproducible", async () => {
    const root = join(await scratch(), "root");
    const fortune = await build(root, "hello +fortune");
    expect(hello(fortune)).toBe(HELLO_EN + SAYING);
    const fortuneProgram = join(fortune.get("fortune")!, "bin", "fortune");
    expect(execFileSync(fortuneProgram, ["2"], { encoding: "utf8" })).toBe(
      "Two versions can live side by side when their paths differ.\n",
    );
    const shared = await build(root, "hello +fortune", "libgreet@1.0 +shared", "--check");
    expect(shared.reproducible).toBe(true);
    expect(hello(shared)).toBe(`Hello, world.\n${SAYING}`);
    // Another libgreet configuration: another libgreet and hello; the same fortune and lang-en.
    expect(shared.get("libgreet")).not.toBe(fortune.get("libgreet"));
    expect(shared.get("hello")).not.toBe(fortune.get("hello"));
    expect(shared.get("fortune")).toBe(fortune.get("fortune"));
    expect(await files(shared.get("libgreet"), "lib")).toEqual(["libgreet.so", "libgreet.so.1"]);
    // hello finds the shared library through its rpath, at libgreet's store path.
    const ldd = execFileSync("ldd", [join(shared.get("hello")!, "bin", "hello")], {
      encoding: "utf8",
    });
    expect(ldd).toContain(`libgreet.so.1 => ${shared.get("libgreet")}/lib/libgreet.so.1`);
  });

  it("greets in French when the set holds lang-fr instead", async () => {
    const root = join(await scratch(), "root");
    const paths = await build(root, "lang-fr");
    expect([...paths.keys()].sort()).toEqual(["hello", "lang-fr", "libgreet"]);
    expect(hello(paths)).toBe("Bonjour, le monde!\n");
  });

  it("with both language packs in the set, hello's recipe uses the preferred one", async () => {
    const out = join(await scratch(), "scripts");
    const store = join(await scratch(), "store");
    const r = await pthbs(
      "generate",
      "-C",
      CONSTRAINTS,
      "--recipes",
      RECIPES,
      "-f",
      DEMO,
      "lang-en",
      "lang-fr",
      "-o",
      out,
      "--store",
      store,
    );
    expect(r.code).toBe(0);
    const script = (await readdir(out)).find((n) => n.startsWith("hello."));
    const text = await readFile(join(out, script as string), "utf8");
    expect(text).toMatch(/^greeting_file="\$lang_en"\/share\/greet\/greeting.txt$/m);
  });
});
