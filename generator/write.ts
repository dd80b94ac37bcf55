/**
 * Writing a generation to a directory: `<id>.sh` for each script and `pthbs.lock.json`.
 *
 * Each file is written to a temporary name and renamed into place, so a reader (or an
 * interrupted run) never sees half a script. Files already in the directory are left alone: a
 * script of an earlier generation keeps its id-named file, and the lockfile says which are current.
 */
import { mkdir, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Generation } from "./generate.js";
import { formatLockfile, LOCKFILE_NAME } from "./lockfile-json.js";

/** The files written, relative to the directory: scripts in dependency order, then the lockfile. */
export async function writeGeneration(dir: string, generation: Generation): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const files: [string, string][] = [
    ...generation.scripts.map((s): [string, string] => [`${s.id}.sh`, s.text]),
    [LOCKFILE_NAME, formatLockfile(generation.lockfile)],
  ];
  for (const [name, text] of files) {
    const temporary = join(dir, `.${name}.${process.pid}.tmp`);
    await writeFile(temporary, text, { mode: 0o644 });
    await rename(temporary, join(dir, name));
  }
  return files.map(([name]) => name);
}
