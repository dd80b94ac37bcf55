/** Shared helpers of the tests. */
import { SpecSyntaxError } from "../solver/errors.js";

/** Runs `f`, which must throw a SpecSyntaxError, and returns the error. */
export function syntaxError(f: () => unknown): SpecSyntaxError {
  try {
    f();
  } catch (e) {
    if (e instanceof SpecSyntaxError) return e;
    throw new Error(`expected a SpecSyntaxError, got ${String(e)}`);
  }
  throw new Error("expected a SpecSyntaxError, nothing was thrown");
}
