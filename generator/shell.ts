/**
 * Shell and Makefile quoting: how a value from a constraint file, a request or a lockfile is
 * written into a build script so that it stays data.
 *
 * Recipes never call these directly: every `{{ … }}` of a recipe goes through `shellWord`
 * (see template-compiler.ts), so quoting is the default, not a habit.
 */

/** Characters that mean nothing to sh in any position of an unquoted word (no `=`, `~`, `#`). */
const SAFE_WORD = /^[A-Za-z0-9_.,:/@%+-]+$/;

/**
 * The value as one POSIX sh word: bare when it holds only inert characters, else single-quoted
 * with each `'` written `'\''`. Inside single quotes sh gives no character a meaning, newlines
 * included, so the word expands to exactly `value`.
 */
export function shellWord(value: string): string {
  return SAFE_WORD.test(value) ? value : `'${value.replaceAll("'", `'\\''`)}'`;
}

/** A shell identifier: what a script may assign with `name=value`. */
export const IDENTIFIER_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Variables the script contract gives a build (DESIGN.md "Executor and store") and common
 * toolchain variables: a dependency never takes one of these names.
 */
const RESERVED = new Set(["out", "src", "jobs", "resources"]);

/**
 * The shell variable holding a dependency's path in a script: its name with every character that
 * cannot appear in an identifier turned into `_` (`s6-dns` → `s6_dns`), and `dep_` in front when
 * the result would start with a digit, be upper case like an environment variable, or be one of
 * the contract's own variables.
 */
export function dependencyVariable(name: string): string {
  const base = name.replace(/[^A-Za-z0-9_]/g, "_");
  const clash = /^[0-9]/.test(base) || base === base.toUpperCase() || RESERVED.has(base);
  return clash ? `dep_${base}` : base;
}

/**
 * A value for a Makefile variable assignment (`VAR = value` in config.mak): `$` doubled so make
 * expands nothing, `#` escaped so it starts no comment. A newline cannot be written in a make
 * variable at all; such a value is refused (`undefined` is returned and the caller reports it).
 */
export function makeValue(value: string): string | undefined {
  if (/[\n\r\\]/.test(value)) return undefined;
  return value.replaceAll("$", "$$$$").replaceAll("#", "\\#");
}

/**
 * Whether a path may be written into scripts, Makefiles and compiler flags unquoted and unescaped:
 * absolute, normalised, and made of letters, digits and `. _ + -` between slashes. Store roots
 * and external prefixes must be such paths, since builds paste them into `-I`/`-L` flags, PATH
 * and Makefiles, where a space, `:` or `$` would break or be interpreted.
 */
export function isPlainPath(path: string): boolean {
  return (
    /^(\/[A-Za-z0-9_.+-]+)+$/.test(path) &&
    !path.split("/").some((part) => part === "." || part === "..")
  );
}
