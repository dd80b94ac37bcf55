/**
 * Store paths as deterministic archives. Packing uses the system's GNU tar with the
 * reproducible-builds.org flags (entries sorted by name, owner and group 0, every time
 * `SOURCE_DATE_EPOCH`, the gnu format, whose headers carry no process ids or access times) and
 * keeps each entry's permissions; the stream is compressed with Node's zlib (gzip or brotli — Node
 * 20 has no zstd). GNU tar rather than an npm tar writer: the executor already relies on it to
 * read archives (archive.ts), and these flags are all determinism needs. Unpacking decompresses
 * with zlib and hands the plain tar to `unpackArchive`, with the escape checks of source archives.
 */
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import {
  constants,
  createBrotliCompress,
  createBrotliDecompress,
  createGunzip,
  createGzip,
} from "node:zlib";
import { unpackArchive } from "../archive.js";
import { SOURCE_DATE_EPOCH } from "../build.js";
import { StoreError } from "../errors.js";
import type { Compression } from "./record.js";

/** The archive file name's extension for a compression. */
export const ARCHIVE_EXTENSION: Readonly<Record<Compression, string>> = {
  gzip: "tar.gz",
  brotli: "tar.br",
};

/** A stream that hashes and counts what passes through. */
function counter(): Transform & { sha256: () => string; size: () => number } {
  const hash = createHash("sha256");
  let size = 0;
  const t = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      hash.update(chunk);
      size += chunk.length;
      cb(null, chunk);
    },
  });
  return Object.assign(t, { sha256: () => hash.digest("hex"), size: () => size });
}

/**
 * Packs `<storeDir>/<id>` (entries named `<id>/…`) into `file`; returns the archive's sha256 and
 * size.
 */
export async function packPath(
  storeDir: string,
  id: string,
  file: string,
  compression: Compression,
): Promise<{ sha256: string; size: number }> {
  const tar = spawn(
    "tar",
    [
      "--format=gnu",
      "--sort=name",
      `--mtime=@${SOURCE_DATE_EPOCH}`,
      "--owner=0",
      "--group=0",
      "--numeric-owner",
      "-C",
      storeDir,
      "-cf",
      "-",
      id,
    ],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  let stderr = "";
  tar.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((ok) => tar.on("close", ok));
  const count = counter();
  const compress =
    compression === "gzip"
      ? createGzip({ level: 6 })
      : createBrotliCompress({ params: { [constants.BROTLI_PARAM_QUALITY]: 5 } });
  await pipeline(tar.stdout, compress, count, createWriteStream(file));
  const code = await exited;
  if (code !== 0)
    throw new StoreError(
      `tar could not pack it (exit ${code}): ${stderr.trim()}`,
      join(storeDir, id),
    );
  return { sha256: count.sha256(), size: count.size() };
}

/** The sha256 and size of a file, streamed. */
export async function hashFile(file: string): Promise<{ sha256: string; size: number }> {
  const hash = createHash("sha256");
  let size = 0;
  for await (const chunk of createReadStream(file)) {
    hash.update(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  return { sha256: hash.digest("hex"), size };
}

/**
 * Unpacks an archive (already checked against its record's sha256) into the empty directory
 * `dest`, refusing escapes as for source archives; absolute links may point into `linkRoots`.
 * Returns the directory holding the tree named `id`.
 */
export async function unpackPath(
  file: string,
  compression: Compression,
  dest: string,
  linkRoots: readonly string[],
): Promise<string> {
  const tar = join(dest, "archive.tar");
  await pipeline(
    createReadStream(file),
    compression === "gzip" ? createGunzip() : createBrotliDecompress(),
    createWriteStream(tar),
  );
  const tree = join(dest, "tree");
  await mkdir(tree);
  await unpackArchive(tar, tree, { linkRoots });
  return tree;
}
