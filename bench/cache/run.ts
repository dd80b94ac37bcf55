/**
 * The binary-cache benchmark: push and pull throughput of the example set (examples/, built here)
 * and of a synthetic 300-path closure, to a directory cache (gzip and brotli) and to a
 * docker-registry on 127.0.0.1 when installed, against plain `tar | gzip` of the same trees; and a
 * pull of a closure that is already valid (a no-op).
 *   npx tsc -p bench/tsconfig.json && node bench/dist/bench/cache/run.js [--packages 300] [--files 10]
 */
import { execFileSync, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdir, mkdtemp, readdir, rename, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { run } from "../../cli/program.js";
import { generateKeyPair, parsePublicKey, parseSecretKey } from "../../executor/cache/keys.js";
import { openCache } from "../../executor/cache/open.js";
import { substitute } from "../../executor/cache/pull.js";
import { pushPaths } from "../../executor/cache/push.js";
import type { Compression } from "../../executor/cache/record.js";
import { Store } from "../../executor/store.js";
import { parseScriptHeader } from "../../generator/header.js";
import type { StoreId } from "../../generator/store.js";
import { layeredScripts } from "../layered.js";

const opt = (name: string, dflt: number) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const PACKAGES = opt("--packages", 300);
const FILES = opt("--files", 10);
const FILE_BYTES = 10_000;
const EXAMPLES = fileURLToPath(new URL("../../../../examples/", import.meta.url));
const pair = generateKeyPair("bench-1");
const secret = parseSecretKey(pair.secret, "bench");
const trusted = [parsePublicKey(pair.public, "bench")];
const quiet = {
  stdout: () => undefined,
  stderr: (t: string) => process.stderr.write(t),
  color: false,
};

/** Bytes of the files under a directory. */
async function treeBytes(dir: string): Promise<number> {
  let n = 0;
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true }))
    if (e.isFile()) n += (await stat(join(e.parentPath, e.name))).size;
  return n;
}

/** `n` bytes that do not compress (sha256 in counter mode), the same for the same seed. */
function noiseBytes(seed: string, n: number): Buffer {
  const out: Buffer[] = [];
  for (let k = 0; k * 32 < n; k++) out.push(createHash("sha256").update(`${seed}:${k}`).digest());
  return Buffer.concat(out).subarray(0, n);
}

/** A store of `PACKAGES` valid paths (i depends at run/link time on i-1, i-7 and i/2). */
async function synthetic(store: Store): Promise<StoreId[]> {
  const { texts, ids } = layeredScripts(store.storeDir, PACKAGES, ["link", "run"]);
  for (let i = 0; i < PACKAGES; i++) {
    const text = texts[i]!;
    const id = ids[i]!;
    await mkdir(join(store.path(id), "lib"), { recursive: true });
    for (let f = 0; f < FILES; f++) {
      // Half text (compressible, like headers and scripts), half noise (like machine code).
      const words = Buffer.from(`p${i} f${f} `.repeat(FILE_BYTES / 16)).subarray(0, FILE_BYTES / 2);
      const noise = noiseBytes(`${i}/${f}`, FILE_BYTES / 2);
      await writeFile(join(store.path(id), "lib", `f${f}`), Buffer.concat([words, noise]));
    }
    await store.markValid(
      {
        id,
        name: `p${i}`,
        version: "1.0",
        script: id.slice(-64),
        depends: parseScriptHeader(text).depends.map((d) => d.path),
      },
      text,
    );
  }
  return ids;
}

/** Seconds taken by `fn`. */
async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return (performance.now() - t0) / 1000;
}

/** Starts docker-registry on 127.0.0.1 with scratch storage, or undefined when it is missing. */
async function registry(dir: string): Promise<{ url: string; stop: () => void } | undefined> {
  try {
    execFileSync("/usr/bin/docker-registry", ["--version"], { stdio: "ignore" });
  } catch {
    return undefined;
  }
  const config = join(dir, "registry.yml");
  await writeFile(
    config,
    `version: 0.1\nlog:\n  level: info\nstorage:\n  filesystem:\n    rootdirectory: ${dir}/registry\nhttp:\n  addr: 127.0.0.1:0\n`,
  );
  const child = spawn("/usr/bin/docker-registry", ["serve", config], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let log = "";
  const port = await new Promise<string>((ok) => {
    const take = (d: Buffer) => {
      log += d.toString();
      const m = /listening on 127\.0\.0\.1:(\d+)/.exec(log);
      if (m) ok(m[1]!);
    };
    child.stdout.on("data", take);
    child.stderr.on("data", take);
  });
  return { url: `oci://127.0.0.1:${port}/bench`, stop: () => child.kill() };
}

/** One row: push and pull of `ids` through each cache kind, and the tar | gzip baseline. */
async function measure(
  label: string,
  dir: string,
  root: string,
  ids: StoreId[],
  oci?: string,
): Promise<void> {
  const a = new Store(root);
  const bytes = (await Promise.all(ids.map((id) => treeBytes(a.path(id))))).reduce(
    (x, y) => x + y,
    0,
  );
  const mib = bytes / 2 ** 20;
  const rate = (s: number) =>
    `${s.toFixed(2)} s (${(mib / s).toFixed(1)} MiB/s, ${(ids.length / s).toFixed(0)} paths/s)`;
  console.log(`\n${label}: ${ids.length} paths, ${mib.toFixed(1)} MiB in files`);
  const tgz = join(dir, `${label}.tar.gz`);
  const tarGzip = await timed(async () =>
    execFileSync("sh", [
      "-c",
      'cd "$1" && shift && tar -cf - "$@" | gzip > "$0"',
      tgz,
      a.storeDir,
      ...ids,
    ]),
  );
  console.log(
    `  tar | gzip (baseline)         ${rate(tarGzip)}, ${((await stat(tgz)).size / 2 ** 20).toFixed(1)} MiB`,
  );
  const untar = join(dir, `${label}-untar`);
  await mkdir(untar);
  const gunzipTar = await timed(async () =>
    execFileSync("sh", ["-c", 'gzip -dc "$0" | tar -xf - -C "$1"', tgz, untar]),
  );
  console.log(`  gzip -d | tar -x (baseline)   ${rate(gunzipTar)}`);
  const kinds: [string, string, Compression][] = [
    ["dir gzip", join(dir, `${label}-cache-gz`), "gzip"],
    ["dir brotli", join(dir, `${label}-cache-br`), "brotli"],
    ...(oci
      ? ([["oci gzip", `${oci}-${label.toLowerCase().replace(/[^a-z0-9]/g, "")}`, "gzip"]] as [
          string,
          string,
          Compression,
        ][])
      : []),
  ];
  let machine = 0;
  for (const [kind, location, compression] of kinds) {
    const cache = openCache(location);
    const push = await timed(() =>
      pushPaths(a, cache, ids, { key: secret, compression, closure: true }),
    );
    const again = await timed(() =>
      pushPaths(a, cache, ids, { key: secret, compression, closure: true }),
    );
    // Machine B: the root moved aside, an empty one at its path.
    await rename(root, `${root}-${++machine}`);
    const b = new Store(root);
    await b.init();
    const pull = await timed(async () => {
      for (const id of ids) await substitute(b, id, { caches: [cache], trusted });
    });
    const noop = await timed(async () => {
      for (const id of ids) await substitute(b, id, { caches: [cache], trusted });
    });
    const size = kind.startsWith("dir") ? await treeBytes(location) : NaN;
    console.log(
      `  push ${kind.padEnd(10)} ${rate(push)}${Number.isNaN(size) ? "" : `, ${(size / 2 ** 20).toFixed(1)} MiB`}; again (all present) ${again.toFixed(2)} s`,
    );
    console.log(
      `  pull ${kind.padEnd(10)} ${rate(pull)}; again (all valid, no-op) ${(noop * 1000).toFixed(0)} ms`,
    );
    await rm(root, { recursive: true, force: true }).catch(() =>
      execFileSync("sh", ["-c", 'chmod -R u+w "$0" && rm -rf "$0"', root]),
    );
    await rename(`${root}-${machine}`, root);
    machine--;
  }
}

const dir = await mkdtemp(join(tmpdir(), "pthbs-bench-cache-"));
const reg = await registry(dir);
if (!reg) console.log("docker-registry is not installed: the oci rows are skipped");
try {
  // The example set, built from sources.
  const exRoot = join(dir, "examples-root");
  const demo = ["-f", join(EXAMPLES, "environments", "demo.toml")];
  const code = await run(
    ["build", "-C", join(EXAMPLES, "constraints"), ...demo, "--root", exRoot],
    quiet,
  );
  if (code !== 0) throw new Error(`building the example set failed (${code})`);
  const exIds = (await new Store(exRoot).valid()).map((r) => r.id);
  await measure("examples", dir, exRoot, exIds, reg?.url);
  const synRoot = join(dir, "synthetic-root");
  const store = new Store(synRoot);
  await store.init();
  const ids = await synthetic(store);
  await measure(`synthetic${PACKAGES}`, dir, synRoot, ids, reg?.url);
} finally {
  reg?.stop();
  execFileSync("sh", ["-c", 'chmod -R u+w "$0" && rm -rf "$0"', dir]);
}
