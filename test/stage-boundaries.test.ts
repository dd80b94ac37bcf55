/**
 * Which stage may import which. The executor builds from scripts and lockfiles alone: it reads the
 * generator's formats and the shared common/, never the solver, cudf or the testing kit. common/ is
 * owned by no stage, so it imports none. Node and npm modules are always allowed.
 */
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

/** Each checked folder and the top-level folders its files may import from (besides itself). */
const ALLOWED: Readonly<Record<string, readonly string[]>> = {
  executor: ["common", "generator"],
  common: [],
};

/** One module specifier in a source text, with the 1-based line of its statement. */
interface ImportRef {
  readonly line: number;
  readonly specifier: string;
}

// Static imports and re-exports (`import type` and multi-line lists included), side-effect
// imports, and dynamic `import(...)`.
const IMPORT_FORMS = [
  /^[ \t]*(?:import|export)\b[^;"'`]*?\bfrom\s*["']([^"']+)["']/gm,
  /^[ \t]*import\s*["']([^"']+)["']/gm,
  /\bimport\s*\(\s*["']([^"']+)["']/g,
];

/** Every module specifier a TypeScript source imports or re-exports from. */
function importsOf(text: string): ImportRef[] {
  const refs: ImportRef[] = [];
  for (const form of IMPORT_FORMS) {
    for (const m of text.matchAll(form)) {
      const start = m.index + m[0].search(/\S/);
      refs.push({ line: text.slice(0, start).split("\n").length, specifier: m[1]! });
    }
  }
  return refs.sort((a, b) => a.line - b.line);
}

/** `file:line: specifier` for every relative import of `stage` that leaves the allowed folders. */
function violations(stage: string): string[] {
  const allowed = new Set([stage, ...ALLOWED[stage]!]);
  const found: string[] = [];
  for (const name of readdirSync(join(ROOT, stage), { recursive: true, encoding: "utf8" })) {
    if (!name.endsWith(".ts")) continue;
    const file = join(ROOT, stage, name);
    for (const { line, specifier } of importsOf(readFileSync(file, "utf8"))) {
      if (!specifier.startsWith(".")) continue;
      const target = relative(ROOT, resolve(dirname(file), specifier));
      const top = target.split(sep)[0]!;
      if (!allowed.has(top)) found.push(`${relative(ROOT, file)}:${line}: ${specifier}`);
    }
  }
  return found.sort();
}

describe("stage boundaries", () => {
  for (const stage of Object.keys(ALLOWED)) {
    it(`${stage}/ imports only from ${[stage, ...ALLOWED[stage]!].join(", ")} and modules`, () => {
      expect(violations(stage)).toEqual([]);
    });
  }

  it("the scan sees the executor's generator imports (so an empty list means something)", () => {
    const text = readFileSync(join(ROOT, "executor", "gc.ts"), "utf8");
    expect(importsOf(text).map((r) => r.specifier)).toContain("../generator/lockfile-json.js");
  });

  it("finds every import form, at the line its statement starts", () => {
    const text = [
      '/** from "../solver/spec.js" in prose is not an import */',
      'import type { OptionValue } from "../solver/spec.js";',
      "import {",
      "  PthbsError,",
      '} from "../solver/errors.js";',
      'export * from "../cudf/document.js";',
      'import "../testing/index.js";',
      'const m = await import("../solver/solve.js");',
      'import { readFile } from "node:fs/promises";',
    ].join("\n");
    expect(importsOf(text)).toEqual([
      { line: 2, specifier: "../solver/spec.js" },
      { line: 3, specifier: "../solver/errors.js" },
      { line: 6, specifier: "../cudf/document.js" },
      { line: 7, specifier: "../testing/index.js" },
      { line: 8, specifier: "../solver/solve.js" },
      { line: 9, specifier: "node:fs/promises" },
    ]);
  });
});
