/**
 * V8 settings for a one-shot command, applied before the work is compiled (`cli/main.ts`; the
 * solver benchmark applies them too, so that it measures what `pthbs solve` costs).
 *
 * TurboFan's inlining costs more compile time than it saves in a process that runs each phase
 * once: without it, `pthbs cudf` on Debian's universe takes about a sixth less CPU, and `solve()`
 * at cone 2,000 about a tenth less time (medians of 6 interleaved runs: 1.47 s against 1.65 s).
 * The garbage collector's flags are not safe to change once V8 runs (`--single-threaded-gc` set
 * here crashes it), so there are none.
 */
import v8 from "node:v8";

/** The flags every `pthbs` command runs with. */
export const V8_FLAGS = "--no-turbo-inlining";

/** Applies `V8_FLAGS` to this process. */
export function tuneV8(): void {
  v8.setFlagsFromString(V8_FLAGS);
}
