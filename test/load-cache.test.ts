/**
 * The load cache: the same universe and diagnostics as parsing every file, an unchanged repository
 * not parsed again, a changed file re-read alone, a bad cache never trusted, and a request's cone
 * read back alone with the same answer.
 */
import { spawnSync } from "node:child_process";
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  type LoadCacheOptions,
  loadConstraints,
  loadConstraintsCached,
  requestFromSpecs,
  solve,
} from "../index.js";
import { arbUniverseFiles, fc } from "../testing/index.js";
import { compiledForTests } from "./compiled.js";
import { pthbs } from "./helpers.js";

const ROOT = new URL("..", import.meta.url).pathname;
const SHIPPED = join(ROOT, "constraints");

/** A copy of a constraints directory, with mtimes in the past (not racy), and a cache directory. */
function scratch(from = SHIPPED): { dir: string; cache: LoadCacheOptions } {
  const base = mkdtempSync(join(tmpdir(), "pthbs-load-cache-"));
  const dir = join(base, "constraints");
  cpSync(from, dir, { recursive: true });
  const past = new Date(Date.now() - 60_000);
  for (const n of readdirSync(dir)) utimesSync(join(dir, n), past, past);
  return { dir, cache: { dir: join(base, "cache"), version: "test" } };
}

/**
 * A cache file's format line, and where its JSON header starts and ends, in its text read as
 * latin1 (one character per byte, so these are byte offsets).
 */
function headerOf(text: string): { format: string; start: number; end: number } {
  const first = text.indexOf("\n");
  const second = text.indexOf("\n", first + 1);
  const start = second + 1;
  return {
    format: text.slice(0, first),
    start,
    end: start + Number(text.slice(first + 1, second)),
  };
}

function cacheFileOf(cache: LoadCacheOptions): string {
  const [name] = readdirSync(cache.dir);
  return join(cache.dir, name!);
}

describe("the load cache", () => {
  it("gives the universe and diagnostics of a plain load, cold and warm, and parses nothing when warm", async () => {
    const { dir, cache } = scratch();
    const plain = await loadConstraints(dir);
    const cold = await loadConstraintsCached(dir, cache);
    expect(cold.parsed).toBe(plain.files);
    expect(cold.universe).toEqual(plain.universe);
    expect(cold.diagnostics).toEqual(plain.diagnostics);
    const written = statSync(cacheFileOf(cache)).mtimeMs;
    const warm = await loadConstraintsCached(dir, cache);
    expect(warm.parsed).toBe(0);
    // A whole load with nothing changed reads the cache and leaves it as it was.
    expect(statSync(cacheFileOf(cache)).mtimeMs).toBe(written);
    expect(warm.cached).toBe(plain.files);
    expect(warm.universe).toEqual(plain.universe);
    expect(warm.diagnostics).toEqual(plain.diagnostics);
  });

  it("reads back random universes, broken files and their diagnostics included, as parsed", async () => {
    await fc.assert(
      fc.asyncProperty(
        arbUniverseFiles({ maxPackages: 5 }),
        fc.boolean(),
        async (files, breakOne) => {
          const base = mkdtempSync(join(tmpdir(), "pthbs-load-cache-"));
          const dir = join(base, "c");
          mkdirSync(dir);
          const texts = files.map((f, i) => ({
            name: basename(f.path),
            // A broken file: bad TOML, or a dependency on nothing, so diagnostics go through too.
            text: breakOne && i === 0 ? `${f.text}\n[[depends]]\nspec = "nothing-here"\n` : f.text,
          }));
          for (const t of texts) writeFileSync(join(dir, t.name), t.text);
          const past = new Date(Date.now() - 60_000);
          for (const t of texts) utimesSync(join(dir, t.name), past, past);
          const cache = { dir: join(base, "cache"), version: "test" };
          const plain = await loadConstraintsCached(dir, { ...cache, dir: join(base, "other") });
          await loadConstraintsCached(dir, cache);
          const warm = await loadConstraintsCached(dir, cache);
          expect(warm.parsed).toBe(0);
          expect(warm.universe).toEqual(plain.universe);
          expect(warm.diagnostics).toEqual(plain.diagnostics);
        },
      ),
      { seed: 7, numRuns: 25 },
    );
  });

  it("re-reads only the file a one-line edit changed", async () => {
    const { dir, cache } = scratch();
    await loadConstraintsCached(dir, cache);
    const file = join(dir, "busybox.toml");
    writeFileSync(
      file,
      readFileSync(file, "utf8").replace(/^summary = .*$/m, 'summary = "edited"'),
    );
    const after = await loadConstraintsCached(dir, cache);
    expect(after.parsed).toBe(1);
    expect(after.universe.packages.get("busybox")?.summary).toBe("edited");
    expect(after.universe).toEqual((await loadConstraints(dir)).universe);
    expect((await loadConstraintsCached(dir, cache)).parsed).toBe(0);
  });

  it("rewrites a cache of several MiB after edits in the middle, and reads it all back as parsed", async () => {
    // Texts past the writer's 1 MiB buffer, with edited files between runs of cached ones.
    const base = mkdtempSync(join(tmpdir(), "pthbs-load-cache-big-"));
    const dir = join(base, "c");
    mkdirSync(dir);
    const files = 3_000;
    const text = (i: number, summary: string) =>
      `name = "q${i}"\nsummary = "${summary}"\n[versions."1.${i % 7}"]\nsource = { url = "https://example.org/q${i}.tar.gz", sha256 = "${"c".repeat(64)}" }\n${i > 0 ? `[[depends]]\nspec = "q${i - 1}@1.${(i - 1) % 7}"\n` : ""}`;
    const past = new Date(Date.now() - 60_000);
    for (let i = 0; i < files; i++) {
      writeFileSync(join(dir, `q${i}.toml`), text(i, `package ${i} ${"x".repeat(400)}`));
      utimesSync(join(dir, `q${i}.toml`), past, past);
    }
    // And one file bigger than the buffer files are read into at first (64 KiB): 150 KB of
    // comments before its package, which a short read would lose.
    const comments = `# ${"z".repeat(98)}\n`.repeat(1_500);
    const big = `${comments}${text(7, "big").replace('name = "q7"', 'name = "big"')}`;
    writeFileSync(join(dir, "big.toml"), big);
    utimesSync(join(dir, "big.toml"), past, past);
    const cache = { dir: join(base, "cache"), version: "test" };
    const cold = await loadConstraintsCached(dir, cache);
    expect(cold.universe.packages.get("big")?.summary).toBe("big");
    expect(cold.diagnostics.filter((d) => d.file.endsWith("big.toml"))).toEqual([]);
    expect(statSync(cacheFileOf(cache)).size).toBeGreaterThan(2 * 1024 * 1024);
    for (const i of [3, 1_000, 1_001, 2_999]) {
      writeFileSync(join(dir, `q${i}.toml`), text(i, `edited ${i}`));
      utimesSync(join(dir, `q${i}.toml`), past, past);
    }
    expect((await loadConstraintsCached(dir, cache)).parsed).toBe(4);
    const again = await loadConstraintsCached(dir, cache);
    expect(again.parsed).toBe(0);
    const plain = await loadConstraints(dir);
    expect(again.universe).toEqual(plain.universe);
    expect(again.diagnostics).toEqual(plain.diagnostics);
    expect(again.universe.packages.get("q1000")?.summary).toBe("edited 1000");
    expect(again.universe.packages.get("big")?.summary).toBe("big");
    // The cone too, from the rewritten file.
    const cone = await loadConstraintsCached(dir, cache, { names: ["q1500"] });
    expect(cone.universe.packages.size).toBe(1_501);
    expect(cone.universe.packages.get("q1000")).toEqual(plain.universe.packages.get("q1000"));
  }, 60_000);

  it("hashes a file whose stat was written in the same second as the cache, and sees its change", async () => {
    const { dir, cache } = scratch();
    const file = join(dir, "skalibs.toml");
    const now = new Date();
    utimesSync(file, now, now);
    await loadConstraintsCached(dir, cache);
    const text = readFileSync(file, "utf8");
    // Same size, same mtime: only the bytes tell.
    expect(text).toContain('name = "skalibs"');
    writeFileSync(file, text.replace('name = "skalibs"', 'name = "skalibZ"'));
    utimesSync(file, now, now);
    const after = await loadConstraintsCached(dir, cache);
    expect(after.parsed).toBe(1);
    expect(after.diagnostics.some((d) => d.file === file && d.code === "name-mismatch")).toBe(true);
  });

  it.each([
    ["garbage", () => "not json at all {"],
    ["truncated", (t: string) => t.slice(0, Math.floor(t.length / 2))],
    [
      "a file cut inside its digests",
      (t: string) => {
        const { start, end } = headerOf(t);
        const files = (JSON.parse(t.slice(start, end)) as { names: string[] }).names.length;
        return t.slice(0, end + 32 * files + 16);
      },
    ],
    ["another pthbs version", (t: string) => t.replace('"pthbs":"test"', '"pthbs":"0.0.0"')],
    ["a foreign format", (t: string) => t.replace(/^pthbs-load-cache \d+/, "something else")],
    [
      "an entry of the wrong shape",
      // A number where the first package name belongs, of the same length: the header still
      // parses.
      (t: string) =>
        t.replace(
          /"packageNames":\["[^"]*"/,
          (m) => `"packageNames":[${"7".repeat(m.length - 16)}`,
        ),
    ],
    [
      "a package that does not read back",
      // Dependency types no list has, of the same length, in the first package text that has
      // some (after the header and the stats): the other packages' positions stay right.
      (t: string) => {
        const blob = headerOf(t).end;
        const types = /"(?:build|link|run)(?:,(?:build|link|run))*"/g;
        types.lastIndex = blob;
        const at = types.exec(t)!.index;
        return `${t.slice(0, at + 1)}X${t.slice(at + 2)}`;
      },
    ],
    [
      "a package text of the wrong shape",
      // A source of a kind that does not exist (7), in otherwise valid JSON of the same length.
      (t: string) => {
        const blob = headerOf(t).end;
        const at = t.indexOf('[0,"http', blob);
        return `${t.slice(0, at + 1)}7${t.slice(at + 2)}`;
      },
    ],
  ])("ignores %s in the cache file and writes it anew", async (_what, spoil) => {
    const { dir, cache } = scratch();
    const plain = await loadConstraints(dir);
    await loadConstraintsCached(dir, cache);
    const file = cacheFileOf(cache);
    // Byte for byte (latin1): the files' stats are binary.
    const spoilt = spoil(readFileSync(file, "latin1"));
    expect(spoilt).not.toBe(readFileSync(file, "latin1"));
    writeFileSync(file, spoilt, "latin1");
    const again = await loadConstraintsCached(dir, cache);
    expect(again.parsed).toBeGreaterThan(0);
    expect(again.universe).toEqual(plain.universe);
    expect(again.diagnostics).toEqual(plain.diagnostics);
    expect(readFileSync(file, "latin1")).not.toBe(spoilt);
    expect((await loadConstraintsCached(dir, cache)).parsed).toBe(0);
  });

  it("takes spoilt stats for changed files: hashes them, parses none, and records them anew", async () => {
    const { dir, cache } = scratch();
    const plain = await loadConstraints(dir);
    await loadConstraintsCached(dir, cache);
    const file = cacheFileOf(cache);
    const bytes = readFileSync(file);
    // The stats follow the header: every byte 0xff makes every number NaN.
    const at = headerOf(bytes.toString("latin1")).end;
    const files = plain.files;
    bytes.fill(0xff, at, at + 32 * files);
    writeFileSync(file, bytes);
    const again = await loadConstraintsCached(dir, cache);
    expect(again.parsed).toBe(0);
    expect(again.universe).toEqual(plain.universe);
    expect(again.diagnostics).toEqual(plain.diagnostics);
    expect(readFileSync(file).equals(bytes)).toBe(false);
    expect((await loadConstraintsCached(dir, cache)).parsed).toBe(0);
  });

  it("keeps using the cache when a package's name is empty (an error it reports each time)", async () => {
    const { dir, cache } = scratch();
    const file = join(dir, "zz.toml");
    writeFileSync(file, 'name = ""\n[versions."1.0"]\n');
    const past = new Date(Date.now() - 60_000);
    utimesSync(file, past, past);
    const plain = await loadConstraints(dir);
    expect(plain.diagnostics.some((d) => d.file === file && d.severity === "error")).toBe(true);
    expect((await loadConstraintsCached(dir, cache)).parsed).toBe(plain.files);
    const again = await loadConstraintsCached(dir, cache);
    expect(again.parsed).toBe(0);
    expect(again.diagnostics).toEqual(plain.diagnostics);
    expect(again.universe).toEqual(plain.universe);
  });

  it("parses again a file whose stat changed when its recorded digest is spoilt", async () => {
    const { dir, cache } = scratch();
    const plain = await loadConstraints(dir);
    await loadConstraintsCached(dir, cache);
    const file = cacheFileOf(cache);
    const bytes = readFileSync(file);
    // The digests follow the stats: the first file's, changed by one bit.
    const at = headerOf(bytes.toString("latin1")).end + 32 * plain.files;
    bytes[at] = bytes[at]! ^ 1;
    writeFileSync(file, bytes);
    // Both files' stats change, not their bytes: only the spoilt digest's file is parsed.
    const names = readdirSync(dir)
      .filter((n) => n.endsWith(".toml"))
      .sort();
    const later = new Date(Date.now() - 60_000);
    for (const n of names.slice(0, 2)) utimesSync(join(dir, n), later, later);
    const again = await loadConstraintsCached(dir, cache);
    expect(again.parsed).toBe(1);
    expect(again.universe).toEqual(plain.universe);
    expect(again.diagnostics).toEqual(plain.diagnostics);
    expect((await loadConstraintsCached(dir, cache)).parsed).toBe(0);
  });

  it("does not take a cone from an index that names the wrong packages", async () => {
    const { dir, cache } = scratch();
    const plain = await loadConstraints(dir);
    await loadConstraintsCached(dir, cache);
    // Two files' index entries swapped in an otherwise valid header (its length written anew).
    const file = cacheFileOf(cache);
    const bytes = readFileSync(file);
    const { format, start, end } = headerOf(bytes.toString("latin1"));
    const header = JSON.parse(bytes.toString("utf8", start, end)) as {
      names: string[];
      packageNames: string[];
      refs: string[];
      provides: Record<string, string[] | undefined>;
    };
    const a = header.names.indexOf("s6-rc.toml");
    const b = header.names.indexOf("s6.toml");
    for (const column of [header.packageNames, header.refs])
      [column[a], column[b]] = [column[b]!, column[a]!];
    [header.provides[a], header.provides[b]] = [header.provides[b], header.provides[a]];
    const text = Buffer.from(JSON.stringify(header));
    const head = Buffer.from(`${format}\n${text.length}\n`);
    writeFileSync(file, Buffer.concat([head, text, bytes.subarray(end)]));
    const cone = await loadConstraintsCached(dir, cache, { names: ["s6-rc"] });
    expect(cone.universe.packages.get("s6-rc")).toEqual(plain.universe.packages.get("s6-rc"));
    expect(cone.universe.packages.get("s6")).toEqual(plain.universe.packages.get("s6"));
    expect(cone.diagnostics).toEqual(plain.diagnostics);
  });

  it("reads back only a request's cone when nothing changed, and solves it the same", async () => {
    const { dir, cache } = scratch();
    const full = await loadConstraints(dir);
    await loadConstraintsCached(dir, cache);
    await loadConstraintsCached(dir, cache, { names: ["s6-rc"] });
    const written = statSync(cacheFileOf(cache)).mtimeMs;
    const cone = await loadConstraintsCached(dir, cache, { names: ["s6-rc"] });
    // Nothing changed: the cache file is read, not written again.
    expect(statSync(cacheFileOf(cache)).mtimeMs).toBe(written);
    expect(cone.universe.packages.has("s6-rc")).toBe(true);
    expect(cone.universe.packages.has("busybox")).toBe(false);
    expect(cone.universe.packages.size).toBeLessThan(full.universe.packages.size);
    const request = requestFromSpecs(["s6-rc +static_libc"]);
    const [a, b] = [solve(cone.universe, request), solve(full.universe, request)];
    expect(a.satisfiable && b.satisfiable).toBe(true);
    if (a.satisfiable && b.satisfiable) expect(a.solution).toEqual(b.solution);
    // An unknown name: the whole directory, so the error can suggest from every name.
    const unknown = await loadConstraintsCached(dir, cache, { names: ["s6-rcc"] });
    expect(unknown.universe.packages.size).toBe(full.universe.packages.size);
  });
  it("after a random edit, reads back the cone and the diagnostics of a whole load", async () => {
    await fc.assert(
      fc.asyncProperty(
        arbUniverseFiles({ minPackages: 2, maxPackages: 5 }),
        arbUniverseFiles({ minPackages: 2, maxPackages: 5 }),
        fc.nat(),
        async (before, after, pick) => {
          const base = mkdtempSync(join(tmpdir(), "pthbs-load-cache-edit-"));
          const dir = join(base, "c");
          mkdirSync(dir);
          const past = new Date(Date.now() - 60_000);
          for (const f of before) {
            writeFileSync(join(dir, basename(f.path)), f.text);
            utimesSync(join(dir, basename(f.path)), past, past);
          }
          const cache = { dir: join(base, "cache"), version: "test" };
          const roots = { names: [] as string[] };
          const first = await loadConstraints(dir);
          roots.names.push(...[...first.universe.packages.keys()].slice(0, 1));
          await loadConstraintsCached(dir, cache, roots);
          // The same file name in the other universe: another text for the same package.
          const shared = after.filter((f) =>
            before.some((b) => basename(b.path) === basename(f.path)),
          );
          if (shared.length === 0) return;
          const edit = shared[pick % shared.length]!;
          writeFileSync(join(dir, basename(edit.path)), edit.text);
          const plain = await loadConstraints(dir);
          const cached = await loadConstraintsCached(dir, cache, roots);
          expect(cached.diagnostics).toEqual(plain.diagnostics);
          for (const [name, pkg] of cached.universe.packages)
            expect(pkg).toEqual(plain.universe.packages.get(name));
        },
      ),
      { seed: 11, numRuns: 40 },
    );
  });

  it("redoes the checks between files for an edited file and those naming it, as a whole load would", async () => {
    const base = mkdtempSync(join(tmpdir(), "pthbs-load-cache-relink-"));
    const dir = join(base, "c");
    mkdirSync(dir);
    const source = (n: string) =>
      `source = { url = "https://example.org/${n}.tar.gz", sha256 = "${"c".repeat(64)}" }`;
    const write = (name: string, text: string) => {
      writeFileSync(join(dir, `${name}.toml`), text);
      const past = new Date(Date.now() - 60_000 - text.length);
      utimesSync(join(dir, `${name}.toml`), past, past);
    };
    const a = (option: string) =>
      `name = "a"\n[options]\n${option} = { default = false }\n[versions."1.0"]\n${source("a")}\n`;
    write("a", a("fast"));
    write("b", `name = "b"\n[versions."1.0"]\n${source("b")}\n[[depends]]\nspec = "a +fast"\n`);
    write("c", `name = "c"\n[versions."1.0"]\n${source("c")}\n[[depends]]\nspec = "b"\n`);
    write("d", `name = "d"\n[versions."1.0"]\n${source("d")}\n[[depends]]\nspec = "e"\n`);
    const cache = { dir: join(base, "cache"), version: "test" };
    const roots = { names: ["c"] };
    await loadConstraintsCached(dir, cache, roots);
    for (const option of ["quick", "fast", "quick"]) {
      write("a", a(option));
      const after = await loadConstraintsCached(dir, cache, roots);
      expect(after.parsed).toBe(1);
      // Only the cone was read back (d is not in it), and the diagnostics are the whole load's.
      expect(after.universe.packages.has("d")).toBe(false);
      expect(after.diagnostics).toEqual((await loadConstraints(dir)).diagnostics);
      expect(after.diagnostics.some((d) => d.code === "unknown-option")).toBe(option === "quick");
    }
  });
});

describe("pthbs with the load cache", () => {
  it("answers byte for byte as without it, cold and warm, and --no-cache writes nothing", async () => {
    const base = mkdtempSync(join(tmpdir(), "pthbs-load-cache-cli-"));
    const env = { PTHBS_CACHE_DIR: join(base, "cache") };
    const { run } = await import("../cli/program.js");
    const capture = async (argv: string[], e: Record<string, string>) => {
      let out = "";
      const code = await run(
        argv,
        { stdout: (t) => (out += t), stderr: () => {}, color: false },
        e,
      );
      return { code, out };
    };
    const args = [
      "-C",
      SHIPPED,
      "solve",
      "-f",
      join(ROOT, "environments", "minimal.toml"),
      "--json",
    ];
    const plain = await pthbs(...args);
    expect(plain.code).toBe(0);
    expect(await capture(args, env)).toEqual({ code: 0, out: plain.stdout });
    expect(await capture(args, env)).toEqual({ code: 0, out: plain.stdout });
    const whyNot = ["-C", SHIPPED, "why-not", "busybox@1.31.1", "busybox", "--json"];
    expect((await capture(whyNot, env)).out).toBe((await pthbs(...whyNot)).stdout);
    const none = { PTHBS_CACHE_DIR: join(base, "none") };
    expect((await capture([...args, "--no-cache"], none)).out).toBe(plain.stdout);
    expect(() => readdirSync(none.PTHBS_CACHE_DIR)).toThrow();
  });
});

describe("the load cache's parse worker (compiled pthbs, 400 files)", () => {
  const dist = compiledForTests("load-cache");
  it("stops the worker it started when a file cannot be read", () => {
    const dir = mkdtempSync(join(tmpdir(), "pthbs-load-cache-unreadable-"));
    for (let i = 0; i < 300; i++)
      writeFileSync(join(dir, `p${String(i).padStart(3, "0")}.toml`), `name = "p${i}"\n`);
    // A directory where a file should be: reading it fails (EISDIR) after the worker started.
    mkdirSync(join(dir, "zz.toml"));
    const script = `
      import { readdirSync } from "node:fs";
      import { loadConstraintsCached } from ${JSON.stringify(join(dist(), "solver", "load-cache.js"))};
      const threads = () => readdirSync("/proc/self/task").length;
      const before = threads();
      for (let i = 0; i < 5; i++)
        await loadConstraintsCached(${JSON.stringify(dir)}, { dir: ${JSON.stringify(dir)} + "-cache-" + i, version: "t" })
          .then(() => console.log("loaded"), (e) => console.log(String(e.message)));
      await new Promise((r) => setTimeout(r, 1000));
      console.log(JSON.stringify({ before, after: threads() }));
      process.exit(0);`;
    // A file, not `-e`: a worker inherits the parent's flags, and `--input-type` stops it.
    const file = join(dir, "..", `${basename(dir)}.mjs`);
    writeFileSync(file, script);
    const r = spawnSync(process.execPath, [file], { encoding: "utf8" });
    expect(r.status, r.stderr).toBe(0);
    const lines = r.stdout.trim().split("\n");
    expect(lines.slice(0, 5).every((l) => l.includes("zz.toml") && l.includes("EISDIR"))).toBe(
      true,
    );
    const { before, after } = JSON.parse(lines[5]!) as { before: number; after: number };
    expect(after).toBe(before);
  }, 60_000);
  it("parses part of the files on a worker thread and answers as without the cache", () => {
    const dir = mkdtempSync(join(tmpdir(), "pthbs-load-cache-many-"));
    const files = 400;
    for (let i = 0; i < files; i++) {
      const name = `p${String(i).padStart(3, "0")}`;
      const dep =
        i === 0 ? "" : `\n[[depends]]\nspec = "p${String(i - 1).padStart(3, "0")}@1.${i % 2}:"\n`;
      writeFileSync(
        join(dir, `${name}.toml`),
        `name = "${name}"\n[options]\nfast = { default = ${i % 3 === 0} }\n[versions."1.0"]\nsource = { url = "https://example.org/${name}-1.0.tar.gz", sha256 = "${"a".repeat(64)}" }\n[versions."1.1"]\nsource = { url = "https://example.org/${name}-1.1.tar.gz", sha256 = "${"b".repeat(64)}" }\n${dep}`,
      );
    }
    const run = (args: string[], cache: string) =>
      spawnSync(process.execPath, [join(dist(), "cli", "main.js"), "-C", dir, ...args], {
        encoding: "utf8",
        env: { PATH: process.env.PATH ?? "/usr/bin:/bin", PTHBS_CACHE_DIR: cache },
        timeout: 60_000,
      });
    const cache = join(dir, "..", `${basename(dir)}-cache`);
    const plain = run(["solve", "p399", "--json", "--no-cache"], cache);
    expect(plain.status, plain.stderr).toBe(0);
    // All of it, through a pipe (more than a pipe's 64 KiB buffer): pthbs exits once its output
    // is written, not before.
    expect(plain.stdout.length).toBeGreaterThan(64 * 1024);
    expect((JSON.parse(plain.stdout) as { packages: unknown[] }).packages).toHaveLength(400);
    // More files than the process may hold open: read a few at a time.
    const limited = spawnSync(
      "prlimit",
      ["--nofile=200:200", process.execPath, join(dist(), "cli", "main.js"), "-C", dir].concat([
        "solve",
        "p399",
        "--json",
        "--no-cache",
      ]),
      { encoding: "utf8" },
    );
    expect(limited.status, limited.stderr).toBe(0);
    expect(limited.stdout).toBe(plain.stdout);
    const cold = run(["solve", "p399", "--json", "--timings"], cache);
    // The worker, found next to the code that starts it (in the bundle, dist/cli/).
    expect(cold.stderr).toMatch(/load \(400 files, 400 parsed, \d+ on a worker thread\)/);
    expect(cold.stdout).toBe(plain.stdout);
    const warm = run(["solve", "p399", "--json", "--timings"], cache);
    expect(warm.stderr).toMatch(/load \(400 files, 0 parsed\)/);
    expect(warm.stdout).toBe(plain.stdout);
    // Diagnostics come through the worker too: a broken file among the worker's half.
    writeFileSync(join(dir, "p390.toml"), 'name = "p390"\n[versions."x y"]\n');
    const lint = (c: string) => run(["lint", "--json"], c).stdout;
    expect(lint(join(cache, "..", `${basename(dir)}-other`))).toBe(
      run(["lint", "--json", "--no-cache"], cache).stdout,
    );
    // A file that cannot be read, with nothing cached: the worker, started before the files are
    // read, must not keep pthbs from exiting with the error.
    rmSync(join(dir, "p050.toml"));
    mkdirSync(join(dir, "p050.toml"));
    const unreadable = run(["lint"], join(cache, "..", `${basename(dir)}-third`));
    expect(unreadable.status).toBe(1);
    expect(unreadable.stderr).toBe(run(["lint", "--no-cache"], cache).stderr);
  }, 120_000);
});

describe("pthbs with the load cache, against --no-cache, through edits a reviewer tried", () => {
  /** Runs a command with the cache and without; both must print and exit the same. */
  async function same(argv: string[], cacheDir: string): Promise<{ code: number; out: string }> {
    const { run } = await import("../cli/program.js");
    const capture = async (args: string[]) => {
      let out = "";
      const io = {
        stdout: (t: string) => (out += t),
        stderr: (t: string) => (out += t),
        color: false,
      };
      const code = await run(args, io, { PTHBS_CACHE_DIR: cacheDir });
      return { code, out };
    };
    const cached = await capture(argv);
    expect(cached).toEqual(await capture([...argv, "--no-cache"]));
    return cached;
  }

  it("agrees after a broken file is removed, a package is defined twice, and with externals and preferences", async () => {
    const base = mkdtempSync(join(tmpdir(), "pthbs-load-cache-review-"));
    const dir = join(base, "c");
    cpSync(join(ROOT, "examples", "constraints"), dir, { recursive: true });
    const past = new Date(Date.now() - 3_600_000);
    for (const n of readdirSync(dir)) utimesSync(join(dir, n), past, past);
    const cache = join(base, "cache");
    const solve = (...more: string[]) =>
      same(["-C", dir, "solve", "hello", "--json", ...more], cache);
    expect((await solve()).code).toBe(0);

    // A broken file, loaded once (so the cache knows it), then removed: hello's dependency on it
    // is an error again.
    const fortune = readFileSync(join(dir, "fortune.toml"), "utf8");
    writeFileSync(join(dir, "fortune.toml"), `${fortune}\n[[[\n`);
    await same(["-C", dir, "lint", "--json"], cache);
    rmSync(join(dir, "fortune.toml"));
    expect((await solve()).code).toBe(1);
    writeFileSync(join(dir, "fortune.toml"), fortune);
    expect((await solve()).code).toBe(0);

    // A second file for one package.
    writeFileSync(join(dir, "zz-copy.toml"), readFileSync(join(dir, "libgreet.toml"), "utf8"));
    expect((await solve()).code).toBe(1);
    rmSync(join(dir, "zz-copy.toml"));
    expect((await solve()).code).toBe(0);

    // Externals named like a virtual, or providing a package's name; a preference for a package
    // that is not a virtual.
    const env = join(base, "env.toml");
    const withEnv = async (text: string) => {
      writeFileSync(env, text);
      return (await same(["-C", dir, "solve", "-f", env, "--json"], cache)).code;
    };
    expect(
      await withEnv(
        'specs = ["libgreet"]\n[externals.greeting-language]\nversion = "1"\nprefix = "/usr"\n',
      ),
    ).toBe(1);
    expect(
      await withEnv(
        'specs = ["libgreet"]\n[externals.gcc]\nversion = "1"\nprefix = "/usr"\nprovides = ["hello"]\n',
      ),
    ).toBe(1);
    expect(
      await withEnv('specs = ["libgreet"]\n[preferences]\nproviders = { fortune = ["lang-en"] }\n'),
    ).toBe(1);
  });

  it("agrees for two spellings of one directory after an error is fixed", async () => {
    const base = mkdtempSync(join(tmpdir(), "pthbs-load-cache-spelling-"));
    const dir = join(base, "c");
    cpSync(join(ROOT, "examples", "constraints"), dir, { recursive: true });
    const cache = join(base, "cache");
    const hello = readFileSync(join(dir, "hello.toml"), "utf8");
    writeFileSync(
      join(dir, "hello.toml"),
      hello.replace('spec = "libgreet', 'spec = "libgreet +nosuchopt'),
    );
    await same(["-C", dir, "lint", "--json"], cache);
    await same(["-C", `${dir}/.`, "lint", "--json"], cache);
    writeFileSync(join(dir, "hello.toml"), hello);
    expect((await same(["-C", `${dir}/.`, "solve", "hello", "--json"], cache)).code).toBe(0);
    expect((await same(["-C", dir, "solve", "hello", "--json"], cache)).code).toBe(0);
  });

  it("sees a same-size rewrite whose mtime was set back (the inode's change time moved)", async () => {
    const base = mkdtempSync(join(tmpdir(), "pthbs-load-cache-mtime-"));
    const dir = join(base, "c");
    cpSync(join(ROOT, "examples", "constraints"), dir, { recursive: true });
    const old = new Date(1000);
    for (const n of readdirSync(dir)) utimesSync(join(dir, n), old, old);
    // Past the two seconds in which a file's stat is not trusted (its change time is now).
    await new Promise((r) => setTimeout(r, 2_100));
    const cache = join(base, "cache");
    await same(["-C", dir, "solve", "hello", "--json"], cache);
    const file = join(dir, "libgreet.toml");
    const text = readFileSync(file, "utf8");
    expect(text).toContain('"1.1"');
    writeFileSync(file, text.replaceAll('"1.1"', '"1.2"'));
    utimesSync(file, old, old);
    const after = await same(["-C", dir, "solve", "hello", "--json"], cache);
    expect(after.out).toContain('"1.2"');
  });

  it("says which file it cannot read when a *.toml is a dangling link", async () => {
    const base = mkdtempSync(join(tmpdir(), "pthbs-load-cache-dangling-"));
    const dir = join(base, "c");
    cpSync(join(ROOT, "examples", "constraints"), dir, { recursive: true });
    symlinkSync(join(base, "nowhere"), join(dir, "x.toml"));
    const r = await same(["-C", dir, "solve", "hello", "--json"], join(base, "cache"));
    expect(r.code).toBe(1);
    expect(r.out).toContain("x.toml");
  });
});
