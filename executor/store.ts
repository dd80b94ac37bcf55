/**
 * The store under a root directory (docs/executor.md has the layout). A store path is in one of
 * three states: absent; being built (its lock is held); valid (its validity record exists). The
 * record is written to a temporary file and renamed into place only after the build succeeded, so
 * a build killed at any moment leaves a directory without a record: a leftover, removed by the
 * next builder that takes the path's lock.
 */
import { randomBytes } from "node:crypto";
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { homedir, hostname } from "node:os";
import { join } from "node:path";
import { isPlainPath } from "../generator/shell.js";
import { parseStoreId, type StoreId } from "../generator/store.js";
import { StoreError } from "./errors.js";
import {
  breakStaleLocks,
  DEFAULT_LOCK_TIMING,
  Lock,
  type LockTiming,
  processAlive,
} from "./lock.js";
import { makeReadOnly, removeTree } from "./permissions.js";
import { treeHash } from "./tree-hash.js";

/** What a valid store path's record says (`db/valid/<id>.json`). */
export interface ValidityRecord {
  readonly id: StoreId;
  readonly name: string;
  readonly version: string;
  /** The sha256 of the build script (the hash in the id). */
  readonly script: string;
  /** Store paths and external prefixes the script names. */
  readonly depends: readonly string[];
  /** The tree hash of the store path's contents (tree-hash.ts). */
  readonly tree: string;
  /** The binary cache the path was substituted from; absent when it was built here. */
  readonly from?: string;
}

/** The root used when neither `--root` nor `PTHBS_ROOT` is given. */
export function defaultRoot(env: Readonly<Record<string, string | undefined>>): string {
  const data = env.XDG_DATA_HOME || join(env.HOME || homedir(), ".local", "share");
  return join(data, "pthbs");
}

/** A store root and everything under it; holds no state beyond its paths. */
export class Store {
  /** Where store paths live: the `--store` the scripts must be generated for. */
  readonly storeDir: string;

  constructor(
    /** The root directory, absolute. */
    readonly root: string,
    /** Lock timing (tests shorten it). */
    readonly lockTiming: LockTiming = DEFAULT_LOCK_TIMING,
  ) {
    this.storeDir = join(root, "store");
    if (!isPlainPath(this.storeDir))
      throw new StoreError(
        "not a plain absolute path (letters, digits and . _ + -): builds paste it into flags and PATH",
        this.storeDir,
      );
  }

  /** Creates the layout (idempotent). */
  async init(): Promise<void> {
    for (const d of [
      "store",
      "db/valid",
      "db/scripts",
      "sources/sha256",
      "sources/git",
      "logs",
      "tmp",
      "locks",
      "envs",
      "db/envs",
      "profiles",
      "gcroots",
    ])
      await mkdir(join(this.root, d), { recursive: true });
  }

  /** A store path: `<root>/store/<id>`. */
  path(id: StoreId): string {
    return join(this.storeDir, id);
  }

  /** The validity record's file. */
  recordPath(id: StoreId): string {
    return join(this.root, "db", "valid", `${id}.json`);
  }

  /** A build's log file. */
  logPath(id: StoreId): string {
    return join(this.root, "logs", `${id}.log`);
  }

  /** The lock file guarding a store path (or any other key, such as a source hash). */
  lockPath(key: string): string {
    return join(this.root, "locks", `${key}.lock`);
  }

  /**
   * A fresh private directory under `tmp/`, for one build or fetch, named
   * `<label>@<host>@<pid>@<random>` so that `removeStaleTemp` knows whose it is.
   */
  async tempDir(label: string): Promise<string> {
    const name = [label, hostname(), process.pid, randomBytes(6).toString("hex")].join("@");
    const dir = join(this.root, "tmp", name);
    await mkdir(dir, { recursive: true });
    return dir;
  }

  /**
   * Removes what dead processes on this host left: their scratch directories (a killed build's
   * sources and build tree) and their locks. Directories of other hosts are left to their owners;
   * their locks break once silent for `staleMs`.
   */
  async removeStaleTemp(): Promise<void> {
    const dir = join(this.root, "tmp");
    for (const name of await readdir(dir).catch(() => [] as string[])) {
      const [, host, pid] = name.split("@");
      if (host !== hostname() || pid === undefined || processAlive(Number(pid))) continue;
      await rm(join(dir, name), { recursive: true, force: true });
    }
    await breakStaleLocks(join(this.root, "locks"), this.lockTiming);
  }

  /** Whether a store path is valid: its record exists (a plain stat, so a no-op build is fast). */
  async isValid(id: StoreId): Promise<boolean> {
    try {
      await stat(this.recordPath(id));
      return true;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") return false;
      throw e;
    }
  }

  /** The record of a valid path, or undefined. */
  async record(id: StoreId): Promise<ValidityRecord | undefined> {
    try {
      return JSON.parse(await readFile(this.recordPath(id), "utf8")) as ValidityRecord;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw new StoreError(
        `unreadable validity record: ${(e as Error).message}`,
        this.recordPath(id),
      );
    }
  }

  /** Every valid path's record, sorted by id. */
  async valid(): Promise<ValidityRecord[]> {
    const dir = join(this.root, "db", "valid");
    let names: string[];
    try {
      names = await readdir(dir);
    } catch {
      return [];
    }
    const ids = names
      .filter((n) => n.endsWith(".json"))
      .map((n) => n.slice(0, -5))
      .sort();
    const out: ValidityRecord[] = [];
    for (const id of ids) {
      if (!parseStoreId(id)) continue;
      const r = await this.record(id as StoreId);
      if (r) out.push(r);
    }
    return out;
  }

  /** Takes any lock of this root by key (a source download, a git clone), waiting for it. */
  lockFile(key: string): Promise<Lock> {
    return Lock.acquire(this.lockPath(key), this.lockTiming);
  }

  /**
   * Runs `fn` holding the root's gc lock. Whatever adds a root (a profile switch, an environment
   * about to be used) or deletes (gc) holds it; a build takes it briefly before it starts, to
   * check its dependencies are still valid and to leave its script where gc looks for builds in
   * progress.
   */
  async withGcLock<T>(fn: () => Promise<T>): Promise<T> {
    await this.init();
    const lock = await this.lockFile("gc");
    try {
      return await fn();
    } finally {
      await lock.release();
    }
  }

  /** The copy of a path's build script (`db/scripts/<id>.sh`). */
  scriptPath(id: StoreId): string {
    return join(this.root, "db", "scripts", `${id}.sh`);
  }

  /** The ids of the store paths (under this store) among a script's dependencies. */
  dependencyIds(depends: readonly { readonly path: string }[]): StoreId[] {
    const prefix = `${this.storeDir}/`;
    return depends
      .filter((d) => d.path.startsWith(prefix))
      .map((d) => d.path.slice(prefix.length) as StoreId);
  }

  /**
   * Under the path's lock, just before building: under the gc lock, checks that every dependency
   * is still valid (gc may have run since the build was planned) and writes the script's copy,
   * by which gc sees the build in progress and keeps its dependencies.
   */
  async beginBuild(
    id: StoreId,
    scriptText: string,
    dependencies: readonly StoreId[],
  ): Promise<void> {
    await this.withGcLock(async () => {
      for (const d of dependencies)
        if (!(await this.isValid(d)))
          throw new StoreError(
            "a dependency is no longer valid (removed by pthbs gc since the build was planned?): build again",
            this.path(d),
          );
      await writeFile(this.scriptPath(id), scriptText);
    });
  }

  /** Takes a store path's lock, waiting while another builder holds it. */
  lock(id: StoreId): Promise<Lock> {
    return Lock.acquire(this.lockPath(id), this.lockTiming);
  }

  /**
   * Under the path's lock: removes what a killed build left (a store path without a record, and
   * the script copy). Call before building.
   */
  async removeLeftovers(id: StoreId): Promise<void> {
    await removeTree(this.path(id));
  }

  /**
   * Under the path's lock, after a successful build: hashes the tree and writes the record
   * (temporary file, fsync, rename), which makes the path valid.
   */
  async markValid(
    record: Omit<ValidityRecord, "tree">,
    scriptText: string,
  ): Promise<ValidityRecord> {
    // Read-only first: the tree hash covers only the executable bit, so it is the same.
    await makeReadOnly(this.path(record.id));
    const full: ValidityRecord = { ...record, tree: await treeHash(this.path(record.id)) };
    await writeFile(this.scriptPath(record.id), scriptText);
    await this.writeRecord(full);
    return full;
  }

  /**
   * Under the path's lock, once its complete tree is in place (read-only) and its script copy
   * written: writes the record (temporary file, fsync, rename), which makes the path valid.
   */
  async writeRecord(full: ValidityRecord): Promise<void> {
    const tmp = `${this.recordPath(full.id)}.tmp-${process.pid}-${randomBytes(4).toString("hex")}`;
    await writeFile(tmp, `${JSON.stringify(full, null, 2)}\n`, { flush: true });
    await rename(tmp, this.recordPath(full.id));
  }

  /** Re-hashes a valid path against its record: the tree hash now, and whether it matches. */
  async verify(record: ValidityRecord): Promise<{ readonly tree: string; readonly ok: boolean }> {
    let tree: string;
    try {
      tree = await treeHash(this.path(record.id));
    } catch {
      return { tree: "missing", ok: false };
    }
    return { tree, ok: tree === record.tree };
  }

  /** Finds valid paths by id, or by package name (all its valid ids). */
  async find(nameOrId: string): Promise<ValidityRecord[]> {
    const all = await this.valid();
    return all.filter((r) => r.id === nameOrId || r.name === nameOrId);
  }
}
