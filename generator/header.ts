/**
 * The machine-readable head of every build script: what the executor reads before running it.
 *
 *   #!/bin/sh
 *   #@pthbs format 1
 *   #@pthbs name s6
 *   #@pthbs version 2.13.1.0
 *   #@pthbs recipe skarnet
 *   #@pthbs option execline true
 *   #@pthbs option target "x86_64-linux-musl"
 *   #@pthbs source url https://skarnet.org/software/s6/s6-2.13.1.0.tar.gz sha256 bf06…ce7e file s6-2.13.1.0.tar.gz
 *   #@pthbs source git https://github.com/skarnet/s6.git commit 763cabcda00c…
 *   #@pthbs resource url https://…/gcc-9.4.0.tar.xz sha256 c95d…838e file gcc-9.4.0.tar.xz
 *   #@pthbs depends skalibs build,link /opt/pthbs/store/skalibs.a14a…
 *   #@pthbs depends gnu-make build /usr external 4.3 option load true
 *   #@pthbs depends musl-cross-make build,link /opt/pthbs/store/musl-cross-make.3f2c… for cc,libc
 *
 * Each line is `#@pthbs`, a field and tokens separated by one space. A token is written bare when
 * it holds only `A-Z a-z 0-9 _ . , : / @ % + = ~ -`, else as a JSON string literal with every
 * character outside printable ASCII escaped — so a header line never holds a newline (which would
 * end the comment and start a command) and the header is plain ASCII. String option values are
 * always JSON strings, so `true` (a boolean) and `"true"` (a string) stay apart.
 * docs/generator.md has the grammar.
 */
import { NAME_RE, OPTION_RE, type OptionValue } from "../solver/spec.js";
import { DEPENDENCY_TYPES } from "../solver/universe.js";
import { GeneratorError, ScriptHeaderError } from "./errors.js";
import type { LockedDependency } from "./lockfile.js";

/** The header format this generator writes and reads. */
export const SCRIPT_FORMAT = 1;

/** The prefix of every header line. */
export const HEADER_PREFIX = "#@pthbs ";

/** A source as a script names it: a tarball with its sha256 and file name, or a git commit. */
export type ScriptSource =
  | {
      readonly kind: "url";
      readonly url: string;
      readonly sha256: string;
      /** The file name the executor stores it under (for resources: the name the build uses). */
      readonly filename: string;
    }
  | { readonly kind: "git"; readonly url: string; readonly commit: string };

/** A dependency as a script sees it: a dependency edge, and where the dependency is. */
export interface ScriptDependency extends LockedDependency {
  /** The dependency's store path, or an external's prefix on the host. */
  readonly path: string;
  /**
   * Present when the dependency is on the host, not in the store: its declared version and option
   * values (which no store id carries, so the script must).
   */
  readonly external?: {
    readonly version: string;
    /** Sorted by name. */
    readonly options: ReadonlyMap<string, OptionValue>;
  };
}

/** What names one configuration of a package: name, version, recipe and option values. */
export interface PackageConfiguration {
  readonly name: string;
  readonly version: string;
  /** The recipe template name (recipes/<recipe>.sh.njk). */
  readonly recipe: string;
  /** Sorted by name: every option that exists for this version. */
  readonly options: ReadonlyMap<string, OptionValue>;
}

/** Everything the header of a build script says. */
export interface ScriptHeader extends PackageConfiguration {
  readonly format: typeof SCRIPT_FORMAT;
  readonly source: ScriptSource;
  /** Further files the build needs, in declared order. */
  readonly resources: readonly ScriptSource[];
  /** Sorted by name. */
  readonly depends: readonly ScriptDependency[];
}

const BARE = /^[A-Za-z0-9_.,:/@%+=~-]+$/;

/** One header token: bare, or a JSON string literal with everything outside printable ASCII escaped. */
export function headerToken(value: string): string {
  return BARE.test(value) ? value : jsonString(value);
}

function jsonString(value: string): string {
  return JSON.stringify(value).replace(
    /[^\x20-\x7e]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

function sourceTokens(s: ScriptSource): string[] {
  return s.kind === "url"
    ? ["url", headerToken(s.url), "sha256", headerToken(s.sha256), "file", headerToken(s.filename)]
    : ["git", headerToken(s.url), "commit", headerToken(s.commit)];
}

/**
 * The header lines of a script (without `#!/bin/sh`), each ending with a newline. Names (of the
 * package, its recipe, options, dependencies and virtuals) must be valid names, so that they are
 * always bare tokens; everything else may hold any character.
 */
export function formatScriptHeader(h: ScriptHeader): string {
  const names = [h.name, h.recipe, ...h.depends.flatMap((d) => [d.name, ...d.virtuals])];
  const optionNames = [
    h.options,
    ...h.depends.map((d) => d.external?.options ?? new Map()),
  ].flatMap((o) => [...o.keys()]);
  const bad = names.find((n) => !NAME_RE.test(n)) ?? optionNames.find((o) => !OPTION_RE.test(o));
  if (bad !== undefined)
    throw new GeneratorError(
      `"${bad}" is not a valid name for a package, recipe, virtual or option`,
      "names are letters, digits and _ . - (see docs/constraints.md)",
    );
  const lines: string[][] = [
    ["format", String(h.format)],
    ["name", headerToken(h.name)],
    ["version", headerToken(h.version)],
    ["recipe", headerToken(h.recipe)],
  ];
  for (const [name, value] of sortedOptions(h.options))
    lines.push(["option", ...optionTokens(name, value)]);
  lines.push(["source", ...sourceTokens(h.source)]);
  for (const r of h.resources) lines.push(["resource", ...sourceTokens(r)]);
  for (const d of [...h.depends].sort((a, b) => compareText(a.name, b.name))) {
    const line = ["depends", headerToken(d.name), d.types.join(","), headerToken(d.path)];
    if (d.virtuals.length > 0) line.push("for", d.virtuals.join(","));
    if (d.external) {
      line.push("external", headerToken(d.external.version));
      for (const [o, v] of sortedOptions(d.external.options))
        line.push("option", ...optionTokens(o, v));
    }
    lines.push(line);
  }
  return lines.map((l) => `${HEADER_PREFIX}${l.join(" ")}\n`).join("");
}

function sortedOptions(options: ReadonlyMap<string, OptionValue>): [string, OptionValue][] {
  return [...options].sort(([a], [b]) => compareText(a, b));
}

/** An option as two tokens: its name, and `true`/`false` or a JSON string. */
function optionTokens(name: string, value: OptionValue): [string, string] {
  return [headerToken(name), typeof value === "boolean" ? String(value) : jsonString(value)];
}

/** Compares strings by UTF-16 code units: the one order every sorted list of the generator uses. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A token as read back: its text, and whether it was a JSON string literal. */
interface Token {
  readonly text: string;
  readonly quoted: boolean;
}

function tokenize(line: string, lineNo: number): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < line.length) {
    if (line[i] === '"') {
      let j = i + 1;
      while (j < line.length && line[j] !== '"') j += line[j] === "\\" ? 2 : 1;
      if (j >= line.length) throw new ScriptHeaderError("unterminated string", lineNo);
      let text: string;
      try {
        text = JSON.parse(line.slice(i, j + 1)) as string;
      } catch {
        throw new ScriptHeaderError(`malformed string ${line.slice(i, j + 1)}`, lineNo);
      }
      tokens.push({ text, quoted: true });
      i = j + 1;
    } else {
      let j = i;
      while (j < line.length && line[j] !== " ") j++;
      const text = line.slice(i, j);
      if (!BARE.test(text))
        throw new ScriptHeaderError(`unexpected characters in "${text}"`, lineNo);
      tokens.push({ text, quoted: false });
      i = j;
    }
    if (i < line.length) {
      if (line[i] !== " " || i + 1 === line.length)
        throw new ScriptHeaderError("tokens must be separated by one space", lineNo);
      i++;
    }
  }
  return tokens;
}

/**
 * Reads the header of a build script. The first line must be `#!/bin/sh`; the header is every
 * following line that starts with `#@pthbs `. Throws `ScriptHeaderError` naming the line.
 */
export function parseScriptHeader(script: string): ScriptHeader {
  const lines = script.split("\n");
  if (lines[0] !== "#!/bin/sh")
    throw new ScriptHeaderError("a build script starts with #!/bin/sh", 1);
  const fields = new Map<string, string>();
  const options = new Map<string, OptionValue>();
  const resources: ScriptSource[] = [];
  const depends: ScriptDependency[] = [];
  let source: ScriptSource | undefined;
  let n = 1;
  for (; n < lines.length && lines[n]!.startsWith(HEADER_PREFIX); n++) {
    const lineNo = n + 1;
    const [field, ...args] = tokenize(lines[n]!.slice(HEADER_PREFIX.length), lineNo);
    const fail = (reason: string): never => {
      throw new ScriptHeaderError(`${field?.text ?? "(empty)"}: ${reason}`, lineNo);
    };
    if (n === 1 && (field?.text !== "format" || args[0]?.text !== String(SCRIPT_FORMAT)))
      throw new ScriptHeaderError(
        `the first header line must be "${HEADER_PREFIX}format ${SCRIPT_FORMAT}"`,
        lineNo,
        "the script was written by another version of pthbs: regenerate it",
      );
    switch (field?.text) {
      case "format":
      case "name":
      case "version":
      case "recipe":
        if (args.length !== 1) fail("takes one value");
        if (fields.has(field.text)) fail("appears twice");
        fields.set(field.text, args[0]!.text);
        break;
      case "option": {
        const [name, value] = args;
        if (args.length !== 2 || !name || !value) return fail("takes a name and a value");
        if (options.has(name.text)) fail(`option ${name.text} appears twice`);
        options.set(name.text, optionValue(value, fail));
        break;
      }
      case "source":
        if (source) fail("appears twice");
        source = readSource(args, fail);
        break;
      case "resource":
        resources.push(readSource(args, fail));
        break;
      case "depends":
        depends.push(readDependency(args, fail));
        break;
      default:
        fail("unknown header field");
    }
  }
  const required = (key: string): string => {
    const v = fields.get(key);
    if (v === undefined)
      throw new ScriptHeaderError(`no "${HEADER_PREFIX}${key}" line in the header`, n + 1);
    return v;
  };
  const name = required("name");
  const version = required("version");
  const recipe = required("recipe");
  if (!source) throw new ScriptHeaderError(`no "${HEADER_PREFIX}source" line in the header`, n + 1);
  return { format: SCRIPT_FORMAT, name, version, recipe, options, source, resources, depends };
}

function readSource(args: readonly Token[], fail: (reason: string) => never): ScriptSource {
  const [kind, url, k1, v1, k2, v2] = args.map((t) => t.text);
  if (kind === "url" && args.length === 6 && k1 === "sha256" && k2 === "file")
    return { kind, url: url!, sha256: v1!, filename: v2! };
  if (kind === "git" && args.length === 4 && k1 === "commit")
    return { kind, url: url!, commit: v1! };
  return fail("expected url URL sha256 HEX file NAME, or git URL commit HEX");
}

function optionValue(token: Token, fail: (reason: string) => never): OptionValue {
  if (!token.quoted && token.text !== "true" && token.text !== "false")
    fail("an option value is true, false or a string in double quotes");
  return token.quoted ? token.text : token.text === "true";
}

function readDependency(args: readonly Token[], fail: (reason: string) => never): ScriptDependency {
  const [name, types, path, ...rest] = args;
  if (!name || !types || !path) return fail("expected NAME TYPES PATH");
  const typeList = types.text.split(",");
  if (!typeList.every((t) => (DEPENDENCY_TYPES as readonly string[]).includes(t)))
    fail(`"${types.text}" is not a list of build, link and run`);
  let external: { version: string; options: Map<string, OptionValue> } | undefined;
  let virtuals: string[] = [];
  for (let i = 0; i < rest.length; ) {
    const key = rest[i]!.text;
    const value = rest[i + 1];
    if (value === undefined) return fail(`"${key}" without a value`);
    if (key === "for" && virtuals.length === 0 && !external) virtuals = value.text.split(",");
    else if (key === "external" && !external)
      external = { version: value.text, options: new Map() };
    else if (key === "option" && external && rest[i + 2] !== undefined) {
      if (external.options.has(value.text)) fail(`option ${value.text} appears twice`);
      external.options.set(value.text, optionValue(rest[i + 2]!, fail));
      i++;
    } else fail(`unexpected "${key}"`);
    i += 2;
  }
  return {
    name: name.text,
    types: DEPENDENCY_TYPES.filter((t) => typeList.includes(t)),
    path: path.text,
    ...(external && { external }),
    virtuals,
  };
}
