/** Where the pthbs package is installed: its examples, and its package.json. */

import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The directory of pthbs's package.json, found upward from this file (which runs from cli/ in
 * tests and from dist/cli/ when installed).
 */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const file = join(dir, "package.json");
    if (
      existsSync(file) &&
      (JSON.parse(readFileSync(file, "utf8")) as { name?: string }).name === "pthbs"
    )
      return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error("cannot find the pthbs package directory");
    dir = up;
  }
}

/** The version in package.json. */
export function packageVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(join(packageRoot(), "package.json"), "utf8")) as {
      version?: string;
    };
    return pkg.version ?? "unknown";
  } catch {
    return "unknown";
  }
}
