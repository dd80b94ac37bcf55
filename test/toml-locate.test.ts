/**
 * The positions of `solver/toml-locate.ts` against toml-eslint-parser's, the reference: on every
 * TOML file the project ships, on documents written to stress the pass (quotes in strings, arrays
 * of tables, dates with a space, CRLF, characters outside the BMP), and on random documents.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { parse } from "smol-toml";
import type { AST } from "toml-eslint-parser";
import { parseTOML } from "toml-eslint-parser";
import { describe, expect, it } from "vitest";
import { parseLocatedToml, TomlSyntaxError } from "../solver/toml.js";
import { locateToml, type PositionNode } from "../solver/toml-locate.js";

/** The position tree as toml.ts built it from toml-eslint-parser's tree (offsets, not nodes). */
function reference(text: string): PositionNode {
  const ast = parseTOML(text);
  const top: PositionNode = {};
  const record = (
    parent: PositionNode,
    step: string | number,
    key: AST.TOMLNode,
    value: AST.TOMLNode,
  ) => {
    parent.children ??= new Map();
    let node = parent.children.get(String(step));
    if (node === undefined) {
      node = {};
      parent.children.set(String(step), node);
    }
    if (node.key === undefined) {
      node.key = key.range[0];
      node.value = value.range[0];
    }
    return node;
  };
  const visitValue = (at: PositionNode, node: AST.TOMLContentNode) => {
    if (node.type === "TOMLInlineTable") for (const kv of node.body) visitKeyValue(at, kv);
    else if (node.type === "TOMLArray")
      node.elements.forEach((el, i) => {
        visitValue(record(at, i, el, el), el);
      });
  };
  const visitKeyValue = (base: PositionNode, kv: AST.TOMLKeyValue) => {
    let at = base;
    for (const k of kv.key.keys)
      at = record(at, k.type === "TOMLBare" ? k.name : k.value, k, kv.value);
    visitValue(at, kv.value);
  };
  for (const node of ast.body[0]?.body ?? []) {
    if (node.type === "TOMLKeyValue") visitKeyValue(top, node);
    else {
      let at = top;
      for (const step of node.resolvedKey) at = record(at, step, node, node);
      for (const kv of node.body) visitKeyValue(at, kv);
    }
  }
  return top;
}

/** Both parsers accept `text`, and the positions agree. */
function expectSamePositions(text: string): void {
  expect(() => parse(text)).not.toThrow();
  expect(locateToml(text)).toEqual(reference(text));
}

/** Every `*.toml` under `dir`, recursively. */
function tomlFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? tomlFiles(join(dir, e.name))
      : e.name.endsWith(".toml")
        ? [join(dir, e.name)]
        : [],
  );
}

const ROOT = new URL("..", import.meta.url).pathname;

describe("toml-locate: positions as toml-eslint-parser gives them", () => {
  it("agrees on every TOML file the project ships", () => {
    const files = ["constraints", "environments", "examples", "test/fixtures"].flatMap((d) =>
      tomlFiles(join(ROOT, d)),
    );
    expect(files.length).toBeGreaterThan(15);
    for (const file of files) expectSamePositions(readFileSync(file, "utf8"));
  });

  it.each([
    [
      "dotted keys sharing a prefix: the first owns it",
      'a.b = 1\na.c = "x"\n[t]\nx.y.z = 2\nx.w = 3\n',
    ],
    ["a table after dotted keys under it", "[a]\nb.c = 1\n[a.b.d]\ne = 2\n"],
    [
      "arrays of tables inside arrays of tables",
      "[[a]]\nx = 1\n[[a.b]]\ny = 2\n[[a.b]]\ny = 3\n[a.c]\nz = 4\n[[a]]\n[[a.b]]\ny = 5\n",
    ],
    [
      "quoted and literal keys, dots and escapes inside",
      '"a.b" = 1\n\'c.d\'.e = 2\n"\\u00e9\\"q" = 3\n[ "x y" . \'z\' ]\nk=1\n',
    ],
    ["blanks in headers and around dots", "[ a . b ]\n  c . d   =   1   # note\n[[ e ]]\n"],
    [
      "multi-line strings holding quotes, brackets and # signs",
      's = """\nx ""y"" [z] # no\n\\"""\n"""""\nt = \'\'\'a\'\' [b] # c\'\'\'\'\'\nu = """\\\n   v"""\nafter = 1\n',
    ],
    [
      "strings holding what looks like structure",
      'a = "] } # , ["\nb = \'"[x]\'\nc = ["#", \'}\', "\\""]\n',
    ],
    [
      "dates with a space, times, numbers of every form",
      "d = 1979-05-27 07:32:00Z\ne = [1979-05-27 07:32:00.999-07:00, 1979-05-27, 07:32:00]\nn = [+1_000, 0x1F, 0o17, 0b1, 3.14e-2, -inf, nan, true]\n",
    ],
    [
      "nested multi-line arrays with comments and a trailing comma",
      "a = [\n  [1, 2], # one\n  [\n    { x = 1, y = [3] },\n  ],\n  # alone\n]\nb = 2\n",
    ],
    ["inline tables over lines (TOML 1.1)", "a = {\n  x = 1, # c\n  y.z = { w = 2 },\n}\nb = 3\n"],
    ["CRLF line ends", "a = 1\r\n[t]\r\nb = [\r\n  1,\r\n]\r\n# c\r\nc = 'x'\r\n"],
    [
      "characters outside the BMP move columns by two",
      'a = "😀😀" ; b = [ "😀", 1 ]\n'.replace(";", "\n"),
    ],
    ["keys and values after astral characters", '"😀" = "é😀"\n[t]\n"😀".x = "😀" # 😀\ny = 2\n'],
    ["no final new line", "a = [1,\n2]\n[b]\nc = 'x'"],
    ["a key holding a NUL and a path it could be confused with", '[["a\\u0000b"]]\n[a.b]\nx = 1\n'],
    ["a key named 0 beside an array of tables", "[[a]]\n[a.'0']\nx = 1\n[['0']]\ny = 2\n"],
  ])("agrees on %s", (_, text) => {
    expectSamePositions(text);
  });

  it("agrees on random documents", () => {
    fc.assert(
      fc.property(documentArbitrary(), (text) => {
        expectSamePositions(text);
      }),
      { numRuns: 300, seed: 20261207 },
    );
  });

  it("reports lines and columns from offsets, tables and array elements included", () => {
    const doc = parseLocatedToml(
      'name = "x"\n\n[versions."1.0"]\nsource = { url = "u" }\n[[depends]]\nspec = "a"\n',
      "f.toml",
    );
    expect(doc.keyAt(["name"])).toEqual({ file: "f.toml", line: 1, column: 1 });
    expect(doc.valueAt(["name"])).toEqual({ file: "f.toml", line: 1, column: 8 });
    expect(doc.keyAt(["versions", "1.0"])).toEqual({ file: "f.toml", line: 3, column: 1 });
    expect(doc.valueAt(["versions", "1.0", "source", "url"])).toEqual({
      file: "f.toml",
      line: 4,
      column: 18,
    });
    expect(doc.valueAt(["depends", 0, "spec"])).toEqual({ file: "f.toml", line: 6, column: 8 });
    // A path not in the document: its nearest recorded ancestor.
    expect(doc.keyAt(["depends", 0, "when"])).toEqual({ file: "f.toml", line: 5, column: 1 });
  });

  it("counts columns after a byte-order mark as without it", () => {
    const text = 'name = "x"\n[t]\nv = 1\n';
    const plain = parseLocatedToml(text, "f.toml");
    const marked = parseLocatedToml(`\uFEFF${text}`, "f.toml");
    expect(marked.root).toEqual(plain.root);
    for (const path of [["name"], ["t"], ["t", "v"]]) {
      expect(marked.keyAt(path)).toEqual(plain.keyAt(path));
      expect(marked.valueAt(path)).toEqual(plain.valueAt(path));
    }
  });

  it("pins where smol-toml's verdict differs from toml-eslint-parser's", () => {
    // A byte-order mark: skipped (the test above), where the reference refuses the document.
    expect(() => parseTOML("\uFEFFa = 1\n")).toThrow();
    expect(parseLocatedToml("\uFEFFa = 1\n", "f.toml").root).toEqual({ a: 1 });
    // An impossible date is read as a date (no field takes one: the checker reports its type).
    expect(() => parseTOML("a = 2023-02-30\n")).toThrow();
    expect(parseLocatedToml("a = 2023-02-30\n", "f.toml").root.a).toBeInstanceOf(Date);
    // An integer beyond 2^53 is kept exact, where a number would round it.
    expect(parseLocatedToml("a = 9007199254740993\n", "f.toml").root.a).toBe(9007199254740993n);
    // Both refuse a dotted key into a table a header defined, and a lone carriage return.
    for (const text of ["[a.b]\nc = 1\n[a]\nb.d = 2\n", "a = 1\rb = 2\n"]) {
      expect(() => parseTOML(text)).toThrow();
      expect(() => parseLocatedToml(text, "f.toml")).toThrow(TomlSyntaxError);
    }
  });

  it("agrees on a header of 500 parts (each step found in a tree, not joined into a key)", () => {
    const parts = Array.from({ length: 500 }, (_, i) => `k${i}`);
    expectSamePositions(`[${parts.join(".")}]\nx = 1\n[[${parts.slice(0, 2).join(".")}.y]]\n`);
  });

  it("skips what is nested deeper than smol-toml accepts, without overflowing the stack", () => {
    for (const open of ["[", "{a="]) {
      const text = `x = 1\na = ${open.repeat(20_000)}`;
      const top = locateToml(text);
      expect(top.children?.get("x")?.value).toBe(4);
    }
  });

  it("never loops nor throws on text it does not expect", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ maxLength: 200 }),
          // Mostly the characters that open and close structure.
          fc.string({ maxLength: 200, unit: fc.constantFrom(..."[]{}=.,'\"#\\\n ab1") }),
        ),
        (text) => {
          locateToml(text);
        },
      ),
      { numRuns: 500, seed: 7 },
    );
  });
});

/** Names needing each style of key: bare, basic-quoted (escapes), literal. */
const NAMES = ["a", "b-c", "d_1", "x y", "é", "😀", 'q"t', "s\\l", "1.0", "tab\t"];
const SCALARS = [
  "1",
  "+1_000",
  "-0",
  "0x1F",
  "3.14e-2",
  "-inf",
  "nan",
  "true",
  "1979-05-27 07:32:00Z",
  "1979-05-27T07:32:00.5-07:00",
  "07:32:00",
  "1979-05-27",
  '"a \\"b\\" ] # }"',
  "'lit [x] # y'",
  '"é😀\\u00e9\\U0001F600\\x41\\e"',
  '"""\nml ""q"" [x]\\\n   # not a comment\n"""""',
  "'''\nit''s [x]\n# no\n'''''",
];

type Value =
  | { readonly scalar: string }
  | { readonly array: readonly Value[]; readonly lines: boolean }
  | { readonly inline: readonly (readonly [number, Value])[]; readonly lines: boolean };

interface Table {
  readonly values: readonly (readonly [number, Value])[];
  readonly tables: readonly (readonly [number, Table])[];
  readonly arrays: readonly (readonly [number, readonly Table[]])[];
}

/** Random valid TOML: tables, arrays of tables, inline tables and arrays, keys of every style. */
function documentArbitrary(): fc.Arbitrary<string> {
  const { value } = fc.letrec<{ value: Value }>((tie) => ({
    value: fc.oneof(
      { maxDepth: 3, depthIdentifier: "value" },
      fc.constantFrom(...SCALARS).map((scalar) => ({ scalar })),
      fc.record({ array: fc.array(tie("value"), { maxLength: 3 }), lines: fc.boolean() }),
      fc.record({
        inline: fc.array(fc.tuple(fc.nat(NAMES.length * 3), tie("value")), { maxLength: 3 }),
        lines: fc.boolean(),
      }),
    ),
  }));
  const entries = <T>(item: fc.Arbitrary<T>, maxLength: number) =>
    fc.array(fc.tuple(fc.nat(NAMES.length * 3), item), { maxLength });
  const { table } = fc.letrec<{ table: Table }>((tie) => ({
    table: fc.record({
      values: entries(value, 4),
      tables: fc.oneof({ depthSize: "small" }, fc.constant([]), entries(tie("table"), 2)),
      arrays: fc.oneof(
        { depthSize: "small" },
        fc.constant([]),
        entries(fc.array(tie("table"), { minLength: 1, maxLength: 2 }), 2),
      ),
    }),
  }));
  return fc
    .tuple(table, fc.boolean(), fc.boolean(), fc.constantFrom("", " ", "  "))
    .map(([root, crlf, comments, pad]) => {
      const out = new Writer(comments, pad);
      out.table(root, []);
      return crlf ? out.text.replaceAll("\n", "\r\n") : out.text;
    });
}

/** Writes a `Table` as TOML, its keys unique within each table (a number picks the name). */
class Writer {
  text = "";
  constructor(
    private readonly comments: boolean,
    private readonly pad: string,
  ) {}

  table(t: Table, path: readonly string[]): void {
    const used = new Set<string>();
    const unique = (n: number) => {
      let name = NAMES[n % NAMES.length]! + (n >= NAMES.length ? String(n) : "");
      while (used.has(name)) name += "_";
      used.add(name);
      return name;
    };
    for (const [n, v] of t.values)
      this.line(`${key(unique(n))}${this.pad}=${this.pad}${this.value(v)}`);
    const tables = t.tables.map(([n, sub]) => [unique(n), sub] as const);
    const arrays = t.arrays.map(([n, subs]) => [unique(n), subs] as const);
    for (const [name, sub] of tables) {
      this.line(
        `[${this.pad}${[...path, name].map(key).join(`${this.pad}.${this.pad}`)}${this.pad}]`,
      );
      this.table(sub, [...path, name]);
    }
    for (const [name, subs] of arrays)
      for (const sub of subs) {
        this.line(`[[${[...path, name].map(key).join(".")}]]`);
        this.table(sub, [...path, name]);
      }
  }

  value(v: Value): string {
    if ("scalar" in v) return v.scalar;
    const sep = v.lines ? "\n" : "";
    const note = v.lines && this.comments ? " # [ { , ]\n" : sep;
    if ("array" in v)
      return `[${sep}${v.array.map((x) => this.value(x)).join(`,${note}`)}${v.lines && v.array.length > 0 ? ",\n" : sep}]`;
    const used = new Set<string>();
    const body = v.inline.map(([n, x]) => {
      let name = NAMES[n % NAMES.length]! + String(n);
      while (used.has(name)) name += "_";
      used.add(name);
      return `${key(name)}${this.pad}=${this.pad}${this.value(x)}`;
    });
    return `{${this.pad}${body.join(`,${note}${this.pad}`)}${this.pad}}`;
  }

  private line(text: string): void {
    this.text += this.comments ? `${text} # "c" [d] = é\n\n` : `${text}\n`;
  }
}

/** A key as TOML writes it: bare when it can be, else quoted with escapes. */
function key(name: string): string {
  if (/^[A-Za-z0-9_-]+$/.test(name)) return name;
  if (!/['\t]/.test(name) && name.length % 2 === 0) return `'${name}'`;
  return `"${name.replaceAll("\\", "\\\\").replaceAll('"', '\\"').replaceAll("\t", "\\t")}"`;
}
