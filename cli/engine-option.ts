/** `--engine cdcl|logic-solver`: which SAT engine a command's solver runs. */

import { Option } from "commander";
import { ENGINE_NAMES, type EngineName } from "../index.js";

/** What `--engine` takes, for a command's options type. */
export interface EngineOptions {
  readonly engine?: EngineName;
}

/** The `--engine` option (its choices listed, default cdcl); `extra` adds choices (`both`). */
export function engineOption(extra: readonly string[] = []): Option {
  return new Option(
    "--engine <engine>",
    "SAT engine: cdcl (ours, fast, no memory cap) or logic-solver (MiniSat, a 64 MiB heap; the same answers, for cross-checking)",
  )
    .choices([...ENGINE_NAMES, ...extra])
    .default("cdcl");
}

/** Help text on the engines and the exit status when logic-solver's heap runs out. */
export const ENGINE_HELP = `
Engines: cdcl (the default) and logic-solver give the same sets and costs. logic-solver's MiniSat
has a fixed 64 MiB heap: a problem too large for it stops with a SolverLimitError (exit 1) that
suggests --engine cdcl.`;
