/**
 * `pthbs.lock.json`: the text form of a Lockfile (docs/generator.md "Lockfile"). Written with
 * sorted keys, two-space indentation and one trailing newline, so the same set always gives the
 * same bytes and a change shows as a small diff. Read back with every problem reported at its line.
 *
 * It stays readable by `solve --reuse` (solver/reuse.ts): `lockfileVersion: 1` and, per package
 * under `packages.<name>`, `version`, `options` and `external`.
 */
import { readFile } from "node:fs/promises";
import type { Diagnostic, SourceLocation } from "../common/errors.js";
import type { OptionValue } from "../common/options.js";
import { NotFoundError, RequestError } from "../solver/errors.js";
import { DEPENDENCY_TYPES, type DependencyType } from "../solver/universe.js";
import { compareText, type ScriptSource } from "./header.js";
import type { LockedDependency, LockedPackage, LockedRequest, Lockfile } from "./lockfile.js";
import { parseStoreId, type StoreId } from "./store.js";

/** The format version this pthbs writes and reads. */
export const LOCKFILE_VERSION = 1;

/** The lockfile's name in a generate output directory. */
export const LOCKFILE_NAME = "pthbs.lock.json";

/** The same fields, none of them undefined. */
type Complete<T> = { [K in keyof T]-?: Exclude<T[K], undefined> };

const EXTERNAL_KEYS = ["version", "options", "external", "prefix", "recipe", "provides"];
const BUILT_KEYS = [
  ...["version", "options", "external", "id", "recipe", "source", "resources"],
  ...["depends", "virtuals", "provides"],
];

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const record = <T>(entries: Iterable<[string, T]>): Record<string, T> =>
  Object.fromEntries([...entries].sort(([a], [b]) => compareText(a, b)));

function sourceJson(s: ScriptSource): Json {
  return s.kind === "git"
    ? { git: s.url, commit: s.commit }
    : { url: s.url, sha256: s.sha256, filename: s.filename };
}

function packageJson(p: LockedPackage): Json {
  const options = record(p.options);
  if (p.external)
    return {
      version: p.version,
      options,
      external: true,
      prefix: p.external.prefix,
      recipe: p.recipe,
      provides: [...p.provides],
    };
  const byType = (t: DependencyType) =>
    p.depends.filter((d) => d.types.includes(t)).map((d) => d.name);
  return {
    version: p.version,
    options,
    external: false,
    ...(p.id !== undefined && { id: p.id }),
    recipe: p.recipe,
    source: sourceJson(p.source!),
    resources: p.resources.map(sourceJson),
    depends: { build: byType("build"), link: byType("link"), run: byType("run") },
    virtuals: virtualsJson(p.depends),
    provides: [...p.provides],
  };
}

/**
 * For each virtual, the dependency that provides it; a list (sorted) when several present
 * packages provide it, as the solver then links the dependent with each of them.
 */
function virtualsJson(depends: readonly LockedDependency[]): Json {
  const providers = new Map<string, string[]>();
  for (const d of depends)
    for (const v of d.virtuals) providers.set(v, [...(providers.get(v) ?? []), d.name]);
  return record(
    [...providers].map(([v, names]): [string, Json] => [
      v,
      names.length === 1 ? names[0]! : names.sort(compareText),
    ]),
  );
}

function requestJson(r: LockedRequest): Json {
  return {
    specs: [...r.specs],
    externals: record(
      r.externals.map((e): [string, Json] => [
        e.name,
        {
          version: e.version,
          prefix: e.prefix,
          ...(e.options.size > 0 && { options: record(e.options) }),
          ...(e.provides.length > 0 && { provides: [...e.provides] }),
        },
      ]),
    ),
    preferences: {
      providers: record([...r.providers].map(([v, list]): [string, Json] => [v, [...list]])),
      versions: record(r.versions),
    },
  };
}

/** The text of a lockfile. */
export function formatLockfile(lock: Lockfile): string {
  const doc: Json = {
    lockfileVersion: LOCKFILE_VERSION,
    store: lock.store,
    request: requestJson(lock.request),
    roots: [...lock.roots],
    packages: record(lock.packages.map((p): [string, Json] => [p.name, packageJson(p)])),
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}

/** A path into a JSON document: keys and array indices. */
export type JsonPath = readonly (string | number)[];

/** A lockfile read from text, and where each of its values is in that text. */
export interface ParsedLockfile {
  readonly lockfile: Lockfile;
  /** The position of the value at `path` (the nearest enclosing one when it is missing). */
  at(path: JsonPath): SourceLocation;
}

/** Reads and checks a lockfile; throws `NotFoundError` or `RequestError` (every problem, with its line). */
export async function readLockfile(path: string): Promise<ParsedLockfile> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (e) {
    throw new NotFoundError(
      `cannot read lockfile ${path} (${(e as NodeJS.ErrnoException).code ?? String(e)})`,
      `give --lock the ${LOCKFILE_NAME} that pthbs generate wrote`,
    );
  }
  return parseLockfile(text, path);
}

/** Parses and checks the text of a lockfile; `file` is the path shown in messages. */
export function parseLockfile(text: string, file: string): ParsedLockfile {
  let positions = new Map<string, { line: number; column: number }>();
  const at = (path: JsonPath): SourceLocation => {
    for (let n = path.length; n >= 0; n--) {
      const pos = positions.get(JSON.stringify(path.slice(0, n)));
      if (pos) return { file, ...pos };
    }
    return { file, line: 1, column: 1 };
  };
  const problems: Diagnostic[] = [];
  const problem = (
    path: JsonPath,
    message: string,
    hint = "the file was edited by hand: regenerate it with pthbs generate",
  ) => problems.push({ severity: "error", code: "bad-lockfile", ...at(path), message, hint });
  const fail = (path: JsonPath, message: string, hint?: string): never => {
    problem(path, message, hint);
    throw new RequestError(problems);
  };
  try {
    positions = jsonPositions(text);
  } catch (e) {
    if (!(e instanceof JsonSyntaxError)) throw e;
    const before = text.slice(0, e.offset).split("\n");
    throw new RequestError([
      {
        severity: "error",
        code: "bad-lockfile",
        file,
        line: before.length,
        column: before.at(-1)!.length + 1,
        message: `not JSON: ${e.message}`,
        hint: `give the ${LOCKFILE_NAME} that pthbs generate wrote`,
      },
    ]);
  }
  const doc: unknown = JSON.parse(text);
  const reader = new Reader(problem);
  const top = reader.object(doc, []);
  if (!top) return fail([], "a lockfile is a JSON object");
  const version = top.lockfileVersion;
  if (version === undefined)
    fail(
      [],
      "no lockfileVersion: this is not a pthbs lockfile",
      `give the ${LOCKFILE_NAME} that pthbs generate wrote`,
    );
  if (version !== LOCKFILE_VERSION)
    fail(
      ["lockfileVersion"],
      `lockfile format version ${JSON.stringify(version)} is not supported (this pthbs reads version ${LOCKFILE_VERSION})`,
      "it was written by another version of pthbs: use that version, or solve and generate again",
    );
  reader.keys(top, [], ["lockfileVersion", "store", "request", "roots", "packages"]);
  const store = reader.string(top.store, ["store"]);
  const request = reader.request(top.request);
  const roots = reader.strings(top.roots, ["roots"]);
  const packagesDoc = reader.object(top.packages, ["packages"]) ?? {};
  const packages: LockedPackage[] = [];
  for (const name of Object.keys(packagesDoc).sort(compareText)) {
    const p = reader.package(name, packagesDoc[name]);
    if (p) packages.push(p);
  }
  const names = new Set(Object.keys(packagesDoc));
  roots?.forEach((r, i) => {
    if (!names.has(r)) problem(["roots", i], `root ${r} is not among the packages`);
  });
  for (const p of packages)
    for (const d of p.depends)
      if (!names.has(d.name))
        problem(
          ["packages", p.name, "depends"],
          `${p.name} depends on ${d.name}, which is not among the packages`,
        );
  if (problems.length > 0 || store === undefined || request === undefined || roots === undefined)
    throw new RequestError(problems);
  return { lockfile: { store, request, roots, packages }, at };
}

/** Type checks of a lockfile's JSON values; each problem is reported at its path. */
class Reader {
  constructor(private readonly problem: (path: JsonPath, message: string) => void) {}

  private wrong(path: JsonPath, expected: string): undefined {
    this.problem(path, `${path.join(".") || "the document"} must be ${expected}`);
    return undefined;
  }

  object(v: unknown, path: JsonPath): Record<string, unknown> | undefined {
    return typeof v === "object" && v !== null && !Array.isArray(v)
      ? (v as Record<string, unknown>)
      : this.wrong(path, "an object");
  }

  string(v: unknown, path: JsonPath): string | undefined {
    return typeof v === "string" ? v : this.wrong(path, "a string");
  }

  strings(v: unknown, path: JsonPath): string[] | undefined {
    if (!Array.isArray(v) || !v.every((x) => typeof x === "string"))
      return this.wrong(path, "a list of strings");
    return v as string[];
  }

  keys(o: Record<string, unknown>, path: JsonPath, allowed: readonly string[]): void {
    for (const k of Object.keys(o))
      if (!allowed.includes(k))
        this.problem([...path, k], `unknown key "${k}" (expected ${allowed.join(", ")})`);
  }

  options(v: unknown, path: JsonPath): Map<string, OptionValue> | undefined {
    const o = this.object(v, path);
    if (!o) return undefined;
    const options = new Map<string, OptionValue>();
    for (const [k, value] of Object.entries(o).sort(([a], [b]) => compareText(a, b))) {
      if (typeof value === "boolean" || typeof value === "string") options.set(k, value);
      else this.wrong([...path, k], "true, false or a string");
    }
    return options;
  }

  source(v: unknown, path: JsonPath): ScriptSource | undefined {
    const o = this.object(v, path);
    if (!o) return undefined;
    if ("git" in o) {
      this.keys(o, path, ["git", "commit"]);
      const url = this.string(o.git, [...path, "git"]);
      const commit = this.string(o.commit, [...path, "commit"]);
      return url === undefined || commit === undefined ? undefined : { kind: "git", url, commit };
    }
    this.keys(o, path, ["url", "sha256", "filename"]);
    const url = this.string(o.url, [...path, "url"]);
    const sha256 = this.string(o.sha256, [...path, "sha256"]);
    const filename = this.string(o.filename, [...path, "filename"]);
    return url === undefined || sha256 === undefined || filename === undefined
      ? undefined
      : { kind: "url", url, sha256, filename };
  }

  request(v: unknown): LockedRequest | undefined {
    const o = this.object(v, ["request"]);
    if (!o) return undefined;
    this.keys(o, ["request"], ["specs", "externals", "preferences"]);
    const specs = this.strings(o.specs, ["request", "specs"]);
    const ext = this.object(o.externals, ["request", "externals"]) ?? {};
    const externals = Object.keys(ext)
      .sort(compareText)
      .flatMap((name) => {
        const path = ["request", "externals", name];
        const e = this.object(ext[name], path);
        if (!e) return [];
        this.keys(e, path, ["version", "prefix", "options", "provides"]);
        const version = this.string(e.version, [...path, "version"]);
        const prefix = this.string(e.prefix, [...path, "prefix"]);
        const options = "options" in e ? this.options(e.options, [...path, "options"]) : new Map();
        const provides = "provides" in e ? this.strings(e.provides, [...path, "provides"]) : [];
        return version === undefined || prefix === undefined || !options || !provides
          ? []
          : [{ name, version, prefix, options, provides }];
      });
    const prefs = this.object(o.preferences, ["request", "preferences"]) ?? {};
    this.keys(prefs, ["request", "preferences"], ["providers", "versions"]);
    const providersDoc =
      this.object(prefs.providers, ["request", "preferences", "providers"]) ?? {};
    const providers = new Map<string, string[]>();
    for (const [k, list] of Object.entries(providersDoc)) {
      const l = this.strings(list, ["request", "preferences", "providers", k]);
      if (l) providers.set(k, l);
    }
    const versionsDoc = this.object(prefs.versions, ["request", "preferences", "versions"]) ?? {};
    const versions = new Map<string, string>();
    for (const [k, range] of Object.entries(versionsDoc)) {
      const r = this.string(range, ["request", "preferences", "versions", k]);
      if (r !== undefined) versions.set(k, r);
    }
    return specs === undefined ? undefined : { specs, externals, providers, versions };
  }

  package(name: string, v: unknown): LockedPackage | undefined {
    const path = ["packages", name];
    const o = this.object(v, path);
    if (!o) return undefined;
    if (typeof o.external !== "boolean") return this.wrong([...path, "external"], "true or false");
    const at = (key: string) => [...path, key];
    const common = {
      name,
      version: this.string(o.version, at("version")),
      options: this.options(o.options, at("options")),
      recipe: this.string(o.recipe, at("recipe")),
      provides: this.strings(o.provides, at("provides")),
    };
    const complete = (fields: object) => Object.values(fields).every((f) => f !== undefined);
    if (o.external) {
      this.keys(o, path, EXTERNAL_KEYS);
      const external = { prefix: this.string(o.prefix, at("prefix")) };
      if (!complete(common) || !complete(external)) return undefined;
      return {
        ...(common as Complete<typeof common>),
        external: external as { prefix: string },
        depends: [],
        resources: [],
      };
    }
    this.keys(o, path, BUILT_KEYS);
    const resources = Array.isArray(o.resources)
      ? o.resources.map((r, i) => this.source(r, [...path, "resources", i]))
      : this.wrong(at("resources"), "a list");
    const built = {
      source: this.source(o.source, at("source")),
      depends: this.depends(o, path),
      resources: resources?.every((r) => r !== undefined) ? resources : undefined,
    };
    const id = "id" in o ? this.id(name, o.id, at("id")) : undefined;
    if (!complete(common) || !complete(built)) return undefined;
    return {
      ...(common as Complete<typeof common>),
      ...(built as Complete<typeof built>),
      ...(id !== undefined && { id }),
    };
  }

  private id(name: string, v: unknown, path: JsonPath): StoreId | undefined {
    const text = this.string(v, path);
    if (text === undefined) return undefined;
    if (parseStoreId(text)?.name === name) return text as StoreId;
    this.problem(path, `"${text}" is not a store id of ${name} (${name}.<64 hex digits>)`);
    return undefined;
  }

  /** `depends: {build, link, run}` and `virtuals: {virtual: provider(s)}` back into edges. */
  private depends(o: Record<string, unknown>, path: JsonPath): LockedDependency[] | undefined {
    const doc = this.object(o.depends, [...path, "depends"]);
    const virtualsDoc = this.object(o.virtuals, [...path, "virtuals"]);
    if (!doc || !virtualsDoc) return undefined;
    this.keys(doc, [...path, "depends"], DEPENDENCY_TYPES);
    const types = new Map<string, DependencyType[]>();
    for (const t of DEPENDENCY_TYPES) {
      for (const name of this.strings(doc[t] ?? [], [...path, "depends", t]) ?? [])
        types.set(name, [...(types.get(name) ?? []), t]);
    }
    const virtuals = new Map<string, string[]>();
    for (const [v, provider] of Object.entries(virtualsDoc)) {
      const at = [...path, "virtuals", v];
      const providers = Array.isArray(provider)
        ? this.strings(provider, at)
        : [this.string(provider, at)].filter((x) => x !== undefined);
      for (const p of providers ?? []) {
        if (!types.has(p))
          this.problem(at, `virtual ${v} is provided by ${p}, which is not among the dependencies`);
        virtuals.set(p, [...(virtuals.get(p) ?? []), v]);
      }
    }
    return [...types]
      .sort(([a], [b]) => compareText(a, b))
      .map(([name, t]) => ({
        name,
        types: t,
        virtuals: (virtuals.get(name) ?? []).sort(compareText),
      }));
  }
}

/** Text that is not JSON, and where the first problem is. */
export class JsonSyntaxError extends Error {
  constructor(
    message: string,
    /** 0-based offset in the text. */
    readonly offset: number,
  ) {
    super(message);
  }
}

/**
 * The 1-based line and column of every value of a JSON text, keyed by `JSON.stringify(path)`.
 * Throws `JsonSyntaxError` at the first character that is not JSON.
 */
export function jsonPositions(text: string): Map<string, { line: number; column: number }> {
  const positions = new Map<string, { line: number; column: number }>();
  let i = 0;
  let line = 1;
  let lineStart = 0;
  const fail = (what: string): never => {
    throw new JsonSyntaxError(
      i < text.length ? `unexpected ${JSON.stringify(text[i])} ${what}` : `unexpected end ${what}`,
      i,
    );
  };
  const skip = () => {
    while (i < text.length && " \t\r\n".includes(text[i]!)) {
      if (text[i] === "\n") {
        line++;
        lineStart = i + 1;
      }
      i++;
    }
  };
  const expect = (c: string, what: string) => {
    skip();
    if (text[i] !== c) fail(what);
    i++;
  };
  const token = (re: RegExp, what: string): string => {
    re.lastIndex = i;
    const m = re.exec(text);
    if (!m) return fail(what);
    i += m[0].length;
    return m[0];
  };
  const string = (): string => {
    const start = i;
    for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === "\\") i++;
    if (i >= text.length) fail("in a string");
    i++;
    try {
      return JSON.parse(text.slice(start, i)) as string;
    } catch {
      i = start;
      return fail("starting a malformed string");
    }
  };
  const value = (path: (string | number)[]): void => {
    skip();
    positions.set(JSON.stringify(path), { line, column: i - lineStart + 1 });
    const c = text[i];
    if (c === "{") {
      i++;
      skip();
      if (text[i] === "}") {
        i++;
        return;
      }
      do {
        skip();
        if (text[i] !== '"') fail("where a key was expected");
        const key = string();
        expect(":", "where : was expected");
        value([...path, key]);
        skip();
      } while (text[i] === "," && ++i);
      expect("}", "where , or } was expected");
    } else if (c === "[") {
      i++;
      skip();
      if (text[i] === "]") {
        i++;
        return;
      }
      let n = 0;
      do {
        value([...path, n++]);
        skip();
      } while (text[i] === "," && ++i);
      expect("]", "where , or ] was expected");
    } else if (c === '"') string();
    else
      token(
        /true|false|null|-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y,
        "where a value was expected",
      );
  };
  value([]);
  skip();
  if (i < text.length) fail("after the end of the document");
  return positions;
}
