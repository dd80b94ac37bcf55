/**
 * Where a binary cache lives. Every kind stores, per store path, a record (record.ts) and the
 * archive it names by sha256; the kinds differ only in how bytes move (docs/cache.md, "Targets").
 */
import type { StoreId } from "../../generator/store.js";
import type { Compression } from "./record.js";

/** An archive as a record names it. */
export interface ArchiveRef {
  readonly compression: Compression;
  readonly sha256: string;
  readonly size: number;
}

/** A binary cache: a directory, a read-only http(s) URL or an OCI registry repository. */
export interface BinaryCache {
  /** How the user named it, for messages. */
  readonly location: string;
  /** Whether `push` can write to it. */
  readonly writable: boolean;
  /** The parsed JSON of a path's record, or undefined when the cache does not have it. */
  getRecord(id: StoreId): Promise<unknown>;
  /**
   * Writes an archive's bytes to `file`, stopping past `archive.size` bytes (the caller checks
   * size and sha256). Throws `CacheError` when the cache does not have it.
   */
  getArchive(archive: ArchiveRef, file: string): Promise<void>;
  /** Whether the cache holds this archive already (pushing it again is skipped). */
  hasArchive(archive: ArchiveRef): Promise<boolean>;
  /** Stores an archive (the file `file`). */
  putArchive(archive: ArchiveRef, file: string): Promise<void>;
  /** Stores a record, after its archive: the record is what makes the path available. */
  putRecord(id: StoreId, record: unknown): Promise<void>;
}
