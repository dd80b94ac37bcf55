/**
 * `sh -n` syntax checks of rendered build scripts: every script of a solution must at least parse
 * as POSIX shell (the generator cannot see a recipe's shell syntax).
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** The syntax errors `sh -n` finds in each text (empty when all parse), checked in one run. */
export function syntaxErrors(scripts: readonly { name: string; text: string }[]): string[] {
  // With no file, the loop would check its own unexpanded pattern.
  if (scripts.length === 0) return [];
  const dir = mkdtempSync(join(tmpdir(), "pthbs-sh-n-"));
  for (const [i, s] of scripts.entries()) writeFileSync(join(dir, `${i}.sh`), s.text);
  const loop = `for f in "$1"/*.sh; do sh -n "$f" 2>"$f.err" || echo "$f"; done`;
  const r = spawnSync("/bin/sh", ["-c", loop, "sh", dir], { encoding: "utf8" });
  const errors = r.stdout
    .split("\n")
    .filter((l) => l !== "")
    .map((f) => {
      const i = Number(f.replace(/.*\/(\d+)\.sh$/, "$1"));
      // The message names the temporary file: name the script instead.
      const message = readFileSync(`${f}.err`, "utf8").trim().replaceAll(`${f}: `, "");
      return `${scripts[i]!.name}: ${message}`;
    });
  rmSync(dir, { recursive: true, force: true });
  return errors;
}
