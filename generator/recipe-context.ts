/**
 * What a recipe sees: the variables of one package's build (docs/generator.md "Recipe variables").
 *
 * Every record is strict: reading a key it does not have is an error naming the record and the
 * keys it has (template-compiler.ts turns every `a.b` into such a read), so a misspelt option or
 * dependency fails loudly. Records have no prototype, so `options.toString` is missing too.
 */
import type { OptionValue } from "../common/options.js";
import type { DependencyType } from "../solver/universe.js";
import type { ScriptSource } from "./header.js";

/** Where a strict record says what it is, for error messages. */
export const DESCRIPTION: unique symbol = Symbol("pthbs.description");
/** Where a dependency record keeps its shell variable, for `ref(dep)`. */
export const VARIABLE: unique symbol = Symbol("pthbs.variable");

/** A record whose missing keys are errors (see `describeRecord`). */
export type StrictRecord<T> = Readonly<Record<string, T>>;

/** One dependency, as `deps.NAME`, `virtuals.VIRTUAL` and the items of `depends`. */
export interface DependencyContext {
  readonly name: string;
  readonly version: string;
  /** The recipe that builds it (for an external: the one that would). */
  readonly recipe: string;
  /** The shell variable the script assigns its path to (shell.ts `dependencyVariable`). */
  readonly var: string;
  /** Its store path, or an external's prefix. */
  readonly path: string;
  readonly external: boolean;
  readonly types: readonly DependencyType[];
  /** The virtuals it stands in for, for this package. */
  readonly virtuals: readonly string[];
  readonly options: StrictRecord<OptionValue>;
}

/** The variables of one recipe rendering. */
export interface RecipeContext {
  readonly name: string;
  readonly version: string;
  readonly recipe: string;
  /** Every option that exists for this version, by name; absent options are missing keys. */
  readonly options: StrictRecord<OptionValue>;
  readonly source: ScriptSource;
  /** Further files, available to the build as `$resources/<filename>`. */
  readonly resources: readonly ScriptSource[];
  /** The dependencies, sorted by name. */
  readonly depends: readonly DependencyContext[];
  /** The dependencies by package name. */
  readonly deps: StrictRecord<DependencyContext>;
  /** For each virtual this package depends on (cc, libc…), the dependency that provides it. */
  readonly virtuals: StrictRecord<DependencyContext>;
}

/** A strict record of `entries` (in their order), described as `description` in errors. */
export function strictRecord<T>(
  description: string,
  entries: Iterable<[string, T]>,
): StrictRecord<T> {
  const record = Object.create(null) as Record<string, T>;
  for (const [k, v] of entries) record[k] = v;
  Object.defineProperty(record, DESCRIPTION, { value: description });
  return Object.freeze(record);
}

/** The description a strict record was made with, if it is one. */
export function describeRecord(value: unknown): string | undefined {
  return typeof value === "object" && value !== null
    ? ((value as { [DESCRIPTION]?: string })[DESCRIPTION] ?? undefined)
    : undefined;
}

/** A dependency record, branded with its shell variable for `ref`. */
export function dependencyContext(d: DependencyContext): DependencyContext {
  const record = Object.assign(Object.create(null) as object, d);
  Object.defineProperty(record, VARIABLE, { value: d.var });
  Object.defineProperty(record, DESCRIPTION, { value: `dependency ${d.name}` });
  return Object.freeze(record);
}

/** The shell variable of a dependency record, or `undefined` for anything else. */
export function dependencyVariableOf(value: unknown): string | undefined {
  return typeof value === "object" && value !== null
    ? (value as { [VARIABLE]?: string })[VARIABLE]
    : undefined;
}
