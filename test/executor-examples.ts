/** Build scripts for the packages in examples/: tarballs packed reproducibly, headers from the generator. */
import { execFileSync } from "node:child_process";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { BuildScript } from "../executor/build.js";
import { detectSandbox } from "../executor/sandbox.js";
import type { RunOptions } from "../executor/schedule.js";
import { fileSha256 } from "../executor/tree-hash.js";
import { formatScriptHeader, parseScriptHeader } from "../generator/header.js";
import { storeId } from "../generator/store.js";

/** The repository's examples/ directory. */
export const EXAMPLES = fileURLToPath(new URL("../examples/", import.meta.url));

/** Packs `examples/<name>/src/<name>-<version>` into `dir/<name>-<version>.tar.gz`, byte-stable. */
export function packExample(name: string, version: string, dir: string): string {
  const file = join(dir, `${name}-${version}.tar.gz`);
  execFileSync("sh", [
    "-c",
    'tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -C "$1" -cf - "$2" | gzip -n > "$3"',
    "sh",
    join(EXAMPLES, name, "src"),
    `${name}-${version}`,
    file,
  ]);
  return file;
}

/** One script: header for `name`, source the tarball, body from `examples/<name>/build.sh` (or `body`). */
export async function exampleScript(
  name: string,
  tarball: string,
  depends: readonly BuildScript[],
  storeDir: string,
  body?: string,
): Promise<BuildScript> {
  const header = formatScriptHeader({
    format: 1,
    name,
    version: "1.0",
    recipe: name,
    options: new Map(),
    source: {
      kind: "url",
      url: pathToFileURL(tarball).href,
      sha256: await fileSha256(tarball),
      filename: tarball.slice(tarball.lastIndexOf("/") + 1),
    },
    resources: [],
    depends: depends.map((d) => ({
      name: d.header.name,
      types: ["build"],
      path: `${storeDir}/${d.id}`,
      virtuals: [],
    })),
  });
  const text = `#!/bin/sh\n${header}\nset -eu\n${body ?? (await readFile(join(EXAMPLES, name, "build.sh"), "utf8"))}`;
  return { id: storeId(name, text), text, header: parseScriptHeader(text) };
}

/** greet and hello-c (which depends on greet), for a store directory. */
export async function exampleSet(storeDir: string, tarballs: string): Promise<BuildScript[]> {
  const greet = await exampleScript("greet", packExample("greet", "1.0", tarballs), [], storeDir);
  const hello = await exampleScript(
    "hello-c",
    packExample("hello-c", "1.0", tarballs),
    [greet],
    storeDir,
  );
  return [greet, hello];
}

/** The sandbox that works here, found once. */
export const SANDBOX = detectSandbox();

/** Offline build options for the tests: the working sandbox, two builds at once. */
export const TEST_RUN: RunOptions = {
  sandbox: SANDBOX,
  jobs: 1,
  parallel: 2,
  keepGoing: false,
  mirrors: [],
  network: false,
};
