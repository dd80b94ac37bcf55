/**
 * One build: a script run into its store path under the path's lock, following the script
 * contract (docs/generator.md): `/bin/sh -eu script` in an empty directory, an environment of only
 * `out src jobs [resources] PATH SOURCE_DATE_EPOCH LC_ALL TZ HOME`, output to the build's log.
 * The path becomes valid only when the script succeeded and the record was written (store.ts).
 */
import { spawn } from "node:child_process";
import { copyFile, mkdir, open, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { ScriptHeader, ScriptSource } from "../generator/header.js";
import type { StoreId } from "../generator/store.js";
import { isArchiveName, unpackArchive } from "./archive.js";
import { BuildFailedError } from "./errors.js";
import { type SandboxKind, sandboxCommand } from "./sandbox.js";
import { fetchSource, type SourceOptions, verifyFile } from "./sources.js";
import type { Store } from "./store.js";

/** A script to build: its id, exact text and parsed header. */
export interface BuildScript {
  readonly id: StoreId;
  readonly text: string;
  readonly header: ScriptHeader;
}

/** How builds run. */
export interface BuildOptions extends SourceOptions {
  readonly sandbox: SandboxKind;
  /** The value of `$jobs` (parallel jobs for make inside one build). */
  readonly jobs: number;
}

/** The minimal host path after the dependencies' `bin/`. */
export const HOST_PATH = "/usr/local/bin:/usr/bin:/bin";

/** `SOURCE_DATE_EPOCH` of every build: a fixed time, so that embedded dates do not vary. */
export const SOURCE_DATE_EPOCH = "1";

/** What happened to one path. */
export type BuildOutcome = "built" | "valid" | "pulled";

/**
 * Puts a source (its cache file, verified again) into `dir`: the main source unpacked when it is
 * an archive, a resource (or a source that is no archive) as the file `dir/<file>`.
 */
async function placeSource(
  cached: string,
  s: ScriptSource,
  dir: string,
  unpack: boolean,
): Promise<string> {
  await mkdir(dir, { recursive: true });
  if (s.kind === "git") return unpackArchive(cached, dir); // verified by its commit id (git.ts)
  await verifyFile(cached, s.sha256);
  if (unpack && isArchiveName(s.filename)) return unpackArchive(cached, dir);
  await copyFile(cached, join(dir, s.filename));
  return dir;
}

/** The last lines of a log, indented, for an error message. */
export async function logTail(log: string, lines = 20): Promise<string> {
  const text = await readFile(log, "utf8").catch(() => "");
  return text
    .split("\n")
    .slice(-lines - 1)
    .map((l) => `  | ${l}`)
    .join("\n");
}

/**
 * Runs a script in the fresh scratch directory `scratch`: sources placed, environment of the
 * contract, output to `log`. `$out` is the script's store path; the build writes to `outHost`,
 * which the sandbox mounts at `$out` (for `--check`; without bwrap it must be `$out` itself).
 * Resolves to the exit status (`exit 0` on success).
 */
export async function runScript(
  store: Store,
  script: BuildScript,
  options: BuildOptions,
  scratch: string,
  outHost: string,
  log: string,
): Promise<string> {
  const h = script.header;
  const out = store.path(script.id);
  const src = await placeSource(
    await fetchSource(store, h.source, options),
    h.source,
    join(scratch, "src"),
    true,
  );
  const env: Record<string, string> = {
    out,
    src,
    jobs: String(options.jobs),
    PATH: [
      ...h.depends
        .filter((d) => d.types.includes("build") || d.types.includes("link"))
        .map((d) => `${d.path}/bin`),
      HOST_PATH,
    ].join(":"),
    SOURCE_DATE_EPOCH,
    LC_ALL: "C",
    TZ: "UTC",
    HOME: "/homeless-shelter",
  };
  if (h.resources.length > 0) {
    env.resources = join(scratch, "resources");
    for (const r of h.resources)
      await placeSource(await fetchSource(store, r, options), r, env.resources, false);
  }
  const cwd = join(scratch, "build");
  await mkdir(cwd);
  await mkdir(outHost, { recursive: true });
  const scriptFile = join(scratch, "script.sh");
  await writeFile(scriptFile, script.text);
  const argv = sandboxCommand(
    options.sandbox,
    { scratch, out, outHost, cwd, store: store.storeDir },
    ["/bin/sh", "-eu", scriptFile],
  );
  const fh = await open(log, "w");
  try {
    return await new Promise<string>((resolve, reject) => {
      const child = spawn(argv[0]!, argv.slice(1), { cwd, env, stdio: ["ignore", fh.fd, fh.fd] });
      child.on("error", reject);
      child.on("exit", (code, signal) => resolve(signal ? `killed by ${signal}` : `exit ${code}`));
    });
  } finally {
    await fh.close();
  }
}

/**
 * Builds one path unless it is valid. Waits for the path's lock; returns "valid" when another
 * builder made it valid meanwhile. Throws `BuildFailedError` (with the log's tail) on failure,
 * after removing the partial output.
 */
export async function buildOne(
  store: Store,
  script: BuildScript,
  options: BuildOptions,
): Promise<BuildOutcome> {
  if (await store.isValid(script.id)) return "valid";
  const lock = await store.lock(script.id);
  let scratch: string | undefined;
  try {
    if (await store.isValid(script.id)) return "valid";
    await store.removeLeftovers(script.id);
    await store.beginBuild(script.id, script.text, store.dependencyIds(script.header.depends));
    scratch = await store.tempDir(script.id);
    const h = script.header;
    const log = store.logPath(script.id);
    const status = await runScript(store, script, options, scratch, store.path(script.id), log);
    if (status !== "exit 0") {
      await store.removeLeftovers(script.id);
      throw new BuildFailedError(script.id, log, status, await logTail(log));
    }
    await store.markValid(
      {
        id: script.id,
        name: h.name,
        version: h.version,
        script: script.id.slice(script.id.lastIndexOf(".") + 1),
        depends: h.depends.map((d) => d.path),
      },
      script.text,
    );
    return "built";
  } finally {
    if (scratch) await rm(scratch, { recursive: true, force: true });
    await lock.release();
  }
}
