/**
 * Writing a CUDF solution the way aspcud does: one stanza per installed package with its
 * `package`, `version` and `installed: true`, each followed by a blank line; `FAIL` alone when
 * there is no solution. apt-cudf and opam read this.
 */
import type { CudfUniverse, PackageId } from "./universe.js";

/** The solution document for these installed packages. */
export function writeSolution(universe: CudfUniverse, installed: readonly PackageId[]): string {
  let out = "";
  for (const id of installed) {
    const p = universe.get(id);
    out += `package: ${p.name}\nversion: ${p.version}\ninstalled: true\n\n`;
  }
  return out;
}

/** What a CUDF solver writes when the request has no solution. */
export const FAIL = "FAIL\n";
