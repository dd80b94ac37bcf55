/**
 * A binary cache's record of one store path (docs/cache.md): what Nix's narinfo is to a NAR. It
 * names the archive by sha256 and size, the tree hash the store records, the path's references
 * and its build script, and carries Ed25519 signatures over a fingerprint of those fields.
 */
import { createHash, sign, verify } from "node:crypto";
import { parseScriptHeader } from "../../generator/header.js";
import { parseStoreId, type StoreId } from "../../generator/store.js";
import { privateKeyObject, publicKeyObject } from "./key-objects.js";
import type { PublicKey, SecretKey } from "./keys.js";

/** The format tag of records (and of the signed fingerprint). */
export const RECORD_FORMAT = "pthbs-cache-1";

/** How an archive is compressed: what Node ships (Node 20 has no zstd). */
export type Compression = "gzip" | "brotli";

/** One signature: the key's name and the base64 Ed25519 signature of the fingerprint. */
export interface Signature {
  readonly key: string;
  readonly sig: string;
}

/** A record, as stored next to its archive (`<id>.json`, or an OCI manifest's config blob). */
export interface CacheRecord {
  readonly format: typeof RECORD_FORMAT;
  readonly id: StoreId;
  readonly name: string;
  readonly version: string;
  /** The store directory the path was built for: it is only valid under that same directory. */
  readonly store: string;
  readonly archive: {
    readonly compression: Compression;
    /** sha256 (hex) of the compressed archive's bytes. */
    readonly sha256: string;
    readonly size: number;
  };
  /** The unpacked tree's hash (tree-hash.ts), as the validity record holds it. */
  readonly tree: string;
  /** Ids of the run and link dependencies: what must be valid before this path can be. */
  readonly references: readonly StoreId[];
  /** The build script; its sha256 is the id's hash. */
  readonly script: string;
  readonly signatures: readonly Signature[];
}

/** A record file's JSON; text that is no JSON becomes a value `recordProblem` calls malformed. */
export function parseRecordText(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return { malformed: text.slice(0, 80) };
  }
}

/** The text a signature covers (as UTF-8): every field a puller relies on, one per line. */
export function fingerprint(r: Omit<CacheRecord, "signatures">): string {
  return [
    RECORD_FORMAT,
    `${r.store}/${r.id}`,
    r.archive.compression,
    r.archive.sha256,
    String(r.archive.size),
    r.tree,
    r.references.join(","),
    createHash("sha256").update(r.script, "utf8").digest("hex"),
  ].join("\n");
}

/** The record with one more signature (replacing an older one by the same key). */
export function signRecord(r: CacheRecord, key: SecretKey): CacheRecord {
  const sig = sign(null, Buffer.from(fingerprint(r)), privateKeyObject(key)).toString("base64");
  return {
    ...r,
    signatures: [...r.signatures.filter((s) => s.key !== key.name), { key: key.name, sig }],
  };
}

/** The name of the first trusted key with a valid signature on the record, or undefined. */
export function trustedSigner(r: CacheRecord, trusted: readonly PublicKey[]): string | undefined {
  const data = Buffer.from(fingerprint(r));
  for (const s of r.signatures)
    for (const k of trusted)
      if (k.name === s.key && verify(null, data, publicKeyObject(k), Buffer.from(s.sig, "base64")))
        return k.name;
  return undefined;
}

/** The ids of a script's run and link dependencies under `storeDir`, sorted. */
export function scriptReferences(script: string, storeDir: string): StoreId[] {
  const prefix = `${storeDir}/`;
  return parseScriptHeader(script)
    .depends.filter((d) => d.path.startsWith(prefix))
    .filter((d) => d.types.includes("run") || d.types.includes("link"))
    .map((d) => d.path.slice(prefix.length) as StoreId)
    .sort();
}

/**
 * Checks a record's shape and that it describes `id`: the id, the script's hash, the store
 * directory and the references the script names. Returns why not, or undefined when it does.
 */
export function recordProblem(r: unknown, id: StoreId, storeDir: string): string | undefined {
  const x = r as Partial<CacheRecord> | null;
  if (typeof x !== "object" || x === null || x.format !== RECORD_FORMAT)
    return `not a ${RECORD_FORMAT} record`;
  const a = x.archive;
  if (
    typeof x.id !== "string" ||
    typeof x.script !== "string" ||
    typeof x.store !== "string" ||
    typeof x.tree !== "string" ||
    !Array.isArray(x.references) ||
    !Array.isArray(x.signatures) ||
    typeof a !== "object" ||
    (a.compression !== "gzip" && a.compression !== "brotli") ||
    !/^[0-9a-f]{64}$/.test(String(a.sha256)) ||
    !Number.isSafeInteger(a.size)
  )
    return "malformed record (a field is missing or of the wrong type)";
  if (x.id !== id) return `the record is for ${x.id}, not ${id}`;
  const parsed = parseStoreId(id);
  const scriptHash = createHash("sha256").update(x.script, "utf8").digest("hex");
  if (!parsed || scriptHash !== parsed.hash)
    return `its script hashes to ${scriptHash}, not the id's ${parsed?.hash}`;
  if (x.store !== storeDir)
    return `built for the store ${x.store}, not ${storeDir} (a path is only valid under the store directory it was built for)`;
  let refs: StoreId[];
  try {
    refs = scriptReferences(x.script, storeDir);
  } catch (e) {
    return `its script's header: ${(e as Error).message}`;
  }
  if (refs.join(",") !== [...x.references].sort().join(","))
    return `its references (${x.references.join(", ")}) are not its script's run and link dependencies (${refs.join(", ")})`;
  return undefined;
}
