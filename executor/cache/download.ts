/** The streamed, size-capped download both http and OCI caches use. */
import { createWriteStream } from "node:fs";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ReadableStream } from "node:stream/web";
import { CacheError } from "../errors.js";

/**
 * Streams a response body to `file`, failing once more than `limit` bytes came (a cache cannot
 * fill the disk by sending more than its record says; a short body is caught by the size check).
 */
export async function saveBody(
  res: Response,
  file: string,
  limit: number,
  where: string,
): Promise<void> {
  if (!res.body) throw new CacheError(where, "empty response");
  let seen = 0;
  const cap = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      seen += chunk.length;
      if (seen > limit) cb(new CacheError(where, `more than the ${limit} bytes the record names`));
      else cb(null, chunk);
    },
  });
  await pipeline(Readable.fromWeb(res.body as ReadableStream), cap, createWriteStream(file));
}
