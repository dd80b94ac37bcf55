/**
 * `pthbs cache push`: valid store paths (and their run/link closure) packed, signed and stored in
 * a binary cache. A path the cache already holds with the same tree and a signature by the
 * pushing key is skipped, so pushing again is cheap.
 */
import { readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import type { StoreId } from "../../generator/store.js";
import { StoreError } from "../errors.js";
import type { Store, ValidityRecord } from "../store.js";
import { parsePublicKey, type SecretKey } from "./keys.js";
import { ARCHIVE_EXTENSION, packPath } from "./pack.js";
import {
  type CacheRecord,
  type Compression,
  fingerprint,
  RECORD_FORMAT,
  recordProblem,
  scriptReferences,
  signRecord,
  trustedSigner,
} from "./record.js";
import type { BinaryCache } from "./target.js";

/** How to push. */
export interface PushOptions {
  /** The signing key; without one, records are unsigned (no puller will trust them). */
  readonly key?: SecretKey;
  readonly compression: Compression;
  /** Also push every path the given ones use at run or link time (default in the CLI). */
  readonly closure: boolean;
  /** Called after each path. */
  readonly onPath?: (id: StoreId, outcome: "pushed" | "present") => void;
}

/** What a push did. */
export interface PushResult {
  readonly pushed: StoreId[];
  /** Already in the cache, signed by the key (or unsigned pushes: present at all). */
  readonly present: StoreId[];
}

/** A valid path's record and build script; throws `StoreError` when it is not valid. */
async function validPath(
  store: Store,
  id: StoreId,
): Promise<{ record: ValidityRecord; script: string }> {
  const record = await store.record(id);
  if (!record)
    throw new StoreError("not valid: build it (or pull it) before pushing it", store.path(id));
  const script = await readFile(store.scriptPath(id), "utf8").catch(() => {
    throw new StoreError(
      "valid, but its script copy is missing (db/scripts/): cannot tell its references",
      store.path(id),
    );
  });
  return { record, script };
}

/** The ids and their run/link closure, each after its references. */
async function pushOrder(
  store: Store,
  ids: readonly StoreId[],
  closure: boolean,
): Promise<StoreId[]> {
  const order: StoreId[] = [];
  const seen = new Set<StoreId>();
  const visit = async (id: StoreId): Promise<void> => {
    if (seen.has(id)) return;
    seen.add(id);
    if (closure) {
      const { script } = await validPath(store, id);
      for (const r of scriptReferences(script, store.storeDir)) await visit(r);
    }
    order.push(id);
  };
  for (const id of [...ids].sort()) await visit(id);
  return order;
}

/** Pushes paths to a cache; throws `StoreError` for a path that is not valid, `CacheError` when the cache fails. */
export async function pushPaths(
  store: Store,
  cache: BinaryCache,
  ids: readonly StoreId[],
  options: PushOptions,
): Promise<PushResult> {
  const result: PushResult = { pushed: [], present: [] };
  const publicKey = options.key && [parsePublicKey(options.key.publicText, options.key.name)];
  for (const id of await pushOrder(store, ids, options.closure)) {
    const { record, script } = await validPath(store, id);
    const old = await cache.getRecord(id);
    const usable = old !== undefined && recordProblem(old, id, store.storeDir) === undefined;
    const existing = usable ? (old as CacheRecord) : undefined;
    if (
      existing &&
      existing.tree === record.tree &&
      (publicKey ? trustedSigner(existing, publicKey) !== undefined : true)
    ) {
      result.present.push(id);
      options.onPath?.(id, "present");
      continue;
    }
    const dir = await store.tempDir(`push-${id}`);
    try {
      const file = join(dir, `archive.${ARCHIVE_EXTENSION[options.compression]}`);
      const packed = await packPath(store.storeDir, id, file, options.compression);
      const archive = { compression: options.compression, ...packed };
      if (!(await cache.hasArchive(archive))) await cache.putArchive(archive, file);
      let next: CacheRecord = {
        format: RECORD_FORMAT,
        id,
        name: record.name,
        version: record.version,
        store: store.storeDir,
        archive,
        tree: record.tree,
        references: scriptReferences(script, store.storeDir),
        script,
        signatures: [],
      };
      // Same fields as the cache's record: keep the signatures other keys made.
      if (existing && fingerprint(existing) === fingerprint(next))
        next = { ...next, signatures: existing.signatures };
      if (options.key) next = signRecord(next, options.key);
      await cache.putRecord(id, next);
      result.pushed.push(id);
      options.onPath?.(id, "pushed");
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
  return result;
}
