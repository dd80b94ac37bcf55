/**
 * Getting a script's sources into the content-addressed cache (`sources/sha256/<hex>`), verified.
 * (Git sources: git.ts.)
 * Places are tried in order: the cache, each mirror directory (a file named as the script names
 * it, or named by its sha256), a `file:` URL, http(s). Whatever the place, the file's sha256 is
 * checked before it enters the cache and again before each use; a mismatch is a hard error naming
 * the file and both hashes, never a reason to try elsewhere.
 */
import { randomBytes } from "node:crypto";
import { copyFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { ScriptHeader, ScriptSource } from "../generator/header.js";
import { FetchError, HashMismatchError } from "./errors.js";
import { fetchGit } from "./git.js";
import type { Store } from "./store.js";
import { fileSha256 } from "./tree-hash.js";

/** Where sources may come from besides the cache. */
export interface SourceOptions {
  /** Mirror directories, searched in order. */
  readonly mirrors: readonly string[];
  /** Whether http(s) may be used (false: offline, fail clearly instead). */
  readonly network: boolean;
}

/** The cache file of a sha256. */
export function cachePath(store: Store, sha256: string): string {
  return join(store.root, "sources", "sha256", sha256);
}

async function exists(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/** Throws `HashMismatchError` unless `file` has the sha256 `expected`. */
export async function verifyFile(file: string, expected: string): Promise<void> {
  const actual = await fileSha256(file);
  if (actual !== expected) throw new HashMismatchError(file, expected, actual);
}

/** Copies a verified file into the cache (temporary name, verify, rename: never a bad entry). */
async function admit(store: Store, from: string, sha256: string): Promise<string> {
  const dest = cachePath(store, sha256);
  const tmp = `${dest}.tmp-${process.pid}-${randomBytes(4).toString("hex")}`;
  try {
    await copyFile(from, tmp);
    const actual = await fileSha256(tmp);
    if (actual !== sha256) throw new HashMismatchError(from, sha256, actual);
    await rename(tmp, dest);
  } finally {
    await rm(tmp, { force: true });
  }
  return dest;
}

async function download(store: Store, url: string, sha256: string): Promise<string> {
  const dir = await store.tempDir("fetch");
  try {
    const res = await fetch(url, { redirect: "follow" });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    const file = join(dir, "download");
    await writeFile(file, Buffer.from(await res.arrayBuffer()));
    return await admit(store, file, sha256);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * The cache file of a source, fetching it when needed (for git: the commit as a tar archive). Throws `HashMismatchError` on a
 * mismatch anywhere, `FetchError` (listing each place tried) when no place has it.
 */
export async function fetchSource(
  store: Store,
  source: ScriptSource,
  options: SourceOptions,
): Promise<string> {
  if (source.kind === "git") return fetchGit(store, source.url, source.commit, options.network);
  const cached = cachePath(store, source.sha256);
  if (await exists(cached)) {
    await verifyFile(cached, source.sha256);
    return cached;
  }
  const tried: string[] = [];
  for (const dir of options.mirrors) {
    for (const name of [source.filename, source.sha256]) {
      const candidate = join(dir, name);
      if (!(await exists(candidate))) {
        tried.push(`${candidate}: not there`);
        continue;
      }
      // A mirror's file with another sha256 is never used; the next place may hold the right one.
      try {
        return await admit(store, candidate, source.sha256);
      } catch (e) {
        if (!(e instanceof HashMismatchError)) throw e;
        tried.push(`${candidate}: ${e.message}`);
      }
    }
  }
  if (source.url.startsWith("file:")) {
    const path = fileURLToPath(source.url);
    if (await exists(path)) return admit(store, path, source.sha256);
    tried.push(`${path}: not there`);
  } else if (/^https?:/.test(source.url)) {
    if (!options.network)
      tried.push(`${source.url}: no network (offline); put the file in a --mirror directory`);
    else
      try {
        return await download(store, source.url, source.sha256);
      } catch (e) {
        if (e instanceof HashMismatchError) throw e;
        tried.push(`${source.url}: ${(e as Error).message} (no network? use --mirror DIR)`);
      }
  } else tried.push(`${source.url}: unsupported URL scheme`);
  throw new FetchError(source.url, tried);
}

/** Fetches every source and resource of the scripts into the cache (`pthbs fetch`); returns the cache files. */
export async function fetchScripts(
  store: Store,
  scripts: readonly { readonly header: ScriptHeader }[],
  options: SourceOptions,
): Promise<{ readonly url: string; readonly file: string }[]> {
  await store.init();
  const out: { url: string; file: string }[] = [];
  for (const s of scripts)
    for (const src of [s.header.source, ...s.header.resources])
      out.push({ url: src.url, file: await fetchSource(store, src, options) });
  return out;
}
