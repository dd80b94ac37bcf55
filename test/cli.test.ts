import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { EXIT, type Io } from "../cli/io.js";
import { report, run } from "../cli/program.js";
import { PthbsError } from "../common/errors.js";
import { pthbs } from "./helpers.js";

const CONSTRAINTS = new URL("../constraints", import.meta.url).pathname;

function scratchCopy(): string {
  const dir = mkdtempSync(join(tmpdir(), "pthbs-cli-"));
  cpSync(CONSTRAINTS, join(dir, "constraints"), { recursive: true });
  return join(dir, "constraints");
}

describe("pthbs command line", () => {
  it("--help lists every command with a one-line description and the exit codes", async () => {
    const r = await pthbs("--help");
    expect(r.code).toBe(EXIT.ok);
    expect(r.stdout).toMatch(/lint\s+check the constraint files/);
    expect(r.stdout).toMatch(/show \[name\]\s+show a package/);
    expect(r.stdout).toContain("--constraints <dir>");
    expect(r.stdout).toContain("--json");
    expect(r.stdout).toContain("Exit status");
  });

  it("--version prints the package version", async () => {
    const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as {
      version: string;
    };
    const r = await pthbs("--version");
    expect(r.code).toBe(EXIT.ok);
    expect(r.stdout.trim()).toBe(pkg.version);
  });

  it("exits 2 on usage errors", async () => {
    expect((await pthbs("frobnicate")).code).toBe(EXIT.usage);
    expect((await pthbs("lint", "--bogus")).code).toBe(EXIT.usage);
    const none = await pthbs();
    expect(none.code).toBe(EXIT.usage);
    expect(none.stderr + none.stdout).toContain("Usage: pthbs");
  });

  it("lint passes on the shipped constraints", async () => {
    const r = await pthbs("-C", CONSTRAINTS, "lint");
    expect(r.stdout).toMatch(/^ok: 15 files, 15 packages, 2 virtuals; 0 errors, \d+ warnings?$/m);
    expect(r.code).toBe(EXIT.ok);
  });

  it("lint on a copy with a typo'd key exits 1 naming file:line and the suggestion", async () => {
    const dir = scratchCopy();
    const file = join(dir, "s6.toml");
    const text = readFileSync(file, "utf8");
    const lines = text.split("\n");
    const line = lines.findIndex((l) => l.startsWith("homepage =")) + 1;
    writeFileSync(file, text.replace("homepage =", "homepgae ="));
    const r = await pthbs("-C", dir, "lint");
    expect(r.code).toBe(EXIT.failure);
    expect(r.stdout).toContain(
      `${file}:${line}:1: error: unknown key "homepgae" in a constraint file [unknown-key]`,
    );
    expect(r.stdout).toContain('hint: did you mean "homepage"?');
    expect(r.stdout).toMatch(/failed: .*1 error/);
  });

  it("lint --json gives every diagnostic with its location", async () => {
    const dir = scratchCopy();
    const file = join(dir, "skalibs.toml");
    writeFileSync(
      file,
      readFileSync(file, "utf8").replace(/sha256 = "[0-9a-f]{64}"/, 'sha256 = "deadbeef"'),
    );
    const r = await pthbs("-C", dir, "lint", "--json");
    expect(r.code).toBe(EXIT.failure);
    const out = JSON.parse(r.stdout) as {
      ok: boolean;
      errors: number;
      diagnostics: { code: string; file: string; line: number; column: number; hint: string }[];
    };
    expect(out.ok).toBe(false);
    expect(out.errors).toBe(1);
    expect(out.diagnostics[0]).toMatchObject({ code: "bad-sha256", file });
    expect(out.diagnostics[0]!.line).toBeGreaterThan(1);
    expect(out.diagnostics[0]!.hint).toContain("sha256sum");
  });

  it("show s6 --json gives versions, options and dependencies with source locations", async () => {
    const r = await pthbs("-C", CONSTRAINTS, "--json", "show", "s6");
    expect(r.code).toBe(EXIT.ok);
    const s6 = JSON.parse(r.stdout);
    expect(s6.kind).toBe("package");
    expect(s6.name).toBe("s6");
    expect(s6.versions.length).toBeGreaterThan(5);
    expect(s6.versions.map((v: { version: string }) => v.version)).toContain("2.13.1.0");
    const v2131 = s6.versions.find((v: { version: string }) => v.version === "2.13.1.0");
    expect(v2131.source).toEqual({
      kind: "url",
      url: "https://skarnet.org/software/s6/s6-2.13.1.0.tar.gz",
      sha256: "bf0614cf52957cb0af04c7b02d10ebd6c5e023c9d46335cbf75484eed3e2ce7e",
    });
    expect(v2131.location.file).toBe(join(CONSTRAINTS, "s6.toml"));
    expect(s6.options.find((o: { name: string }) => o.name === "execline")).toMatchObject({
      type: "bool",
      default: true,
    });
    const skalibs = s6.depends.filter((d: { spec: string }) => d.spec.startsWith("skalibs@"));
    expect(skalibs.length).toBeGreaterThan(3);
    for (const d of s6.depends) expect(d.location.line).toBeGreaterThan(0);
    expect(
      s6.depends.some(
        (d: { spec: string; when?: string }) =>
          d.spec.startsWith("execline@") && d.when?.includes("+execline"),
      ),
    ).toBe(true);
    expect(s6.requiredBy.map((q: { package: string }) => q.package)).toContain("s6-rc");
  });

  it("show prints a readable package with file:line citations", async () => {
    const r = await pthbs("-C", CONSTRAINTS, "show", "s6-rc");
    expect(r.code).toBe(EXIT.ok);
    expect(r.stdout).toMatch(/^s6-rc — /);
    expect(r.stdout).toMatch(/versions \(newest first\)/);
    expect(r.stdout).toMatch(/s6@2\.13\.1\.0:2\.13\s+when @=?0\.5\.5\.0/);
    expect(r.stdout).toMatch(/\(.*s6-rc\.toml:\d+:\d+\)/);
  });

  it("show lists virtuals and their providers", async () => {
    const r = await pthbs("-C", CONSTRAINTS, "show", "libc", "--json");
    expect(r.code).toBe(EXIT.ok);
    const libc = JSON.parse(r.stdout);
    expect(libc.kind).toBe("virtual");
    expect(libc.providers.map((p: { package: string }) => p.package)).toEqual([
      "musl",
      "musl-cross-make",
    ]);
  });

  it("show without a name lists every package", async () => {
    const r = await pthbs("-C", CONSTRAINTS, "show");
    expect(r.code).toBe(EXIT.ok);
    for (const name of [
      "skalibs",
      "execline",
      "s6",
      "s6-rc",
      "busybox",
      "musl",
      "musl-cross-make",
      "gnu-make",
      "mdevd",
    ]) {
      expect(r.stdout).toMatch(new RegExp(`^${name}\\s`, "m"));
    }
  });

  it("show of an unknown name exits 1 with a suggestion", async () => {
    const r = await pthbs("-C", CONSTRAINTS, "show", "s6-r");
    expect(r.code).toBe(EXIT.failure);
    expect(r.stderr).toContain('no package or virtual named "s6-r"');
    expect(r.stderr).toMatch(/hint: did you mean "s6(-rc)?"\?/);
    expect(r.stderr).not.toMatch(/\bat .*\.ts:\d+/); // no stack trace
  });

  it("a missing constraints directory is a clear user error", async () => {
    const r = await pthbs("-C", "/nonexistent/constraints", "lint");
    expect(r.code).toBe(EXIT.failure);
    expect(r.stderr).toContain("constraints directory not found: /nonexistent/constraints");
    expect(r.stderr).toContain("-C DIR");
  });

  it("an empty constraints directory is a clear user error", async () => {
    const dir = mkdtempSync(join(tmpdir(), "pthbs-empty-"));
    const r = await pthbs("-C", dir, "lint", "--json");
    expect(r.code).toBe(EXIT.failure);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: false, error: { type: "NotFoundError" } });
  });

  it("an unreadable constraint file is a user error naming it", async () => {
    const dir = mkdtempSync(join(tmpdir(), "pthbs-unreadable-"));
    mkdirSync(join(dir, "weird.toml"));
    const r = await pthbs("-C", dir, "lint");
    expect(r.code).toBe(EXIT.failure);
    expect(r.stderr).toContain(`cannot read constraint file ${join(dir, "weird.toml")}`);
  });

  it("the PTHBS_CONSTRAINTS environment variable selects the directory", async () => {
    let out = "";
    const io: Io = { stdout: (t) => (out += t), stderr: () => {}, color: false };
    expect(await run(["show", "busybox"], io, { PTHBS_CONSTRAINTS: CONSTRAINTS })).toBe(EXIT.ok);
    expect(out).toMatch(/^busybox/);
  });

  it("internal errors print one line asking for a report and exit 70; user errors exit 1", () => {
    let err = "";
    const io: Io = { stdout: () => {}, stderr: (t) => (err += t), color: false };
    expect(report(new TypeError("x is undefined"), io, false)).toBe(EXIT.internal);
    expect(err).toContain("internal error: x is undefined");
    expect(err).toContain("please report");
    expect(report(new PthbsError("bad input"), io, false)).toBe(EXIT.failure);
  });

  it("solve prints a tree and the cost vector; --json has the documented fields", async () => {
    const text = await pthbs("-C", CONSTRAINTS, "solve", "s6-rc", "execline");
    expect(text.code).toBe(EXIT.ok);
    expect(text.stdout).toMatch(/^s6-rc@\S+ .*\(requested\)$/m);
    expect(text.stdout).toMatch(/├─ s6@\S+ .*\[build,link\]/);
    expect(text.stdout).toMatch(/cost: changes 0, root-deprecated 0, .* packages \d+$/m);
    const r = await pthbs("-C", CONSTRAINTS, "solve", "s6-rc", "execline", "--json");
    const out = JSON.parse(r.stdout);
    expect(out.satisfiable).toBe(true);
    const s6rc = out.packages.find((p: { name: string }) => p.name === "s6-rc");
    expect(Object.keys(s6rc).sort()).toEqual(
      [
        "depends",
        "deprecated",
        "external",
        "name",
        "options",
        "provides",
        "root",
        "version",
      ].sort(),
    );
    expect(s6rc.root).toBe(true);
    expect(s6rc.depends.find((d: { name: string }) => d.name === "s6").type).toEqual([
      "build",
      "link",
    ]);
    expect(out.cost.map((c: { criterion: string }) => c.criterion)).toEqual([
      "changes",
      "root-deprecated",
      "root-version-age",
      "root-non-default-options",
      "deprecated",
      "version-age",
      "non-default-options",
      "provider-preference",
      "packages",
    ]);
    const again = await pthbs("-C", CONSTRAINTS, "solve", "s6-rc", "execline", "--json");
    expect(again.stdout).toBe(r.stdout);
  });

  it("solve -f environments/minimal.toml solves the seed's system", async () => {
    const env = new URL("../environments/minimal.toml", import.meta.url).pathname;
    const r = await pthbs("-C", CONSTRAINTS, "solve", "-f", env, "--json");
    expect(r.code).toBe(EXIT.ok);
    const out = JSON.parse(r.stdout);
    expect(out.packages.find((p: { name: string }) => p.name === "gnu-make")).toMatchObject({
      external: true,
      prefix: "/usr",
      version: "4.3",
    });
  });

  it("an impossible request exits 1 with a cited explanation; --json gives its facts", async () => {
    const r = await pthbs("-C", CONSTRAINTS, "solve", "s6-rc@0.5.5.0", "skalibs@2.13");
    expect(r.code).toBe(EXIT.failure);
    expect(r.stderr).toContain("error: no package set satisfies the request");
    expect(r.stderr).toMatch(/\(.*s6-rc\.toml:\d+\)/);
    expect(r.stderr).toContain("try: ");
    const j = await pthbs("-C", CONSTRAINTS, "solve", "s6-rc@0.5.5.0", "skalibs@2.13", "--json");
    expect(j.code).toBe(EXIT.failure);
    const out = JSON.parse(j.stdout);
    expect(out.satisfiable).toBe(false);
    expect(out.explanation.text).toContain("cannot be used with");
    for (const f of out.explanation.facts)
      expect(Object.keys(f).sort()).toEqual(["file", "id", "kind", "line", "text"]);
  });

  it("solve reports bad input clearly: a malformed spec, an unknown package, a missing file, nothing to solve", async () => {
    const bad = await pthbs("-C", CONSTRAINTS, "solve", "s6@@1");
    expect(bad.code).toBe(EXIT.failure);
    expect(bad.stderr).toContain("s6@@1");
    expect(bad.stderr).toContain("^");
    const unknown = await pthbs("-C", CONSTRAINTS, "solve", "s6-rcc");
    expect(unknown.code).toBe(EXIT.failure);
    expect(unknown.stderr).toMatch(/command line: error: .*no package or virtual named "s6-rcc"/);
    expect(unknown.stderr).toContain('did you mean "s6-rc"?');
    const missing = await pthbs("-C", CONSTRAINTS, "solve", "-f", "/nonexistent.toml");
    expect(missing.code).toBe(EXIT.failure);
    expect(missing.stderr).toContain("cannot read environment file /nonexistent.toml");
    const nothing = await pthbs("-C", CONSTRAINTS, "solve");
    expect(nothing.code).toBe(EXIT.usage);
    expect(nothing.stderr).toContain("nothing to solve");
  });

  it("an environment file with mistakes is reported with file:line for each", async () => {
    const dir = mkdtempSync(join(tmpdir(), "pthbs-env-"));
    const env = join(dir, "env.toml");
    writeFileSync(
      env,
      'specs = ["s6-rc", "s6 +sttic"]\n[externals.gnu-make]\nversion = "4.3"\nprefx = "/usr"\n',
    );
    const r = await pthbs("-C", CONSTRAINTS, "solve", "-f", env);
    expect(r.code).toBe(EXIT.failure);
    expect(r.stderr).toContain(`${env}:4:1: error: unknown key "prefx"`);
    expect(r.stderr).toContain('did you mean "prefix"?');
    expect(r.stderr).toContain(`${env}:2:1: error: external "gnu-make" has no "prefix"`);
    writeFileSync(env, 'specs = ["s6-rc", "s6 +sttic"]\n');
    const r2 = await pthbs("-C", CONSTRAINTS, "solve", "-f", env);
    expect(r2.stderr).toMatch(
      new RegExp(`${env}:1:\\d+: error: request "s6 \\+sttic": s6 has no option "sttic"`),
    );
  });

  it("why, why-not and check answer from the command line", async () => {
    const why = await pthbs("-C", CONSTRAINTS, "why", "skalibs", "s6-rc");
    expect(why.code).toBe(EXIT.ok);
    expect(why.stdout).toMatch(/^s6-rc@\S+ → skalibs@\S+$/m);
    const whyNot = await pthbs("-C", CONSTRAINTS, "why-not", "skalibs@2.14", "execline");
    expect(whyNot.code).toBe(EXIT.ok);
    expect(whyNot.stdout).toContain('worse on "root-version-age"');
    const check = await pthbs("-C", CONSTRAINTS, "check", "--json");
    expect(check.code).toBe(EXIT.failure);
    const out = JSON.parse(check.stdout);
    expect(out.installable).toBe(out.total - 1);
    expect(out.broken[0]).toMatchObject({ package: "s6-networking", version: "2.5.1.1" });
    expect(out.broken[0].explanation.text).toContain("cannot be satisfied");
  });
});
