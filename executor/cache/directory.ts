/**
 * A binary cache in a directory: `<id>.json` records and `archive/<sha256>.tar.gz` archives — the
 * layout a static HTTP server or an object store can serve as is (http.ts reads it). Files are
 * written under a temporary name and renamed, archive before record, so a reader never sees a
 * half-written file or a record without its archive.
 */
import { randomBytes } from "node:crypto";
import { copyFile, mkdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { StoreId } from "../../generator/store.js";
import { CacheError } from "../errors.js";
import { ARCHIVE_EXTENSION } from "./pack.js";
import { parseRecordText } from "./record.js";
import type { ArchiveRef, BinaryCache } from "./target.js";

/** The relative path of an archive in a directory or http cache. */
export function archiveName(a: ArchiveRef): string {
  return `archive/${a.sha256}.${ARCHIVE_EXTENSION[a.compression]}`;
}

/** Writes `data` (or copies `from`) to `dest` atomically. */
async function atomically(dest: string, data: { text?: string; from?: string }): Promise<void> {
  const tmp = `${dest}.tmp-${process.pid}-${randomBytes(4).toString("hex")}`;
  try {
    if (data.from !== undefined) await copyFile(data.from, tmp);
    else await writeFile(tmp, data.text ?? "", { flush: true });
    await rename(tmp, dest);
  } finally {
    await rm(tmp, { force: true });
  }
}

/** A directory cache (created on first push). */
export class DirectoryCache implements BinaryCache {
  readonly writable = true;
  constructor(
    readonly location: string,
    /** The directory, absolute. */
    readonly dir: string,
  ) {}

  async getRecord(id: StoreId): Promise<unknown> {
    let text: string;
    try {
      text = await readFile(join(this.dir, `${id}.json`), "utf8");
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw new CacheError(this.location, `cannot read ${id}.json: ${(e as Error).message}`);
    }
    return parseRecordText(text);
  }

  async getArchive(archive: ArchiveRef, file: string): Promise<void> {
    try {
      await copyFile(join(this.dir, archiveName(archive)), file);
    } catch (e) {
      throw new CacheError(
        this.location,
        `cannot read ${archiveName(archive)}: ${(e as Error).message}`,
      );
    }
  }

  async hasArchive(archive: ArchiveRef): Promise<boolean> {
    try {
      return (await stat(join(this.dir, archiveName(archive)))).size === archive.size;
    } catch {
      return false;
    }
  }

  async putArchive(archive: ArchiveRef, file: string): Promise<void> {
    await mkdir(join(this.dir, "archive"), { recursive: true });
    await atomically(join(this.dir, archiveName(archive)), { from: file });
  }

  async putRecord(id: StoreId, record: unknown): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    await atomically(join(this.dir, `${id}.json`), {
      text: `${JSON.stringify(record, null, 2)}\n`,
    });
  }
}
