/**
 * V8 settings for a one-shot command, applied before the work runs (`cli/main.ts`; the
 * solver benchmark applies them too, so that it measures what `pthbs solve` costs).
 *
 * TurboFan's inlining costs more compile time than it saves in a process that runs each phase
 * once: without it, `pthbs cudf` on Debian's universe takes about a sixth less CPU, and `solve()`
 * at cone 2,000 about a tenth less time (medians of 6 interleaved runs: 1.47 s against 1.65 s).
 *
 * The young generation stays at its first size (`--semi-space-growth-factor=1`): V8 grows it to
 * 16 MiB semi-spaces for throughput, but a command's data mostly survives, so the copying saved is
 * small while every page the larger spaces touch is new memory (10 µs a page on the development
 * machine, a VM). A warm `pthbs solve` at 7,000 files, cone 2,000, faults 20,200 pages instead of
 * 27,300 and takes 5–12 % less time, a cold one about 7 % less, `pthbs cudf` on Debian's
 * universe the same or less (bench/README.md, "End to end"); the collector then makes about 110
 * small scavenges instead of 14. Not in the solver benchmark's process, which builds a universe
 * in memory first: there the same flag made `encode` at cone 1,996 a quarter slower (226 → 281 ms,
 * medians of 6), so `bench/solver` measures `solve()` with the compiler's flag only. This flag is
 * read at each growth, so it can be set here; others of the collector cannot
 * (`--single-threaded-gc` set here crashes it), and `--max-semi-space-size` set here changes
 * nothing. A flag given on the command line or in NODE_OPTIONS wins.
 */
import v8 from "node:v8";

/** The compiler's flags, which every `pthbs` command and the solver benchmark run with. */
export const V8_FLAGS = "--no-turbo-inlining";
/** The collector's flags, for a `pthbs` command only. */
export const V8_COLLECTOR_FLAGS = "--semi-space-growth-factor=1";

/**
 * Applies `V8_FLAGS`, and `V8_COLLECTOR_FLAGS` unless `collector` is false, to this process; but
 * not those Node was started with otherwise.
 */
export function tuneV8({ collector = true }: { collector?: boolean } = {}): void {
  const flags = collector ? `${V8_FLAGS} ${V8_COLLECTOR_FLAGS}` : V8_FLAGS;
  for (const flag of flagsToSet(flags, process.execArgv, process.env.NODE_OPTIONS))
    v8.setFlagsFromString(flag);
}

/** The flags of `flags` (separated by spaces) that Node's arguments and NODE_OPTIONS do not set already. */
export function flagsToSet(flags: string, execArgv: readonly string[], nodeOptions = ""): string[] {
  // V8 reads `_` and `-` alike in a flag's name, and `--no-x` sets the flag `x` too.
  const given = new Set(
    [...execArgv, ...nodeOptions.split(/\s+/)].map((a) =>
      a
        .split("=")[0]!
        .replaceAll("_", "-")
        .replace(/^--(no-)?/, ""),
    ),
  );
  return flags.split(" ").filter((f) => !given.has(f.split("=")[0]!.replace(/^--(no-)?/, "")));
}
