/**
 * The reproducibility check (`pthbs build --check`, like `nix-build --check`): a valid path is
 * built again into a scratch directory that bwrap mounts at the same `$out`, and the two trees'
 * manifests are compared. Only bwrap can mount the scratch output there, so `--check` needs it.
 */
import { rm } from "node:fs/promises";
import { join } from "node:path";
import type { StoreId } from "../generator/store.js";
import { type BuildOptions, type BuildScript, logTail, runScript } from "./build.js";
import { BuildFailedError, SandboxError, StoreError } from "./errors.js";
import type { Store } from "./store.js";
import { manifestDiff, treeManifest } from "./tree-hash.js";

/** The outcome of checking one path: the relative paths whose entries differ (empty: reproducible). */
export interface CheckResult {
  readonly id: StoreId;
  readonly differing: readonly string[];
}

/** Rebuilds a valid path aside and compares; throws `BuildFailedError` when the rebuild fails. */
export async function checkOne(
  store: Store,
  script: BuildScript,
  options: BuildOptions,
): Promise<CheckResult> {
  if (options.sandbox !== "bwrap")
    throw new SandboxError("--check needs bwrap, to mount the rebuild at the same $out");
  if (!(await store.isValid(script.id)))
    throw new StoreError("not valid: build it before checking it", store.path(script.id));
  const scratch = await store.tempDir(`check-${script.id}`);
  try {
    const outHost = join(scratch, "out");
    const log = store.logPath(script.id).replace(/\.log$/, ".check.log");
    const status = await runScript(store, script, options, scratch, outHost, log);
    if (status !== "exit 0") throw new BuildFailedError(script.id, log, status, await logTail(log));
    const differing = manifestDiff(
      await treeManifest(store.path(script.id)),
      await treeManifest(outHost),
    );
    return { id: script.id, differing };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
