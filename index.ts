/**
 * pthbs as a library: every stage's functions and types. The `pthbs` command line is a client of
 * exactly this API.
 */
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
export { type CudfExplanation, type CudfExplanationFact, explainCudf } from "./cudf/explain.js";
export { score, solutionPackages } from "./cudf/score.js";
export { FAIL, writeSolution } from "./cudf/solution.js";
export { type CriterionValue, type CudfOutcome, type CudfTiming, solveCudf } from "./cudf/solve.js";
export { CudfUniverse, type PackageId, printVpkg, versionMatches } from "./cudf/universe.js";
export {
  describe,
  type PackageReport,
  type SourceReport,
  type VirtualReport,
} from "./solver/describe.js";
export {
  ConstraintError,
  CudfSyntaxError,
  type Diagnostic,
  type DiagnosticCode,
  formatLocation,
  NotFoundError,
  PthbsError,
  type Severity,
  type SourceLocation,
  SpecSyntaxError,
} from "./solver/errors.js";
export {
  type ConstraintText,
  type LoadResult,
  loadConstraints,
  loadConstraintTexts,
  loadUniverse,
  readConstraintDir,
} from "./solver/load.js";
export { type VersionConstraint, VersionRange } from "./solver/range.js";
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
export { compareVersions, type Segment, Version } from "./solver/version.js";
