/**
 * The executor's errors. Each is a `PthbsError` (the CLI prints the message and exits 1) and names
 * the file or store path it is about, so a user can go and look.
 */
import { PthbsError } from "../common/errors.js";
import type { Collision } from "./link.js";

/** A problem with a store root, a store path or its validity record. */
export class StoreError extends PthbsError {
  override readonly name = "StoreError";
  constructor(
    readonly reason: string,
    /** The path the problem is about. */
    readonly path: string,
  ) {
    super(`${path}: ${reason}`);
  }
}

/** A file whose sha256 is not the one the script declares: never used. */
export class HashMismatchError extends PthbsError {
  override readonly name = "HashMismatchError";
  constructor(
    readonly file: string,
    readonly expected: string,
    readonly actual: string,
  ) {
    super(`${file}: sha256 mismatch: expected ${expected}, got ${actual}`);
  }
}

/** A source that cannot be obtained from any place tried (each place and why it failed). */
export class FetchError extends PthbsError {
  override readonly name = "FetchError";
  constructor(
    /** The source's URL. */
    readonly url: string,
    readonly tried: readonly string[],
  ) {
    super(`cannot fetch ${url}:\n  ${tried.join("\n  ")}`);
  }
}

/** An archive with an entry that would land outside the tree it is unpacked into. */
export class UnsafeArchiveError extends PthbsError {
  override readonly name = "UnsafeArchiveError";
  constructor(
    readonly archive: string,
    /** The offending entry's name as the archive stores it. */
    readonly entry: string,
    readonly reason: string,
  ) {
    super(`${archive}: refusing entry ${JSON.stringify(entry)}: ${reason}`);
  }
}

/** A build script that exited non-zero or was killed; `log` holds its output. */
export class BuildFailedError extends PthbsError {
  override readonly name = "BuildFailedError";
  constructor(
    /** The store id of the failed build. */
    readonly id: string,
    readonly log: string,
    readonly status: string,
    /** The last lines of the log, for the message. */
    readonly tail: string,
  ) {
    super(`build of ${id} failed (${status}); log: ${log}\n${tail}`);
  }
}

/** No sandbox is available and `--no-sandbox` was not given. */
export class SandboxError extends PthbsError {
  override readonly name = "SandboxError";
}

/**
 * Members of an environment shipping one path with different content (or a directory against a
 * file). Every collision is listed, so that one run shows everything to resolve.
 */
export class CollisionError extends PthbsError {
  override readonly name = "CollisionError";
  constructor(readonly collisions: readonly Collision[]) {
    const lines = collisions.map((c) => {
      const what = c.reason === "type" ? "a directory in one, not in another" : "different content";
      return `  ${c.path}: ${c.owners.map((o) => o.name).join(", ")} (${what})`;
    });
    super(
      `${collisions.length} path${collisions.length === 1 ? "" : "s"} collide in the environment:\n` +
        `${lines.join("\n")}\n` +
        "choose an owner with --prefer NAME (the earliest listed wins), or remove one of the packages",
    );
  }
}

/**
 * A binary cache that cannot be read or written (a missing directory, an HTTP error, a registry
 * refusing an upload), or a key file that is not one.
 */
export class CacheError extends PthbsError {
  override readonly name = "CacheError";
  constructor(
    /** The cache (a directory, URL or `oci://` reference) or key file the problem is about. */
    readonly location: string,
    readonly reason: string,
  ) {
    super(`${location}: ${reason}`);
  }
}

/**
 * A store path from a binary cache refused: a record not signed by a trusted key, a bad signature,
 * an archive whose size, sha256 or tree hash is not the record's, an unsafe archive. Nothing of it
 * is left valid.
 */
export class SubstituteError extends PthbsError {
  override readonly name = "SubstituteError";
  constructor(
    /** The store id that was asked for. */
    readonly id: string,
    /** The cache it came from. */
    readonly cache: string,
    readonly reason: string,
  ) {
    super(`${id} from ${cache}: refused: ${reason}`);
  }
}
