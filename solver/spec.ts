/**
 * Specs (a Spack-style subset): `name@range +opt ~opt key=value`.
 *
 * Every part is optional but the name; conditions (`when`) are anonymous specs with no name that
 * apply to the package they sit in. `+opt`/`~opt` may be attached (`busybox+static`) or spaced;
 * `key=value` is separated by whitespace. Options are kept sorted by name so that two specs that
 * say the same thing are equal and print the same.
 */
import { type OptionValue, printOption } from "../common/options.js";
import { SpecSyntaxError } from "./errors.js";
import { VersionRange } from "./range.js";
import { Version } from "./version.js";

// Lockfiles, scripts and the executor share option values too, so they live in common/.
export type { OptionValue } from "../common/options.js";

/** One option requirement of a spec. */
export interface OptionRequirement {
  readonly name: string;
  readonly value: OptionValue;
}

/** A parsed spec. `name` is absent in anonymous specs (`when` conditions). */
export interface Spec {
  readonly name?: string;
  /** Absent when the spec says nothing about the version. */
  readonly range?: VersionRange;
  /** Sorted by name, each name at most once. */
  readonly options: readonly OptionRequirement[];
}

/** Whether the spec must, may or must not name a package. */
export type SpecNaming = "named" | "anonymous" | "either";

/** A package's configuration as far as a spec can see it: version and option values. */
export interface Configuration {
  readonly name: string;
  readonly version: Version;
  /** The value of every option that exists for this version; absent options do not match. */
  readonly options: ReadonlyMap<string, OptionValue>;
}

/** Package names: letters, digits and `_ . -`, starting with a letter or digit. */
export const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
/** Option names: letters, digits, `_` and `-`, not starting with a digit or `-`. */
export const OPTION_RE = /^[A-Za-z_][A-Za-z0-9_-]*$/;
/** Option values: letters, digits and `_ . -`. */
export const VALUE_RE = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;

const WORD = /[A-Za-z0-9_][A-Za-z0-9_.-]*/y;
const RANGE = /[A-Za-z0-9._:,=-]*/y;

/**
 * Parses a spec. Throws `SpecSyntaxError` with the offset of the first problem.
 * @param naming "named" for dependency specs and requests, "anonymous" for `when` conditions
 */
export function parseSpec(text: string, naming: SpecNaming = "either"): Spec {
  return parseBareSpec(text, naming, undefined) ?? parseFullSpec(text, naming, undefined);
}

/**
 * The specs and versions of one load, each distinct text parsed once: the encoder memoises by
 * spec object, and a repository's ranges repeat its versions (40,000 versions at cone 2,000 of
 * the 7,000-file benchmark, 1,000 of them distinct). Both are immutable, so sharing is unseen.
 */
export class SpecTable {
  private readonly specs = new Map<string, Spec>();
  private readonly versions = new Map<string, Version>();

  /**
   * `parseSpec` through the table. The text alone is the key (no key is built per lookup): a
   * valid named spec has a name and a valid anonymous one has none, so a text parsed under the
   * other naming is parsed again, for its error.
   */
  spec(text: string, naming: SpecNaming): Spec {
    const known = this.specs.get(text);
    if (
      known !== undefined &&
      (naming === "either" || (known.name === undefined) === (naming === "anonymous"))
    )
      return known;
    const spec =
      parseBareSpec(text, naming, this.versions) ?? parseFullSpec(text, naming, this.versions);
    this.specs.set(text, spec);
    return spec;
  }

  /** `Version.parse` through the table. */
  version(text: string): Version {
    return Version.parseInterned(this.versions, text);
  }
}

const BARE = /^(?:[A-Za-z0-9][A-Za-z0-9_.-]*)?(?:@[A-Za-z0-9._:,=-]*)?$/;

/**
 * A spec as `printSpec` writes it — `name`, `name@range` or `@range`, then options each after one
 * space (`+opt`, `~opt`, `opt=value`) — as most dependencies and conditions are: the same result
 * as `parseFullSpec` without its scanner (a load parses tens of thousands of specs); undefined
 * for anything else and for anything wrong, which `parseFullSpec` then reports.
 */
function parseBareSpec(
  text: string,
  naming: SpecNaming,
  versions: Map<string, Version> | undefined,
): Spec | undefined {
  const space = text.indexOf(" ");
  const head = space < 0 ? text : text.slice(0, space);
  if (head === "" || !BARE.test(head)) return undefined;
  const at = head.indexOf("@");
  const name = at < 0 ? head : head.slice(0, at);
  if (name === "" ? naming === "named" : naming === "anonymous") return undefined;
  let range: VersionRange | undefined;
  if (at >= 0) {
    try {
      range = VersionRange.parse(head.slice(at + 1), versions);
    } catch {
      return undefined;
    }
  }
  const options = space < 0 ? NO_OPTIONS : bareOptions(text.slice(space + 1));
  if (options === undefined) return undefined;
  if (name === "") return range ? { range, options } : { options };
  return range ? { name, range, options } : { name, options };
}

/** The options of every spec that has none, shared: a load keeps one spec per dependency. */
const NO_OPTIONS: readonly OptionRequirement[] = [];

/** `+opt ~opt opt=value`, one space apart, sorted by name; undefined for anything else. */
function bareOptions(text: string): OptionRequirement[] | undefined {
  // One option, the usual case, without the split and the sort (a load parses thousands).
  if (!text.includes(" ")) {
    const option = bareOption(text);
    return option && [option];
  }
  const options: OptionRequirement[] = [];
  for (const token of text.split(" ")) {
    const option = bareOption(token);
    if (option === undefined || options.some((o) => o.name === option.name)) return undefined;
    options.push(option);
  }
  return options.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** `+opt`, `~opt` or `opt=value`; undefined for anything else. */
function bareOption(token: string): OptionRequirement | undefined {
  const sign = token[0];
  if (sign === "+" || sign === "~") {
    const name = token.slice(1);
    return OPTION_RE.test(name) ? { name, value: sign === "+" } : undefined;
  }
  const eq = token.indexOf("=");
  if (eq < 0) return undefined;
  const name = token.slice(0, eq);
  const value = token.slice(eq + 1);
  return OPTION_RE.test(name) && VALUE_RE.test(value) ? { name, value } : undefined;
}

function parseFullSpec(
  text: string,
  naming: SpecNaming,
  versions: Map<string, Version> | undefined,
): Spec {
  let name: string | undefined;
  let range: VersionRange | undefined;
  const options = new Map<string, OptionValue>();
  let pos = 0;
  let tokens = 0;
  const fail = (reason: string, at: number, hint?: string): never => {
    throw new SpecSyntaxError(reason, text, at, hint);
  };
  const setOption = (option: string, value: OptionValue, at: number) => {
    if (!OPTION_RE.test(option)) {
      fail(`"${option}" is not an option name`, at, "option names use letters, digits, _ and -");
    }
    if (options.has(option)) fail(`option "${option}" is given twice`, at, "keep one of them");
    options.set(option, value);
  };

  while (pos < text.length) {
    const ch = text[pos]!;
    if (/\s/.test(ch)) {
      pos++;
      continue;
    }
    const start = pos;
    if (ch === "@") {
      if (range)
        fail("a spec has one version range", pos, "join the ranges with a comma: @1.0:1.5,2.0:");
      RANGE.lastIndex = pos + 1;
      const body = RANGE.exec(text)![0];
      pos += 1 + body.length;
      range = parseNested(() => VersionRange.parse(body, versions), text, start + 1);
    } else if (ch === "+" || ch === "~") {
      WORD.lastIndex = pos + 1;
      const word = WORD.exec(text)?.[0];
      if (word === undefined) {
        fail(`"${ch}" must be followed by an option name`, pos + 1, `write ${ch}static`);
      } else {
        setOption(word, ch === "+", pos + 1);
        pos += 1 + word.length;
      }
    } else if (ch === "^") {
      fail(
        "dependency specs (^) are not supported",
        pos,
        "declare the dependency in a [[depends]] entry",
      );
    } else {
      WORD.lastIndex = pos;
      const word = WORD.exec(text)?.[0];
      if (word === undefined)
        fail(
          `unexpected character "${ch}"`,
          pos,
          "see the spec syntax: name@range +opt ~opt key=value",
        );
      pos += word!.length;
      if (text[pos] === "=") {
        WORD.lastIndex = pos + 1;
        const value = WORD.exec(text)?.[0];
        if (value === undefined)
          fail(`option "${word}" has no value after =`, pos + 1, `write ${word}=VALUE`);
        setOption(word!, value!, start);
        pos += 1 + value!.length;
      } else if (tokens === 0) {
        if (!NAME_RE.test(word!)) fail(`"${word}" is not a package name`, start);
        name = word;
      } else {
        fail(
          `unexpected word "${word}"`,
          start,
          name === undefined
            ? "the package name comes first"
            : `a spec names one package; write options as +${word}, ~${word} or ${word}=VALUE`,
        );
      }
    }
    tokens++;
  }
  if (tokens === 0)
    fail(
      "empty spec",
      0,
      naming === "anonymous"
        ? "write a condition such as @2.13: or +static"
        : "write a package name",
    );
  if (naming === "named" && name === undefined)
    fail("the spec names no package", 0, "start it with a package name, e.g. skalibs@2.14:");
  if (naming === "anonymous" && name !== undefined) {
    fail(
      "a condition names no package",
      0,
      `conditions apply to the package they are in: drop "${name}" and keep the rest`,
    );
  }
  const sorted = [...options.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([n, value]) => ({ name: n, value }));
  return { ...(name !== undefined && { name }), ...(range && { range }), options: sorted };
}

/** Prints a spec in the canonical form that `parseSpec` reads back to an equal spec. */
export function printSpec(spec: Spec): string {
  const parts: string[] = [];
  const head = `${spec.name ?? ""}${spec.range ? `@${spec.range.toString()}` : ""}`;
  if (head) parts.push(head);
  for (const { name, value } of spec.options) {
    parts.push(printOption(name, value));
  }
  return parts.join(" ");
}

/** Whether a configuration satisfies a spec; the spec's name, if any, must be the package's. */
export function satisfies(config: Configuration, spec: Spec): boolean {
  if (spec.name !== undefined && spec.name !== config.name) return false;
  if (spec.range && !spec.range.contains(config.version)) return false;
  return spec.options.every(({ name, value }) => config.options.get(name) === value);
}

/** Structural equality of specs. */
export function specEquals(a: Spec, b: Spec): boolean {
  return printSpec(a) === printSpec(b);
}

function parseNested<T>(parse: () => T, whole: string, offset: number): T {
  try {
    return parse();
  } catch (e) {
    if (e instanceof SpecSyntaxError)
      throw new SpecSyntaxError(e.reason, whole, offset + e.offset, e.hint);
    throw e;
  }
}
