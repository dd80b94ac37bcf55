/**
 * Option values, shared by every stage and owned by none: the solver chooses them, lockfiles and
 * script headers record them, the executor compares them — so none of them imports another for it.
 */

/** The value of an option: a boolean (`+x`/`~x`) or a named value (`x=v`). */
export type OptionValue = boolean | string;

/** One option value as specs write it: `+name`, `~name` or `name=value`. */
export function printOption(name: string, value: OptionValue): string {
  return typeof value === "boolean" ? `${value ? "+" : "~"}${name}` : `${name}=${value}`;
}
