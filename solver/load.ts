/**
 * Constraint files → one `Universe`, with every problem of every file.
 *
 * Each file is checked on its own first (`constraint-file.ts`), or taken from the load cache
 * (`load-cache.ts`); then the references between files are checked (`link.ts`).
 */
import { readdir, readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { PthbsError } from "../common/errors.js";
import { checkConstraintFile } from "./constraint-file.js";
import { ConstraintError, NotFoundError } from "./errors.js";
import { type LoadResult, linkConstraintFiles } from "./link.js";
import { type ConeRoots, type LoadCacheOptions, loadConstraintsCached } from "./load-cache.js";
import { SpecTable } from "./spec.js";
import type { Universe } from "./universe.js";

export type { CheckedFile, LoadResult } from "./link.js";

/** The text of one constraint file and the path to show for it. */
export interface ConstraintText {
  readonly path: string;
  readonly text: string;
}

/** Reads every `*.toml` file of a directory, in name order. */
export async function readConstraintDir(dir: string): Promise<ConstraintText[]> {
  const info = await stat(dir).catch(() => undefined);
  if (!info?.isDirectory()) {
    throw new NotFoundError(
      `constraints directory not found: ${dir}`,
      "run pthbs from a directory holding constraints/, or pass -C DIR",
    );
  }
  const names = (await readdir(dir)).filter((n) => n.endsWith(".toml")).sort();
  if (names.length === 0) {
    throw new NotFoundError(
      `no constraint files (*.toml) in ${dir}`,
      "pass -C DIR with the directory that holds them",
    );
  }
  const texts: ConstraintText[] = [];
  let next = 0;
  const reader = async () => {
    for (let i = next++; i < names.length; i = next++) {
      const path = join(dir, names[i]!);
      try {
        texts[i] = { path, text: await readFile(path, "utf8") };
      } catch (e) {
        const why = (e as NodeJS.ErrnoException).code ?? String(e);
        throw new PthbsError(`cannot read constraint file ${path} (${why})`);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(OPEN_AT_ONCE, names.length) }, reader));
  return texts;
}

/**
 * Files read at once: a big repository has more files than a process may usually hold open
 * (1,024), and every file read at once failed there with EMFILE.
 */
const OPEN_AT_ONCE = 64;

/** Checks and links a set of constraint files (in memory); never throws for bad input. */
export function loadConstraintTexts(files: readonly ConstraintText[]): LoadResult {
  // One spec object per distinct text (they are immutable): parsed once, memoised by the encoder.
  const specs = new SpecTable();
  return linkConstraintFiles(
    files.map((f) => ({ path: f.path, ...checkConstraintFile(f.text, f.path, specs) })),
  );
}

/** How to load: through the load cache (`load-cache.ts`) or not. */
export interface LoadOptions {
  /** Take unchanged files from this cache, and record the others in it. */
  readonly cache?: LoadCacheOptions;
  /**
   * The names a request mentions: with the cache, and no file changed, only what they can reach
   * is read back (a universe enough to solve that request; `load-cache.ts`).
   */
  readonly roots?: ConeRoots;
}

/** Reads and checks a constraints directory; never throws for bad content (only for a missing directory). */
export async function loadConstraints(dir: string, options: LoadOptions = {}): Promise<LoadResult> {
  if (options.cache !== undefined) return loadConstraintsCached(dir, options.cache, options.roots);
  return loadConstraintTexts(await readConstraintDir(dir));
}

/** Reads a constraints directory and returns its universe; throws `ConstraintError` if any file has an error. */
export async function loadUniverse(dir: string, options: LoadOptions = {}): Promise<Universe> {
  const result = await loadConstraints(dir, options);
  if (result.diagnostics.some((d) => d.severity === "error"))
    throw new ConstraintError(result.diagnostics);
  return result.universe;
}
