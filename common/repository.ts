/**
 * A constraints repository's parts, found from its constraints directory.
 *
 * Like a Spack repository (package definitions and their build code side by side), a directory
 * holding `constraints/` may hold `recipes/` (the templates) and `sources/` (source files) next to
 * it. Every stage takes its own directory explicitly; this module only says which directories a
 * user who named the constraints directory meant, so the command line and the library agree.
 */
import { statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";

/** The recipes directory used when nothing else names one (relative to the working directory). */
export const DEFAULT_RECIPES = "recipes";

/** Where the recipes directory came from, for `--help`, errors and `--json`. */
export type RecipesOrigin = "--recipes" | "$PTHBS_RECIPES" | "beside the constraints" | "default";

/** The directories a repository's constraints, recipes and sources are read from. */
export interface RepositoryPaths {
  /** The constraints directory, as given. */
  readonly constraints: string;
  /** The recipes directory to render from. */
  readonly recipes: string;
  /** Why `recipes` is that directory. */
  readonly recipesFrom: RecipesOrigin;
  /** `sources/` next to the constraints directory, when there is one: a mirror before the network. */
  readonly sources?: string;
}

const isDirectory = (path: string): boolean =>
  statSync(path, { throwIfNoEntry: false })?.isDirectory() ?? false;

/**
 * The repository around `constraints`. Recipes: `recipes` (a flag) if given, else
 * `$PTHBS_RECIPES`, else the `recipes/` next to the constraints directory, else `./recipes`.
 * Sources: the `sources/` next to the constraints directory, if it exists.
 */
export function repositoryPaths(
  constraints: string,
  recipes?: string,
  env: Readonly<Record<string, string | undefined>> = {},
): RepositoryPaths {
  const parent = dirname(resolve(constraints));
  const beside = join(parent, "recipes");
  const sources = join(parent, "sources");
  const found =
    recipes !== undefined
      ? { recipes, recipesFrom: "--recipes" as const }
      : env.PTHBS_RECIPES !== undefined && env.PTHBS_RECIPES !== ""
        ? { recipes: env.PTHBS_RECIPES, recipesFrom: "$PTHBS_RECIPES" as const }
        : isDirectory(beside)
          ? { recipes: beside, recipesFrom: "beside the constraints" as const }
          : { recipes: DEFAULT_RECIPES, recipesFrom: "default" as const };
  return { constraints, ...found, ...(isDirectory(sources) ? { sources } : {}) };
}
