/** The executor's public API (re-exported by the package's index.ts). */
export { isArchiveName, unpackArchive } from "./archive.js";
export {
  type BuildOptions,
  type BuildOutcome,
  type BuildScript,
  buildOne,
  HOST_PATH,
  runScript,
  SOURCE_DATE_EPOCH,
} from "./build.js";
export { type CheckResult, checkOne } from "./check.js";
export {
  type ChangedMember,
  diffMembers,
  formatDiff,
  type OptionChange,
  type SetDiff,
} from "./diff.js";
export {
  type CreatedEnvironment,
  createEnvironment,
  DEFAULT_LINK_POLICY,
  ENVIRONMENT_ID_RE,
  type EnvironmentId,
  type EnvironmentMember,
  type EnvironmentOptions,
  type EnvironmentRecord,
  type EnvironmentSpec,
  environmentId,
  environmentIds,
  environmentPath,
  environmentSpec,
  lockfileMembers,
  readEnvironment,
  realiseEnvironment,
} from "./environment.js";
export {
  BuildFailedError,
  CollisionError,
  FetchError,
  HashMismatchError,
  SandboxError,
  StoreError,
  UnsafeArchiveError,
} from "./errors.js";
export {
  collectGarbage,
  diskUsage,
  type GcEntry,
  type GcOptions,
  type GcReport,
} from "./gc.js";
export {
  type Collision,
  type LinkMember,
  type LinkPlan,
  type LinkPolicy,
  planLinks,
  writeLinks,
} from "./link.js";
export { DEFAULT_LOCK_TIMING, Lock, type LockTiming } from "./lock.js";
export {
  listProfiles,
  PROFILE_NAME_RE,
  Profile,
  type ProfileGeneration,
  type SwitchStep,
} from "./profile.js";
export { chooseSandbox, detectSandbox, type SandboxKind } from "./sandbox.js";
export {
  type BuildEvent,
  buildAll,
  type RunOptions,
  type RunResult,
  storeDependencies,
} from "./schedule.js";
export { generationScripts, lockfileScripts, readScriptDir } from "./scripts.js";
export { cachePath, fetchScripts, fetchSource, type SourceOptions, verifyFile } from "./sources.js";
export { defaultRoot, Store, type ValidityRecord } from "./store.js";
export { fileSha256, manifestDiff, type TreeEntry, treeHash, treeManifest } from "./tree-hash.js";
