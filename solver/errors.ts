/**
 * The solver's errors: bad specs, constraint files, names and requests. Each is a `PthbsError`
 * (common/errors.ts: the base every stage shares), which the CLI prints without a stack trace.
 */
import { type Diagnostic, formatLocation, PthbsError } from "../common/errors.js";

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
