/**
 * The CUDF reader's errors. Each is a `PthbsError` (bad input the user can fix: exit 1).
 */
import { PthbsError } from "../common/errors.js";

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
