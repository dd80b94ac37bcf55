/**
 * The generator's errors. Each is a `PthbsError` (bad input the user can fix: exit 1), carrying
 * where the problem is, so the command line can say it without a stack trace.
 */
import { PthbsError } from "../common/errors.js";

/** Where in a recipe a problem is: the template file and a 1-based line and column (0 when unknown). */
export interface TemplatePosition {
  readonly template: string;
  readonly line: number;
  readonly column: number;
}

/**
 * A recipe that cannot be rendered: missing template, syntax error, undefined variable, a value
 * in a place where it could not stay data. Names the template, its line and the package.
 */
export class RecipeError extends PthbsError {
  override readonly name = "RecipeError";
  constructor(
    /** What is wrong, without the position. */
    readonly reason: string,
    readonly position: TemplatePosition,
    /** `name@version` of the package being rendered, when known. */
    readonly pkg?: string,
    readonly hint?: string,
  ) {
    const where =
      position.line > 0
        ? `${position.template}:${position.line}:${position.column > 0 ? `${position.column}:` : ""}`
        : `${position.template}:`;
    super(`${where} ${pkg === undefined ? "" : `while rendering ${pkg}: `}${reason}`);
  }

  /** The same error, told which package was being rendered. */
  forPackage(pkg: string): RecipeError {
    return this.pkg === undefined
      ? new RecipeError(this.reason, this.position, pkg, this.hint)
      : this;
  }
}

/** A script whose `#@pthbs` header lines cannot be read; `line` is 1-based. */
export class ScriptHeaderError extends PthbsError {
  override readonly name = "ScriptHeaderError";
  constructor(
    readonly reason: string,
    readonly line: number,
    readonly hint?: string,
  ) {
    super(`script header, line ${line}: ${reason}`);
  }
}

/**
 * A package set the generator cannot turn into scripts: a dependency cycle, a name that is not a
 * package name, a store root or prefix that is not a plain path, two dependencies with one
 * shell variable.
 */
export class GeneratorError extends PthbsError {
  override readonly name = "GeneratorError";
  constructor(
    message: string,
    readonly hint?: string,
    /** The package the problem is in, when it is in one. */
    readonly pkg?: string,
  ) {
    super(message);
  }
}
