/**
 * The generator stage: a solution (or a lockfile) in, hashed build scripts and a lockfile out.
 */
import type { Diagnostic } from "../common/errors.js";
import { RequestError } from "../solver/errors.js";
import type { Request } from "../solver/request.js";
import type { Solution } from "../solver/solution.js";
import type { Universe } from "../solver/universe.js";
import { GeneratorError } from "./errors.js";
import { type Lockfile, lockSolution } from "./lockfile.js";
import type { ParsedLockfile } from "./lockfile-json.js";
import type { RecipeSet } from "./recipes.js";
import { renderScripts, type Script } from "./script.js";

/** What generating gives: the scripts in dependency order and the lockfile with their ids. */
export interface Generation {
  readonly scripts: readonly Script[];
  readonly lockfile: Lockfile;
}

/** Renders the scripts of a solution for a store root. */
export function generate(
  universe: Universe,
  solution: Solution,
  request: Request,
  store: string,
  recipes: RecipeSet,
): Generation {
  const lock = lockSolution(universe, solution, request, store);
  const rendered = renderScripts(lock.packages, lock.store, recipes, lock.request.providers);
  return { scripts: rendered.scripts, lockfile: { ...lock, packages: rendered.packages } };
}

/**
 * Renders the scripts of a lockfile again and checks that each has the id the lockfile records.
 * A lockfile edited by hand, or recipes changed since, give other ids: that is refused with a
 * `RequestError` at the lines concerned, naming only the lowest packages that differ (every
 * package above one of them differs with it).
 */
export function regenerate(parsed: ParsedLockfile, recipes: RecipeSet): Generation {
  const { lockfile, at } = parsed;
  const diagnostic = (
    path: readonly (string | number)[],
    message: string,
    hint: string,
  ): Diagnostic => ({
    severity: "error",
    code: "bad-lockfile",
    ...at(path),
    message,
    hint,
  });
  let rendered: ReturnType<typeof renderScripts>;
  try {
    rendered = renderScripts(
      lockfile.packages,
      lockfile.store,
      recipes,
      lockfile.request.providers,
    );
  } catch (e) {
    if (!(e instanceof GeneratorError)) throw e;
    const path = e.pkg === undefined ? ["packages"] : ["packages", e.pkg];
    throw new RequestError([
      diagnostic(
        path,
        e.message,
        e.hint ?? "the lockfile was edited by hand: regenerate it with pthbs generate",
      ),
    ]);
  }
  const recorded = new Map(lockfile.packages.map((p) => [p.name, p.id]));
  const changed = new Set(
    rendered.scripts.filter((s) => recorded.get(s.name) !== s.id).map((s) => s.name),
  );
  const problems = rendered.scripts
    .filter((s) => changed.has(s.name) && !s.header.depends.some((d) => changed.has(d.name)))
    .map((s) => {
      const was = recorded.get(s.name);
      return was === undefined
        ? diagnostic(
            ["packages", s.name],
            `${s.name} has no id`,
            "regenerate the lockfile with pthbs generate",
          )
        : diagnostic(
            ["packages", s.name, "id"],
            `${s.name}: the lockfile says ${was}, but its script renders as ${s.id}`,
            `the lockfile was edited by hand, or recipes/${lockfile.packages.find((p) => p.name === s.name)?.recipe}.sh.njk changed since it was written (every package above it changes with it). Generate again from the request (pthbs generate -f ENVFILE --reuse ${at([]).file} -o DIR)`,
          );
    });
  if (problems.length > 0) throw new RequestError(problems);
  return { scripts: rendered.scripts, lockfile: { ...lockfile, packages: rendered.packages } };
}
