/**
 * The error an engine raises when it cannot go on for lack of resources (logic-solver's MiniSat
 * has a fixed 64 MiB heap): a user-facing error (exit 1) naming the engine and what to use
 * instead, never an emscripten abort trace.
 */
import { PthbsError } from "../../common/errors.js";

/** An engine ran out of a fixed resource on this problem; another engine may solve it. */
export class SolverLimitError extends PthbsError {
  override readonly name = "SolverLimitError";
  constructor(
    /** The engine that gave up (`--engine` name). */
    readonly engine: string,
    message: string,
    /** What to do instead. */
    readonly hint: string,
  ) {
    super(message);
  }
}
