/**
 * A read-only binary cache over plain http(s): a directory cache (directory.ts) served by any
 * static web server or object store.
 */
import type { StoreId } from "../../generator/store.js";
import { CacheError } from "../errors.js";
import { archiveName } from "./directory.js";
import { saveBody } from "./download.js";
import { parseRecordText } from "./record.js";
import type { ArchiveRef, BinaryCache } from "./target.js";

/** A cache at an http(s) URL, read-only. */
export class HttpCache implements BinaryCache {
  readonly writable = false;
  constructor(
    readonly location: string,
    /** The base URL, without a trailing slash. */
    readonly base: string,
  ) {}

  private async get(path: string): Promise<Response | undefined> {
    let res: Response;
    try {
      res = await fetch(`${this.base}/${path}`, { redirect: "follow" });
    } catch (e) {
      throw new CacheError(this.location, `cannot reach it: ${(e as Error).message}`);
    }
    if (res.status === 404 || res.status === 403) return undefined;
    if (!res.ok) throw new CacheError(this.location, `GET ${path}: HTTP ${res.status}`);
    return res;
  }

  async getRecord(id: StoreId): Promise<unknown> {
    const res = await this.get(`${id}.json`);
    if (!res) return undefined;
    return parseRecordText(await res.text());
  }

  async getArchive(archive: ArchiveRef, file: string): Promise<void> {
    const res = await this.get(archiveName(archive));
    if (!res) throw new CacheError(this.location, `${archiveName(archive)}: not found`);
    await saveBody(res, file, archive.size, this.location);
  }

  async hasArchive(): Promise<boolean> {
    return false;
  }

  putArchive(): Promise<void> {
    return Promise.reject(this.readOnly());
  }

  putRecord(): Promise<void> {
    return Promise.reject(this.readOnly());
  }

  private readOnly(): CacheError {
    return new CacheError(
      this.location,
      "an http(s) cache is read-only: push to a directory (which the server serves) or to oci://",
    );
  }
}
