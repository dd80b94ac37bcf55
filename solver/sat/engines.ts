/**
 * Making an engine from its `--engine` name: the one place that knows which classes implement
 * `SatEngine`, so the encoders only pass a name along.
 */
import { SatSolver } from "./cdcl.js";
import type { EngineChoice, SatEngine } from "./engine.js";
import { LogicSolverEngine } from "./logic-solver-engine.js";

/** A fresh engine: by name (`cdcl`, the default, or `logic-solver`), or from a factory. */
export function createEngine(choice: EngineChoice = "cdcl"): SatEngine {
  if (typeof choice === "function") return choice();
  return choice === "logic-solver" ? new LogicSolverEngine() : new SatSolver();
}
