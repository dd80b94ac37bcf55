/**
 * Typed errors and diagnostics shared by every stage.
 *
 * A user error (bad input the user can fix) is a `PthbsError`: the CLI prints its message without a
 * stack trace and exits 1. Anything else reaching the CLI is an internal error (exit 70).
 */

/** Where a fact came from: a position in a file, or the command line. Lines and columns are 1-based. */
export interface SourceLocation {
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

/** Renders a location the way compilers do, so terminals and editors can jump to it. */
export function formatLocation(loc: SourceLocation): string {
  return loc.line > 0 ? `${loc.file}:${loc.line}:${loc.column}` : loc.file;
}

export type Severity = "error" | "warning";

/** Stable identifiers of every problem the constraint validator reports. */
export type DiagnosticCode =
  | "io"
  | "toml-syntax"
  | "unknown-key"
  | "missing-key"
  | "wrong-type"
  | "name-mismatch"
  | "bad-name"
  | "bad-version"
  | "duplicate-version"
  | "bad-sha256"
  | "bad-commit"
  | "bad-url"
  | "source-kind"
  | "bad-spec"
  | "bad-when"
  | "unknown-option"
  | "unknown-value"
  | "bad-default"
  | "duplicate-value"
  | "unknown-package"
  | "bad-dependency-type"
  | "virtual-with-constraints"
  | "name-clash"
  | "no-matching-version"
  | "duplicate-package"
  | "no-versions"
  | "unknown-name"
  | "bad-request"
  | "bad-lockfile";

/** One problem found in the user's input, with where it is, what is wrong, and what to do. */
export interface Diagnostic extends SourceLocation {
  readonly severity: Severity;
  readonly code: DiagnosticCode;
  readonly message: string;
  readonly hint?: string;
}

/** Base of every error the user can fix in their input (exit code 1). */
export class PthbsError extends Error {
  override readonly name: string = "PthbsError";
}

/** A version, range or spec string that does not follow the spec syntax. */
export class SpecSyntaxError extends PthbsError {
  override readonly name = "SpecSyntaxError";
  /**
   * @param input the whole string being parsed
   * @param offset 0-based position of the offending character in `input`
   * @param hint what to write instead, when there is an obvious fix
   */
  constructor(
    readonly reason: string,
    readonly input: string,
    readonly offset: number,
    readonly hint?: string,
  ) {
    super(`${reason} in "${input}" at column ${offset + 1}`);
  }
}

/** The constraint files hold errors; every one of them is in `diagnostics`. */
export class ConstraintError extends PthbsError {
  override readonly name = "ConstraintError";
  constructor(readonly diagnostics: readonly Diagnostic[]) {
    const errors = diagnostics.filter((d) => d.severity === "error");
    const first = errors[0];
    super(
      first === undefined
        ? "the constraint files are invalid"
        : `${errors.length} error(s) in the constraint files; first: ${formatLocation(first)}: ${first.message}`,
    );
  }
}

/** A package, virtual or file the user named does not exist. */
export class NotFoundError extends PthbsError {
  override readonly name = "NotFoundError";
  constructor(
    message: string,
    readonly hint?: string,
  ) {
    super(message);
  }
}

/** A request (specs, environment file, lockfile) that does not fit the universe; every problem is listed. */
export class RequestError extends PthbsError {
  override readonly name = "RequestError";
  constructor(readonly diagnostics: readonly Diagnostic[]) {
    const first = diagnostics[0];
    super(
      first === undefined
        ? "the request is invalid"
        : diagnostics.length === 1
          ? `${first.file === "command line" ? "" : `${formatLocation(first)}: `}${first.message}`
          : `${diagnostics.length} problems in the request; first: ${first.message}`,
    );
  }
}

/** A CUDF document (or a criteria string) that does not follow the CUDF 2.0 / MISC syntax. */
export class CudfSyntaxError extends PthbsError {
  override readonly name = "CudfSyntaxError";
  /**
   * @param file the document's path (or `criteria` for a criteria string)
   * @param line 1-based line of the offending property (0 when it has none)
   */
  constructor(
    readonly file: string,
    readonly line: number,
    readonly reason: string,
    readonly hint?: string,
  ) {
    super(`${line > 0 ? `${file}:${line}` : file}: ${reason}`);
  }
}
