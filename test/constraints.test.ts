import { readFileSync } from "node:fs";
import { Ajv2020 } from "ajv/dist/2020.js";
import { getStaticTOMLValue, parseTOML } from "toml-eslint-parser";
import { describe, expect, it } from "vitest";
import type { DiagnosticCode } from "../common/errors.js";
import { loadConstraintTexts } from "../solver/load.js";
import { printSpec } from "../solver/spec.js";
import { BASE, COMMIT, DEMO, SKALIBS_1 } from "./fixtures/universe.js";

const schema = JSON.parse(
  readFileSync(new URL("../schema/constraint-file.schema.json", import.meta.url), "utf8"),
);
const validate = new Ajv2020({
  allErrors: true,
  strict: true,
  strictRequired: false,
  allowUnionTypes: true,
}).compile(schema);

function load(text: string, path = "constraints/demo.toml") {
  return loadConstraintTexts([...BASE, { path, text }]);
}

function schemaAccepts(text: string): boolean {
  return validate(getStaticTOMLValue(parseTOML(text))) === true;
}

/** Replaces one exact piece of the valid demo file; fails loudly if the piece is not there. */
function demoWith(from: string, to: string): string {
  expect(DEMO).toContain(from);
  return DEMO.replace(from, to);
}

const lineOf = (text: string, needle: string) =>
  text.slice(0, text.indexOf(needle)).split("\n").length;

interface Case {
  title: string;
  text: string;
  code: DiagnosticCode;
  /** A piece of text on the line the diagnostic must point at. */
  at: string;
  /** A word the hint must contain. */
  hint?: string;
  /** Whether the JSON Schema can see the problem (structure) or not (cross-file and semantic rules). */
  schema: "rejects" | "accepts";
  severity?: "error" | "warning";
}

const CASES: Case[] = [
  {
    title: "unknown top-level key with a near miss",
    text: demoWith('summary = "a demo package"', 'sumary = "a demo package"'),
    code: "unknown-key",
    at: "sumary",
    hint: '"summary"',
    schema: "rejects",
  },
  {
    title: "Spack's word for depends",
    text: `${DEMO}\n[[dependencies]]\nspec = "skalibs"\n`,
    code: "unknown-key",
    at: "[[dependencies]]",
    hint: '"depends"',
    schema: "rejects",
  },
  {
    title: "unknown key in an option",
    text: demoWith("static = { default = false,", "static = { defualt = false, default = false,"),
    code: "unknown-key",
    at: "defualt",
    hint: '"default"',
    schema: "rejects",
  },
  {
    title: "unknown key in a version",
    text: demoWith("deprecated = true", "deprecate = true"),
    code: "unknown-key",
    at: "deprecate = true",
    hint: '"deprecated"',
    schema: "rejects",
  },
  {
    title: "unknown key in a depends entry",
    text: demoWith('when = "@:1"', 'wen = "@:1"'),
    code: "unknown-key",
    at: "wen =",
    hint: '"when"',
    schema: "rejects",
  },
  {
    title: "summary is not a string",
    text: demoWith('summary = "a demo package"', "summary = 3"),
    code: "wrong-type",
    at: "summary = 3",
    hint: "quotes",
    schema: "rejects",
  },
  {
    title: "deprecated is not a boolean",
    text: demoWith("deprecated = true", 'deprecated = "yes"'),
    code: "wrong-type",
    at: 'deprecated = "yes"',
    schema: "rejects",
  },
  {
    title: "provides is a string",
    text: demoWith(
      'provides = ["supervisor", { name = "init", when = "+execline" }]',
      'provides = "supervisor"',
    ),
    code: "wrong-type",
    at: 'provides = "supervisor"',
    hint: "brackets",
    schema: "rejects",
  },
  {
    title: "depends is a table",
    text: DEMO.replace(
      /\[\[depends\]\][\s\S]*?(?=\[\[conflicts)/,
      '[depends]\nspec = "skalibs"\n\n',
    ),
    code: "wrong-type",
    at: "[depends]",
    schema: "rejects",
  },
  {
    title: "name differs from the file name",
    text: demoWith('name = "demo"', 'name = "demo2"'),
    code: "name-mismatch",
    at: 'name = "demo2"',
    hint: "demo2.toml",
    schema: "accepts",
  },
  {
    title: "missing name",
    text: demoWith('name = "demo"\n', ""),
    code: "missing-key",
    at: 'summary = "a demo package"',
    hint: 'name = "demo"',
    schema: "rejects",
  },
  {
    title: "bad version string",
    text: demoWith('[versions."1.0"]', '[versions."1..0"]'),
    code: "bad-version",
    at: '[versions."1..0"]',
    schema: "rejects",
  },
  {
    title: "bad character in a version",
    text: demoWith('[versions."1.0"]', '[versions."1.0$"]'),
    code: "bad-version",
    at: '[versions."1.0$"]',
    schema: "rejects",
  },
  {
    title: "two spellings of one version",
    text: `${DEMO}\n[versions."2-0"]\nsource = { git = "https://github.com/example/demo.git", commit = "${COMMIT}" }\n`,
    code: "duplicate-version",
    at: '[versions."2-0"]',
    schema: "accepts",
  },
  {
    title: "sha256 too short",
    text: demoWith(`sha256 = "${SKALIBS_1}"`, 'sha256 = "abc123"'),
    code: "bad-sha256",
    at: 'sha256 = "abc123"',
    hint: "sha256sum",
    schema: "rejects",
  },
  {
    title: "sha256 in upper case",
    text: demoWith(`sha256 = "${SKALIBS_1}"`, `sha256 = "${SKALIBS_1.toUpperCase()}"`),
    code: "bad-sha256",
    at: SKALIBS_1.toUpperCase(),
    schema: "rejects",
  },
  {
    title: "abbreviated commit",
    text: demoWith(`commit = "${COMMIT}"`, `commit = "${COMMIT.slice(0, 12)}"`),
    code: "bad-commit",
    at: `commit = "${COMMIT.slice(0, 12)}"`,
    hint: "full",
    schema: "rejects",
  },
  {
    title: "source with both kinds",
    text: demoWith(`commit = "${COMMIT}" }`, `commit = "${COMMIT}", sha256 = "${SKALIBS_1}" }`),
    code: "source-kind",
    at: `commit = "${COMMIT}", sha256`,
    schema: "rejects",
  },
  {
    title: "source with neither kind",
    text: demoWith(
      `source = { git = "https://github.com/example/demo.git", commit = "${COMMIT}" }`,
      'source = { filename = "x.tar" }',
    ),
    code: "source-kind",
    at: 'filename = "x.tar"',
    schema: "rejects",
  },
  {
    title: "url without sha256",
    text: demoWith(
      `source = { git = "https://github.com/example/demo.git", commit = "${COMMIT}" }`,
      'source = { url = "https://example.org/x.tar.gz" }',
    ),
    code: "missing-key",
    at: 'url = "https://example.org/x.tar.gz"',
    hint: "sha256",
    schema: "rejects",
  },
  {
    title: "version without source",
    text: demoWith(
      `source = { git = "https://github.com/example/demo.git", commit = "${COMMIT}" }\n`,
      "",
    ),
    code: "missing-key",
    at: '[versions."1.0"]',
    schema: "rejects",
  },
  {
    title: "url that is not a URL",
    text: demoWith("https://example.org/extra.tar.gz", "extra.tar.gz"),
    code: "bad-url",
    at: 'url = "extra.tar.gz"',
    schema: "rejects",
  },
  {
    title: "bad spec syntax",
    text: demoWith('spec = "skalibs@2.13"', 'spec = "skalibs@@2.13"'),
    code: "bad-spec",
    at: 'spec = "skalibs@@2.13"',
    schema: "rejects",
  },
  {
    title: "spec with a dependency sigil",
    text: demoWith('spec = "libc"', 'spec = "libc ^musl"'),
    code: "bad-spec",
    at: 'spec = "libc ^musl"',
    hint: "[[depends]]",
    schema: "rejects",
  },
  {
    title: "condition naming a package",
    text: demoWith('when = "@:1"', 'when = "skalibs@:1"'),
    code: "bad-when",
    at: 'when = "skalibs@:1"',
    hint: "drop",
    schema: "rejects",
  },
  {
    title: "inverted range in a condition",
    text: demoWith('when = "@:1"', 'when = "@2:1"'),
    code: "bad-when",
    at: 'when = "@2:1"',
    hint: "1:2",
    schema: "accepts",
  },
  {
    title: "condition on an undeclared option",
    text: demoWith('when = "+static"', 'when = "+sttic"'),
    code: "unknown-option",
    at: 'when = "+sttic"',
    hint: '"static"',
    schema: "accepts",
  },
  {
    title: "condition on an undeclared value",
    text: demoWith('when = "+static"', 'when = "ssl=openssl"'),
    code: "unknown-value",
    at: 'when = "ssl=openssl"',
    hint: "none, bearssl",
    schema: "accepts",
  },
  {
    title: "boolean option given a value",
    text: demoWith('when = "+static"', 'when = "static=yes"'),
    code: "unknown-value",
    at: 'when = "static=yes"',
    hint: "+static",
    schema: "accepts",
  },
  {
    title: "dependency on an option the target lacks",
    text: demoWith('spec = "skalibs@2.14.3.0: +shared"', 'spec = "skalibs@2.14.3.0: +sharde"'),
    code: "unknown-option",
    at: "+sharde",
    hint: '"shared"',
    schema: "accepts",
  },
  {
    title: "dependency on a value the target lacks",
    text: demoWith('spec = "musl malloc=oldmalloc"', 'spec = "musl malloc=jemalloc"'),
    code: "unknown-value",
    at: "malloc=jemalloc",
    hint: "mallocng",
    schema: "accepts",
  },
  {
    title: "option default not among its values",
    text: demoWith('default = "none"', 'default = "openssl"'),
    code: "bad-default",
    at: 'default = "openssl"',
    hint: "none, bearssl",
    schema: "accepts",
  },
  {
    title: "valued default without values",
    text: demoWith("static = { default = false,", 'static = { default = "no",'),
    code: "bad-default",
    at: 'default = "no"',
    hint: "values",
    schema: "rejects",
  },
  {
    title: "dependency on an unknown package",
    text: demoWith('spec = "libc"', 'spec = "skalib"'),
    code: "unknown-package",
    at: 'spec = "skalib"',
    hint: '"skalibs"',
    schema: "accepts",
  },
  {
    title: "dependency type outside build/link/run",
    text: demoWith('type = "build"', 'type = "runtime"'),
    code: "bad-dependency-type",
    at: 'type = "runtime"',
    hint: "build, link and run",
    schema: "rejects",
  },
  {
    title: "dependency type typo in a list",
    text: demoWith('type = ["build", "link"]', 'type = ["biuld", "link"]'),
    code: "bad-dependency-type",
    at: '"biuld"',
    hint: '"build"',
    schema: "rejects",
  },
  {
    title: "virtual with a version",
    text: demoWith('spec = "libc"', 'spec = "libc@1.2"'),
    code: "virtual-with-constraints",
    at: 'spec = "libc@1.2"',
    schema: "accepts",
  },
  {
    title: "virtual named like a package",
    text: demoWith('provides = ["supervisor",', 'provides = ["skalibs",'),
    code: "name-clash",
    at: "provides =",
    schema: "accepts",
  },
  {
    title: "empty versions table",
    text: DEMO.replace(/\[versions[\s\S]*?(?=\[\[depends)/, "[versions]\n\n"),
    code: "no-versions",
    at: "[versions]",
    schema: "rejects",
  },
  {
    title: "range matching no declared version",
    text: demoWith('spec = "skalibs@2.13"', 'spec = "skalibs@3"'),
    code: "no-matching-version",
    at: 'spec = "skalibs@3"',
    schema: "accepts",
    severity: "warning",
  },
];

describe("constraint files", () => {
  it("accepts the demo file, which uses every feature", () => {
    const result = load(DEMO);
    expect(result.diagnostics).toEqual([]);
    expect(schemaAccepts(DEMO)).toBe(true);
    const demo = result.universe.packages.get("demo")!;
    expect(demo.versions.map((v) => v.version.text)).toEqual(["2.0", "1.0"]);
    expect(demo.versions[1]!.deprecated).toBe(true);
    expect(demo.versions[0]!.resources).toHaveLength(1);
    expect(demo.options.map((o) => o.name)).toEqual(["execline", "ssl", "static"]);
    expect(
      demo.options.find((o) => o.name === "ssl")!.when &&
        printSpec(demo.options.find((o) => o.name === "ssl")!.when!),
    ).toBe("@2.0:");
    expect(demo.depends.map((d) => [printSpec(d.spec), d.types])).toEqual([
      ["skalibs@2.14.3.0: +shared", ["build", "link"]],
      ["skalibs@2.13", ["build"]],
      ["libc", ["build", "link"]],
    ]);
    expect(demo.depends[0]!.location).toEqual({
      file: "constraints/demo.toml",
      line: lineOf(DEMO, 'spec = "skalibs@2.14.3.0'),
      column: 8,
    });
    expect(demo.conflicts[0]!.message).toBe("static demo needs mallocng");
    expect(result.universe.virtuals.get("init")!.map((p) => p.package)).toEqual(["demo"]);
    expect(result.universe.virtuals.get("libc")!.map((p) => p.package)).toEqual(["musl"]);
  });

  for (const c of CASES) {
    it(`reports ${c.code}: ${c.title}`, () => {
      const result = load(c.text);
      const found = result.diagnostics.find((d) => d.code === c.code);
      expect(found, JSON.stringify(result.diagnostics, null, 2)).toBeDefined();
      expect(found!.severity).toBe(c.severity ?? "error");
      expect(found!.file).toBe("constraints/demo.toml");
      expect(found!.line).toBe(lineOf(c.text, c.at));
      expect(found!.column).toBeGreaterThan(0);
      expect(found!.message.length).toBeGreaterThan(10);
      if (c.hint) expect(found!.hint).toContain(c.hint);
    });
    it(`schema ${c.schema} what the validator calls ${c.code}: ${c.title}`, () => {
      expect(schemaAccepts(c.text)).toBe(c.schema === "accepts");
    });
  }

  it("reports malformed TOML with its line and keeps checking other files", () => {
    const result = loadConstraintTexts([
      ...BASE,
      { path: "constraints/demo.toml", text: 'name = "demo"\nsummary "x"\nhomepage = "y"\n' },
      { path: "constraints/x.toml", text: 'name = "x"\nversion = 1\n' },
    ]);
    const codes = result.diagnostics.map((d) => `${d.file}:${d.line}:${d.code}`);
    expect(codes).toContain("constraints/demo.toml:2:toml-syntax");
    expect(codes).toContain("constraints/x.toml:2:unknown-key");
    expect(codes).toContain("constraints/x.toml:1:missing-key");
  });

  it("reports a repeated TOML key as malformed TOML", () => {
    const result = load(
      `${DEMO}\nsummary = "again"\n`.replace(
        'summary = "a demo package"\n',
        'summary = "a demo package"\nsummary = "twice"\n',
      ),
    );
    expect(result.diagnostics.map((d) => [d.code, d.line])).toContainEqual(["toml-syntax", 3]);
  });

  it("reads a string value of 300 KB (toml-eslint-parser overflowed its stack on it)", () => {
    const long = "x".repeat(300_000);
    const result = load(demoWith('summary = "a demo package"', `summary = "${long}"`));
    expect(result.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    expect(result.universe.packages.get("demo")?.summary).toBe(long);
  });

  it.each([
    [
      "an integer beyond 2^53",
      'ssl = { values = ["none", "bearssl"], default = 9007199254740993 }',
      "default 9007199254740993 of option",
    ],
    ["a table", 'ssl = { values = ["none", "bearssl"], default = { a = 1 } }', 'default {"a":1}'],
    ["an array of tables", 'ssl = { values = ["none"], default = [{}] }', "default [{}]"],
    ["a table, without values", "ssl = { default = {} }", 'add values = ["VALUE", …]'],
  ])("reports an option's default that is %s, and goes on", (_, line, message) => {
    const result = load(
      demoWith('ssl = { values = ["none", "bearssl"], default = "none", when = "@2.0:" }', line),
    );
    const bad = result.diagnostics.filter((d) => d.code === "bad-default");
    expect(bad).toHaveLength(1);
    expect(`${bad[0]!.message} ${bad[0]!.hint}`).toContain(message);
  });

  it("refuses keys named __proto__ or constructor, at their line", () => {
    for (const key of ["__proto__", "constructor"]) {
      const result = load(demoWith("execline = { default = true }", `${key} = { default = true }`));
      const syntax = result.diagnostics.filter((d) => d.code === "toml-syntax");
      expect(syntax.map((d) => [d.line, d.message])).toEqual([
        [
          lineOf(DEMO, "execline = {"),
          "malformed TOML: a key may not be named __proto__ or constructor",
        ],
      ]);
    }
  });

  it("collects every error of every file in one pass", () => {
    const bad = demoWith(`sha256 = "${SKALIBS_1}"`, 'sha256 = "x"')
      .replace('summary = "a demo package"', "sumary = 1")
      .replace('spec = "libc"', 'spec = "nothing"');
    const other = {
      path: "constraints/other.toml",
      text: 'name = "other"\n[versions."1"]\nsource = { url = "ftp://x.org/o.tgz", sha256 = "y" }\n',
    };
    const result = loadConstraintTexts([
      ...BASE,
      { path: "constraints/demo.toml", text: bad },
      other,
    ]);
    const codes = result.diagnostics.map((d) => `${d.file.split("/")[1]}:${d.code}`).sort();
    expect(codes).toEqual([
      "demo.toml:bad-sha256",
      "demo.toml:unknown-key",
      "demo.toml:unknown-package",
      "other.toml:bad-sha256",
    ]);
  });

  it("does not report dependencies on a package whose file is malformed TOML twice", () => {
    const result = loadConstraintTexts([
      { path: "constraints/demo.toml", text: DEMO },
      { path: "constraints/skalibs.toml", text: "name = \n" },
      BASE[1]!,
    ]);
    expect(result.diagnostics.map((d) => d.code)).toEqual(["toml-syntax"]);
  });

  it("parses a spec written in several files once, and reports a bad one in each file", () => {
    const file = (name: string, spec: string) => ({
      path: `constraints/${name}.toml`,
      text: `name = "${name}"\n[versions."1"]\nsource = { url = "https://x.org/${name}-1.tgz", sha256 = "${SKALIBS_1}" }\n[[depends]]\nspec = "${spec}"\n`,
    });
    const good = loadConstraintTexts([
      ...BASE,
      file("a", "skalibs@2.13"),
      file("b", "skalibs@2.13"),
    ]);
    expect(good.diagnostics).toEqual([]);
    const [a, b] = ["a", "b"].map((n) => good.universe.packages.get(n)!.depends[0]!.spec);
    expect(a).toBe(b);
    const bad = loadConstraintTexts([...BASE, file("a", "skalibs@@"), file("b", "skalibs@@")]);
    expect(bad.diagnostics.map((d) => `${d.file}:${d.line}:${d.code}`)).toEqual([
      "constraints/a.toml:5:bad-spec",
      "constraints/b.toml:5:bad-spec",
    ]);
  });

  it("gives the same universe whatever the order of the files", () => {
    const files = [...BASE, { path: "constraints/demo.toml", text: DEMO }];
    const a = loadConstraintTexts(files);
    const b = loadConstraintTexts([...files].reverse());
    expect([...a.universe.packages.keys()]).toEqual([...b.universe.packages.keys()]);
    expect(JSON.stringify([...a.universe.virtuals])).toBe(JSON.stringify([...b.universe.virtuals]));
  });
});
