/**
 * Substitution (`pthbs cache pull`, `pthbs build --substituter`): a store path made valid from a
 * binary cache instead of being built, under the same rules as a build (docs/cache.md,
 * "Safety"). The record must describe the id, be signed by a trusted key, and its references be
 * valid first (pulled, recursively). Under the path's lock the archive is downloaded into a
 * scratch directory, its size and sha256 checked, unpacked with the escape checks of source
 * archives, its tree hash checked, and only then renamed into the store and recorded — so a pull
 * killed at any moment, or refused at any step, leaves nothing valid.
 */
import { readdir, rename, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { parseScriptHeader } from "../../generator/header.js";
import type { StoreId } from "../../generator/store.js";
import { CacheError, SubstituteError, UnsafeArchiveError } from "../errors.js";
import { makeReadOnly } from "../permissions.js";
import type { Store } from "../store.js";
import { treeHash } from "../tree-hash.js";
import type { PublicKey } from "./keys.js";
import { hashFile, unpackPath } from "./pack.js";
import { type CacheRecord, recordProblem, trustedSigner } from "./record.js";
import type { BinaryCache } from "./target.js";

/** Where substitutes come from and whom to trust. */
export interface SubstituteOptions {
  /** Caches, tried in order. */
  readonly caches: readonly BinaryCache[];
  /** Keys whose signature makes a record acceptable. */
  readonly trusted: readonly PublicKey[];
  /** Called after each path a cache supplied. */
  readonly onPulled?: (id: StoreId, cache: string) => void;
}

/** What happened to one path: already valid, pulled, or no cache has it. */
export type SubstituteOutcome = "valid" | "pulled" | "absent";

/** Fetches a path's record from a cache and checks it; throws `SubstituteError`. */
async function trustedRecord(
  store: Store,
  cache: BinaryCache,
  id: StoreId,
  trusted: readonly PublicKey[],
): Promise<CacheRecord | undefined> {
  const raw = await cache.getRecord(id);
  if (raw === undefined) return undefined;
  const problem = recordProblem(raw, id, store.storeDir);
  if (problem) throw new SubstituteError(id, cache.location, problem);
  const record = raw as CacheRecord;
  if (trustedSigner(record, trusted) === undefined) {
    const by = record.signatures.map((s) => s.key);
    throw new SubstituteError(
      id,
      cache.location,
      by.length === 0
        ? "the record is not signed"
        : `no valid signature by a trusted key (signed by ${by.join(", ")}; trusted: ${trusted.map((k) => k.name).join(", ") || "none"})`,
    );
  }
  return record;
}

/** Under the path's lock: download, verify, unpack, rename into place, record. */
async function install(store: Store, cache: BinaryCache, record: CacheRecord): Promise<void> {
  const id = record.id;
  const refuse = (reason: string) => new SubstituteError(id, cache.location, reason);
  await store.removeLeftovers(id);
  // Under the gc lock: the references are still valid; the script copy tells gc a path is coming.
  await store.beginBuild(id, record.script, record.references);
  const scratch = await store.tempDir(`pull-${id}`);
  try {
    const file = join(scratch, "archive");
    await cache.getArchive(record.archive, file);
    const got = await hashFile(file);
    if (got.size !== record.archive.size)
      throw refuse(
        `the archive has ${got.size} bytes, the record says ${record.archive.size} (truncated download?)`,
      );
    if (got.sha256 !== record.archive.sha256)
      throw refuse(
        `the archive's sha256 is ${got.sha256}, the record says ${record.archive.sha256} (tampered with?)`,
      );
    const final = store.path(id);
    let tree: string;
    try {
      tree = await unpackPath(file, record.archive.compression, scratch, [
        final,
        ...record.references.map((r) => store.path(r)),
      ]);
    } catch (e) {
      if (e instanceof UnsafeArchiveError) throw refuse(e.message);
      throw refuse(`cannot unpack the archive: ${(e as Error).message}`);
    }
    const top = join(tree, id);
    const st = await stat(top).catch(() => undefined);
    if (!st?.isDirectory() || (await readdir(tree)).length !== 1)
      throw refuse(`the archive holds something else than the one directory ${id}/`);
    const hash = await treeHash(top);
    if (hash !== record.tree)
      throw refuse(`the unpacked tree hashes to ${hash}, the record says ${record.tree}`);
    await rename(top, final);
    await makeReadOnly(final);
    const h = parseScriptHeader(record.script);
    await store.writeRecord({
      id,
      name: h.name,
      version: h.version,
      script: id.slice(id.lastIndexOf(".") + 1),
      depends: h.depends.map((d) => d.path),
      tree: record.tree,
      from: cache.location,
    });
  } catch (e) {
    await store.removeLeftovers(id);
    throw e;
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/**
 * Makes `id` valid from the first cache that has a trusted record for it, its references first.
 * Resolves to "absent" when no cache has it; throws `SubstituteError` (a refused record or
 * archive, every cache's reason listed) or `CacheError` (no cache reachable).
 */
export async function substitute(
  store: Store,
  id: StoreId,
  options: SubstituteOptions,
): Promise<SubstituteOutcome> {
  if (await store.isValid(id)) return "valid";
  const refused: (SubstituteError | CacheError)[] = [];
  for (const cache of options.caches) {
    let record: CacheRecord | undefined;
    try {
      record = await trustedRecord(store, cache, id, options.trusted);
      if (!record) continue;
      for (const ref of record.references) {
        const r = await substitute(store, ref, options);
        if (r === "absent")
          throw new SubstituteError(
            id,
            cache.location,
            `its reference ${ref} is not valid and no cache has it`,
          );
      }
      const lock = await store.lock(id);
      try {
        if (await store.isValid(id)) return "valid";
        await install(store, cache, record);
      } finally {
        await lock.release();
      }
      options.onPulled?.(id, cache.location);
      return "pulled";
    } catch (e) {
      if (!(e instanceof SubstituteError) && !(e instanceof CacheError)) throw e;
      refused.push(e);
    }
  }
  if (refused.length === 0) return "absent";
  if (refused.length === 1) throw refused[0]!;
  throw new SubstituteError(id, "every cache", `\n  ${refused.map((e) => e.message).join("\n  ")}`);
}
