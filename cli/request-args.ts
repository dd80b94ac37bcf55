/** Turning `[SPEC...] [-f ENVFILE] [--reuse LOCK]` into a Universe and a Request. */

import type { Command } from "commander";
import {
  loadUniverse,
  type Request,
  readEnvironmentFile,
  readReuse,
  requestFromSpecs,
  type Universe,
} from "../index.js";
import { ENGINE_HELP, type EngineOptions, engineOption } from "./engine-option.js";
import { type GlobalOptions, UsageError } from "./io.js";

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

/** Loads the universe and builds the request; specs from the command line come after the file's. */
export async function readRequest(
  specs: readonly string[],
  opts: RequestOptions,
): Promise<{ universe: Universe; request: Request }> {
  if (specs.length === 0 && opts.file === undefined) {
    throw new UsageError(
      "nothing to solve: give one or more specs (e.g. pthbs solve s6-rc) or -f ENVFILE",
    );
  }
  const universe = await loadUniverse(opts.constraints);
  const fromFile = opts.file === undefined ? undefined : await readEnvironmentFile(opts.file);
  const fromArgs = requestFromSpecs(specs);
  const request: Request = {
    items: [...(fromFile?.items ?? []), ...fromArgs.items],
    externals: fromFile?.externals ?? [],
    providerPreferences: fromFile?.providerPreferences ?? new Map(),
    versionPreferences: fromFile?.versionPreferences ?? new Map(),
    ...(opts.reuse !== undefined && { reuse: await readReuse(opts.reuse, universe) }),
  };
  return { universe, request };
}
