/**
 * Store paths and environments are made read-only once complete, as Nix does: a program run from
 * a profile cannot change what the hash names (with folded directories an environment's links lead
 * straight into store paths). Deleting them (gc, leftovers) makes directories writable again first.
 */
import { chmod, lstat, readdir, rm } from "node:fs/promises";
import { join } from "node:path";

/** Clears every write bit of a tree's files and directories (symbolic links have no mode of their own). */
export async function makeReadOnly(path: string): Promise<void> {
  const st = await lstat(path);
  if (st.isSymbolicLink()) return;
  if (st.isDirectory())
    for (const name of await readdir(path)) await makeReadOnly(join(path, name));
  // Directories last, so that their entries could still be changed above.
  await chmod(path, st.mode & 0o7555);
}

/** Gives the owner write permission on every directory of a tree, so that it can be removed. */
async function makeDirectoriesWritable(path: string): Promise<void> {
  let st: Awaited<ReturnType<typeof lstat>>;
  try {
    st = await lstat(path);
  } catch {
    return;
  }
  if (!st.isDirectory()) return;
  await chmod(path, (st.mode & 0o7777) | 0o200);
  for (const name of await readdir(path)) await makeDirectoriesWritable(join(path, name));
}

/** Removes a tree, read-only or not; absent is fine. */
export async function removeTree(path: string): Promise<void> {
  try {
    await rm(path, { recursive: true, force: true });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== "EACCES" && code !== "EPERM") throw e;
    await makeDirectoriesWritable(path);
    await rm(path, { recursive: true, force: true });
  }
}
