/**
 * A RecipeSet: the recipes directory, and rendering one of its templates for one package.
 *
 * Each RecipeSet has its own nunjucks Environment (no global configuration), whose loader compiles
 * every template through template-compiler.ts, so that included, imported and extended templates
 * quote by construction too. The helpers templates call:
 * - `ref(dep)`: `"$var"`, a reference to the variable holding a dependency's path;
 * - `| makevalue`: a value for a Makefile assignment (`$` doubled, `#` escaped; no newline).
 */
import { readFileSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { join, posix } from "node:path";
import type nunjucks from "nunjucks";
import { DEFAULT_RECIPES } from "../common/repository.js";
import { NAME_RE } from "../solver/spec.js";
import { RecipeError, type TemplatePosition } from "./errors.js";
import {
  type DependencyContext,
  dependencyVariableOf,
  describeRecord,
  type RecipeContext,
} from "./recipe-context.js";
import { IDENTIFIER_RE, makeValue, shellWord } from "./shell.js";
import {
  compileRecipe,
  LOOKUP_FUNCTION,
  PARSE_OPTIONS,
  QUOTE_FUNCTION,
  TEMPLATE_FUNCTION,
} from "./template-compiler.js";

/** A recipe named `x` is the file `x.sh.njk` of the recipes directory. */
export const RECIPE_SUFFIX = ".sh.njk";

/** nunjucks, required when a RecipeSet is made: commands that render nothing never compile it. */
const loadNunjucks = (): typeof nunjucks =>
  createRequire(import.meta.url)("nunjucks") as typeof nunjucks;

/** The templates of one recipes directory, ready to render. */
export class RecipeSet {
  private readonly env: nunjucks.Environment;
  private readonly SafeString: typeof nunjucks.runtime.SafeString;
  /**
   * The first error a helper or the loader raised during the current render. nunjucks re-wraps
   * exceptions into plain Errors, losing their class and position; this keeps them.
   */
  private failure: RecipeError | undefined;

  constructor(readonly dir: string = DEFAULT_RECIPES) {
    const loader: nunjucks.ILoader = { getSource: (name) => this.load(name) };
    const nj = loadNunjucks();
    this.SafeString = nj.runtime.SafeString;
    this.env = new nj.Environment(loader, {
      autoescape: false,
      throwOnUndefined: true,
      ...PARSE_OPTIONS,
    });
    this.env.addGlobal(QUOTE_FUNCTION, this.quote.bind(this));
    this.env.addGlobal(LOOKUP_FUNCTION, this.lookup.bind(this));
    this.env.addGlobal(TEMPLATE_FUNCTION, this.template.bind(this));
    this.env.addGlobal("ref", this.ref.bind(this));
    this.env.addFilter("makevalue", this.makevalue.bind(this));
  }

  /** The file a recipe name stands for. */
  file(recipe: string): string {
    return join(this.dir, `${recipe}${RECIPE_SUFFIX}`);
  }

  /**
   * Renders a recipe. `pkg` (`name@version`) is named in errors. Throws `RecipeError` for a
   * missing recipe, a syntax error, an undefined or missing value, or a value in a place where it
   * could not stay data.
   */
  render(recipe: string, context: RecipeContext, pkg: string): string {
    const file = this.file(recipe);
    const nowhere = { template: file, line: 0, column: 0 };
    if (!NAME_RE.test(recipe))
      throw new RecipeError(`"${recipe}" is not a recipe name`, nowhere, pkg);
    if (!statSync(this.dir, { throwIfNoEntry: false })?.isDirectory())
      throw new RecipeError(
        `no recipes directory ${this.dir}`,
        nowhere,
        pkg,
        "run pthbs where recipes/ is, or pass --recipes DIR (or set PTHBS_RECIPES)",
      );
    if (!statSync(file, { throwIfNoEntry: false })?.isFile())
      throw new RecipeError(
        "no such recipe",
        nowhere,
        pkg,
        `write ${file}, or name an existing recipe with recipe = "…" in the package's constraint file`,
      );
    this.failure = undefined;
    try {
      return this.env.render(`${recipe}${RECIPE_SUFFIX}`, context);
    } catch (e) {
      throw (this.failure ?? fromNunjucks(e, file)).forPackage(pkg);
    } finally {
      this.failure = undefined;
    }
  }

  private fail(reason: string, position: TemplatePosition, hint?: string): never {
    const error = new RecipeError(reason, position, undefined, hint);
    this.failure ??= error;
    throw error;
  }

  /** The file of a template name, refused when it would be outside the recipes directory. */
  private resolve(name: string, at: TemplatePosition): string {
    const relative = posix.normalize(name);
    if (relative.startsWith("../") || relative === ".." || posix.isAbsolute(relative))
      this.fail(`template "${name}" is outside the recipes directory`, at);
    return join(this.dir, relative);
  }

  /** `{% include/import/extends NAME %}`: the name, once its file is known to exist. */
  private template(name: unknown, template: string, line: number, column: number): string {
    const at = { template, line, column };
    if (typeof name !== "string") this.fail("a template name is a string", at);
    if (!statSync(this.resolve(name, at), { throwIfNoEntry: false })?.isFile())
      this.fail(`template not found: ${name}`, at, `templates are files of ${this.dir}`);
    return name;
  }

  /** nunjucks' loader hook: a template of the directory, compiled with quoting by construction. */
  private load(name: string): nunjucks.LoaderSource {
    const file = this.resolve(name, { template: join(this.dir, name), line: 0, column: 0 });
    let text: string;
    try {
      text = readFileSync(file, "utf8");
    } catch {
      // nunjucks reports "template not found" with the position of the include.
      return null as unknown as nunjucks.LoaderSource;
    }
    let compiled: unknown;
    try {
      compiled = compileRecipe(text.replace(/\r\n?/g, "\n"), file);
    } catch (e) {
      if (e instanceof RecipeError) this.failure ??= e;
      throw e;
    }
    // nunjucks accepts precompiled code where its typings say string.
    return { src: compiled as string, path: file, noCache: false };
  }

  /** `{{ value }}`: one quoted shell word; a macro's output (a direct call) as it is. */
  private quote(
    value: unknown,
    isCall: boolean,
    template: string,
    line: number,
    column: number,
    what: string,
  ): unknown {
    const at = { template, line, column };
    if (value === undefined || value === null)
      this.fail(
        `${what} is undefined`,
        at,
        "only print variables the recipe receives (docs/generator.md)",
      );
    if (isCall && value instanceof this.SafeString) return value;
    if (typeof value === "string" || typeof value === "number" || typeof value === "boolean")
      return shellWord(String(value));
    if (value instanceof this.SafeString) return shellWord(value.toString());
    return this.fail(
      `${what} is ${Array.isArray(value) ? "a list" : "a record"}, not a value to print`,
      at,
      "loop over it with {% for %}",
    );
  }

  /** `target.key` / `target[key]`, strict: a missing key is an error, not `undefined`. */
  private lookup(
    target: unknown,
    key: unknown,
    template: string,
    line: number,
    column: number,
  ): unknown {
    const at = { template, line, column };
    const name = String(key);
    if (target === undefined || target === null)
      this.fail(`cannot read "${name}" of an undefined value`, at);
    const object = Object(target) as Record<string, unknown>;
    if (["constructor", "prototype", "__proto__"].includes(name))
      this.fail(`"${name}" cannot be read in a recipe`, at);
    if (!(name in object)) {
      const record = describeRecord(target);
      const keys = record === undefined ? [] : Object.keys(object);
      this.fail(
        `${record ?? "the value"} has no "${name}"${keys.length > 0 ? ` (it has: ${keys.join(", ")})` : ""}`,
        at,
        `test whether a key exists with {% if "${name}" in … %}`,
      );
    }
    const value = object[name];
    return typeof value === "function" ? value.bind(target) : value;
  }

  /** `ref(dep)`: `"$var"`, the variable the script assigns the dependency's path to. */
  private ref(dep: DependencyContext, template: string, line: number, column: number): unknown {
    const variable = dependencyVariableOf(dep);
    if (variable === undefined || !IDENTIFIER_RE.test(variable))
      this.fail("ref() takes a dependency (an item of depends, deps or virtuals)", {
        template,
        line,
        column,
      });
    return new this.SafeString(`"$${variable}"`);
  }

  /** `value | makevalue`: the value escaped for a Makefile assignment. */
  private makevalue(value: unknown, template: string, line: number, column: number): string {
    const escaped = makeValue(String(value));
    if (escaped === undefined)
      this.fail(
        `${JSON.stringify(String(value))} cannot be written in a Makefile (it holds a newline or a backslash)`,
        { template, line, column },
      );
    return escaped;
  }
}

/** An error nunjucks raised at render time, with the innermost template and line it names. */
function fromNunjucks(e: unknown, file: string): RecipeError {
  const message = e instanceof Error ? e.message : String(e);
  let position: TemplatePosition = { template: file, line: 0, column: 0 };
  for (const m of message.matchAll(/\(([^)\n]+)\) \[Line (\d+)(?:, Column (\d+))?\]/g)) {
    // Runtime positions in nunjucks' messages are 0-based.
    position = { template: m[1]!, line: Number(m[2]) + 1, column: m[3] ? Number(m[3]) + 1 : 0 };
  }
  const reason =
    message
      .split("\n")
      .map((l) => l.trim())
      .filter((l) => l !== "" && !/^\([^)]*\)( \[Line .*\])?$/.test(l))
      .at(-1)
      ?.replace(/^(Template render error: |Error: )+/, "") ?? message;
  return new RecipeError(reason, position);
}
