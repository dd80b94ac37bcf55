/**
 * The recipe engine (recipes.ts, template-compiler.ts): quoting by construction, strict lookups,
 * refusal of values in places where they could not stay data, and errors that name the template,
 * its line and the package.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { RecipeError } from "../generator/errors.js";
import {
  dependencyContext,
  type RecipeContext,
  strictRecord,
} from "../generator/recipe-context.js";
import { RecipeSet } from "../generator/recipes.js";
import type { OptionValue } from "../solver/spec.js";

/** A recipes directory holding these files. */
function recipes(files: Record<string, string>): RecipeSet {
  const dir = mkdtempSync(join(tmpdir(), "pthbs-recipes-"));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return new RecipeSet(dir);
}

const skalibs = dependencyContext({
  name: "skalibs",
  version: "2.14.3.0",
  recipe: "skarnet",
  var: "skalibs",
  path: "/opt/pthbs/store/skalibs.0",
  external: false,
  types: ["build", "link"],
  virtuals: [],
  options: strictRecord("options of skalibs", [["shared", true]]),
});

function context(overrides: Partial<RecipeContext> = {}): RecipeContext {
  return {
    name: "s6",
    version: "2.13.1.0",
    recipe: "t",
    options: strictRecord<OptionValue>("options of s6", [
      ["execline", true],
      ["ssl", "none"],
    ]),
    source: { kind: "git", url: "https://example.org/s6.git", commit: "c".repeat(40) },
    resources: [],
    depends: [skalibs],
    deps: strictRecord("dependencies of s6", [["skalibs", skalibs]]),
    virtuals: strictRecord("virtuals s6 depends on", []),
    ...overrides,
  };
}

/** The RecipeError rendering `t.sh.njk` gives. */
function failure(set: RecipeSet, ctx = context()): RecipeError {
  try {
    set.render("t", ctx, "s6@2.13.1.0");
  } catch (e) {
    if (e instanceof RecipeError) return e;
    throw e;
  }
  throw new Error("expected a RecipeError");
}

describe("recipe rendering", () => {
  it("quotes every printed value as one shell word, in any position between words", () => {
    const set = recipes({
      "t.sh.njk": "echo {{ version }} x{{ options.ssl }}y --v={{ name ~ ' $(pwn)' }}\n",
    });
    expect(set.render("t", context(), "s6@2.13.1.0")).toBe(
      "echo 2.13.1.0 xnoney --v='s6 $(pwn)'\n",
    );
    expect(set.render("t", context({ version: "1'2" }), "x")).toContain("echo '1'\\''2' ");
  });

  it("refers to a dependency's path through its variable with ref()", () => {
    const set = recipes({
      "t.sh.njk":
        "{% for d in depends %}{{ d.var }}={{ d.path }}\n--with-lib={{ ref(d) }}/lib/{{ d.name }}\n{% endfor %}",
    });
    expect(set.render("t", context(), "x")).toBe(
      'skalibs=/opt/pthbs/store/skalibs.0\n--with-lib="$skalibs"/lib/skalibs\n',
    );
  });

  it("passes a macro's output as it is, while data inside the macro stays quoted", () => {
    const set = recipes({
      "lib.njk": "{% macro flag(v) %}--x={{ v }}{% endmacro %}",
      "t.sh.njk":
        '{% import "lib.njk" as lib %}cmd {{ lib.flag(version) }} {{ lib.flag("$(pwn)") }}\n',
    });
    expect(set.render("t", context(), "x")).toBe("cmd --x=2.13.1.0 --x='$(pwn)'\n");
  });

  it("quotes a macro's output when it went through a filter or a variable (only a direct call passes)", () => {
    const set = recipes({
      "t.sh.njk":
        '{% macro m() %}a b{% endmacro %}{% set x = m() %}{{ m() | replace("a", version) }} {{ x }}\n',
    });
    expect(set.render("t", context(), "x")).toBe("'2.13.1.0 b' 'a b'\n");
  });

  it("prints template-authored text with | raw, and refuses raw on anything else", () => {
    expect(recipes({ "t.sh.njk": '{{ "a b;c" | raw }}\n' }).render("t", context(), "x")).toBe(
      "a b;c\n",
    );
    const e = failure(recipes({ "t.sh.njk": "echo\n{{ version | raw }}\n" }));
    expect(e.message).toMatch(
      /t\.sh\.njk:2:\d+: while rendering s6@2\.13\.1\.0: \| raw takes only a string written in the template/,
    );
    expect(failure(recipes({ "t.sh.njk": "{% set v = version | raw %}\n" })).reason).toMatch(
      /\| raw is only for/,
    );
  });

  it("refuses a value printed inside quotes, a comment or a here-document, naming the line", () => {
    const cases: [string, RegExp][] = [
      ['echo "{{ version }}"\n', /inside "…"/],
      ["echo 'a{{ version }}'\n", /inside '…'/],
      ["make # built for {{ version }}\n", /in a comment/],
      ["cat <<EOF\n{{ version }}\nEOF\n", /in a here-document/],
      ["cat <<-'END'\n\tx {{ version }}\n\tEND\n", /in a here-document/],
      ["echo \\{{ version }}\n", /right after a backslash/],
      ['{% if x %}echo "{% endif %}{{ version }}\n', /different quoting states/],
      ['{% for o in options %}echo "{% endfor %}\n', /must leave sh's quoting as it found it/],
      ['{% macro m() %}echo "{% endmacro %}\n', /close it where it opens/],
    ];
    for (const [template, reason] of cases) {
      const e = failure(recipes({ "t.sh.njk": template }));
      expect(e.reason, template).toMatch(reason);
      expect(e.position.template).toMatch(/t\.sh\.njk$/);
      expect(e.position.line, template).toBeGreaterThan(0);
    }
    // After the here-document ends, and after a closed quote, values are fine again.
    const ok = recipes({
      "t.sh.njk":
        "cat <<EOF > x\nliteral $text\nEOF\necho \"a\"{{ version }} '#'{{ name }} a#{{ name }}\n",
    });
    expect(ok.render("t", context(), "x")).toContain("echo \"a\"2.13.1.0 '#'s6 a#s6\n");
  });

  it("fails on a misspelt option or dependency, listing what there is", () => {
    const e = failure(recipes({ "t.sh.njk": "set -eu\n{% if options.exeline %}x{% endif %}\n" }));
    expect(e.message).toMatch(
      /t\.sh\.njk:2:\d+: while rendering s6@2\.13\.1\.0: options of s6 has no "exeline" \(it has: execline, ssl\)/,
    );
    expect(e.hint).toMatch(/"exeline" in/);
    expect(failure(recipes({ "t.sh.njk": '{{ deps["skalib"].path }}\n' })).reason).toMatch(
      /dependencies of s6 has no "skalib" \(it has: skalibs\)/,
    );
    // `in` is the way to test for an option that exists only for some versions.
    expect(
      recipes({ "t.sh.njk": '{% if "pkgconfig" in options %}y{% else %}n{% endif %}\n' }).render(
        "t",
        context(),
        "x",
      ),
    ).toBe("n");
  });

  it("fails on an undefined variable, naming it", () => {
    const e = failure(recipes({ "t.sh.njk": "a\nb {{ verison }}\n" }));
    expect(e.message).toMatch(
      /t\.sh\.njk:2:\d+: while rendering s6@2\.13\.1\.0: verison is undefined/,
    );
  });

  it("refuses to print a list or a record", () => {
    expect(failure(recipes({ "t.sh.njk": "{{ depends }}\n" })).reason).toMatch(/is a list/);
    expect(failure(recipes({ "t.sh.njk": "{{ options }}\n" })).reason).toMatch(/is a record/);
  });

  it("refuses to reach JavaScript internals through a value", () => {
    expect(
      failure(recipes({ "t.sh.njk": '{{ name.constructor.constructor("return 1")() }}\n' })).reason,
    ).toMatch(/"constructor" cannot be read in a recipe/);
  });

  it("reserves names starting with __", () => {
    for (const t of [
      "{% set __sh = 1 %}\n",
      "{% for __sh in [1] %}{% endfor %}\n",
      "{% macro m(__get) %}{% endmacro %}\n",
    ])
      expect(failure(recipes({ "t.sh.njk": t })).reason, t).toMatch(/reserved/);
  });

  it("reports a syntax error with the template's line, also in an included template", () => {
    const e = failure(recipes({ "t.sh.njk": "echo a\necho {% if %}\n" }));
    expect(e.message).toMatch(/t\.sh\.njk:2:\d+: while rendering s6@2\.13\.1\.0: syntax error/);
    const inc = failure(
      recipes({ "t.sh.njk": '{% include "lib/x.njk" %}\n', "lib/x.njk": "a\nb\n{{ }}\n" }),
    );
    expect(inc.position.template).toMatch(/lib\/x\.njk$/);
    expect(inc.position.line).toBe(3);
    expect(inc.pkg).toBe("s6@2.13.1.0");
  });

  it("reports a missing recipe and a missing include", () => {
    const set = recipes({ "t.sh.njk": 'echo\n{% include "nope.njk" %}\n' });
    let e: unknown;
    try {
      set.render("absent", context(), "s6@2.13.1.0");
    } catch (err) {
      e = err;
    }
    expect(e).toBeInstanceOf(RecipeError);
    expect((e as RecipeError).message).toMatch(
      /absent\.sh\.njk: while rendering s6@2\.13\.1\.0: no such recipe/,
    );
    expect((e as RecipeError).hint).toMatch(/recipe = /);
    const inc = failure(set);
    expect(inc.reason).toMatch(/template not found: nope\.njk/);
    expect(inc.position.line).toBe(2);
  });

  it("refuses templates outside the recipes directory", () => {
    expect(failure(recipes({ "t.sh.njk": '{% include "../x.njk" %}\n' })).reason).toMatch(
      /outside the recipes directory/,
    );
  });

  it("escapes a value for a Makefile with | makevalue, and refuses one with a newline", () => {
    const set = recipes({ "t.sh.njk": "printf 'T = %s\\n' {{ options.ssl | makevalue }}\n" });
    const ctx = (v: string) => context({ options: strictRecord("options of s6", [["ssl", v]]) });
    expect(set.render("t", ctx("$(shell pwn)#x"), "x")).toBe(
      "printf 'T = %s\\n' '$$(shell pwn)\\#x'\n",
    );
    const e = failure(set, ctx("a\nb"));
    expect(e.reason).toMatch(/cannot be written in a Makefile/);
    expect(e.position.line).toBe(1);
  });

  it("normalises CRLF line endings in templates", () => {
    expect(recipes({ "t.sh.njk": "a\r\nb {{ name }}\r\n" }).render("t", context(), "x")).toBe(
      "a\nb s6\n",
    );
  });
});
