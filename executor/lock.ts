/**
 * Locks on a store root shared by several `pthbs` processes, possibly on several machines over a
 * network filesystem. A lock is a file holding its owner's host, pid and a random token, made by
 * writing that to a file of the owner's own and hard-linking it to the lock's name (atomic, and
 * failing when the name exists, on local filesystems and over NFS). The owner touches it every
 * `heartbeatMs`, so a lock is stale when its owner is a dead process on this host, or when it has
 * not been touched for `staleMs` (an owner on another machine that died). A stale lock is broken by
 * renaming it to a unique name (only one breaker wins) and checking the renamed file is the one
 * judged stale; if not, it is linked back.
 */
import { randomBytes } from "node:crypto";
import { link, open, readdir, readFile, rename, stat, unlink, utimes } from "node:fs/promises";
import { hostname } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { StoreError } from "./errors.js";

/** Timing of locks; tests shorten it. */
export interface LockTiming {
  /** How often a held lock is touched. */
  readonly heartbeatMs: number;
  /** Untouched this long, a lock from another host is stale. */
  readonly staleMs: number;
  /** How often a waiter retries. */
  readonly pollMs: number;
}

/** Defaults that tolerate a slow network filesystem. */
export const DEFAULT_LOCK_TIMING: LockTiming = { heartbeatMs: 5_000, staleMs: 60_000, pollMs: 100 };

/** Who holds a lock, as written in the lock file. */
interface Owner {
  readonly host: string;
  readonly pid: number;
  readonly token: string;
}

/** A held lock: release it when done (in `finally`). */
export class Lock {
  private readonly timer: NodeJS.Timeout;
  private released = false;

  private constructor(
    /** The lock file. */
    readonly path: string,
    private readonly token: string,
    timing: LockTiming,
  ) {
    this.timer = setInterval(() => {
      const now = new Date();
      utimes(path, now, now).catch(() => {});
    }, timing.heartbeatMs);
    this.timer.unref();
  }

  /** Takes the lock once, or returns undefined when someone live holds it. */
  static async tryAcquire(
    path: string,
    timing: LockTiming = DEFAULT_LOCK_TIMING,
  ): Promise<Lock | undefined> {
    const owner: Owner = {
      host: hostname(),
      pid: process.pid,
      token: randomBytes(16).toString("hex"),
    };
    // The owner is written to a file of our own first and then hard-linked into place, so that a
    // lock file always holds its owner whole: one killed between create and write would otherwise
    // be an ownerless file that only ageing (staleMs) could break.
    const own = `${path}${OWN_INFIX}${owner.host}@${owner.pid}@${owner.token}`;
    const fh = await open(own, "wx");
    try {
      await fh.writeFile(`${JSON.stringify(owner)}\n`);
      await fh.sync();
    } finally {
      await fh.close();
    }
    try {
      for (let attempt = 0; attempt < 3; attempt++) {
        try {
          await link(own, path);
          return new Lock(path, owner.token, timing);
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
        }
        if (!(await breakIfStale(path, timing))) return undefined;
      }
      return undefined;
    } finally {
      await unlink(own).catch(() => {});
    }
  }

  /** Waits until the lock is ours. */
  static async acquire(path: string, timing: LockTiming = DEFAULT_LOCK_TIMING): Promise<Lock> {
    for (;;) {
      const lock = await Lock.tryAcquire(path, timing);
      if (lock) return lock;
      await sleep(timing.pollMs);
    }
  }

  /** Gives the lock up; the file is removed only if it is still ours. */
  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    clearInterval(this.timer);
    const owner = await readOwner(this.path);
    if (owner?.token === this.token) await unlink(this.path).catch(() => {});
  }
}

async function readOwner(path: string): Promise<Owner | undefined> {
  try {
    return JSON.parse(await readFile(path, "utf8")) as Owner;
  } catch {
    return undefined;
  }
}

/** Between a lock's path and its owner's token, in the name of the file written before linking. */
const OWN_INFIX = ".own@";

/**
 * Breaks every stale lock in a directory (its owner dead on this host, or silent for `staleMs`)
 * and removes the owner files of processes killed while taking a lock. A killed process may have
 * finished its work but not released its lock; nobody else would look at that lock again.
 */
export async function breakStaleLocks(dir: string, timing: LockTiming): Promise<void> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return;
  }
  for (const n of names) {
    const path = join(dir, n);
    if (n.endsWith(".lock")) await breakIfStale(path, timing);
    else if (n.includes(`.lock${OWN_INFIX}`)) {
      // Named <lock>.own@<host>@<pid>@<token>: whose it is, even when killed before writing it.
      const [host, pid] = n.slice(n.indexOf(OWN_INFIX) + OWN_INFIX.length).split("@");
      if (host === hostname() && !processAlive(Number(pid))) await unlink(path).catch(() => {});
    }
  }
}

/** Whether a process of this host is alive (EPERM: alive, someone else's). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Whether the lock at `path` is stale; when it is, breaks it. True when the caller may retry. */
async function breakIfStale(path: string, timing: LockTiming): Promise<boolean> {
  let mtime: number;
  try {
    mtime = (await stat(path)).mtimeMs;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return true;
    throw e;
  }
  const owner = await readOwner(path);
  const old = Date.now() - mtime > timing.staleMs;
  // A lock file without a readable owner is being written: only its age makes it stale.
  const dead = owner !== undefined && owner.host === hostname() && !processAlive(owner.pid);
  if (!old && !dead) return false;
  const aside = `${path}.stale-${randomBytes(8).toString("hex")}`;
  try {
    await rename(path, aside);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return true;
    throw new StoreError(`cannot break stale lock: ${(e as Error).message}`, path);
  }
  const moved = await readOwner(aside);
  if (moved?.token !== owner?.token) {
    // Someone took the lock between our look and our rename: give it back.
    await link(aside, path).catch(() => {});
  }
  await unlink(aside).catch(() => {});
  return true;
}
