/**
 * One constraint file → one `Package`, with every problem the file shows on its own.
 *
 * The checker never stops at the first problem: a bad entry is reported and left out, and the rest
 * of the file is still read, so that `pthbs lint` lists everything at once. Checks that need other
 * files (does a dependency exist? does it have that option?) are in `load.ts`.
 */
import { basename } from "node:path";
import type { Diagnostic, DiagnosticCode, Severity, SourceLocation } from "../common/errors.js";
import { SpecSyntaxError } from "./errors.js";
import { NAME_RE, OPTION_RE, type Spec, SpecTable, VALUE_RE } from "./spec.js";
import { didYouMean } from "./suggest.js";
import {
  type LocatedToml,
  parseLocatedToml,
  type TomlPath,
  TomlSyntaxError,
  type TomlTable,
  type TomlValue,
} from "./toml.js";
import { isTable, showValue, TomlChecker } from "./toml-checker.js";
import {
  type Conflict,
  DEPENDENCY_TYPES,
  type Dependency,
  type DependencyType,
  type Package,
  type PackageOption,
  type PackageVersion,
  type Provision,
  type Source,
} from "./universe.js";
import type { Version } from "./version.js";

/** The outcome of checking one file: the package as far as it is valid, and the problems found. */
export interface FileCheck {
  /** Absent only when the file is not TOML at all. */
  readonly package?: Package;
  readonly diagnostics: readonly Diagnostic[];
}

const TOP_KEYS = [
  "name",
  "summary",
  "homepage",
  "recipe",
  "provides",
  "options",
  "versions",
  "depends",
  "conflicts",
];
const OPTION_KEYS = ["default", "values", "summary", "when"];
const VERSION_KEYS = ["source", "resources", "deprecated"];
const SOURCE_KEYS = ["url", "sha256", "filename", "git", "commit"];
const DEPENDS_KEYS = ["spec", "when", "type"];
const CONFLICTS_KEYS = ["spec", "when", "msg"];
const PROVIDES_KEYS = ["name", "when"];
/** Words people coming from Spack, Nix or apt write instead of ours. */
const ALIASES: Record<string, string> = {
  dependencies: "depends",
  depends_on: "depends",
  variants: "options",
  variant: "options",
  sources: "source",
  url: "source",
  sha256sum: "sha256",
  rev: "commit",
  revision: "commit",
  tag: "commit",
  message: "msg",
  description: "summary",
  deptype: "type",
  types: "type",
};

const SHA256_RE = /^[0-9a-f]{64}$/;
const COMMIT_RE = /^[0-9a-f]{40}$/;

/**
 * Reads and checks the text of one constraint file; `file` is the path shown in diagnostics.
 * `specs` interns the parsed specs and versions across the files of one load.
 */
export function checkConstraintFile(
  text: string,
  file: string,
  specs: SpecTable = new SpecTable(),
): FileCheck {
  let doc: LocatedToml;
  try {
    doc = parseLocatedToml(text, file);
  } catch (e) {
    if (!(e instanceof TomlSyntaxError)) throw e;
    return {
      diagnostics: [
        {
          severity: "error",
          code: "toml-syntax",
          ...e.location,
          message: `malformed TOML: ${e.message}`,
          hint: "fix the TOML syntax at this position (quotes, brackets, '=' between key and value, no repeated keys)",
        },
      ],
    };
  }
  const checker = new FileChecker(doc, specs);
  const pkg = checker.readPackage();
  return { package: pkg, diagnostics: checker.diagnostics };
}

/**
 * The problems of `spec`'s option requirements and version range against `pkg`: options it does
 * not declare, values it does not have, a range that no declared version falls in.
 */
export function specProblems(
  pkg: Package,
  spec: Spec,
): { code: DiagnosticCode; severity: Severity; message: string; hint?: string }[] {
  const problems: { code: DiagnosticCode; severity: Severity; message: string; hint?: string }[] =
    [];
  for (const req of spec.options) {
    const option = pkg.options.find((o) => o.name === req.name);
    if (!option) {
      const hint = didYouMean(
        req.name,
        pkg.options.map((o) => o.name),
      );
      problems.push({
        code: "unknown-option",
        severity: "error",
        message: `${pkg.name} has no option "${req.name}"`,
        hint:
          hint ??
          (pkg.options.length
            ? `its options are: ${pkg.options.map((o) => o.name).join(", ")}`
            : `${pkg.name} declares no options`),
      });
    } else if (option.kind === "bool" && typeof req.value !== "boolean") {
      problems.push({
        code: "unknown-value",
        severity: "error",
        message: `option "${req.name}" of ${pkg.name} is boolean, not "${req.value}"`,
        hint: `write +${req.name} or ~${req.name}`,
      });
    } else if (option.kind === "value" && !option.values.includes(req.value)) {
      const shown =
        typeof req.value === "boolean" ? `${req.value ? "+" : "~"}${req.name}` : `"${req.value}"`;
      problems.push({
        code: "unknown-value",
        severity: "error",
        message: `option "${req.name}" of ${pkg.name} has no value ${shown}`,
        hint:
          (typeof req.value === "string"
            ? didYouMean(req.value, option.values.map(String))
            : undefined) ?? `its values are: ${option.values.join(", ")} (write ${req.name}=VALUE)`,
      });
    }
  }
  const range = spec.range;
  if (range && pkg.versions.length > 0 && !pkg.versions.some((v) => range.contains(v.version))) {
    problems.push({
      code: "no-matching-version",
      severity: "warning",
      message: `no declared version of ${pkg.name} is in @${range.toString()}`,
      hint: `declared versions: ${pkg.versions.map((v) => v.version.text).join(", ")}`,
    });
  }
  return problems;
}

class FileChecker extends TomlChecker {
  constructor(doc: LocatedToml, specs: SpecTable) {
    super(doc, ALIASES, specs);
  }

  protected override describePath(path: TomlPath): string {
    const [head, second] = path;
    if (head === "versions" && second !== undefined)
      return `version "${second}"${path.length > 2 ? `'s ${path.slice(2).join(".")}` : ""}`;
    if (head === "options" && second !== undefined) return `option "${second}"`;
    if ((head === "depends" || head === "conflicts") && typeof second === "number")
      return `[[${head}]] entry #${second + 1}`;
    return super.describePath(path);
  }

  readPackage(): Package {
    const root = this.doc.root;
    this.checkKeys(root, [], TOP_KEYS, "a constraint file");
    const expected = basename(this.file).replace(/\.toml$/, "");
    let name = this.string(root, ["name"]);
    if (name === undefined) {
      if (!("name" in root)) this.missing([], "name", `add name = "${expected}" at the top`);
      name = expected;
    } else if (!NAME_RE.test(name)) {
      this.error(
        "bad-name",
        this.doc.valueAt(["name"]),
        `"${name}" is not a valid package name`,
        "package names use letters, digits, '_', '.' and '-'",
      );
    } else if (name !== expected) {
      this.error(
        "name-mismatch",
        this.doc.valueAt(["name"]),
        `name "${name}" does not match the file name ${basename(this.file)}`,
        `rename the file to ${name}.toml or write name = "${expected}"`,
      );
    }
    const summary = this.string(root, ["summary"]);
    const homepage = this.string(root, ["homepage"]);
    const recipe = this.string(root, ["recipe"]) ?? name;
    const options = this.readOptions(root);
    const versions = this.readVersions(root);
    const partial: Package = {
      name,
      ...(summary !== undefined && { summary }),
      ...(homepage !== undefined && { homepage }),
      recipe,
      provides: [],
      options,
      versions,
      depends: [],
      conflicts: [],
      location: this.doc.keyAt(["name"]),
    };
    // Conditions may name this package's options, so they are read once the options are known.
    const checked: Package = {
      ...partial,
      options: options.map((o) => this.withOptionCondition(partial, o)),
      provides: this.readProvides(root, partial),
      depends: this.readDepends(root, partial),
      conflicts: this.readConflicts(root, partial),
    };
    return checked;
  }

  private readOptions(root: TomlTable): PackageOption[] {
    const table = this.table(root, ["options"]);
    if (!table) return [];
    const options: PackageOption[] = [];
    for (const [name, value] of Object.entries(table)) {
      const path = ["options", name];
      const loc = this.doc.keyAt(path);
      if (!OPTION_RE.test(name)) {
        this.error(
          "bad-name",
          loc,
          `"${name}" is not a valid option name`,
          "option names use letters, digits, '_' and '-', and start with a letter or '_'",
        );
        continue;
      }
      const opt = this.tableValue(
        value,
        path,
        `option "${name}"`,
        `write ${name} = { default = false, summary = "…" }`,
      );
      if (!opt) continue;
      this.checkKeys(opt, path, OPTION_KEYS, `option "${name}"`);
      const summary = this.string(opt, [...path, "summary"]);
      const rawValues = opt.values;
      const def = opt.default;
      if (def === undefined) {
        this.missing(
          path,
          "default",
          `add default = false (boolean option) or default = "VALUE" with values = [...]`,
        );
        continue;
      }
      if (rawValues === undefined) {
        if (typeof def !== "boolean") {
          this.error(
            "bad-default",
            this.doc.valueAt([...path, "default"]),
            `option "${name}" has no values list, so its default must be true or false`,
            `add values = [${typeof def === "object" ? '"VALUE"' : JSON.stringify(String(def))}, …] for a valued option`,
          );
          continue;
        }
        options.push({
          name,
          kind: "bool",
          values: [true, false],
          default: def,
          ...(summary !== undefined && { summary }),
          location: loc,
        });
        continue;
      }
      const values = this.stringArray(opt, [...path, "values"]);
      if (!values) continue;
      if (values.length === 0) {
        this.error(
          "wrong-type",
          this.doc.valueAt([...path, "values"]),
          `option "${name}" has an empty values list`,
          "list at least one value",
        );
        continue;
      }
      const seen = new Set<string>();
      const good: string[] = [];
      values.forEach((v, i) => {
        const at = this.doc.valueAt([...path, "values", i]);
        if (!VALUE_RE.test(v)) {
          this.error(
            "unknown-value",
            at,
            `"${v}" is not a valid option value`,
            "option values use letters, digits, '_', '.' and '-'",
          );
        } else if (seen.has(v)) {
          this.error(
            "duplicate-value",
            at,
            `value "${v}" is listed twice`,
            "remove the repeated value",
          );
        } else {
          seen.add(v);
          good.push(v);
        }
      });
      let chosen: string | undefined = typeof def === "string" && seen.has(def) ? def : undefined;
      if (chosen === undefined) {
        this.error(
          "bad-default",
          this.doc.valueAt([...path, "default"]),
          `default ${showValue(def)} of option "${name}" is not one of its values`,
          (typeof def === "object" ? undefined : didYouMean(String(def), good)) ??
            `choose one of: ${good.join(", ")}`,
        );
        // Keep the option (with its first value) so that its uses are not reported again.
        chosen = good[0];
      }
      if (chosen === undefined) continue;
      options.push({
        name,
        kind: "value",
        values: good,
        default: chosen,
        ...(summary !== undefined && { summary }),
        location: loc,
      });
    }
    return options.sort((a, b) => (a.name < b.name ? -1 : 1));
  }

  private withOptionCondition(pkg: Package, option: PackageOption): PackageOption {
    const when = this.condition(pkg, ["options", option.name, "when"]);
    return when ? { ...option, when } : option;
  }

  private readVersions(root: TomlTable): PackageVersion[] {
    if (!("versions" in root)) {
      this.missing(
        [],
        "versions",
        `add a [versions."1.0"] table with source = { url = "…", sha256 = "…" }`,
      );
      return [];
    }
    const table = this.table(root, ["versions"]);
    if (!table) return [];
    const versions: PackageVersion[] = [];
    const declared: { version: Version; line: number }[] = [];
    for (const [text, value] of Object.entries(table)) {
      const path = ["versions", text];
      const loc = this.doc.keyAt(path);
      let version: Version;
      try {
        version = this.specs.version(text);
      } catch (e) {
        if (!(e instanceof SpecSyntaxError)) throw e;
        this.error("bad-version", loc, `"${text}" is not a valid version: ${e.reason}`, e.hint);
        continue;
      }
      const twin = declared.find((v) => v.version.sameSegments(version));
      if (twin) {
        this.error(
          "duplicate-version",
          loc,
          `version "${text}" is the same version as "${twin.version.text}" (line ${twin.line})`,
          "keep one of them",
        );
        continue;
      }
      declared.push({ version, line: loc.line });
      const entry = this.tableValue(
        value,
        path,
        `version "${text}"`,
        `write [versions."${text}"] with source = { … }`,
      );
      if (!entry) continue;
      this.checkKeys(entry, path, VERSION_KEYS, `version "${text}"`);
      const deprecated = this.boolean(entry, [...path, "deprecated"]) ?? false;
      if (!("source" in entry)) {
        this.missing(
          path,
          "source",
          `add source = { url = "…", sha256 = "…" } or source = { git = "…", commit = "…" }`,
        );
        continue;
      }
      const source = this.readSource(entry.source, [...path, "source"]);
      const resources: Source[] = [];
      const rawResources = entry.resources;
      if (rawResources !== undefined) {
        if (!Array.isArray(rawResources)) {
          this.wrongType([...path, "resources"], rawResources, "an array of source tables");
        } else {
          rawResources.forEach((r, i) => {
            const s = this.readSource(r, [...path, "resources", i]);
            if (s) resources.push(s);
          });
        }
      }
      if (!source) continue;
      versions.push({ version, source, resources, deprecated, location: loc });
    }
    if (versions.length === 0 && Object.keys(table).length === 0) {
      this.error(
        "no-versions",
        this.doc.keyAt(["versions"]),
        "the package declares no versions",
        `add a [versions."1.0"] table`,
      );
    }
    return versions.sort((a, b) => b.version.compare(a.version));
  }

  private readSource(value: TomlValue, path: TomlPath): Source | undefined {
    const src = this.tableValue(
      value,
      path,
      "a source",
      `write { url = "…", sha256 = "…" } or { git = "…", commit = "…" }`,
    );
    if (!src) return undefined;
    this.checkKeys(src, path, SOURCE_KEYS, "a source");
    const loc = this.doc.valueAt(path);
    const hasUrl = "url" in src || "sha256" in src;
    const hasGit = "git" in src || "commit" in src;
    if (hasUrl && hasGit) {
      this.error(
        "source-kind",
        loc,
        "a source is either a file (url + sha256) or a git commit (git + commit), not both",
        "split it, or keep one kind",
      );
      return undefined;
    }
    if (!hasUrl && !hasGit) {
      this.error(
        "source-kind",
        loc,
        "a source needs url + sha256 or git + commit",
        `write { url = "…", sha256 = "…" }`,
      );
      return undefined;
    }
    if (hasUrl) {
      const url = this.requiredString(src, path, "url", `add url = "https://…"`);
      const sha256 = this.requiredString(
        src,
        path,
        "sha256",
        "add sha256 = the file's 64-hex-digit SHA-256",
      );
      const filename = this.string(src, [...path, "filename"]);
      let ok = url !== undefined && sha256 !== undefined;
      if (url !== undefined && !isFileUrl(url)) {
        this.error(
          "bad-url",
          this.doc.valueAt([...path, "url"]),
          `"${url}" is not an http(s), ftp or file URL`,
          "write the full URL, e.g. https://example.org/x-1.0.tar.gz",
        );
        ok = false;
      }
      if (sha256 !== undefined && !SHA256_RE.test(sha256)) {
        this.error(
          "bad-sha256",
          this.doc.valueAt([...path, "sha256"]),
          `sha256 must be 64 lowercase hex digits (got ${sha256.length} characters${/[^0-9a-fA-F]/.test(sha256) ? ", not all hex" : ""})`,
          "copy the full SHA-256 of the file, as `sha256sum` prints it",
        );
        ok = false;
      }
      if (
        filename !== undefined &&
        (filename.includes("/") || filename === "" || filename.startsWith("."))
      ) {
        this.error(
          "bad-url",
          this.doc.valueAt([...path, "filename"]),
          `filename "${filename}" must be a plain file name`,
          "no slashes, not starting with a dot",
        );
        ok = false;
      }
      return ok
        ? {
            kind: "url",
            url: url!,
            sha256: sha256!,
            ...(filename !== undefined && { filename }),
            location: loc,
          }
        : undefined;
    }
    const url = this.requiredString(src, path, "git", `add git = "https://…/repo.git"`);
    const commit = this.requiredString(
      src,
      path,
      "commit",
      "add commit = the full 40-hex-digit commit id",
    );
    let ok = url !== undefined && commit !== undefined;
    if (url !== undefined && !isGitUrl(url)) {
      this.error(
        "bad-url",
        this.doc.valueAt([...path, "git"]),
        `"${url}" is not a git repository URL`,
        "write https://host/path.git, ssh://…, git://… or file://…",
      );
      ok = false;
    }
    if (commit !== undefined && !COMMIT_RE.test(commit)) {
      this.error(
        "bad-commit",
        this.doc.valueAt([...path, "commit"]),
        `commit must be 40 lowercase hex digits (got ${commit.length} characters${/[^0-9a-fA-F]/.test(commit) ? ", not all hex" : ""})`,
        /^[0-9a-f]{4,39}$/.test(commit)
          ? "abbreviated commits are ambiguous: write the full id (git rev-parse TAG^{commit})"
          : "write the full commit id, e.g. from git rev-parse TAG^{commit}",
      );
      ok = false;
    }
    return ok ? { kind: "git", url: url!, commit: commit!, location: loc } : undefined;
  }

  private readProvides(root: TomlTable, pkg: Package): Provision[] {
    const raw = root.provides;
    if (raw === undefined) return [];
    if (!Array.isArray(raw)) {
      this.wrongType(["provides"], raw, `an array of virtual names, e.g. ["libc"]`);
      return [];
    }
    const provisions: Provision[] = [];
    raw.forEach((item, i) => {
      const path = ["provides", i];
      const loc = this.doc.valueAt(path);
      let virtual: string | undefined;
      let when: Spec | undefined;
      if (typeof item === "string") {
        virtual = item;
      } else if (isTable(item)) {
        this.checkKeys(item, path, PROVIDES_KEYS, "a provides entry");
        virtual = this.requiredString(item, path, "name", `add name = "VIRTUAL"`);
        when = this.condition(pkg, [...path, "when"]);
      } else {
        this.wrongType(path, item, `a virtual name or { name = "…", when = "…" }`);
        return;
      }
      if (virtual === undefined) return;
      if (!NAME_RE.test(virtual)) {
        this.error(
          "bad-name",
          loc,
          `"${virtual}" is not a valid virtual package name`,
          "use letters, digits, '_', '.' and '-'",
        );
        return;
      }
      provisions.push({ virtual, ...(when && { when }), location: loc });
    });
    return provisions;
  }

  private readDepends(root: TomlTable, pkg: Package): Dependency[] {
    return this.entries(
      root,
      "depends",
      DEPENDS_KEYS,
      "a [[depends]] entry",
      (entry, path, loc) => {
        const spec = this.namedSpec(entry, path);
        const when = this.condition(pkg, [...path, "when"]);
        const types = this.dependencyTypes(entry, path);
        if (!spec || !types) return undefined;
        return { spec, ...(when && { when }), types, location: loc };
      },
    );
  }

  private readConflicts(root: TomlTable, pkg: Package): Conflict[] {
    return this.entries(
      root,
      "conflicts",
      CONFLICTS_KEYS,
      "a [[conflicts]] entry",
      (entry, path, loc) => {
        const spec = this.namedSpec(entry, path);
        const when = this.condition(pkg, [...path, "when"]);
        const message = this.string(entry, [...path, "msg"]);
        if (!spec) return undefined;
        return {
          spec,
          ...(when && { when }),
          ...(message !== undefined && { message }),
          location: loc,
        };
      },
    );
  }

  private entries<T>(
    root: TomlTable,
    key: string,
    allowed: readonly string[],
    what: string,
    read: (entry: TomlTable, path: TomlPath, loc: SourceLocation) => T | undefined,
  ): T[] {
    const raw = root[key];
    if (raw === undefined) return [];
    if (!Array.isArray(raw)) {
      this.wrongType([key], raw, `an array of tables: write [[${key}]] before each entry`);
      return [];
    }
    const out: T[] = [];
    raw.forEach((item, i) => {
      const path = [key, i];
      const entry = this.tableValue(item, path, what, `write [[${key}]] followed by spec = "…"`);
      if (!entry) return;
      this.checkKeys(entry, path, allowed, what);
      // Cite the line of the spec itself: that is the fact explanations and lint point at.
      const value = read(
        entry,
        path,
        "spec" in entry ? this.doc.valueAt([...path, "spec"]) : this.doc.keyAt(path),
      );
      if (value !== undefined) out.push(value);
    });
    return out;
  }

  private namedSpec(entry: TomlTable, path: TomlPath): Spec | undefined {
    const text = this.requiredString(entry, path, "spec", `add spec = "NAME@RANGE"`);
    return text === undefined ? undefined : this.spec(text, [...path, "spec"], "named", "bad-spec");
  }

  /** Reads an optional `when` condition of `pkg` and checks it against the package's own options. */
  private condition(pkg: Package, path: TomlPath): Spec | undefined {
    const parent = path.slice(0, -1);
    const key = path[path.length - 1] as string;
    let table: TomlValue = this.doc.root;
    for (const p of parent) table = (table as Record<string | number, TomlValue>)[p] as TomlValue;
    if (!isTable(table)) return undefined;
    const text = this.string(table, path);
    if (text === undefined || !(key in table)) return undefined;
    const spec = this.spec(text, path, "anonymous", "bad-when");
    if (!spec) return undefined;
    const at = this.doc.valueAt(path);
    for (const p of specProblems(pkg, spec))
      this.report(p.severity, p.code, at, `condition "${text}": ${p.message}`, p.hint);
    return spec;
  }

  private dependencyTypes(entry: TomlTable, path: TomlPath): DependencyType[] | undefined {
    const raw = entry.type;
    if (raw === undefined) return ["build", "link"];
    const list = typeof raw === "string" ? [raw] : this.stringArray(entry, [...path, "type"]);
    if (!list) return undefined;
    if (list.length === 0) {
      this.error(
        "bad-dependency-type",
        this.doc.valueAt([...path, "type"]),
        "empty dependency type list",
        `write type = ["build", "link"] (or leave type out for that default)`,
      );
      return undefined;
    }
    list.forEach((t, i) => {
      if (!(DEPENDENCY_TYPES as readonly string[]).includes(t)) {
        this.error(
          "bad-dependency-type",
          this.doc.valueAt(typeof raw === "string" ? [...path, "type"] : [...path, "type", i]),
          `"${t}" is not a dependency type`,
          didYouMean(t, DEPENDENCY_TYPES) ?? "dependency types are build, link and run",
        );
      }
    });
    // The bad entries are reported; keep the good ones (or the default) so the spec is still checked.
    const good = DEPENDENCY_TYPES.filter((t) => list.includes(t));
    return good.length > 0 ? good : ["build", "link"];
  }
}

function isFileUrl(url: string): boolean {
  try {
    return ["http:", "https:", "ftp:", "file:"].includes(new URL(url).protocol);
  } catch {
    return false;
  }
}

function isGitUrl(url: string): boolean {
  if (/^[A-Za-z0-9._-]+@[A-Za-z0-9.-]+:[^\s]+$/.test(url)) return true; // scp-like user@host:path
  try {
    return ["http:", "https:", "git:", "ssh:", "file:"].includes(new URL(url).protocol);
  } catch {
    return false;
  }
}
