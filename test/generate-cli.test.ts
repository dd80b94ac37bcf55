/** `pthbs generate` and `pthbs graph` on the command line: output, files, exit codes, errors. */
import { cpSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { EXIT, type Io } from "../cli/io.js";
import { run } from "../cli/program.js";
import { parseScriptHeader } from "../generator/header.js";
import { runWithStubs } from "./sh.js";

const CONSTRAINTS = new URL("../constraints", import.meta.url).pathname;
const RECIPES = new URL("../recipes", import.meta.url).pathname;
const MINIMAL = new URL("../environments/minimal.toml", import.meta.url).pathname;

async function pthbs(env: NodeJS.ProcessEnv, ...argv: string[]) {
  let stdout = "";
  let stderr = "";
  const io: Io = { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), color: false };
  const code = await run(argv, io, env);
  return { code, stdout, stderr };
}

const base = ["-C", CONSTRAINTS];
/** `pthbs generate ARGS` on the shipped constraints and recipes (a later --recipes wins), into a fresh directory. */
const generateWith = (...args: string[]) =>
  pthbs({}, ...base, "generate", "-o", scratch(), "--recipes", RECIPES, ...args);
/** `pthbs generate --lock` of the lockfile in directory `from`, into directory `to`. */
const regenerateFrom = (from: string, to: string) =>
  pthbs({}, "generate", "--lock", join(from, "pthbs.lock.json"), "-o", to, "--recipes", RECIPES);
const scratch = (prefix = "pthbs-gen-") => mkdtempSync(join(tmpdir(), prefix));
const files = (dir: string) =>
  Object.fromEntries(readdirSync(dir).map((f) => [f, readFileSync(join(dir, f), "utf8")]));

describe("pthbs generate", () => {
  it("is listed in --help and documents its options and exit status", async () => {
    const top = await pthbs({}, "--help");
    expect(top.stdout).toMatch(
      /generate \[options\] \[specs\.\.\.\]\s+write the hashed build script/,
    );
    expect(top.stdout).toMatch(
      /graph \[options\] \[specs\.\.\.\]\s+print the solved dependency graph/,
    );
    const help = await pthbs({}, "generate", "--help");
    expect(help.code).toBe(EXIT.ok);
    for (const text of [
      "-o, --output <dir>",
      "--store <path>",
      "--recipes <dir>",
      "--lock <lockfile>",
      "-f, --file",
      "--reuse",
      "Exit status",
    ])
      expect(help.stdout).toContain(text);
  });

  it("writes one script per package to build and a lockfile, byte-identical when run again", async () => {
    const a = scratch();
    const b = scratch();
    const first = await pthbs(
      {},
      ...base,
      "generate",
      "-f",
      MINIMAL,
      "-o",
      a,
      "--recipes",
      RECIPES,
    );
    expect(first.stderr).toBe("");
    expect(first.code).toBe(EXIT.ok);
    const written = files(a);
    const scripts = Object.keys(written).filter((f) => f.endsWith(".sh"));
    expect(scripts).toHaveLength(13);
    expect(Object.keys(written)).toContain("pthbs.lock.json");
    for (const f of scripts) {
      const header = parseScriptHeader(written[f]!);
      expect(first.stdout).toMatch(
        new RegExp(
          `^${header.name} +${header.version.replaceAll(".", "\\.")} +${f.replace(/\.sh$/, "").replaceAll(".", "\\.")}$`,
          "m",
        ),
      );
    }
    expect(first.stdout).toMatch(/^gnu-make +4\.3 +external \/usr$/m);
    expect(first.stdout).toMatch(
      /13 scripts and pthbs\.lock\.json in .* \(store \/opt\/pthbs\/store\)/,
    );
    expect(
      (await pthbs({}, ...base, "generate", "-f", MINIMAL, "-o", b, "--recipes", RECIPES)).code,
    ).toBe(EXIT.ok);
    expect(files(b)).toEqual(written);
  });

  it("regenerates the same files from the lockfile with --lock", async () => {
    const a = scratch();
    const b = scratch();
    await pthbs({}, ...base, "generate", "-f", MINIMAL, "-o", a, "--recipes", RECIPES);
    const again = await regenerateFrom(a, b);
    expect(again.code).toBe(EXIT.ok);
    expect(files(b)).toEqual(files(a));
  });

  it("--lock keeps a virtual met by several packages of the set (each is a dependency)", async () => {
    // Found by pthbs fuzz: musl and musl-cross-make both provide libc, and gnu-make links with both.
    const a = scratch();
    const env = join(scratch(), "env.toml");
    writeFileSync(
      env,
      'specs = ["musl +gcc_wrapper", "busybox"]\n[preferences]\nproviders = { libc = ["musl-cross-make"] }\n',
    );
    expect((await generateWith("-f", env, "-o", a)).code).toBe(EXIT.ok);
    const lock = JSON.parse(readFileSync(join(a, "pthbs.lock.json"), "utf8"));
    expect(lock.packages["gnu-make"].virtuals.libc).toEqual(["musl", "musl-cross-make"]);
    const b = scratch();
    const again = await regenerateFrom(a, b);
    expect(again.stderr).toBe("");
    expect(files(b)).toEqual(files(a));
  });

  it("--json lists each script's id, file and store path, and the externals", async () => {
    const dir = scratch();
    const r = await pthbs(
      {},
      ...base,
      "--json",
      "generate",
      "s6",
      "-o",
      dir,
      "--recipes",
      RECIPES,
      "--store",
      "/srv/pthbs",
    );
    expect(r.code).toBe(EXIT.ok);
    const out = JSON.parse(r.stdout) as {
      store: string;
      lockfile: string;
      scripts: { name: string; version: string; id: string; file: string; path: string }[];
      externals: unknown[];
    };
    expect(out.store).toBe("/srv/pthbs");
    expect(out.lockfile).toBe(join(dir, "pthbs.lock.json"));
    const s6 = out.scripts.find((s) => s.name === "s6")!;
    expect(s6.id).toMatch(/^s6\.[0-9a-f]{64}$/);
    expect(s6.file).toBe(join(dir, `${s6.id}.sh`));
    expect(s6.path).toBe(`/srv/pthbs/${s6.id}`);
    expect(out.externals).toEqual([]);
    expect(out.scripts.at(-1)!.name).toBe("s6");
  });

  it("takes the store root from $PTHBS_STORE and the recipes from $PTHBS_RECIPES", async () => {
    const dir = scratch();
    const r = await pthbs(
      { PTHBS_STORE: "/srv/x", PTHBS_RECIPES: RECIPES },
      ...base,
      "generate",
      "skalibs",
      "-o",
      dir,
    );
    expect(r.code).toBe(EXIT.ok);
    expect(JSON.parse(readFileSync(join(dir, "pthbs.lock.json"), "utf8")).store).toBe("/srv/x");
  });

  it("exits 2 on usage errors", async () => {
    expect((await pthbs({}, ...base, "generate", "s6")).code).toBe(EXIT.usage);
    expect((await pthbs({}, ...base, "generate", "-o", scratch())).code).toBe(EXIT.usage);
    const lock = await pthbs({}, ...base, "generate", "s6", "--lock", "x.json", "-o", scratch());
    expect(lock.code).toBe(EXIT.usage);
    expect(lock.stderr).toMatch(
      /--lock takes the request and the store from the lockfile: drop specs/,
    );
  });

  it("exits 1 with the explanation when no package set satisfies the request", async () => {
    const r = await generateWith("s6-rc@0.5.5.0", "skalibs@2.13");
    expect(r.code).toBe(EXIT.failure);
    expect(r.stderr).toMatch(/^error: no package set satisfies the request/);
  });

  it("exits 1 naming the template, line and package when a recipe fails", async () => {
    const recipes = join(scratch(), "recipes");
    cpSync(RECIPES, recipes, { recursive: true });
    const file = join(recipes, "skarnet.sh.njk");
    const text = readFileSync(file, "utf8").replace(
      "{% for option, on in options %}",
      "{% for option, on in options %}{{ options.statc }}",
    );
    writeFileSync(file, text);
    const line = text.split("\n").findIndex((l) => l.includes("options.statc")) + 1;
    const r = await generateWith("skalibs", "--recipes", recipes);
    expect(r.code).toBe(EXIT.failure);
    expect(r.stderr).toMatch(
      new RegExp(
        `^pthbs: error: ${file.replaceAll(".", "\\.")}:${line}:\\d+: while rendering skalibs@[0-9.]+: options of skalibs has no "statc"`,
      ),
    );
    expect(r.stderr).toMatch(/hint: test whether a key exists/);
    const missing = await generateWith("skalibs", "--recipes", scratch());
    expect(missing.code).toBe(EXIT.failure);
    expect(missing.stderr).toMatch(
      /musl-cross-make\.sh\.njk: while rendering musl-cross-make@[0-9.]+: no such recipe/,
    );
    const nowhere = await generateWith("skalibs", "--recipes", "/nonexistent/recipes");
    expect(nowhere.stderr).toMatch(/no recipes directory \/nonexistent\/recipes/);
    expect(nowhere.stderr).toMatch(/hint: run pthbs where recipes\/ is, or pass --recipes DIR/);
  });

  it("exits 1 for a store root that is not a plain path, and for a lockfile of another format", async () => {
    const store = await generateWith("skalibs", "--store", "opt/store");
    expect(store.code).toBe(EXIT.failure);
    expect(store.stderr).toMatch(/store root "opt\/store" is not a plain absolute path/);
    const dir = scratch();
    const lock = join(dir, "pthbs.lock.json");
    writeFileSync(lock, '{\n  "lockfileVersion": 7,\n  "packages": {}\n}\n');
    const r = await pthbs({}, "generate", "--lock", lock, "-o", scratch(), "--recipes", RECIPES);
    expect(r.code).toBe(EXIT.failure);
    expect(r.stderr).toContain(
      `${lock}:2:22: error: lockfile format version 7 is not supported (this pthbs reads version 1) [bad-lockfile]`,
    );
    const json = await pthbs({}, "--json", "generate", "--lock", lock, "-o", scratch());
    expect(JSON.parse(json.stdout).error.diagnostics[0].code).toBe("bad-lockfile");
  });

  it("keeps hostile values of a constraint file as data: the script runs and nothing executes", async () => {
    const constraints = join(scratch(), "constraints");
    cpSync(CONSTRAINTS, constraints, { recursive: true });
    const file = join(constraints, "busybox.toml");
    const url = "https://busybox.net/downloads/$(pwn)/`pwn`;pwn;'x'/busybox-1.37.0.tar.bz2";
    const filename = "busybox $(pwn) `pwn`;pwn;'x'\".tar.bz2";
    writeFileSync(
      file,
      readFileSync(file, "utf8").replace(
        /source = \{ url = "https:\/\/busybox\.net\/downloads\/busybox-1\.37\.0\.tar\.bz2", sha256 = "([0-9a-f]+)" \}/,
        `source = { url = ${JSON.stringify(url)}, sha256 = "$1", filename = ${JSON.stringify(filename)} }`,
      ),
    );
    expect((await pthbs({}, "-C", constraints, "lint")).code).toBe(EXIT.ok);
    const dir = scratch();
    const r = await pthbs(
      {},
      "-C",
      constraints,
      "--json",
      "generate",
      "busybox@1.37.0",
      "-o",
      dir,
      "--recipes",
      RECIPES,
    );
    expect(r.code).toBe(EXIT.ok);
    const busybox = (
      JSON.parse(r.stdout) as { scripts: { name: string; file: string }[] }
    ).scripts.find((s) => s.name === "busybox")!;
    const text = readFileSync(busybox.file, "utf8");
    expect(parseScriptHeader(text).source).toEqual({
      kind: "url",
      url,
      sha256: expect.any(String),
      filename,
    });
    const ran = runWithStubs(text);
    expect(ran.pwned).toBe(false);
    expect(ran.status, ran.stderr).toBe(0);
  });
});

describe("pthbs graph", () => {
  it("prints the solved graph as DOT, edge styles by dependency type", async () => {
    const r = await pthbs({}, ...base, "graph", "-f", MINIMAL);
    expect(r.code).toBe(EXIT.ok);
    expect(r.stdout).toMatch(/^digraph pthbs \{\n/);
    expect(r.stdout).toMatch(/\n\}\n$/);
    expect(r.stdout).toContain('"s6" [label="s6\\n');
    expect(r.stdout).toContain(
      '"gnu-make" [label="gnu-make\\n4.3\\nexternal /usr", style=dashed];',
    );
    expect(r.stdout).toContain('"s6" -> "skalibs" [style=solid, tooltip="build, link"];');
    expect(r.stdout).toContain('"s6" -> "gnu-make" [style=dashed, tooltip="build"];');
    expect(r.stdout).toMatch(
      /"busybox" -> "musl-cross-make" \[style=solid, tooltip="build, link", label="cc, libc"\];/,
    );
  });

  it("--json gives nodes and edges; --lock draws a lockfile's set", async () => {
    const dir = scratch();
    await pthbs({}, ...base, "generate", "-f", MINIMAL, "-o", dir, "--recipes", RECIPES);
    const fromLock = await pthbs({}, "graph", "--lock", join(dir, "pthbs.lock.json"));
    expect(fromLock.code).toBe(EXIT.ok);
    expect(fromLock.stdout).toBe((await pthbs({}, ...base, "graph", "-f", MINIMAL)).stdout);
    const json = JSON.parse((await pthbs({}, ...base, "--json", "graph", "s6")).stdout) as {
      roots: string[];
      nodes: { name: string }[];
      edges: { from: string; to: string; style: string }[];
    };
    expect(json.roots).toEqual(["s6"]);
    expect(json.edges).toContainEqual(
      expect.objectContaining({ from: "s6", to: "skalibs", style: "solid" }),
    );
    expect((await pthbs({}, "graph", "--lock", "x.json", "s6")).code).toBe(EXIT.usage);
  });
});
