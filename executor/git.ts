/**
 * Git sources: a bare clone per repository URL under `sources/git/<sha256 of the URL>`, fetched
 * when the commit is missing, and the commit exported as a tar archive
 * (`sources/git/<commit>.tar`) that is unpacked like any other source, with the same checks.
 * The commit id is the verification: git names every object by its hash, and we check that the
 * commit exists under exactly the id the script names.
 */
import { execFile } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { rename, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { FetchError } from "./errors.js";
import type { Store } from "./store.js";

const run = promisify(execFile);

/** Runs git quietly, with no prompts and no user configuration. */
async function git(args: readonly string[]): Promise<string> {
  const env = {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    GIT_TERMINAL_PROMPT: "0",
    GIT_CONFIG_NOSYSTEM: "1",
    HOME: "/nonexistent",
  };
  const { stdout } = await run("git", [...args], { env, maxBuffer: 64 * 1024 * 1024 });
  return stdout.trim();
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

async function hasCommit(repo: string, commit: string): Promise<boolean> {
  try {
    return (
      (await git(["-C", repo, "rev-parse", "--verify", "--quiet", `${commit}^{commit}`])) === commit
    );
  } catch {
    return false;
  }
}

/**
 * The tar archive of `commit` from the repository at `url`, cloning or fetching as needed.
 * Throws `FetchError` when the repository cannot be reached or has no such commit.
 */
export async function fetchGit(
  store: Store,
  url: string,
  commit: string,
  network: boolean,
): Promise<string> {
  const dir = join(store.root, "sources", "git");
  const tar = join(dir, `${commit}.tar`);
  if (await exists(tar)) return tar;
  const local = url.startsWith("file:") || url.startsWith("/");
  if (!local && !network)
    throw new FetchError(url, [`${url}: no network (offline); fetch it with network first`]);
  const repo = join(dir, createHash("sha256").update(url).digest("hex"));
  const lock = await store.lockFile(`git-${repo.slice(-64)}`);
  try {
    if (!(await exists(repo))) {
      const tmp = `${repo}.tmp-${randomBytes(4).toString("hex")}`;
      try {
        await git(["clone", "--bare", "--quiet", url, tmp]);
      } catch (e) {
        await rm(tmp, { recursive: true, force: true });
        throw new FetchError(url, [`git clone: ${(e as Error).message.trim()}`]);
      }
      await rename(tmp, repo);
    }
    if (!(await hasCommit(repo, commit)))
      await git(["-C", repo, "fetch", "--quiet", url, "+refs/*:refs/*"]).catch((e: Error) => {
        throw new FetchError(url, [`git fetch: ${e.message.trim()}`]);
      });
    if (!(await hasCommit(repo, commit)))
      throw new FetchError(url, [`${url}: no commit ${commit}`]);
    const tmpTar = `${tar}.tmp-${randomBytes(4).toString("hex")}`;
    await git(["-C", repo, "archive", "--format=tar", "--prefix=source/", "-o", tmpTar, commit]);
    await rename(tmpTar, tar);
    return tar;
  } finally {
    await lock.release();
  }
}
