/** Turning `[SPEC...] [-f ENVFILE] [--reuse LOCK]` into a Universe and a Request. */

import type { Command } from "commander";
import {
  type CachedLoadResult,
  type ConeRoots,
  ConstraintError,
  type LoadOptions,
  loadConstraints,
  type Request,
  readEnvironmentFile,
  readReuse,
  requestFromSpecs,
  type Universe,
} from "../index.js";
import { ENGINE_HELP, type EngineOptions, engineOption } from "./engine-option.js";
import { type GlobalOptions, UsageError } from "./io.js";
import { packageVersion } from "./package-root.js";

/** Options of the commands that take a request. */
export interface RequestOptions extends GlobalOptions, EngineOptions {
  readonly file?: string;
  readonly reuse?: string;
}

/** Adds `-f/--file`, `--reuse` and `--engine` to a command. */
export function withRequestOptions(command: Command, reuse = true): Command {
  command.option(
    "-f, --file <envfile>",
    "read specs, preferences and externals from an environment file (TOML)",
  );
  if (reuse)
    command.option(
      "--reuse <lockfile>",
      "stay close to a previous solution (pthbs.lock.json or solve --json output)",
    );
  return command.addOption(engineOption()).addHelpText("after", ENGINE_HELP);
}

/** How to load the constraints: through the load cache unless --no-cache or no cache directory. */
export function loadOptions(opts: GlobalOptions, roots?: ConeRoots): LoadOptions {
  if (opts.cache === false || opts.cacheDir === undefined) return {};
  return { cache: { dir: opts.cacheDir, version: packageVersion() }, ...(roots && { roots }) };
}

/**
 * Loads the universe and builds the request; specs from the command line come after the file's.
 * Only what the request's names reach is read back from the load cache (`extraNames`: more names
 * the command looks at, such as why-not's spec); with --reuse, everything.
 */
export async function readRequest(
  specs: readonly string[],
  opts: RequestOptions,
  extraNames: readonly string[] = [],
): Promise<{
  universe: Universe;
  request: Request;
  files: number;
  parsed: number;
  parsedOnWorker: number;
}> {
  if (specs.length === 0 && opts.file === undefined) {
    throw new UsageError(
      "nothing to solve: give one or more specs (e.g. pthbs solve s6-rc) or -f ENVFILE",
    );
  }
  const fromFile = opts.file === undefined ? undefined : await readEnvironmentFile(opts.file);
  const fromArgs = requestFromSpecs(specs);
  const items = [...(fromFile?.items ?? []), ...fromArgs.items];
  const providerPreferences = fromFile?.providerPreferences ?? new Map();
  const versionPreferences = fromFile?.versionPreferences ?? new Map();
  const externals = fromFile?.externals ?? [];
  const roots: ConeRoots | undefined =
    opts.reuse === undefined
      ? {
          names: [
            ...items.map((i) => i.spec.name!),
            ...extraNames,
            ...[...providerPreferences].flatMap(([v, ps]) => [v, ...ps]),
            ...versionPreferences.keys(),
          ],
          externals: externals.flatMap((e) => [e.name, ...e.provides]),
          virtuals: [...providerPreferences.keys()],
        }
      : undefined;
  const loaded = await loadConstraints(opts.constraints, loadOptions(opts, roots));
  if (loaded.diagnostics.some((d) => d.severity === "error"))
    throw new ConstraintError(loaded.diagnostics);
  const universe = loaded.universe;
  const request: Request = {
    items,
    externals,
    providerPreferences,
    versionPreferences,
    ...(opts.reuse !== undefined && { reuse: await readReuse(opts.reuse, universe) }),
  };
  // Without the cache, every file was parsed.
  const parsed = (loaded as Partial<CachedLoadResult>).parsed ?? loaded.files;
  const parsedOnWorker = (loaded as Partial<CachedLoadResult>).parsedOnWorker ?? 0;
  return { universe, request, files: loaded.files, parsed, parsedOnWorker };
}
