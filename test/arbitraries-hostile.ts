/**
 * Hostile strings: what an attacker would put in a version, option value, URL or file name to
 * get a command run by the build script. `pwn` is the command; test/sh.ts makes it leave a marker.
 */
import fc from "fast-check";

/** Fragments of shell syntax that run, expand, split or glob when they reach sh unquoted. */
export const HOSTILE_FRAGMENTS = [
  "$(pwn)",
  "`pwn`",
  ";pwn;",
  "\npwn\n",
  "|pwn",
  "&&pwn",
  "&pwn&",
  "'$(pwn)'",
  '"$(pwn)"',
  "'",
  '"',
  "\\",
  "$" + "{IFS}",
  "$HOME",
  "$((1+1))",
  "*",
  "?",
  "[a-z]",
  "~",
  "#",
  " ",
  "\t",
  "\r",
  "<x",
  ">y",
  "{a,b}",
  "-",
  "=",
  "%s\\n",
  "'\\''",
  "\u2028",
  "é",
] as const;

/** A hostile string: fragments mixed with arbitrary text (never NUL, which no script can carry). */
export const hostileString: fc.Arbitrary<string> = fc
  .array(
    fc.oneof(
      { weight: 3, arbitrary: fc.constantFrom(...HOSTILE_FRAGMENTS) },
      { weight: 1, arbitrary: fc.string({ unit: "grapheme", maxLength: 4 }) },
    ),
    { minLength: 1, maxLength: 6 },
  )
  .map((parts) => parts.join("").replaceAll("\0", ""));

/** A hostile file name: like `hostileString`, but with no `/` (file names are refused with one). */
export const hostileFilename: fc.Arbitrary<string> = hostileString
  .map((s) => s.replaceAll("/", ""))
  .filter((s) => s !== "" && s !== "." && s !== "..");

/** The seed and run count of every property test (FC_SEED / FC_RUNS override them). */
export function runs(n: number): fc.Parameters<unknown> {
  return {
    seed: process.env.FC_SEED ? Number(process.env.FC_SEED) : 20261125,
    numRuns: process.env.FC_RUNS ? Number(process.env.FC_RUNS) : n,
  };
}
