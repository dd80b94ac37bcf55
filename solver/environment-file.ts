/**
 * Environment files: a Request written down — specs, preferences and externals.
 *
 *   specs = ["s6-rc", "busybox +static"]
 *   [preferences]
 *   providers = { libc = ["musl", "musl-cross-make"] }   # most preferred first
 *   versions = { skalibs = "@2.14" }                      # prefer these over newer versions
 *   [externals.gnu-make]                                  # present on the host: no build needed
 *   version = "4.3"
 *   prefix = "/usr"
 *   options = { load = true }                             # optional
 *   provides = ["cc"]                                     # optional
 */
import { readFile } from "node:fs/promises";
import type { SourceLocation } from "../common/errors.js";
import { NotFoundError, RequestError, SpecSyntaxError } from "./errors.js";
import { VersionRange } from "./range.js";
import type { External, Request, RequestItem } from "./request.js";
import { NAME_RE, OPTION_RE, type OptionValue } from "./spec.js";
import { parseLocatedToml, type TomlPath, TomlSyntaxError, type TomlTable } from "./toml.js";
import { isTable, TomlChecker } from "./toml-checker.js";
import { Version } from "./version.js";

const TOP_KEYS = ["specs", "preferences", "externals"];
const PREFERENCE_KEYS = ["providers", "versions"];
const EXTERNAL_KEYS = ["version", "prefix", "options", "provides"];
const ALIASES: Record<string, string> = {
  packages: "specs",
  requests: "specs",
  spec: "specs",
  external: "externals",
  preference: "preferences",
  path: "prefix",
};

/** Reads an environment file into a Request; throws `RequestError` listing every problem. */
export async function readEnvironmentFile(path: string): Promise<Request> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new NotFoundError(
      `cannot read environment file ${path} (${code ?? String(e)})`,
      "check the path given to -f",
    );
  }
  return parseEnvironmentFile(text, path);
}

/** Parses the text of an environment file; `file` is the path shown in messages. */
export function parseEnvironmentFile(text: string, file: string): Request {
  let checker: EnvironmentChecker;
  try {
    checker = new EnvironmentChecker(parseLocatedToml(text, file));
  } catch (e) {
    if (!(e instanceof TomlSyntaxError)) throw e;
    throw new RequestError([
      {
        severity: "error",
        code: "toml-syntax",
        ...e.location,
        message: `malformed TOML: ${e.message}`,
      },
    ]);
  }
  const request = checker.read();
  if (checker.diagnostics.length > 0) throw new RequestError(checker.diagnostics);
  return request;
}

class EnvironmentChecker extends TomlChecker {
  constructor(doc: ConstructorParameters<typeof TomlChecker>[0]) {
    super(doc, ALIASES);
  }

  protected override describePath(path: TomlPath): string {
    return path[0] === "externals" && path.length === 2
      ? `external "${String(path[1])}"`
      : super.describePath(path);
  }

  read(): Request {
    const root = this.doc.root;
    this.checkKeys(root, [], TOP_KEYS, "an environment file");
    const items: RequestItem[] = [];
    const specs = this.stringArray(root, ["specs"]);
    if (!("specs" in root))
      this.missing([], "specs", 'add specs = ["NAME", …] with the packages you want');
    specs?.forEach((text, i) => {
      const spec = this.spec(text, ["specs", i], "named", "bad-spec");
      if (spec) items.push({ spec, text, location: this.doc.valueAt(["specs", i]) });
    });
    const providerPreferences = new Map<string, string[]>();
    const versionPreferences = new Map<string, VersionRange>();
    const prefs = this.table(root, ["preferences"]);
    if (prefs) {
      this.checkKeys(prefs, ["preferences"], PREFERENCE_KEYS, "[preferences]");
      const providers = this.table(prefs, ["preferences", "providers"]);
      for (const virtual of Object.keys(providers ?? {})) {
        const list = this.stringArray(providers!, ["preferences", "providers", virtual]);
        if (list) providerPreferences.set(virtual, list);
      }
      const versions = this.table(prefs, ["preferences", "versions"]);
      for (const name of Object.keys(versions ?? {})) {
        const path = ["preferences", "versions", name];
        const text = this.string(versions!, path);
        if (text === undefined) continue;
        const range = this.range(text.replace(/^@/, ""), path);
        if (range) versionPreferences.set(name, range);
      }
    }
    const externals: External[] = [];
    const ext = this.table(root, ["externals"]);
    for (const [name, value] of Object.entries(ext ?? {})) {
      const path = ["externals", name];
      const e = this.readExternal(name, value, path);
      if (e) externals.push(e);
    }
    return { items, externals, providerPreferences, versionPreferences };
  }

  private readExternal(name: string, value: unknown, path: TomlPath): External | undefined {
    const loc = this.doc.keyAt(path);
    if (!NAME_RE.test(name)) {
      this.error(
        "bad-name",
        loc,
        `"${name}" is not a valid package name`,
        "use letters, digits, '_', '.' and '-'",
      );
      return undefined;
    }
    if (!isTable(value as TomlTable)) {
      this.error(
        "wrong-type",
        loc,
        `external "${name}" must be a table`,
        `write [externals.${name}] with version = "…" and prefix = "…"`,
      );
      return undefined;
    }
    const table = value as TomlTable;
    this.checkKeys(table, path, EXTERNAL_KEYS, `external "${name}"`);
    const versionText = this.requiredString(
      table,
      path,
      "version",
      'add version = "X.Y" (the version installed on the host)',
    );
    const prefix = this.requiredString(
      table,
      path,
      "prefix",
      'add prefix = "/usr" (where it is installed)',
    );
    let version: Version | undefined;
    if (versionText !== undefined) {
      try {
        version = Version.parse(versionText);
      } catch (e) {
        if (!(e instanceof SpecSyntaxError)) throw e;
        this.error(
          "bad-version",
          this.doc.valueAt([...path, "version"]),
          `"${versionText}" is not a valid version: ${e.reason}`,
          e.hint,
        );
      }
    }
    if (prefix !== undefined && !prefix.startsWith("/")) {
      this.error(
        "bad-request",
        this.doc.valueAt([...path, "prefix"]),
        `prefix "${prefix}" is not an absolute path`,
        "write the absolute directory, e.g. /usr",
      );
    }
    const options = new Map<string, OptionValue>();
    const opts = this.table(table, [...path, "options"]);
    for (const [o, v] of Object.entries(opts ?? {})) {
      if (!OPTION_RE.test(o))
        this.error(
          "bad-name",
          this.doc.keyAt([...path, "options", o]),
          `"${o}" is not an option name`,
        );
      else if (typeof v === "boolean" || typeof v === "string") options.set(o, v);
      else this.wrongType([...path, "options", o], v, "true, false or a value string");
    }
    const provides =
      "provides" in table ? (this.stringArray(table, [...path, "provides"]) ?? []) : [];
    if (!version || prefix === undefined) return undefined;
    return { name, version, prefix, options, provides, location: loc };
  }

  private range(text: string, path: TomlPath): VersionRange | undefined {
    try {
      return VersionRange.parse(text);
    } catch (e) {
      if (!(e instanceof SpecSyntaxError)) throw e;
      const at: SourceLocation = this.doc.valueAt(path);
      this.error(
        "bad-spec",
        { ...at, column: at.column + 1 + e.offset },
        `version preference "${text}": ${e.reason}`,
        e.hint,
      );
      return undefined;
    }
  }
}
