/** The executor's public API (re-exported by the package's index.ts). */
export { isArchiveName, type UnpackOptions, unpackArchive } from "./archive.js";
export {
  type BuildOptions,
  type BuildOutcome,
  type BuildScript,
  buildOne,
  HOST_PATH,
  runScript,
  SOURCE_DATE_EPOCH,
} from "./build.js";
export { archiveName, DirectoryCache } from "./cache/directory.js";
export { HttpCache } from "./cache/http.js";
export {
  generateKeyPair,
  KEY_NAME_RE,
  type PublicKey,
  parsePublicKey,
  parseSecretKey,
  readSecretKey,
  readTrustedKeys,
  type SecretKey,
  writeKeyPair,
} from "./cache/keys.js";
export { OCI_MEDIA_TYPES, OciCache, type OciCredentials, parseOciReference } from "./cache/oci.js";
export { openCache } from "./cache/open.js";
export { ARCHIVE_EXTENSION, packPath, unpackPath } from "./cache/pack.js";
export {
  type SubstituteOptions,
  type SubstituteOutcome,
  substitute,
} from "./cache/pull.js";
export { type PushOptions, type PushResult, pushPaths } from "./cache/push.js";
export {
  type CacheRecord,
  type Compression,
  fingerprint,
  RECORD_FORMAT,
  recordProblem,
  type Signature,
  scriptReferences,
  signRecord,
  trustedSigner,
} from "./cache/record.js";
export type { ArchiveRef, BinaryCache } from "./cache/target.js";
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
  CacheError,
  CollisionError,
  FetchError,
  HashMismatchError,
  SandboxError,
  StoreError,
  SubstituteError,
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
export { makeReadOnly, removeTree } from "./permissions.js";
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
