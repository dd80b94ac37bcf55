/**
 * The error base and diagnostics, shared by every stage and owned by none: each stage's errors
 * extend `PthbsError` from here, so no stage imports another just to report a problem.
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

/** Stable identifiers of every problem a `Diagnostic` reports (constraint files, requests, lockfiles). */
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
