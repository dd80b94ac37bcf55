/**
 * Shape checks for TOML input files (constraint files, environment files): unknown keys with
 * "did you mean", wrong types, missing keys and spec syntax, each as a located diagnostic.
 */
import type { Diagnostic, DiagnosticCode, Severity, SourceLocation } from "../common/errors.js";
import { SpecSyntaxError } from "./errors.js";
import { type Spec, type SpecNaming, SpecTable } from "./spec.js";
import { didYouMean } from "./suggest.js";
import type { LocatedToml, TomlPath, TomlTable, TomlValue } from "./toml.js";

/** Collects diagnostics about one TOML document; subclasses read their own format with it. */
export class TomlChecker {
  readonly diagnostics: Diagnostic[] = [];
  protected readonly file: string;

  /**
   * @param aliases words users write instead of ours (e.g. Spack's "variants" for "options")
   * @param specs parsed specs and versions by text, shared by the files of one load: a spec
   *   written many times is parsed once and is one object, which the encoder's memo recognises
   */
  constructor(
    protected readonly doc: LocatedToml,
    protected readonly aliases: Readonly<Record<string, string>> = {},
    protected readonly specs: SpecTable = new SpecTable(),
  ) {
    this.file = doc.file;
  }

  /** How a path is named in "X has no Y" messages. */
  protected describePath(path: TomlPath): string {
    return `"${path.join(".")}"`;
  }

  protected spec(
    text: string,
    path: TomlPath,
    naming: SpecNaming,
    code: "bad-spec" | "bad-when",
  ): Spec | undefined {
    try {
      return this.specs.spec(text, naming);
    } catch (e) {
      if (!(e instanceof SpecSyntaxError)) throw e;
      const at = this.doc.valueAt(path);
      this.error(
        code,
        { ...at, column: at.column + 1 + e.offset },
        `${code === "bad-when" ? "condition" : "spec"} "${text}": ${e.reason}`,
        e.hint,
      );
      return undefined;
    }
  }

  protected checkKeys(
    table: TomlTable,
    path: TomlPath,
    allowed: readonly string[],
    what: string,
  ): void {
    for (const key of Object.keys(table)) {
      if (allowed.includes(key)) continue;
      const alias = this.aliases[key];
      const hint =
        (alias !== undefined && allowed.includes(alias) ? `did you mean "${alias}"?` : undefined) ??
        didYouMean(key, allowed) ??
        `${what} takes: ${allowed.join(", ")}`;
      this.error(
        "unknown-key",
        this.doc.keyAt([...path, key]),
        `unknown key "${key}" in ${what}`,
        hint,
      );
    }
  }

  protected table(parent: TomlTable, path: TomlPath): TomlTable | undefined {
    const value = parent[path[path.length - 1] as string];
    if (value === undefined) return undefined;
    return this.tableValue(
      value,
      path,
      `"${path.join(".")}"`,
      `write [${path.join(".")}] as a table`,
    );
  }

  protected tableValue(
    value: TomlValue,
    path: TomlPath,
    what: string,
    hint: string,
  ): TomlTable | undefined {
    if (isTable(value)) return value;
    this.error(
      "wrong-type",
      this.doc.valueAt(path),
      `${what} must be a table, not ${describe(value)}`,
      hint,
    );
    return undefined;
  }

  protected string(parent: TomlTable, path: TomlPath): string | undefined {
    const value = parent[path[path.length - 1] as string];
    if (value === undefined || typeof value === "string") return value;
    this.wrongType(path, value, "a string");
    return undefined;
  }

  protected requiredString(
    parent: TomlTable,
    path: TomlPath,
    key: string,
    hint: string,
  ): string | undefined {
    if (!(key in parent)) {
      this.missing(path, key, hint);
      return undefined;
    }
    return this.string(parent, [...path, key]);
  }

  protected boolean(parent: TomlTable, path: TomlPath): boolean | undefined {
    const value = parent[path[path.length - 1] as string];
    if (value === undefined || typeof value === "boolean") return value;
    this.wrongType(path, value, "true or false");
    return undefined;
  }

  protected stringArray(parent: TomlTable, path: TomlPath): string[] | undefined {
    const value = parent[path[path.length - 1] as string];
    if (Array.isArray(value) && value.every((v) => typeof v === "string")) return value as string[];
    if (Array.isArray(value)) {
      const i = value.findIndex((v) => typeof v !== "string");
      this.wrongType([...path, i], value[i] as TomlValue, "a string");
    } else if (value !== undefined) {
      this.wrongType(path, value, "an array of strings");
    }
    return undefined;
  }

  protected wrongType(path: TomlPath, value: TomlValue, expected: string): void {
    const key = path.filter((p) => typeof p === "string").at(-1) ?? "value";
    this.error(
      "wrong-type",
      this.doc.valueAt(path),
      `"${key}" must be ${expected}, not ${describe(value)}`,
      typeHint(expected, value),
    );
  }

  protected missing(path: TomlPath, key: string, hint: string): void {
    const where = path.length === 0 ? "the file" : this.describePath(path);
    const at = path.length === 0 ? { file: this.file, line: 1, column: 1 } : this.doc.keyAt(path);
    this.error("missing-key", at, `${where} has no "${key}"`, hint);
  }

  protected error(code: DiagnosticCode, at: SourceLocation, message: string, hint?: string): void {
    this.report("error", code, at, message, hint);
  }

  protected report(
    severity: Severity,
    code: DiagnosticCode,
    at: SourceLocation,
    message: string,
    hint?: string,
  ): void {
    this.diagnostics.push({
      severity,
      code,
      file: at.file,
      line: at.line,
      column: at.column,
      message,
      ...(hint !== undefined && { hint }),
    });
  }
}

export function isTable(value: TomlValue | undefined): value is TomlTable {
  return (
    typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof Date)
  );
}

/** A value as a message quotes it: JSON, an integer beyond 2^53 in full (in quotes, inside others). */
export function showValue(value: TomlValue): string {
  if (typeof value === "bigint") return String(value);
  return JSON.stringify(value, (_, v: unknown) => (typeof v === "bigint" ? String(v) : v));
}

function describe(value: TomlValue): string {
  if (typeof value === "string") return `a string (${JSON.stringify(value)})`;
  if (typeof value === "boolean") return `a boolean (${value})`;
  if (typeof value === "number" || typeof value === "bigint") return `a number (${value})`;
  if (value instanceof Date) return "a date";
  if (Array.isArray(value)) return "an array";
  return "a table";
}

function typeHint(expected: string, value: TomlValue): string {
  if (expected === "a string" && (typeof value === "number" || typeof value === "bigint")) {
    return `put it in quotes: "${value}"`;
  }
  if (expected.startsWith("an array") && typeof value === "string")
    return `put it in brackets: [${JSON.stringify(value)}]`;
  return `write ${expected} here`;
}
