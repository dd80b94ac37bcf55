/**
 * pthbs as a library: every stage's functions and types. The `pthbs` command line is a client of
 * exactly this API.
 */

export {
  type Diagnostic,
  type DiagnosticCode,
  formatLocation,
  PthbsError,
  type Severity,
  type SourceLocation,
} from "./common/errors.js";
export {
  DEFAULT_RECIPES,
  type RecipesOrigin,
  type RepositoryPaths,
  repositoryPaths,
} from "./common/repository.js";
export { type BrokenPackage, type CudfCheckReport, checkCudf } from "./cudf/check.js";
export {
  type Criterion,
  type CriterionKind,
  parseCriteria,
  printCriterion,
} from "./cudf/criteria.js";
export {
  CudfDocument,
  CudfPackage,
  type CudfRequest,
  type Formula,
  type Keep,
  type PropertyDecl,
  type PropertyType,
  parseCudf,
  type RelOp,
  readCudfFile,
  type Value,
  type Vpkg,
} from "./cudf/document.js";
export { CudfSyntaxError } from "./cudf/errors.js";
export { type CudfExplanation, type CudfExplanationFact, explainCudf } from "./cudf/explain.js";
export { score, solutionPackages } from "./cudf/score.js";
export { FAIL, writeSolution } from "./cudf/solution.js";
export { type CriterionValue, type CudfOutcome, type CudfTiming, solveCudf } from "./cudf/solve.js";
export { CudfUniverse, type PackageId, printVpkg, versionMatches } from "./cudf/universe.js";
export * from "./executor/index.js";
export { GeneratorError, RecipeError, ScriptHeaderError } from "./generator/errors.js";
export { type Generation, generate, regenerate } from "./generator/generate.js";
export { edgeStyle, type GraphPackage, graphDot } from "./generator/graph.js";
export {
  formatScriptHeader,
  type PackageConfiguration,
  parseScriptHeader,
  SCRIPT_FORMAT,
  type ScriptDependency,
  type ScriptHeader,
  type ScriptSource,
} from "./generator/header.js";
export {
  type LockedDependency,
  type LockedPackage,
  type LockedRequest,
  type Lockfile,
  lockSolution,
} from "./generator/lockfile.js";
export {
  formatLockfile,
  LOCKFILE_NAME,
  LOCKFILE_VERSION,
  type ParsedLockfile,
  parseLockfile,
  readLockfile,
} from "./generator/lockfile-json.js";
export type { DependencyContext, RecipeContext } from "./generator/recipe-context.js";
export { RecipeSet } from "./generator/recipes.js";
export {
  type LocatedPackage,
  renderScript,
  renderScripts,
  type Script,
} from "./generator/script.js";
export { shellWord } from "./generator/shell.js";
export {
  DEFAULT_STORE,
  parseStoreId,
  STORE_ID_RE,
  type StoreId,
  storeId,
  storePath,
} from "./generator/store.js";
export { writeGeneration } from "./generator/write.js";
export { type BrokenVersion, type CheckReport, checkUniverse } from "./solver/check.js";
export {
  describe,
  type PackageReport,
  type SourceReport,
  type VirtualReport,
} from "./solver/describe.js";
export {
  type EncodedFact,
  type EncodeOptions,
  type Encoding,
  encode,
  type Fact,
  factId,
} from "./solver/encode.js";
export { parseEnvironmentFile, readEnvironmentFile } from "./solver/environment-file.js";
export {
  ConstraintError,
  NotFoundError,
  RequestError,
  SpecSyntaxError,
} from "./solver/errors.js";
export { Checker, type Explanation, type ExplanationFact, explain } from "./solver/explain.js";
export {
  type ConstraintText,
  type LoadOptions,
  type LoadResult,
  loadConstraints,
  loadConstraintTexts,
  loadUniverse,
  readConstraintDir,
} from "./solver/load.js";
export {
  type CachedLoadResult,
  type ConeRoots,
  defaultCacheDir,
  type LoadCacheOptions,
  loadConstraintsCached,
} from "./solver/load-cache.js";
export type { PhaseTiming } from "./solver/optimize.js";
export { type VersionConstraint, VersionRange } from "./solver/range.js";
export {
  COMMAND_LINE,
  type External,
  type Request,
  type RequestItem,
  type ReuseChoice,
  requestFromSpecs,
} from "./solver/request.js";
export { parseReuse, readReuse } from "./solver/reuse.js";
export {
  ENGINE_NAMES,
  type EngineChoice,
  type EngineName,
  type SatEngine,
} from "./solver/sat/engine.js";
export { SolverLimitError } from "./solver/sat/limit-error.js";
export {
  type CostEntry,
  CRITERIA,
  CRITERION_DESCRIPTIONS,
  type Criterion as SolverCriterion,
  type Solution,
  type SolutionJson,
  type SolvedDependency,
  type SolvedPackage,
  solutionJson,
} from "./solver/solution.js";
export {
  type SolveObserver,
  type SolveOptions,
  type SolveResult,
  solve,
} from "./solver/solve.js";
export {
  type Configuration,
  type OptionRequirement,
  type OptionValue,
  parseSpec,
  printSpec,
  type Spec,
  type SpecNaming,
  satisfies,
  specEquals,
} from "./solver/spec.js";
export type {
  Conflict,
  Dependency,
  DependencyType,
  Package,
  PackageOption,
  PackageVersion,
  Provider,
  Provision,
  Source,
  Universe,
} from "./solver/universe.js";
export { findOption, findVersion } from "./solver/universe.js";
export { validateRequest } from "./solver/validate-request.js";
export { compareVersions, type Segment, Version } from "./solver/version.js";
export { dependencyPaths, MAX_PATHS, type PathStep, type WhyNot, whyNot } from "./solver/why.js";
