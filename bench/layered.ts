/**
 * The benchmarks' synthetic package set: package i depends on up to three packages below it
 * (i−1, i−7 and i/2), a layered, deep set. Scripts have real headers and a body never run.
 */
import { formatScriptHeader } from "../generator/header.js";
import { type StoreId, storeId } from "../generator/store.js";
import type { DependencyType } from "../solver/universe.js";

/** The scripts of `packages` packages for a store directory, and their ids, in order. */
export function layeredScripts(
  storeDir: string,
  packages: number,
  types: readonly DependencyType[],
): { texts: string[]; ids: StoreId[] } {
  const texts: string[] = [];
  const ids: StoreId[] = [];
  for (let i = 0; i < packages; i++) {
    const deps = [i - 1, i - 7, Math.floor(i / 2)].filter(
      (d, k, a) => d >= 0 && d < i && a.indexOf(d) === k,
    );
    const header = formatScriptHeader({
      format: 1,
      name: `p${i}`,
      version: "1.0",
      recipe: "bench",
      options: new Map(),
      source: {
        kind: "url",
        url: `https://example.org/p${i}.tar.gz`,
        sha256: "0".repeat(64),
        filename: `p${i}.tar.gz`,
      },
      resources: [],
      depends: deps.map((d) => ({
        name: `p${d}`,
        types,
        path: `${storeDir}/${ids[d]}`,
        virtuals: [],
      })),
    });
    const text = `#!/bin/sh\n${header}\nset -eu\nmake install\n`;
    texts.push(text);
    ids.push(storeId(`p${i}`, text));
  }
  return { texts, ids };
}
