/** Shared helpers of the tests. */
import type { Io } from "../cli/io.js";
import { run } from "../cli/program.js";
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

/** Runs the command line in-process; its exit code and what it printed. */
export async function pthbs(
  ...argv: string[]
): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const io: Io = { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), color: false };
  const code = await run(argv, io);
  return { code, stdout, stderr };
}
