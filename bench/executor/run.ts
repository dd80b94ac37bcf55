/**
 * The executor benchmark: a no-op `buildAll` over a 1,000-package set whose paths are all valid
 * (target: well under a second), and `Store.verify` throughput. Paths are made valid directly
 * (directory, files, record), not built: a no-op run only sees records.
 *   npx tsc -p bench/tsconfig.json && node bench/dist/bench/executor/run.js [--packages N]
 */
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { BuildScript } from "../../executor/build.js";
import { buildAll } from "../../executor/schedule.js";
import { Store } from "../../executor/store.js";
import { parseScriptHeader } from "../../generator/header.js";
import { storeId } from "../../generator/store.js";
import { layeredScripts } from "../layered.js";

const arg = process.argv.indexOf("--packages");
const PACKAGES = arg > 0 ? Number(process.argv[arg + 1]) : 1000;
const FILES = 5;
const FILE_BYTES = 20_000;

/** The scripts of the layered set (bench/layered.ts). */
function scripts(storeDir: string): string[] {
  return layeredScripts(storeDir, PACKAGES, ["build", "link"]).texts;
}

const root = await mkdtemp(join(tmpdir(), "pthbs-bench-"));
try {
  const store = new Store(root);
  await store.init();
  const texts = scripts(store.storeDir);
  const content = Buffer.alloc(FILE_BYTES, 7);
  for (const text of texts) {
    const h = parseScriptHeader(text);
    const id = storeId(h.name, text);
    await mkdir(join(store.path(id), "bin"), { recursive: true });
    for (let f = 0; f < FILES; f++) await writeFile(join(store.path(id), "bin", `f${f}`), content);
    await store.markValid(
      {
        id,
        name: h.name,
        version: h.version,
        script: id.slice(-64),
        depends: h.depends.map((d) => d.path),
      },
      text,
    );
  }
  const t0 = performance.now();
  const set: BuildScript[] = texts.map((text) => {
    const header = parseScriptHeader(text);
    return { id: storeId(header.name, text), text, header };
  });
  const t1 = performance.now();
  const r = await buildAll(store, set, {
    sandbox: "none",
    jobs: 1,
    parallel: 2,
    keepGoing: false,
    mirrors: [],
    network: false,
  });
  const t2 = performance.now();
  if (r.valid.length !== PACKAGES || r.built.length !== 0)
    throw new Error("the no-op build built something");
  const t3 = performance.now();
  let bad = 0;
  for (const rec of await store.valid()) if (!(await store.verify(rec)).ok) bad++;
  const t4 = performance.now();
  if (bad) throw new Error(`${bad} paths failed verification`);
  const mib = (PACKAGES * FILES * FILE_BYTES) / 2 ** 20;
  console.log(
    `no-op build of ${PACKAGES} packages: parse ${(t1 - t0).toFixed(0)} ms + buildAll ${(t2 - t1).toFixed(0)} ms`,
  );
  console.log(
    `store verify: ${PACKAGES} paths, ${mib.toFixed(0)} MiB in ${((t4 - t3) / 1000).toFixed(2)} s = ${(mib / ((t4 - t3) / 1000)).toFixed(0)} MiB/s, ${(PACKAGES / ((t4 - t3) / 1000)).toFixed(0)} paths/s`,
  );
} finally {
  await rm(root, { recursive: true, force: true });
}
