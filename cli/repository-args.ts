/** `--recipes` and the repository defaults: what `-C` implies for recipes and sources. */

import type { Command } from "commander";
import { RecipeSet, repositoryPaths } from "../index.js";
import type { GlobalOptions } from "./io.js";

/** Options of commands that render recipes. */
export interface RecipesOptions extends GlobalOptions {
  readonly recipes?: string;
}

/** Adds `--recipes`, saying where the default comes from. */
export function withRecipesOption(command: Command): Command {
  return command.option(
    "--recipes <dir>",
    "recipe templates (default $PTHBS_RECIPES, else the recipes/ next to the -C directory, else ./recipes)",
  );
}

/** The recipes the options name, or the repository's own. */
export function recipesFor(opts: RecipesOptions, env: NodeJS.ProcessEnv): RecipeSet {
  return new RecipeSet(repositoryPaths(opts.constraints, opts.recipes, env).recipes);
}

/** The explicit mirrors, then the `sources/` next to the -C directory when there is one. */
export function repositoryMirrors(opts: GlobalOptions, mirrors: readonly string[]): string[] {
  const sources = repositoryPaths(opts.constraints).sources;
  return sources === undefined || mirrors.includes(sources) ? [...mirrors] : [...mirrors, sources];
}
