/**
 * pthbs compiled (and its command bundled) into a scratch directory, for tests that run it in
 * child processes and kill them (the sources under test, not whatever dist/ holds).
 */
import { execFileSync } from "node:child_process";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll } from "vitest";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

/**
 * Compiles the package before the file's tests and removes it after them; the returned function
 * gives the output directory (valid inside tests).
 */
export function compiledForTests(label: string): () => string {
  let dist = "";
  beforeAll(async () => {
    // Under node_modules so that the compiled files find the dependencies.
    await mkdir(join(ROOT, "node_modules", ".cache"), { recursive: true });
    dist = await mkdtemp(join(ROOT, "node_modules", ".cache", `pthbs-${label}-`));
    execFileSync(join(ROOT, "node_modules", ".bin", "tsc"), [
      "-p",
      join(ROOT, "tsconfig.build.json"),
      "--outDir",
      dist,
    ]);
    // As `npm run build` does: the command and its parse worker bundled.
    execFileSync(process.execPath, [join(ROOT, "scripts", "bundle.mjs"), dist]);
  }, 60_000);
  afterAll(async () => {
    if (dist) await rm(dist, { recursive: true, force: true });
  });
  return () => dist;
}
